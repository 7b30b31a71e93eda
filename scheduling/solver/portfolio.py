"""A second search on the second core: two LNS runs from one start, the better plan kept.

On problems too large for the whole-horizon move, the LNS (``lns.improve``) is Python on
one core; CP-SAT, the only part that uses more, gets a few seconds of the minute. So in a
wall-clock solve with two workers or more, the start (greedy, fills, construction) is
handed to a spawned process that runs its own LNS with another search seed, one CP-SAT
worker each, until the same deadline; the better of the two plans is kept.

Why two seeds rather than one search for longer: on the bench's main instance the LNS
stalls (repeatable runs from one start: 436,500 / 250 faces at 40 s and 435,501 / 250 at
80 s), while other seeds from the same start end elsewhere (240-250 faces for seeds 0-7).
Measured in MEASURED.md, "A second search on the second core".

The child is a new Python process (``python -m scheduling.solver.portfolio``), not a
fork: the web app's solver process holds database connections that a forked child would
share, and multiprocessing's spawn would run the caller's main module again. It reads the
search pickled without its callbacks from standard input, stops at the parent's deadline
or when the parent closes its standard input (its own search ended), and writes its
objective and plan to standard output. A child that fails or is late is ignored (killed
after GRACE_S), and a cancelled run does not wait for it: the parent's plan stands, so the
result is never worse than a single search.
"""

from __future__ import annotations

import copy
import logging
import os
import pickle
import select
import subprocess
import sys
import threading
import time
from pathlib import Path

from . import lns
from .objective import weighted
from .search import Search

log = logging.getLogger(__name__)

PORTFOLIO = True
MIN_LEFT_S = 25.0  # seconds of search left, below which a second process does not pay (MEASURED.md)
GRACE_S = 3.0  # how long the parent waits for the child's plan after its own search
SEED_STEP = 1  # the child's search seed: the parent's plus this
COMMAND = (sys.executable, "-m", "scheduling.solver.portfolio")  # the child process


def due(search: Search) -> bool:
    """A second search pays: wall-clock time (repeatable runs stay one process), two
    workers or more, a problem the LNS works on in Python (not a small one, whose days
    settle, nor one for the whole-horizon move or the recover moves, whose CP-SAT models
    take every worker), and time left."""
    return (
        PORTFOLIO
        and not search.deterministic
        and search.workers >= 2
        and not search.small
        and not lns.horizon_open(search)
        and len(search.candidates) > lns.RECOVER_VISITS
        and search.left() >= MIN_LEFT_S
        and not search.stopped()
    )


def improve(search: Search) -> None:
    """``lns.improve`` here and, with another seed, in a child process; the better plan
    becomes the incumbent. Falls back to the one search when the process cannot start."""
    workers = search.workers
    search.workers = max(1, workers // 2)
    payload = pickle.dumps((_detached(search, search.seed + SEED_STEP), search.left(), time.time()))
    try:
        child = _Child(payload)
    except OSError:  # no process to be had: one search, as before
        log.warning("second search could not start", exc_info=True)
        child = None
    try:
        lns.improve(search)
    finally:
        search.workers = workers
        cancelled = bool(search.should_stop and search.should_stop())
        other = child.result(cancelled) if child is not None else None
    _adopt(search, other)


class _Child:
    """The second search's process: this module run by the same Python (never the caller's
    main module, which multiprocessing's spawn would import again), the package's folder on
    its path. Threads feed it the search (the parent searches meanwhile) and read its plan."""

    def __init__(self, payload: bytes):
        root = str(Path(__file__).resolve().parents[2])
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
        self.process = subprocess.Popen(
            list(COMMAND),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
            cwd=root,
        )
        self.out = b""
        self.feeder = threading.Thread(target=self._feed, args=(payload,), daemon=True)
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.feeder.start()
        self.reader.start()

    def _feed(self, payload: bytes) -> None:
        try:
            self.process.stdin.write(len(payload).to_bytes(8, "big") + payload)
            self.process.stdin.flush()
        except OSError:  # the child died before it read: result() finds no plan
            pass

    def _read(self) -> None:
        self.out = self.process.stdout.read()

    def result(self, cancelled: bool) -> tuple | None:
        """(objective, incumbent), or None. Told to stop (its standard input closed: it
        ends its search and sends what it has) and given GRACE_S; a cancelled run does not
        wait. The process is gone when this returns."""
        try:
            if cancelled or self.process.poll() is not None and self.process.returncode != 0:
                return None
            self.feeder.join(GRACE_S)
            self.process.stdin.close()
            self.reader.join(GRACE_S)
            if self.reader.is_alive() or self.process.wait(GRACE_S) != 0 or not self.out:
                log.warning("second search sent no plan (exit %s)", self.process.poll())
                return None
            return pickle.loads(self.out)
        except (subprocess.TimeoutExpired, pickle.UnpicklingError, EOFError, OSError):
            log.warning("second search sent no plan", exc_info=True)
            return None
        finally:
            if self.process.poll() is None:
                self.process.kill()
                self.process.wait()
            for stream in (self.process.stdin, self.process.stdout):
                try:
                    stream.close()
                except OSError:  # a write still pending to a killed child
                    pass


def _detached(search: Search, seed: int) -> Search:
    """A copy of the search to send: no callbacks (the child reports nothing and has its
    own stop), no travel cache, the child's seed."""
    other = copy.copy(search)
    other.progress = None
    other.should_stop = None
    other._travel_cache = {}
    other.seed = seed
    return other


def _adopt(search: Search, other: tuple | None) -> None:
    """The child's plan as the incumbent when it is better (its objective recounted here)."""
    if other is None:
        search.second_search = "missing"
        return
    _, incumbent = other
    before = (search.objective, search.incumbent)
    search.incumbent = dict(incumbent)
    objective = weighted(search.problem, search.counts())
    if objective < before[0]:
        search.objective = objective
        search.second_search = "child"
    else:
        search.objective, search.incumbent = before
        search.second_search = "parent"


def child_main() -> None:
    """The child process: the search from standard input (its length first), the LNS until
    the parent's deadline or until standard input closes (the parent's search ended, or the
    parent is gone), (objective, incumbent) pickled to standard output; anything else
    printed goes to standard error. A closed pipe, not a signal: it also tells a child whose
    parent died, and needs no handler in a process that runs CP-SAT."""
    out = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    sys.stdout = sys.stderr
    source = sys.stdin.buffer
    size = int.from_bytes(source.read(8), "big")
    search, left, sent = pickle.loads(source.read(size))
    remaining = left - (time.time() - sent)
    search.began = time.perf_counter() - (search.limit - remaining)
    fd = source.fileno()
    search.should_stop = lambda: bool(select.select([fd], [], [], 0)[0])  # EOF: stop
    lns.improve(search)
    out.write(pickle.dumps((search.objective, search.incumbent)))
    out.close()


if __name__ == "__main__":
    child_main()
