"""Browser tests: the app in a subprocess on a free port with a fresh SQLite file, and a
headless Chromium at tablet size (768 x 1024). Skipped when Chromium or Playwright is missing,
unless E2E_REQUIRED=1 (CI), which turns the skip into an error.
"""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]

try:
    from playwright.sync_api import sync_playwright
except ImportError:  # pragma: no cover
    sync_playwright = None


def pytest_collection_modifyitems(config, items):
    reason = None
    if sync_playwright is None:
        reason = "e2e: the playwright package is not installed"
    elif not os.path.exists(CHROMIUM):
        reason = f"e2e: no Chromium at {CHROMIUM} (apt-get install -y chromium)"
    if reason and os.environ.get("E2E_REQUIRED") == "1":
        raise pytest.UsageError(f"{reason}; E2E_REQUIRED=1 makes the browser tests mandatory")
    if reason:
        for item in items:
            if "tests/e2e" in str(item.fspath):
                item.add_marker(pytest.mark.skip(reason=reason))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    """The seeded app; yields (base url, facts about the seeded data)."""
    tmp = tmp_path_factory.mktemp("e2e")
    port = free_port()
    facts = tmp / "facts.json"
    env = {**os.environ, "SOLVER_TIME_LIMIT_S": "6", "TEAMPLAN_ENV": "development"}
    env.pop("DATABASE_URL", None)
    log = open(tmp / "server.log", "w")
    args = [sys.executable, "-m", "tests.e2e.server", "--db", str(tmp / "e2e.db"),
            "--port", str(port), "--facts", str(facts)]  # fmt: skip
    proc = subprocess.Popen(args, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_for(base, facts, proc, tmp / "server.log")
        yield base, json.loads(facts.read_text())
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def _wait_for(base: str, facts: Path, proc, log: Path, timeout_s: int = 240) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"e2e server exited:\n{log.read_text()[-3000:]}")
        if facts.exists() and facts.stat().st_size:
            try:
                urllib.request.urlopen(f"{base}/login", timeout=2)
                return
            except OSError:
                pass
        time.sleep(0.5)
    raise RuntimeError("e2e server did not start in time")


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def tablet(browser):
    """A fresh page at tablet portrait size, Swedish."""
    context = browser.new_context(viewport={"width": 768, "height": 1024}, locale="sv-SE")
    page = context.new_page()
    page.set_default_timeout(20000)
    yield page
    context.close()


def shot(page, name: str, full_page: bool = True) -> Path:
    SHOTS.mkdir(exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


def login(page, base: str, username: str, password: str = "demo") -> None:
    page.goto(f"{base}/login")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("main button[type=submit]")
    page.wait_for_load_state()
