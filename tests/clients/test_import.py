"""CSV import of clients and care needs: formats Excel writes, every kind of bad input with
its Swedish message and row, nothing half-written, the confirm step checks again, access."""

import base64
import html
import io
import re

import pytest
import sqlalchemy as sa

from audit import AuditEvent
from clients.models import CareNeed, Client
from scheduling.models import Visit
from timeutil import local_today

HEADER = ("namn;adress;kontaktpersoner;insats;veckodagar;tid_från;tid_till;längd_min;"
          "personal;kompetens;från_datum")  # fmt: skip
ROWS = (
    "Greta Gran;Rydsvägen 10;Sara Staff A;Morgonhjälp;mån-fre;07:00;09:30;45;1;Insulin;{today}",
    "Greta Gran;Rydsvägen 10;Sara Staff A;Kvällshjälp;alla;19:00;21:00;30;2;;{today}",
    "Olle Ek;Ekgatan 2;Sara Staff A, Lena Lead A;Lunch;tis, tors;11:30;13:00;20;1;;{today}",
)


def csv_text(*rows: str, header: str = HEADER) -> str:
    today = local_today().isoformat()
    return "\r\n".join([header, *(r.format(today=today) for r in rows)]) + "\r\n"


def upload(client, team_id: int, data: bytes | str, encoding: str = "utf-8-sig"):
    if isinstance(data, str):
        data = data.encode(encoding)
    return client.post(
        f"/teams/{team_id}/clients/import",
        data={"file": (io.BytesIO(data), "brukare.csv")},
        content_type="multipart/form-data",
    )


def confirm(client, team_id: int, data: bytes):
    content = base64.b64encode(data).decode("ascii")
    return client.post(f"/teams/{team_id}/clients/import/confirm", data={"content": content})


def counts(db) -> tuple:
    return tuple(
        db.session.scalar(sa.select(sa.func.count()).select_from(model))
        for model in (Client, CareNeed, Visit, AuditEvent)
    )


def problems(response) -> list[str]:
    """The listed problems as plain text, e.g. 'Rad 4, kolumn tid_från: 25:00 är ...'."""
    page = response.get_data(as_text=True)
    block = page.split('class="flash flash-error import-problems"')[1].split("</section>")[0]
    items = re.findall(r"<li>(.*?)</li>", block, re.S)
    return [html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", i))).strip() for i in items]


@pytest.fixture
def lead(world, auth):
    auth.login("lead-a")
    return world


def test_valid_file_previews_then_imports_clients_needs_and_visits(lead, client, db):
    team = lead.team_a.id
    data = csv_text(*ROWS).encode("utf-8-sig")  # Excel's "CSV UTF-8": BOM and semicolons
    before = counts(db)
    preview = upload(client, team, data)
    assert preview.status_code == 200
    page = preview.get_data(as_text=True)
    assert "2 nya brukare och 3 insatser" in page and "Greta Gran" in page
    assert "07:00–08:45" in page  # done by 09:30 after 45 minutes: latest start 08:45
    assert counts(db) == before  # the preview writes nothing

    done = confirm(client, team, data)
    assert done.status_code == 302 and done.headers["Location"].endswith(f"/teams/{team}/clients")
    listing = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "2 brukare och 3 insatser importerade" in listing and "Olle Ek" in listing
    greta = db.session.scalar(sa.select(Client).where(Client.name == "Greta Gran"))
    assert greta.team_id == team and greta.address == "Rydsvägen 10"
    assert [s.name for s in greta.contact_staff] == ["Sara Staff A"]
    morning, evening = sorted(greta.needs, key=lambda n: n.kind != "morning")
    assert (morning.weekdays, morning.skills, str(morning.latest)) == (
        "12345",
        ["insulin"],
        "08:45:00",
    )
    assert (evening.kind, evening.weekdays, evening.staff_required) == ("evening", "1234567", 2)
    olle = db.session.scalar(sa.select(Client).where(Client.name == "Olle Ek"))
    assert len(olle.contact_staff) == 2 and olle.needs[0].weekdays == "24"
    for need in (morning, evening, *olle.needs):
        assert db.session.scalar(sa.select(sa.func.count()).where(Visit.care_need_id == need.id))


def test_imported_needs_expand_like_needs_saved_in_the_form(lead, client, db):
    team = lead.team_a.id
    data = csv_text(ROWS[0]).encode("utf-8-sig")
    upload(client, team, data)
    assert confirm(client, team, data).status_code == 302
    form = {"kind": "morning", "weekdays": ["1", "2", "3", "4", "5"], "interval_weeks": "1",
            "earliest": "07:00", "latest": "08:45", "duration_min": "45", "staff_required": "1",
            "skills": ["insulin"], "valid_from": local_today().isoformat()}  # fmt: skip
    assert client.post(f"/clients/{lead.client_a.id}/needs/new", data=form).status_code == 302
    greta = db.session.scalar(sa.select(Client).where(Client.name == "Greta Gran"))
    imported, typed = greta.needs[0], max(lead.client_a.needs, key=lambda n: n.id)

    def starts(need):
        query = sa.select(Visit.earliest_start, Visit.latest_start).where(
            Visit.care_need_id == need.id
        )
        return sorted(db.session.execute(query).all())

    assert starts(imported) and starts(imported) == starts(typed)


def test_audit_records_the_import_without_names(lead, client, db):
    data = csv_text(*ROWS).encode("utf-8-sig")
    confirm(client, lead.team_a.id, data)
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "clients.import"))
    assert event.details["clients"] == 2 and event.details["needs"] == 3
    assert event.user_id is not None and event.team_id == lead.team_a.id
    logged = str([e.details for e in db.session.scalars(sa.select(AuditEvent))])
    assert "Greta" not in logged and "Rydsvägen" not in logged and "Olle" not in logged


def test_windows_excel_cp1252_with_commas_and_swedish_letters(lead, client, db):
    text = csv_text(
        'Åsa Öberg,Storgränd 3,Sara Staff A,Dusch,"måndag, onsdag",08:00,10:00,60,1,,{today}',
        header=HEADER.replace(";", ","),
    )
    data = text.encode("cp1252")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    assert upload(client, lead.team_a.id, data).status_code == 200
    assert confirm(client, lead.team_a.id, data).status_code == 302
    asa = db.session.scalar(sa.select(Client).where(Client.name == "Åsa Öberg"))
    assert asa.address == "Storgränd 3" and asa.needs[0].weekdays == "13"
    assert asa.needs[0].kind == "shower"


def test_template_downloads_and_imports_as_it_is(lead, client, db):
    response = client.get(f"/teams/{lead.team_a.id}/clients/import/template.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.data.startswith(b"\xef\xbb\xbf")
    header, example = response.data.decode("utf-8-sig").splitlines()
    assert header.startswith("namn;adress;") and "tid_till" in header and example
    assert confirm(client, lead.team_a.id, response.data).status_code == 302
    assert db.session.scalar(sa.select(Client).where(Client.name == "Greta Exempel"))


def test_page_reachable_from_the_client_list_with_swedish_help(lead, client):
    listing = client.get(f"/teams/{lead.team_a.id}/clients").get_data(as_text=True)
    assert f"/teams/{lead.team_a.id}/clients/import" in listing
    page = client.get(f"/teams/{lead.team_a.id}/clients/import").get_data(as_text=True)
    assert "Importera brukare och insatser" in page and "Ladda ner mallen" in page
    assert 'enctype="multipart/form-data"' in page


def test_existing_client_is_extended_not_duplicated(lead, client, db):
    row = "Klient A;Storgatan 1;Sara Staff A;Lunch;mån;11:00;12:00;30;1;;{today}"
    data = csv_text(row).encode()
    assert "Finns: insatserna läggs till" in upload(client, lead.team_a.id, data).get_data(
        as_text=True
    )
    assert confirm(client, lead.team_a.id, data).status_code == 302
    found = db.session.scalars(sa.select(Client).where(Client.name == "Klient A")).all()
    assert [c.id for c in found] == [lead.client_a.id]  # extended, not duplicated
    assert sorted(n.kind for n in found[0].needs) == ["lunch", "morning"]
    assert found[0].contact_staff == [lead.staff_a]

    again = upload(client, lead.team_a.id, data)  # the same file twice: refused
    assert again.status_code == 400
    assert "Rad 2, kolumn insats: Brukaren har redan den här insatsen" in problems(again)[0]


def good(**changes) -> str:
    """The first example row with some columns changed."""
    values = dict(zip(HEADER.split(";"), ROWS[0].split(";"), strict=True)) | changes
    return ";".join(values.values())


# (rows, expected problem text). The bad row is the third data row: spreadsheet row 4.
ROW_ERRORS = [
    ({"namn": ""}, "Rad 4, kolumn namn: Värde saknas."),
    ({"tid_från": "25:00"}, "Rad 4, kolumn tid_från: 25:00 är ingen giltig tid. Skriv TT:MM"),
    ({"tid_till": "12:75"}, "Rad 4, kolumn tid_till: 12:75 är ingen giltig tid."),
    ({"tid_från": "kl sju"}, "Rad 4, kolumn tid_från: kl sju är ingen giltig tid."),
    ({"tid_från": "10:00", "tid_till": "09:00"},
     "Rad 4, kolumn tid_till: Tidsfönstret slutar innan det börjar."),
    ({"tid_från": "07:00", "tid_till": "07:30"},
     "Rad 4, kolumn tid_till: Tidsfönstret är kortare än besöket (45 min)."),
    ({"längd_min": "0"}, "Rad 4, kolumn längd_min: Ange mellan 5 och 480 minuter."),
    ({"längd_min": "-5"}, "Rad 4, kolumn längd_min: Ange mellan 5 och 480 minuter."),
    ({"längd_min": "9000", "tid_till": "23:59"},
     "Rad 4, kolumn längd_min: Ange mellan 5 och 480 minuter."),
    # More minutes than a timedelta holds (found by tests/test_fuzz.py): a 500 before.
    ({"längd_min": "99999999999999999999"},
     "Rad 4, kolumn längd_min: Ange mellan 5 och 480 minuter."),
    ({"veckodagar": "mån, fredagsmys"}, "Rad 4, kolumn veckodagar: Okänd veckodag: fredagsmys."),
    ({"kompetens": "Flygcertifikat"}, "Rad 4, kolumn kompetens: Okänt värde: Flygcertifikat."),
    ({"insats": "Dans"}, "Rad 4, kolumn insats: Okänt värde: Dans."),
    ({"kontaktpersoner": "Sara Staff B"},
     "Rad 4, kolumn kontaktpersoner: Sara Staff B finns inte bland teamets personal."),
    ({"personal": "3"}, "Rad 4, kolumn personal: Inte ett giltigt val (angivet: 3)"),
    ({"personal": "0"}, "Rad 4, kolumn personal: Inte ett giltigt val (angivet: 0)"),
    ({"från_datum": "2026-02-30"}, "Rad 4, kolumn från_datum: Inte ett giltigt datum"),
]  # fmt: skip


@pytest.mark.parametrize(("changes", "expected"), ROW_ERRORS)
def test_each_bad_value_is_named_with_row_and_column_and_nothing_is_written(
    lead, client, db, changes, expected
):
    before = counts(db)
    response = upload(client, lead.team_a.id, csv_text(ROWS[1], ROWS[2], good(**changes)))
    assert response.status_code == 400
    found = problems(response)
    assert any(p.startswith(expected) for p in found), found
    assert "Inget har importerats" in response.get_data(as_text=True)
    assert counts(db) == before


def test_duplicate_rows_are_refused(lead, client, db):
    before = counts(db)
    response = upload(client, lead.team_a.id, csv_text(ROWS[0], ROWS[1], ROWS[0]))
    assert problems(response) == ["Rad 4, kolumn insats: Samma insats som på rad 2."]
    assert counts(db) == before


def test_one_client_with_different_details_on_two_rows_is_refused(lead, client):
    other = ROWS[1].replace("Sara Staff A", "Lena Lead A")
    response = upload(client, lead.team_a.id, csv_text(ROWS[0], other))
    assert problems(response)[0].startswith(
        "Rad 3, kolumn namn: Brukarens uppgifter skiljer sig från rad 2"
    )


def test_every_problem_of_the_file_is_listed_at_once(lead, client):
    rows = (good(tid_från="25:00"), good(personal="7", namn="X"), good(veckodagar="", namn="Y"))
    found = problems(upload(client, lead.team_a.id, csv_text(*rows)))
    assert [p.split(":")[0] for p in found] == [
        "Rad 2, kolumn tid_från",
        "Rad 3, kolumn personal",
        "Rad 4, kolumn veckodagar",
    ]


FILE_ERRORS = [
    (b"", "Filen: Filen är tom."),
    (b"  \r\n\r\n", "Filen: Filen är tom."),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "Filen: Filen är ingen CSV-textfil."),
    (b"PK\x03\x04\x14\x00\x06\x00", "Filen: Filen är ingen CSV-textfil."),
    (b"namn\r\nGreta\r\n", "Filen: Hittade inga kolumner på första raden."),
    (HEADER.encode() + b"\r\n", "Filen: Filen har inga rader med insatser."),
    (HEADER.replace(";tid_till", "").encode() + b"\r\n",
     "Rubrikraden, kolumn tid_till: Kolumnen saknas."),
    ((HEADER + ";skonummer").encode() + b"\r\n", "Rubrikraden, kolumn skonummer: Okänd kolumn."),
    ((HEADER + ";namn").encode() + b"\r\n", "Rubrikraden, kolumn namn: Kolumnen finns två gånger."),
    (csv_text(ROWS[0] + ";x;y").encode(),
     "Rad 2: Raden har fler värden än det finns kolumner."),
]  # fmt: skip


@pytest.mark.parametrize(("data", "expected"), FILE_ERRORS)
def test_bad_files_are_refused_in_words(lead, client, db, data, expected):
    before = counts(db)
    response = upload(client, lead.team_a.id, data)
    assert response.status_code == 400
    assert any(p.startswith(expected) for p in problems(response)), problems(response)
    assert counts(db) == before


def test_a_file_too_large_is_refused_in_words(lead, client, db):
    before = counts(db)
    many = csv_text(*(good(namn=f"Person {i}") for i in range(2001)))
    for data in (many.encode(), b"x" * (1024 * 1024 + 1)):
        response = upload(client, lead.team_a.id, data)
        assert response.status_code == 400
        assert problems(response) == ["Filen: Filen är för stor: högst 1 MB och 2 000 rader."]
    huge = upload(client, lead.team_a.id, b"a;b\r\n" * (3 * 1024 * 1024 // 5))  # over 2 MB
    assert huge.status_code == 413
    assert problems(huge) == ["Filen: Filen är för stor: högst 1 MB och 2 000 rader."]
    assert counts(db) == before


def test_no_file_chosen(lead, client):
    response = client.post(f"/teams/{lead.team_a.id}/clients/import", data={})
    assert response.status_code == 400 and "Välj en fil att importera." in response.get_data(
        as_text=True
    )


def test_confirm_checks_the_file_again(lead, client, db):
    team = lead.team_a.id
    before = counts(db)
    tampered = csv_text(ROWS[0], good(tid_från="25:00")).encode()
    response = confirm(client, team, tampered)
    assert response.status_code == 400
    assert problems(response) == [
        "Rad 3, kolumn tid_från: 25:00 är ingen giltig tid. Skriv TT:MM, t.ex. 07:30."
    ]
    assert counts(db) == before
    not_base64 = client.post(f"/teams/{team}/clients/import/confirm", data={"content": "%%%"})
    assert not_base64.status_code == 400 and counts(db) == before

    data = csv_text(ROWS[0]).encode()
    assert confirm(client, team, data).status_code == 302
    after_first = counts(db)
    twice = confirm(client, team, data)  # e.g. the button pressed again, or the back button
    assert twice.status_code == 400 and "Brukaren har redan den här insatsen" in problems(twice)[0]
    assert counts(db) == after_first


def test_confirm_sees_changes_since_the_preview(lead, client, db):
    data = csv_text(ROWS[0]).encode()
    assert upload(client, lead.team_a.id, data).status_code == 200
    lead.staff_a.active = False  # left the team meanwhile
    db.session.commit()
    response = confirm(client, lead.team_a.id, data)
    assert response.status_code == 400
    assert "Sara Staff A finns inte bland teamets personal" in problems(response)[0]


@pytest.mark.parametrize(
    ("username", "status"), [("lead-b", 404), ("staff-a", 403), ("eval", 403), ("admin", 403)]
)
def test_only_the_teams_lead_may_import(world, auth, client, db, username, status):
    auth.login(username)
    team = world.team_a.id
    before = counts(db)
    data = csv_text(*ROWS).encode()
    assert client.get(f"/teams/{team}/clients/import").status_code == status
    assert client.get(f"/teams/{team}/clients/import/template.csv").status_code == status
    assert upload(client, team, data).status_code == status
    assert confirm(client, team, data).status_code == status
    assert counts(db) == before
