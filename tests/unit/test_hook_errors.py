"""Expected provider failures become one short message; bugs keep their whole traceback."""

from __future__ import annotations

import traceback
from typing import Any

import pytest
from pulumi.runtime.rpc import UNKNOWN

from bw_pulumi.api.errors import BandwidthApiError, ConfigurationError, InvalidInputError
from bw_pulumi.resources.hook_errors import ProviderOperationError, describe, short_errors
from bw_pulumi.resources.sip_credential.kind import SIP_CREDENTIAL_KIND, credential_name


def deep_failure(error: Exception) -> None:
    """Stands in for the client, auth and retry frames below a hook."""

    def retry_layer() -> None:
        raise error

    retry_layer()


class Provider:
    kind = SIP_CREDENTIAL_KIND

    def __init__(self, error: Exception) -> None:
        self.error = error

    @short_errors
    def create(self, props: dict[str, Any]) -> str:
        deep_failure(self.error)
        return "unreachable"

    @short_errors
    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> None:
        deep_failure(self.error)

    @short_errors
    def delete(self, id_: str, props: dict[str, Any]) -> None:
        deep_failure(self.error)


def formatted(call: Any) -> str:
    """What Pulumi's dynamic provider server sends the engine: ``traceback.format_exc()``."""
    try:
        call()
    except Exception:
        return traceback.format_exc()
    raise AssertionError("the hook did not fail")


API_ERROR = BandwidthApiError(
    "POST /api/accounts/9900000/sipcredentials failed with HTTP 400 [23009]: exists; hint",
    status=400,
    codes=("23009",),
)


@pytest.mark.parametrize(
    "error",
    [
        API_ERROR,
        ConfigurationError("bandwidth:accountId is not set"),
        InvalidInputError("realm", "x"),
    ],
    ids=["api", "configuration", "input"],
)
def test_an_expected_failure_is_one_message_with_no_frame_below_the_hook(error: Exception) -> None:
    provider = Provider(error)
    text = formatted(lambda: provider.create({"username": "bob", "domain": "example.com"}))
    assert "retry_layer" not in text and "deep_failure" not in text
    lines = text.splitlines()
    assert lines[-1] == (
        f"bw_pulumi.ProviderOperationError: create SIP credential 'bob@example.com' failed: {error}"
    )
    assert "During handling" not in text and "direct cause" not in text
    frames = [line for line in lines if line.startswith('  File "')]
    ours = [frame for frame in frames if "test_hook_errors.py" not in frame]
    assert len(ours) == 1 and "bw_pulumi/resources/hook_errors.py" in ours[0]


def test_the_original_error_stays_reachable_for_code() -> None:
    with pytest.raises(ProviderOperationError) as caught:
        Provider(API_ERROR).delete("bob", {"username": "bob"})
    assert caught.value.cause is API_ERROR
    assert str(caught.value) == f"delete SIP credential 'bob' failed: {API_ERROR}"


def test_a_bug_keeps_its_full_traceback() -> None:
    text = formatted(lambda: Provider(KeyError("realm")).create({"username": "bob"}))
    assert "in retry_layer" in text and "in deep_failure" in text
    assert text.splitlines()[-1] == "KeyError: 'realm'"
    assert "ProviderOperationError" not in text


def test_update_names_the_resource_from_the_new_inputs() -> None:
    olds, news = {"username": "bob"}, {"username": "Bob"}
    with pytest.raises(ProviderOperationError, match=r"^update SIP credential 'Bob' failed"):
        Provider(API_ERROR).update("bob", olds, news)


@pytest.mark.parametrize(
    ("hook_args", "expected"),
    [
        (({"username": "bob"},), "SIP credential 'bob'"),
        (("bob@x.org", {"username": "Bob", "domain": "x.org"}), "SIP credential 'Bob@x.org'"),
        (("17", {}, {"username": "bob"}), "SIP credential 'bob' (id 17)"),
        (("17", {}), "SIP credential '17'"),
        (({}, {"username": UNKNOWN}), "SIP credential"),
    ],
)
def test_describe(hook_args: tuple[Any, ...], expected: str) -> None:
    assert describe("SIP credential", hook_args, credential_name) == expected


def test_credential_name_waits_for_unknown_domains() -> None:
    assert credential_name({"username": "bob", "domain": UNKNOWN}) is None
    assert credential_name({"username": "bob", "domain": None}) == "bob"
