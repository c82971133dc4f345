"""What the benchmark's stacks declare: names, usernames, passwords and the floor's no-op
resource.

Shared by the Pulumi program (``bench/program``), the dynamic provider process (which
unpickles :class:`NoOpProvider` by reference, so ``bench`` must be importable there too:
the harness puts the repository on ``PYTHONPATH``) and the harness, which checks the
hashes the sandbox holds against the same passwords.

**Passwords.** Each credential's password is derived in the program from one secret seed,
``HMAC-SHA256(seed, resource name)``, not read from its own secret config value. Setting
1,500 secret config values takes 1,500 CLI calls; one secret JSON object holding them all
grows with N, is decrypted whole by every program run, and must be rewritten whole to
rotate. A seed is one small value, the derivation is stable (an unchanged seed gives the
same passwords, so a no-change run sees no change) and costs microseconds, and rotating
every password is one ``pulumi config set --secret``. HMAC suffices as the KDF because
the seed is random and long: there is nothing to slow down a guess against.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from typing import Any

import pulumi
from pulumi.dynamic import (
    CheckResult,
    CreateResult,
    DiffResult,
    ReadResult,
    Resource,
    ResourceProvider,
    UpdateResult,
)

from bw_pulumi import sdk_fixes

# Without it the floor's program, like any with ~985 dynamic resources, dies in the SDK
# (pulumi/pulumi#17803): the floor must be the engine's, not the SDK bug's.
sdk_fixes.install()

PASSWORD_CHARACTERS = 24
#: The properties of a SipCredential that the engine carries, so that the floor moves the
#: same shape of state as ours.
SECRET_OUTPUTS = ["password", "hash1", "hash1b"]
_PROVIDER_KEY = "__provider"


#: Each stack's SIP usernames start differently: the dynamic and native stacks share one
#: sandbox account, and the same username in both would be one credential (adopted by
#: whichever stack came second, deleted by whichever destroyed first).
USERNAME_PREFIXES = {"dynamic": "bench", "native": "native", "floor": "floor", "set": "set"}
#: The set benchmark's "one entry changed" phase: the first entry's password is derived
#: with this suffix on the seed (config ``changeFirst``), every other entry's unchanged.
CHANGED_SUFFIX = "/changed"


def resource_name(index: int) -> str:
    """The resource's name in every stack: ``bench00042``."""
    return f"bench{index:05d}"


def sip_username(stack: str, index: int) -> str:
    """``bench00042`` in the dynamic stack, ``native00042`` in the native one."""
    return f"{USERNAME_PREFIXES[stack]}{index:05d}"


def password_at(seed: str, name: str, index: int, change_first: bool) -> str:
    """The password of entry ``index``: :func:`derive_password`, the first one from a
    changed seed when ``change_first`` (one entry changed, the rest as they were)."""
    changed = change_first and index == 0
    return derive_password(seed + CHANGED_SUFFIX if changed else seed, name)


def derive_password(seed: str, name: str) -> str:
    digest = hmac.new(seed.encode("utf-8"), name.encode("utf-8"), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii")[:PASSWORD_CHARACTERS]


class NoOpProvider(ResourceProvider):
    """The engine's floor: every hook answers at once from its arguments, no I/O."""

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        return CheckResult(news, [])

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        changed = [
            key for key, value in news.items() if key != _PROVIDER_KEY and olds.get(key) != value
        ]
        return DiffResult(changes=bool(changed), replaces=[], delete_before_replace=False)

    def create(self, props: dict[str, Any]) -> CreateResult:
        return CreateResult(props["username"], _outputs(props))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        return ReadResult(id_, props)

    def update(self, _id: str, _olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        return UpdateResult(_outputs(news))

    def delete(self, _id: str, _props: dict[str, Any]) -> None:
        return None


def _outputs(props: dict[str, Any]) -> dict[str, Any]:
    return {**props, "composite_username": props["username"], "hash1": "-", "hash1b": "-"}


class NoOpResource(Resource, module="bench", name="NoOp"):
    """A resource with a SipCredential's inputs whose provider does nothing."""

    def __init__(
        self,
        name: str,
        *,
        username: pulumi.Input[str],
        password: pulumi.Input[str],
        realm: pulumi.Input[str],
    ) -> None:
        props: dict[str, Any] = {
            "username": username,
            "password": pulumi.Output.secret(password),
            "realm": realm,
            "composite_username": None,
            "hash1": None,
            "hash1b": None,
        }
        options = pulumi.ResourceOptions(additional_secret_outputs=SECRET_OUTPUTS)
        super().__init__(NoOpProvider(), name, props, options)
