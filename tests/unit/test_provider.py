"""The dynamic provider before any request: missing settings named at the first hook, and a
desired credential's repr without its password (the hooks: tests/sandbox/test_provider.py)."""

from __future__ import annotations

from typing import Any

import pulumi
import pytest
from pulumi.dynamic import ConfigureRequest
from pulumi.dynamic.config import Config

from bw_pulumi import SipCredentialProvider, SipCredentialSetError, SipCredentialSetProvider
from bw_pulumi.api.errors import ConfigurationError
from bw_pulumi.resource import _raise_if_failures
from bw_pulumi.resources.hook_errors import ProviderOperationError
from bw_pulumi.resources.lifecycle import PartialFailure
from bw_pulumi.sandbox import DEFAULT_REALM

PASSWORD = "pr0vider-test-password"


def inputs(username: str = "alice", password: str = PASSWORD, **extra: Any) -> dict[str, Any]:
    return {"username": username, "password": password, "realm": DEFAULT_REALM, **extra}


def test_missing_settings_fail_the_first_hook_naming_the_keys(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Configure runs on the first hook, which at `pulumi preview` is Check: no request."""
    for name in ("BW_ACCOUNT_ID", "BW_CLIENT_ID", "BW_CLIENT_SECRET", "BW_USERNAME", "BW_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    provider = SipCredentialProvider()
    with pytest.raises(ProviderOperationError, match="bandwidth:accountId") as caught:
        provider.configure(ConfigureRequest(Config({}, "bw-pulumi")))
    assert isinstance(caught.value.cause, ConfigurationError)
    with pytest.raises(ProviderOperationError, match="bandwidth:clientSecret"):
        provider.configure(ConfigureRequest(Config({"bandwidth:accountId": "1"}, "bw-pulumi")))


def test_desired_credential_repr_hides_the_password() -> None:
    from bw_pulumi.resources.sip_credential.operations import DesiredCredential

    assert PASSWORD not in repr(DesiredCredential.from_props(inputs()))


class PartlyFailing:
    """Operations whose writes did part of their work (as a set's do when some entries are
    refused): only the hooks the tests call."""

    def create(self, props: dict[str, Any]) -> Any:
        raise PartialFailure("1 failed", "set-1", {"usernames": {"a": "a"}, "failures": F}, ["x"])

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> Any:
        raise PartialFailure("1 failed", id_, {"usernames": {}, "failures": F}, ["x"])


F = {"b": "Bandwidth refused it [23009]"}


def test_a_partial_write_returns_the_state_to_keep_with_its_failures() -> None:
    """The dynamic server aborts a failed call and the engine keeps nothing: so the
    provider returns the state, whose ``failures`` the resource class turns into the
    ``up``'s failure."""
    provider = SipCredentialSetProvider()
    provider._ops = PartlyFailing()  # type: ignore[assignment]
    created = provider.create({"realm": DEFAULT_REALM})
    assert created.id == "set-1" and created.outs == {"usernames": {"a": "a"}, "failures": F}
    updated = provider.update("set-1", {}, {"realm": DEFAULT_REALM})
    assert updated.outs == {"usernames": {}, "failures": F}


def test_a_set_diff_names_the_entries_that_change(capsys: pytest.CaptureFixture[str]) -> None:
    """A dynamic provider's diff has no detailed diff: the line goes to stderr, which the
    CLI shows among the preview's diagnostics."""
    news = {
        "realm": DEFAULT_REALM,
        "credentials": {"desk-1": {"username": "desk1", "password": PASSWORD}},
    }
    provider = SipCredentialSetProvider()
    assert provider.diff("set-1", {"realm": DEFAULT_REALM, "credentials": {}}, news).changes
    err = capsys.readouterr().err
    assert f"SIP credential set '{DEFAULT_REALM}': credentials: 1 to create (desk-1)" in err
    assert PASSWORD not in err
    provider.diff("set-1", {"realm": DEFAULT_REALM, "credentials": {}}, {**news, "credentials": {}})
    assert capsys.readouterr().err == ""  # nothing changes: nothing said


def test_a_set_with_failures_fails_the_program_in_one_line() -> None:
    _raise_if_failures("fleet", {}, {"a": "a"})  # nothing failed: nothing raised
    with pytest.raises(SipCredentialSetError) as caught:
        _raise_if_failures("fleet", F, {"a": "a"})
    message = str(caught.value)
    assert isinstance(caught.value, pulumi.RunError)  # ends the program without a traceback
    assert "\n" not in message and message.startswith("SipCredentialSet 'fleet': 1 SIP")
    assert 'credentials["b"]: Bandwidth refused it [23009]' in message


def test_a_set_check_carries_its_usernames_for_the_preview() -> None:
    """Pulumi previews a dynamic resource's outputs as its checked inputs: ``usernames``
    rides along, known wherever an entry's username and domain are, even in a realm that
    the same ``up`` creates (unknown realm); nothing secret rides along."""
    unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
    news = {
        "realm": unknown,
        "realm_id": unknown,
        "credentials": {
            "a": {"username": "desk1", "password": PASSWORD},
            "b": {"username": unknown, "password": PASSWORD},
        },
    }
    checked = SipCredentialSetProvider().check({}, news)
    assert list(checked.failures) == []
    assert checked.inputs["usernames"] == {"a": "desk1", "b": unknown}
    assert set(checked.inputs) == {"realm", "realm_id", "credentials", "usernames"}
