"""200 credentials through the real Pulumi CLI against the sandbox's rate-limit mode
(Bandwidth's documented 429 with X-RateLimit-Reset): `pulumi up` and `pulumi destroy`
complete, every credential holds the right hashes, the limit was met many times, and no
request reached a limited endpoint before its reset."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.pulumi_stack import PulumiStack, configure_provider

from bw_pulumi import compute_hashes
from bw_pulumi.sandbox import DEFAULT_REALM, Sandbox

pytestmark = pytest.mark.e2e

PROGRAM = Path(__file__).resolve().parent / "e2e_rate_limit"
COUNT = 200
BASE = "rate-limited-Secret"
#: 20 requests per endpoint per 2 s window (a window ends on a whole second): about 10 a
#: second, which the engine's parallel creates exceed many times over.
LIMIT, WINDOW_SECONDS = 20, 2.0


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    box = Sandbox()
    with box.running(host="127.0.0.1", port=0):
        yield box


@pytest.fixture(scope="module")
def stack(sandbox: Sandbox, tmp_path_factory: pytest.TempPathFactory) -> PulumiStack:
    stack = PulumiStack(tmp_path_factory.mktemp("e2e-rate-limit"), PROGRAM)
    stack.run("stack", "init", "rate-limit")
    configure_provider(stack, sandbox)
    stack.set_config("realm", DEFAULT_REALM)
    stack.set_config("count", str(COUNT))
    stack.set_config("base", BASE, secret=True)
    return stack


def expected() -> dict[str, tuple[str, str]]:
    names = {f"rl{i:03d}": f"{BASE}-{i}" for i in range(COUNT)}
    hashes = {name: compute_hashes(name, pw, DEFAULT_REALM) for name, pw in names.items()}
    return {name: (h.hash1, h.hash1b) for name, h in hashes.items()}


def test_up_of_200_credentials_waits_for_every_reset(stack: PulumiStack, sandbox: Sandbox) -> None:
    sandbox.set_rate_limit(LIMIT, WINDOW_SECONDS)
    result = stack.run("up", "--yes", "--skip-preview")
    held = {c.user_name: (c.hash1, c.hash1b) for c in sandbox.credentials()}
    assert held == expected()
    assert len(stack.resources()) == COUNT
    stats = sandbox.rate_limit_stats
    assert stats.early == 0, stats.early_requests
    assert stats.limited >= 3  # the limit was really met, more than once
    assert "HTTP 429, rate-limited by Bandwidth until" in result.stdout
    assert "every request to /api/accounts/9900000/sipcredentials waits" in result.stdout
    stack.run("preview", "--expect-no-changes")


def test_destroy_of_200_credentials_waits_for_every_reset(
    stack: PulumiStack, sandbox: Sandbox
) -> None:
    sandbox.set_rate_limit(LIMIT, WINDOW_SECONDS)  # counters afresh
    result = stack.run("destroy", "--yes", "--skip-preview")
    assert sandbox.credentials() == []
    assert stack.resources() == {}
    stats = sandbox.rate_limit_stats
    assert stats.early == 0, stats.early_requests
    assert stats.limited >= 3
    assert "every request to /api/accounts/9900000/sipcredentials/* waits" in result.stdout
