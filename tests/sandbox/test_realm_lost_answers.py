"""Realm creates whose answer is lost to a timeout, to chaos, or whose look-up fails too:
the realm operations against the sandbox, with the client's retry delays recorded."""

from __future__ import annotations

import pytest

from tests.support.fixtures import RecordingSleeper, oauth_settings

from bw_pulumi.api.errors import BandwidthApiError
from bw_pulumi.api.retry import RetryPolicy
from bw_pulumi.resources.client import BandwidthClient
from bw_pulumi.resources.sip_realm.operations import RealmOperations, Waiting
from bw_pulumi.sandbox import Fault, Sandbox


def operations(
    sandbox: Sandbox, sleeper: RecordingSleeper, policy: RetryPolicy | None = None
) -> tuple[RealmOperations, list[str]]:
    client = BandwidthClient(oauth_settings(sandbox), policy=policy, sleep=sleeper)
    warnings: list[str] = []
    waiting = Waiting(seconds=lambda: 30.0, sleep=sleeper, progress=warnings.append)
    return RealmOperations(lambda: client, waiting), warnings


def test_an_answer_lost_to_a_read_timeout_is_taken_over(
    sandbox: Sandbox, sleeper: RecordingSleeper
) -> None:
    """The sandbox commits the realm, then holds the answer past the client's read
    timeout: the client's retry is refused with 33002, and the realm is taken over."""
    ops, warnings = operations(sandbox, sleeper, RetryPolicy(read_timeout=0.3))
    sandbox.inject(Fault("after_commit", status=504, seconds=0.8, method="POST"))
    created = ops.create({"name": "office"})
    [realm] = sandbox.api_realms()
    assert created.id == realm.id and created.outputs["fqdn"] == realm.fqdn
    [warning] = warnings
    assert f"realm 'office' (id {realm.id}) was created" in warning
    assert "answer was lost" in warning and "took it over" in warning
    posts = [r.status for r in sandbox.requests if r.method == "POST" and "/realms" in r.path]
    assert posts[-1] == 400  # the retry's 33002 (the first answer never reached the client)


def test_a_lost_answer_whose_look_up_fails_too_says_how_to_take_the_realm_over(
    sandbox: Sandbox, sleeper: RecordingSleeper
) -> None:
    ops, _ = operations(sandbox, sleeper)
    sandbox.inject(Fault("delay", seconds=0, method="GET", path_contains="/realms"))  # look-up 1
    sandbox.inject(Fault("after_commit", status=500, method="POST", path_contains="/realms"))
    sandbox.inject(Fault("status", status=500, method="GET", path_contains="/realms"))  # look-up 2
    with pytest.raises(BandwidthApiError) as caught:
        ops.create({"name": "office"})
    message = str(caught.value)
    assert "may have created realm 'office' anyway" in message
    assert "adopt=True" in message and "pulumi import" in message


def test_a_refusal_that_created_nothing_is_reported_as_is(
    sandbox: Sandbox, sleeper: RecordingSleeper
) -> None:
    ops, warnings = operations(sandbox, sleeper)
    sandbox.inject(Fault("status", status=400, method="POST", path_contains="/realms"))
    with pytest.raises(BandwidthApiError) as caught:
        ops.create({"name": "office"})
    assert caught.value.status == 400 and warnings == []
    assert sandbox.api_realms() == []


def test_realms_created_and_deleted_under_chaos_end_as_declared(
    sandbox: Sandbox, sleeper: RecordingSleeper
) -> None:
    ops, _ = operations(sandbox, sleeper)
    sandbox.add_realm_out_of_band("main", default=True)
    sandbox.set_chaos(seed=16, unavailable=0.3, lost=0.4)
    created = {name: ops.create({"name": name}) for name in ("r1", "r2", "r3", "r4", "r5")}
    for name in ("r1", "r2"):
        ops.delete(created[name].id, {"name": name})
    assert sandbox.chaos_injected["lost"] > 0
    held = {r.name: r.id for r in sandbox.api_realms()}
    assert held == {"main": held["main"], **{n: created[n].id for n in ("r3", "r4", "r5")}}
