"""Issue 16's acceptance run: every production fault at once, through the real Pulumi CLI.

A realm, 100 realm-scoped and 100 account-level credentials go through `up`, a rotation of
every password, `refresh`, a quiet `preview` and `destroy`, while the sandbox at the same
time:

* rate-limits every endpoint as Bandwidth documents (429, empty body, X-RateLimit-Reset);
* answers a share of the writes 503 before processing, and loses the answer to another
  share (504 after the commit), on every write kind (chaos mode, seeded);
* lets someone else delete other credentials of the same account, listed before ours,
  while our refresh walks the list pages (the offset shift that once dropped living
  credentials from the state).

Every command succeeds on its first run. After each one the Pulumi state is exactly what
Bandwidth holds: no orphan, no duplicate, the hashes of the declared passwords. No request
reached a rate-limited endpoint before its reset.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.pulumi_stack import PulumiStack

from bw_pulumi import compute_hashes
from bw_pulumi.sandbox import DEFAULT_REALM, Sandbox, StoredCredential

pytestmark = pytest.mark.e2e

PROGRAM = Path(__file__).resolve().parent / "e2e_chaos"
ACCOUNT_COUNT = 100
REALM_COUNT = 100
#: Someone else's credentials, listed before ours (the sandbox lists by name): 600 fill
#: the first list page and push ours onto the second.
OTHERS = 600
#: As the rate-limit e2e test: 20 requests per endpoint per 2 s window.
LIMIT, WINDOW_SECONDS = 20, 2.0


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    box = Sandbox()
    box.add_realm_out_of_band("main", default=True)
    for i in range(OTHERS):
        box.put_credential(StoredCredential(f"other{i:04d}", None, "0" * 32, "1" * 32))
    with box.running(host="127.0.0.1", port=0):
        yield box


@pytest.fixture(scope="module")
def stack(sandbox: Sandbox, tmp_path_factory: pytest.TempPathFactory) -> PulumiStack:
    stack = PulumiStack(tmp_path_factory.mktemp("chaos"), PROGRAM, "bw-e2e-chaos")
    stack.run("stack", "init", "chaos")
    for key, value in {
        "bandwidth:accountId": sandbox.account_id,
        "bandwidth:clientId": sandbox.config.client_id,
        "bandwidth:apiUrl": sandbox.base_url,
        "bandwidth:oauthUrl": sandbox.token_url,
        "bandwidth:realmWaitSeconds": "60",
        "accountCount": str(ACCOUNT_COUNT),
        "realmCount": str(REALM_COUNT),
        "bridgeRealm": DEFAULT_REALM,
    }.items():
        stack.set_config(key, value)
    stack.set_config("bandwidth:clientSecret", sandbox.config.client_secret, secret=True)
    stack.set_config("seed", "chaos-seed-1", secret=True)
    sandbox.set_rate_limit(LIMIT, WINDOW_SECONDS)
    sandbox.set_chaos(seed=16, unavailable=0.05, lost=0.05)
    return stack


def ours(sandbox: Sandbox) -> list[StoredCredential]:
    return [c for c in sandbox.credentials() if not c.user_name.startswith("other")]


def hashes(username: str, password: str, realm: str) -> tuple[str, str]:
    computed = compute_hashes(username, password, realm)
    return computed.hash1, computed.hash1b


def assert_state_is_what_bandwidth_holds(stack: PulumiStack, sandbox: Sandbox, seed: str) -> None:
    [realm] = [r for r in sandbox.api_realms() if r.name == "chaos"]
    [state_realm] = stack.resources("SipRealm").values()
    assert state_realm["id"] == realm.id
    in_realm = sandbox.realm_credentials(realm.id)
    scoped = {c.user_name: (c.id, c.hash1, c.hash1b) for c in in_realm}
    account = {c.user_name: (c.hash1, c.hash1b) for c in ours(sandbox)}
    assert len(in_realm) == REALM_COUNT, "a duplicate or a missing realm-scoped credential"
    assert {user: (h1, h1b) for user, (_, h1, h1b) in scoped.items()} == {
        f"phone{i}": hashes(f"phone{i}", f"{seed}-phone-{i}", realm.fqdn)
        for i in range(REALM_COUNT)
    }
    assert account == {
        f"trunk{i}": hashes(f"trunk{i}", f"{seed}-trunk-{i}", DEFAULT_REALM)
        for i in range(ACCOUNT_COUNT)
    }
    in_state = {name: r["id"] for name, r in stack.resources().items()}
    assert in_state == {
        **{user: f"{realm.id}/{cid}" for user, (cid, *_) in scoped.items()},
        **{user: user for user in account},
    }


def assert_no_early_request(sandbox: Sandbox) -> None:
    stats = sandbox.rate_limit_stats
    assert stats.early == 0, stats.early_requests


def test_up_under_every_fault(stack: PulumiStack, sandbox: Sandbox) -> None:
    stack.run("up", "--yes", "--skip-preview")
    assert_state_is_what_bandwidth_holds(stack, sandbox, "chaos-seed-1")
    assert_no_early_request(sandbox)


def test_rotation_under_every_fault(stack: PulumiStack, sandbox: Sandbox) -> None:
    stack.set_config("seed", "chaos-seed-2", secret=True)
    stack.run("up", "--yes", "--skip-preview")
    assert_state_is_what_bandwidth_holds(stack, sandbox, "chaos-seed-2")
    assert_no_early_request(sandbox)


def test_refresh_while_someone_deletes_other_credentials(
    stack: PulumiStack, sandbox: Sandbox
) -> None:
    # 300 of the others go as our first list page is served, and more from a thread.
    sandbox.start_concurrent_deleter(
        prefix="other", limit=OTHERS // 2 + 100, per_page=OTHERS // 2, every_seconds=0.1
    )
    stack.run("refresh", "--yes", "--skip-preview")
    deleted = sandbox.stop_concurrent_deleter()
    assert len(deleted) >= OTHERS // 2
    assert_state_is_what_bandwidth_holds(stack, sandbox, "chaos-seed-2")
    stack.run("preview", "--expect-no-changes")
    assert_no_early_request(sandbox)


def test_destroy_under_every_fault(stack: PulumiStack, sandbox: Sandbox) -> None:
    stack.run("destroy", "--yes", "--skip-preview")
    assert [r.name for r in sandbox.api_realms()] == ["main"]
    assert ours(sandbox) == []
    assert stack.resources() == {} and stack.resources("SipRealm") == {}
    assert_no_early_request(sandbox)
    stats, injected = sandbox.rate_limit_stats, sandbox.chaos_injected
    assert stats.limited > 0, "the rate limit was never met: the test proves nothing"
    assert injected["unavailable"] > 0 and injected["lost"] > 0, injected
