"""Load test: N simulated tablets browse the week board and claim visits against gunicorn and
PostgreSQL on loopback, then every claim the tablets saw succeed is checked in the database.

    .venv/bin/python bench/load.py --duration 120 --tablets 50      # make load
    .venv/bin/python bench/load.py --duration 15 --tablets 20       # the short form in .ci/run

A fresh database (--db, dropped and created) gets one team of as many staff as tablets, each
with a shift tomorrow, and --visits free single-staff visits tomorrow in a published plan.
Each tablet logs in as its own staff member and loops (bounded by the duration): the week
board, its own week, a random visit's page, then claims that visit (CSRF token and the
version it saw, as the browser sends them). Errors are answers >= 500, unexpected statuses
and broken connections; a refused claim (409, a rule) or a stale one (someone was first) is
an expected answer. A claim is lost if the tablet was told "Sparat" but the plan does not
hold it, unless a later claim of the same visit (one that saw a newer version) took it over.
Prints p50/p95 per kind of request and writes bench-out/load.json. Exit 1 on any error or
lost claim.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from datetime import time as clock
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DEFAULT_DB = "postgresql+psycopg://postgres@127.0.0.1:5432/teamplan_load"
PASSWORD = "load-test-pw-1"
SAVED = "Sparat."  # the Swedish flash of a saved edit
STALE = "Någon annan hann ändra besöket"
TOKEN_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
VERSION_RE = re.compile(r'name="version" type="hidden" value="(\d+)"')


# -- the database ------------------------------------------------------------------------


def fresh_database(url: str) -> None:
    import sqlalchemy as sa

    base = sa.engine.make_url(url)
    name = base.database
    admin = sa.create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    admin.dispose()


def seed(app, tablets: int, visits: int) -> dict:
    """One team: a staff member and user per tablet, free visits tomorrow, a published plan."""
    from werkzeug.security import generate_password_hash

    from clients.models import Client
    from extensions import db
    from scheduling.models import Plan, Visit
    from teams.models import Shift, StaffMember, Team, User
    from timeutil import local_today

    day = local_today() + timedelta(days=1)
    password_hash = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
    with app.app_context():
        db.create_all()
        team = Team(name="Lasttest", area="Ryd", office_lat=58.41, office_lon=15.62)
        db.session.add(team)
        db.session.flush()
        users = []
        for i in range(tablets):
            staff = StaffMember(team=team, name=f"Personal {i:02d}")
            db.session.add(staff)
            db.session.add(Shift(staff=staff, start=datetime.combine(day, clock(7)),
                                 end=datetime.combine(day, clock(21))))  # fmt: skip
            users.append(User(username=f"tablet{i:02d}", role="staff", staff_member=staff,
                              password_hash=password_hash))  # fmt: skip
        db.session.add_all(users)
        clients = [
            Client(team=team, name=f"Brukare {i:03d}", address=f"Gata {i}",
                   lat=58.40 + (i % 10) * 0.002, lon=15.60 + (i // 10) * 0.002,
                   active_from=day - timedelta(days=30))
            for i in range(max(1, visits // 4))
        ]  # fmt: skip
        db.session.add_all(clients)
        db.session.flush()
        rows = []
        for i in range(visits):
            earliest = datetime.combine(day, clock(7)) + timedelta(minutes=(i * 7) % (12 * 60))
            rows.append(Visit(team_id=team.id, client_id=clients[i % len(clients)].id, date=day,
                              earliest_start=earliest, latest_start=earliest + timedelta(hours=1),
                              duration_min=20, kind="morning"))  # fmt: skip
        db.session.add_all(rows)
        db.session.add(Plan(team_id=team.id, horizon_start=day, days=1, version=1,
                            state="published"))  # fmt: skip
        db.session.commit()
        monday = day - timedelta(days=day.weekday())
        iso = monday.isocalendar()
        return {
            "team": team.id,
            "day": day.isoformat(),
            "week": f"{iso.year}-W{iso.week:02d}",
            "visits": [v.id for v in rows],
            "users": [(u.username, u.staff_member_id) for u in users],
        }


# -- the tablets ------------------------------------------------------------------------


@dataclass
class Stats:
    lock: threading.Lock = field(default_factory=threading.Lock)
    latency: dict[str, list[float]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    outcomes: dict[str, int] = field(default_factory=dict)
    claims: list[tuple[int, int, int]] = field(default_factory=list)  # visit, staff, version

    def record(self, kind: str, seconds: float) -> None:
        with self.lock:
            self.latency.setdefault(kind, []).append(seconds)

    def count(self, outcome: str) -> None:
        with self.lock:
            self.outcomes[outcome] = self.outcomes.get(outcome, 0) + 1


class Tablet:
    """One browser: a keep-alive connection and the session cookie."""

    def __init__(self, port: int, stats: Stats):
        self.port, self.stats, self.cookie = port, stats, ""
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def request(self, kind: str, method: str, path: str, form: dict | None = None):
        headers = {"Cookie": self.cookie} if self.cookie else {}
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.perf_counter()
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
            text = response.read().decode("utf-8", "replace")
        except (OSError, http.client.HTTPException) as exc:
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            with self.stats.lock:
                self.stats.errors.append(f"{method} {path}: {exc!r}")
            return None, ""
        self.stats.record(kind, time.perf_counter() - started)
        for header, value in response.getheaders():
            if header.lower() == "set-cookie" and value.startswith("session="):
                self.cookie = value.split(";", 1)[0]
        if response.status >= 500 or response.status not in (200, 302, 409):
            with self.stats.lock:
                self.stats.errors.append(f"{method} {path}: HTTP {response.status}")
        return response, text

    def login(self, username: str) -> bool:
        _, page = self.request("login", "GET", "/login")
        token = TOKEN_RE.search(page)
        form = {"username": username, "password": PASSWORD, "csrf_token": token and token[1]}
        response, _ = self.request("login", "POST", "/login", form)
        return response is not None and response.status == 302

    def claim(self, visit_id: int, staff_id: int) -> None:
        _, page = self.request("visit", "GET", f"/visits/{visit_id}")
        token, version = TOKEN_RE.search(page), VERSION_RE.search(page)
        if not token or not version:
            self.stats.count("no_claim_form")  # e.g. the visit is already this tablet's
            return
        form = {"csrf_token": token[1], "version": version[1], "staff_id": staff_id}
        response, text = self.request("claim", "POST", f"/visits/{visit_id}/claim", form)
        if response is None:
            return
        if response.status == 409:
            self.stats.count("refused_rule")
            return
        _, text = self.request("visit", "GET", f"/visits/{visit_id}")  # follow the redirect
        if SAVED in text:
            self.stats.count("claimed")
            with self.stats.lock:
                self.stats.claims.append((visit_id, staff_id, int(version[1])))
        elif STALE in text:
            self.stats.count("stale")
        else:
            self.stats.count("other_answer")


def tablet_loop(port: int, facts: dict, index: int, deadline: float, stats: Stats) -> None:
    username, staff_id = facts["users"][index]
    rng = random.Random(index)
    tablet = Tablet(port, stats)
    if not tablet.login(username):
        with stats.lock:
            stats.errors.append(f"login failed for {username}")
        return
    board = f"/teams/{facts['team']}/board?week={facts['week']}"
    while time.monotonic() < deadline:
        tablet.request("board", "GET", board)
        time.sleep(rng.uniform(0.2, 1.0))
        if rng.random() < 0.3:
            tablet.request("my_week", "GET", f"/me/week?week={facts['week']}")
        tablet.claim(rng.choice(facts["visits"]), staff_id)
        time.sleep(rng.uniform(0.2, 1.0))
    tablet.conn.close()


# -- the server and the check -------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(port: int, db_url: str, workers: int, threads: int) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": db_url, "TEAMPLAN_ENV": "development",
           "SECRET_KEY": "load-test-secret-key-0123456789", "SCHEDULER_ENABLED": "0"}  # fmt: skip
    args = [str(ROOT / ".venv/bin/gunicorn"), "-w", str(workers), "--threads", str(threads),
            "-b", f"127.0.0.1:{port}", "--timeout", "120", "--log-level", "warning",
            "app:create_app()"]  # fmt: skip
    proc = subprocess.Popen(args, cwd=ROOT, env=env)
    for _ in range(120):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return proc
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError("gunicorn exited") from None
            time.sleep(0.5)
    proc.terminate()
    raise RuntimeError("gunicorn did not start")


def lost_claims(app, facts: dict, claims: list[tuple[int, int, int]]) -> list[tuple[int, int]]:
    """Claims told "Sparat" whose visit does not hold that staff member now (the last claim of
    each visit, by the version it saw, is the one that must be there)."""
    from datetime import date

    from extensions import db
    from scheduling import boardplan

    last: dict[int, tuple[int, int]] = {}
    for visit_id, staff_id, version in claims:
        if visit_id not in last or version > last[visit_id][1]:
            last[visit_id] = (staff_id, version)
    with app.app_context():
        plan = boardplan.current_plan(facts["team"], date.fromisoformat(facts["day"]))
        held = {(a.visit_id, a.staff_id) for a in plan.assignments} if plan else set()
        db.session.remove()
    return [(v, s) for v, (s, _version) in last.items() if (v, s) not in held]


def percentile(values: list[float], q: float) -> float:
    if len(values) < 2:
        return values[0] if values else 0.0
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def summary(stats: Stats, seconds: float, lost: list) -> dict:
    everything = [x for xs in stats.latency.values() for x in xs]
    per_kind = {
        kind: {"n": len(xs), "p50_ms": round(percentile(xs, 50) * 1000),
               "p95_ms": round(percentile(xs, 95) * 1000)}
        for kind, xs in sorted(stats.latency.items())
    }  # fmt: skip
    return {
        "seconds": round(seconds, 1),
        "requests": len(everything),
        "requests_per_s": round(len(everything) / seconds, 1),
        "p50_ms": round(percentile(everything, 50) * 1000),
        "p95_ms": round(percentile(everything, 95) * 1000),
        "errors": len(stats.errors),
        "error_samples": stats.errors[:10],
        "claims": stats.outcomes,
        "claims_verified": len({v for v, _s, _n in stats.claims}) - len(lost),
        "lost_claims": lost,
        "per_kind": per_kind,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=float, default=120.0, help="seconds of load")
    parser.add_argument("--tablets", type=int, default=50)
    parser.add_argument("--visits", type=int, default=200)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per worker")
    parser.add_argument("--db", default=os.environ.get("LOAD_DATABASE_URL", DEFAULT_DB))
    parser.add_argument("--out", default=str(ROOT / "bench-out" / "load.json"))
    args = parser.parse_args()
    if not 1 <= args.duration <= 600 or not 1 <= args.tablets <= 200:
        parser.error("duration 1-600 s and 1-200 tablets")

    fresh_database(args.db)
    from app import create_app
    from config import Config

    config = type("LoadConfig", (Config,), {"SQLALCHEMY_DATABASE_URI": args.db})
    app = create_app(config)
    facts = seed(app, args.tablets, args.visits)
    port = free_port()
    server = start_gunicorn(port, args.db, args.workers, args.threads)
    stats = Stats()
    try:
        started = time.monotonic()
        deadline = started + args.duration
        threads = [threading.Thread(target=tablet_loop, args=(port, facts, i, deadline, stats))
                   for i in range(args.tablets)]  # fmt: skip
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=args.duration + 180)
        elapsed = time.monotonic() - started
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
    lost = lost_claims(app, facts, stats.claims)
    result = summary(stats, elapsed, lost)
    result.update(tablets=args.tablets, visits=args.visits, workers=args.workers,
                  threads=args.threads)  # fmt: skip
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2))
    return 0 if result["errors"] == 0 and not lost and result["claims"].get("claimed") else 1


if __name__ == "__main__":
    sys.exit(main())
