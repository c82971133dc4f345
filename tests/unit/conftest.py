"""The unit tier: pure logic, the inner loop (``pytest tests/unit``, well under 10 s).

No sockets and no subprocesses: every test here runs with connecting, binding, sending a
datagram and starting a process replaced by an error naming the rule, and fails even if the
code under test swallows that error. A test that needs one belongs in another tier."""

from __future__ import annotations

import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NoReturn

import pytest

from tests.support import mark_items_under

HERE = Path(__file__).resolve().parent
RULE = (
    "tests/unit is pure logic: {what} is not allowed here; test it in tests/sandbox,"
    " tests/protocol, tests/cli or tests/e2e"
)


class NotInTheUnitTier(AssertionError):
    """Raised by a socket or a process started in the unit tier."""


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    mark_items_under(HERE, "unit", items)


ATTEMPTS = pytest.StashKey[list[str]]()


@pytest.fixture(autouse=True)
def _no_sockets_no_subprocesses(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    attempts = request.node.stash[ATTEMPTS] = []

    def refuse(what: str) -> Any:
        def refused(*args: object, **kwargs: object) -> NoReturn:
            attempts.append(what)
            raise NotInTheUnitTier(RULE.format(what=what))

        return refused

    for method in ("connect", "connect_ex", "bind", "sendto"):
        monkeypatch.setattr(socket.socket, method, refuse(f"socket.{method}"))
    monkeypatch.setattr(socket, "create_connection", refuse("socket.create_connection"))
    monkeypatch.setattr(subprocess, "Popen", refuse("subprocess.Popen"))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    """Fail the test itself when it tried, even if the code under test caught the error."""
    yield
    attempts = item.stash.get(ATTEMPTS, [])
    if attempts:
        pytest.fail(RULE.format(what=", ".join(sorted(set(attempts)))), pytrace=False)
