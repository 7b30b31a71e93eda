"""Every English msgid has a Swedish translation; the catalogue is used by default."""

from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent


def test_every_msgid_has_a_swedish_msgstr():
    with open(ROOT / "translations/sv/LC_MESSAGES/messages.po", "rb") as f:
        catalog = read_po(f)
    missing = [m.id for m in catalog if m.id and not m.string]
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    assert missing == [] and fuzzy == []


def test_catalogue_covers_the_source(tmp_path):
    """Run the extractor: no msgid in code or templates is missing from the catalogue."""
    from babel.messages.extract import extract_from_dir

    with open(ROOT / "translations/sv/LC_MESSAGES/messages.po", "rb") as f:
        # a plural entry's id is (singular, plural); the extractor below yields the singular
        known = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(f) if m.id}
    method_map = [("**.py", "python"), ("**.html", "jinja2")]
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None}
    found = set()
    for sub in ("teams", "clients", "followup", "scheduling", "templates"):
        for _file, _line, message, _comments, _ctx in extract_from_dir(
            ROOT / sub, method_map, keywords=keywords
        ):
            found.add(message if isinstance(message, str) else message[0])
    for module in ("ui.py", "formutil.py", "app.py"):
        from babel.messages.extract import extract_from_file

        for _line, message, _comments, _ctx in extract_from_file(
            "python", ROOT / module, keywords=keywords
        ):
            found.add(message if isinstance(message, str) else message[0])
    assert sorted(found - known) == []
