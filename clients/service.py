"""Clients, care needs and client absences: changes flush and are audited; the caller commits."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

import audit
from clients.models import CareNeed, Client, ClientAbsence
from extensions import db
from scheduling.expand import cancel_need_visits, reexpand_need, sync_client_visits
from scheduling.published import lock_team
from teams.models import StaffMember, Team

STAFF_LISTS = ("contact_staff", "preferred_staff", "refused_staff")


def team_clients(team_id: int) -> list[Client]:
    return list(
        db.session.scalars(sa.select(Client).where(Client.team_id == team_id).order_by(Client.name))
    )


def save_client(
    client: Client | None,
    team: Team,
    staff_ids: dict[str, list[int]],
    audited: bool = True,
    **fields: Any,
) -> Client:
    """Create or update a client; staff_ids maps contact/preferred/refused to staff ids.
    ``audited=False``: the caller logs one event for many clients (the CSV import)."""
    action = "client.update" if client else "client.create"
    client = client or Client(team=team)
    for name, value in fields.items():
        setattr(client, name, value)
    for name in STAFF_LISTS:
        setattr(client, name, _team_staff(team.id, staff_ids.get(name, [])))
    db.session.add(client)
    if audited:
        audit.log(action, client, **_without_text(fields), **staff_ids)
    return client


def _team_staff(team_id: int, ids: list[int]) -> list[StaffMember]:
    """Only staff of the client's own team can be linked to it."""
    if not ids:
        return []
    query = sa.select(StaffMember).where(StaffMember.team_id == team_id, StaffMember.id.in_(ids))
    return list(db.session.scalars(query))


def _without_text(fields: dict[str, Any]) -> dict[str, Any]:
    """Free-text notes stay out of the audit log (sensitive); the log says they changed."""
    return {k: v for k, v in fields.items() if k != "notes"} | {
        "notes_set": bool(fields.get("notes"))
    }


def save_need(need: CareNeed | None, client: Client, **fields: Any) -> CareNeed:
    """Create or update a recurring care need of a client."""
    action = "need.update" if need else "need.create"
    need = need or CareNeed(client=client)
    for name, value in fields.items():
        setattr(need, name, value)
    db.session.add(need)
    audit.log(action, need, team_id=client.team_id, client_id=client.id, **_without_text(fields))
    reexpand_need(need)  # future visits follow the need (scheduling/expand.py)
    return need


def delete_need(need: CareNeed) -> None:
    """Cancel the need's coming visits and delete it. Sent twice at the same moment, the
    second waits for the first (the team lock) and then finds nothing left to do."""
    lock_team(need.client.team_id)
    if db.session.scalar(sa.select(CareNeed.id).where(CareNeed.id == need.id)) is None:
        return  # deleted meanwhile
    audit.log("need.delete", need, team_id=need.client.team_id, client_id=need.client_id)
    cancel_need_visits(need)
    need.client.needs.remove(need)
    db.session.flush()


def add_absence(client: Client, kind: str, start_date, end_date) -> ClientAbsence:
    """Record that the client is away (hospital, short stay): no visits those days."""
    absence = ClientAbsence(client=client, kind=kind, start_date=start_date, end_date=end_date)
    db.session.add(absence)
    audit.log("client.absence", client, kind=kind, start_date=start_date, end_date=end_date)
    sync_client_visits(client)  # no visits while away (scheduling/expand.py)
    return absence


def delete_absence(absence: ClientAbsence) -> None:
    audit.log("client.absence_delete", absence.client, kind=absence.kind)
    client = absence.client
    client.absences.remove(absence)
    db.session.flush()
    sync_client_visits(client)


def import_clients(team: Team, planned: list) -> tuple[int, int]:
    """Write the clients and care needs of a checked CSV file (clients/csvimport.py) through
    save_client and save_need, so they are stored and their visits expand as from the forms.
    The clients are logged in one event, without names (needs log as from the form)."""
    clients, needs = [], []
    for item in planned:
        client = item.existing
        if client is None:
            staff_ids = {"contact_staff": item.contact_ids}
            client = save_client(None, team, staff_ids, audited=False, **item.fields)
            clients.append(client)
        needs += [save_need(None, client, **fields) for fields in item.needs]
    db.session.flush()
    audit.log(
        "clients.import",
        team,
        team_id=team.id,
        clients=len(clients),
        needs=len(needs),
        client_ids=[c.id for c in clients],
        need_ids=[n.id for n in needs],
    )
    return len(clients), len(needs)
