"""Running a set's requests side by side, on a bounded number of threads, so that one
failure never loses the others' results (they are the state)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Hashable, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from bw_pulumi.api.errors import BandwidthApiError, ConfigurationError, InvalidInputError

#: Failures a user can act on; their messages are complete and hold no secret.
EXPECTED = (BandwidthApiError, ConfigurationError, InvalidInputError)
K = TypeVar("K", bound=Hashable)
_log = logging.getLogger("bw_pulumi")


def run_parallel(
    tasks: Mapping[K, Callable[[], Any]], concurrency: int
) -> dict[K, tuple[Any, Exception | None]]:
    """Run each task on at most ``concurrency`` threads; every task's result or error.
    Every request goes through the client's transport, so a 429 closes the process-wide
    rate-limit gate and every thread here waits at it."""
    if not tasks:
        return {}
    workers = min(concurrency, len(tasks))
    with ThreadPoolExecutor(workers, thread_name_prefix="bandwidth-set") as pool:
        futures = {key: pool.submit(guarded, task) for key, task in tasks.items()}
        return {key: future.result() for key, future in futures.items()}


def guarded(task: Callable[[], Any]) -> tuple[Any, Exception | None]:
    """A task's result, or the exception it raised: one failure must not lose the others'
    results (which are the state). An unexpected exception is a bug: logged with its
    traceback at DEBUG, and reported by type."""
    try:
        return task(), None
    except EXPECTED as error:
        return None, error
    except Exception as error:  # kept per entry: see the docstring
        _log.debug("unexpected error in a SIP credential set task", exc_info=True)
        return None, error


def reason(error: Exception) -> str:
    if isinstance(error, EXPECTED):
        return str(error)
    return f"unexpected {type(error).__name__} (a bug in bw-pulumi; run with debug logs)"
