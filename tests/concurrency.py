"""Running test actions at the same moment, each on its own database connection.

Only PostgreSQL gives the threads real concurrent transactions (the tests using this skip
on SQLite). One home for the harness: a thread per action, each in its own app context
(its own session), released together, joined, its session removed."""

from __future__ import annotations

import threading
from collections.abc import Callable

from extensions import db


def at_once(app, *actions: Callable[[Callable[[], None]], object], timeout: float = 60) -> list:
    """Run every ``action(wait)`` in a thread of its own; ``wait()`` holds each one until all
    have reached it, so what comes after it runs at the same moment. Returns each action's
    result in order, or the exception it raised (its transaction rolled back)."""
    barrier = threading.Barrier(len(actions))
    results: list = [None] * len(actions)

    def wait() -> None:
        barrier.wait(timeout=10)

    def run(i: int, action) -> None:
        with app.app_context():
            try:
                results[i] = action(wait)
            except BaseException as exc:  # noqa: BLE001 (returned to the test)
                db.session.rollback()
                results[i] = exc
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=timeout)
    return results
