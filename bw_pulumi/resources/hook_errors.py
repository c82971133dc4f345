"""Expected failures of a provider hook reach ``pulumi up`` as one short, complete message.

Pulumi's dynamic provider server (``pulumi/dynamic/__main__.py``, ``_abort_with_traceback``)
answers any exception a hook raises with ``context.abort(UNKNOWN, traceback.format_exc())``,
and the engine prints those details verbatim under the resource. So whatever traceback the
exception carries is what the user reads: for a wrong client secret that was 25 lines
through the client, auth and retry modules, with the one useful line last.

:func:`short_errors` wraps a hook so that an expected failure (Bandwidth refused or could
not be reached, settings are missing, an input breaks a rule) is raised afresh as a
:class:`ProviderOperationError` from the wrapped hook's own frame, so its traceback holds
no frame of the client, auth, retry or wire modules, and its message says what failed
(operation, resource) followed by the original message (for Bandwidth: HTTP status, error
codes, scrubbed description, hint). The diagnostic is then ten lines: two frames of
Pulumi's server, the hook's ``raise``, and the message. Any other exception is a bug and
passes through untouched, with its full traceback.

Apply it with one line per hook::

    class SipCredentialProvider(ResourceProvider):
        @short_errors("SIP credential")
        def create(self, props): ...
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from typing import Any, ParamSpec, TypeGuard, TypeVar

from pulumi.runtime.rpc import UNKNOWN

from bw_pulumi.api.errors import BandwidthApiError, ConfigurationError, InvalidInputError
from bw_pulumi.resources.sip_credential.rules import composite_username
from bw_pulumi.resources.sip_realm.operations import RealmWaitError

#: Failures a user can act on; their messages are complete and hold no secret.
EXPECTED_FAILURES: tuple[type[Exception], ...] = (
    BandwidthApiError,
    ConfigurationError,
    InvalidInputError,
    RealmWaitError,
)

P = ParamSpec("P")
R = TypeVar("R")
NameOf = Callable[[Mapping[str, Any]], "str | None"]


class ProviderOperationError(Exception):
    """An expected failure of a provider hook, told in one line. ``cause`` is the original.

    Users read its name at the start of that line (``bw_pulumi.ProviderOperationError:
    ...``): it is named by the package, which exports it, not by this module's path."""

    __module__ = "bw_pulumi"

    def __init__(self, message: str, cause: Exception) -> None:
        super().__init__(message)
        self.cause = cause


def credential_name(props: Mapping[str, Any]) -> str | None:
    """The composite username a SIP credential's properties describe, when known."""
    username, domain = props.get("username"), props.get("domain")
    if not _known(username) or (domain is not None and not _known(domain)):
        return None
    return composite_username(username, domain or None)


def realm_name(props: Mapping[str, Any]) -> str | None:
    """A SIP realm's short name, when known."""
    name = props.get("name")
    return name if _known(name) else None


def short_errors(
    kind: str, name_of: NameOf = credential_name
) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Decorate a provider hook: expected failures become one short message (see module).

    ``kind`` names the resource in messages ("SIP credential"); ``name_of`` reads its name
    from the hook's properties (the last mapping argument: ``news`` or ``props``). The
    resource id, when the hook has one and it differs from the name, is added.
    """

    def decorate(hook: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(hook)
        def hook_with_short_errors(*args: P.args, **kwargs: P.kwargs) -> R:
            try:
                return hook(*args, **kwargs)
            except EXPECTED_FAILURES as error:
                what = f"{hook.__name__} {describe(kind, args[1:], name_of)}"
                failure = ProviderOperationError(f"{what} failed: {error}", error)
            # Raised outside the handler: no chained context, no frames below this one.
            raise failure

        return hook_with_short_errors

    return decorate


def describe(kind: str, hook_args: Sequence[Any], name_of: NameOf) -> str:
    """``SIP credential 'bob@example.com'``, or ``SIP credential 'bob' (id 17)``."""
    id_ = hook_args[0] if hook_args and isinstance(hook_args[0], str) else ""
    props = next((arg for arg in reversed(hook_args) if isinstance(arg, Mapping)), {})
    name = name_of(props)
    if name is None:
        return f"{kind} {id_!r}" if id_ else kind
    if id_ and id_.casefold() != name.casefold():
        return f"{kind} {name!r} (id {id_})"
    return f"{kind} {name!r}"


def _known(value: object) -> TypeGuard[str]:
    return isinstance(value, str) and value != "" and value != UNKNOWN
