"""What every tier needs. The tiers are folders, each with a conftest.py that marks its
tests (``-m unit``, ``sandbox``, ``protocol``, ``e2e``, ``cli``):

* ``unit/``: pure logic, no sockets and no subprocesses (enforced); the inner loop.
* ``sandbox/``: HTTP (or UDP) to an in-process fake: the sandbox, the fake registrar, Twilio.
* ``protocol/``: a provider plugin process driven over Pulumi's gRPC provider protocol.
* ``e2e/``: the real Pulumi CLI, with the programs and fixtures it deploys.
* ``cli/``: the ``bw-pulumi`` command line and the scripts (demo, release, SDKs).

Shared helpers live in ``support/``; its fixtures and the ``live`` marker's plumbing are
plugins loaded here."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bw_pulumi.api.rate_limit import PROCESS_GATE

pytest_plugins = ["tests.support.fixtures", "tests.support.live", "pytester"]


@pytest.fixture(autouse=True)
def _open_rate_limit_gate() -> Iterator[None]:
    """Each test starts with no rate-limit pause from an earlier one: the gate is
    process-wide, and a later sandbox may listen on an earlier one's port."""
    PROCESS_GATE.clear()
    yield
    PROCESS_GATE.clear()
