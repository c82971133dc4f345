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

Every hook of a provider that serves one kind of resource is wrapped once, in the
provider's base class; messages name the resource by the kind's ``label`` and ``name_of``
(:class:`~bw_pulumi.resources.kind.Kind`)::

    class KindProvider(ResourceProvider):
        kind: ClassVar[Kind]

        @short_errors
        def create(self, props): ...
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Concatenate, ParamSpec, Protocol, TypeVar

from bw_pulumi.api.errors import BandwidthApiError, ConfigurationError, InvalidInputError
from bw_pulumi.resources.lifecycle import OperationFailure, is_unknown

#: Failures a user can act on; their messages are complete and hold no secret.
EXPECTED_FAILURES: tuple[type[Exception], ...] = (
    BandwidthApiError,
    ConfigurationError,
    InvalidInputError,
    OperationFailure,
)

P = ParamSpec("P")
R = TypeVar("R")
NameOf = Callable[[Mapping[str, Any]], "str | None"]
"""Names one resource from its properties (a SIP credential's composite username), or None
while they do not tell (unknown at preview, or absent)."""


class Labelled(Protocol):
    """How messages name a kind of resource, and one resource of it."""

    @property
    def label(self) -> str: ...
    @property
    def name_of(self) -> NameOf: ...


class OfKind(Protocol):
    """A provider serving one kind of resource."""

    @property
    def kind(self) -> Labelled: ...


S = TypeVar("S", bound=OfKind)


class ProviderOperationError(Exception):
    """An expected failure of a provider hook, told in one line. ``cause`` is the original.

    Users read its name at the start of that line (``bw_pulumi.ProviderOperationError:
    ...``): it is named by the package, which exports it, not by this module's path."""

    __module__ = "bw_pulumi"

    def __init__(self, message: str, cause: Exception) -> None:
        super().__init__(message)
        self.cause = cause


def short_errors(hook: Callable[Concatenate[S, P], R]) -> Callable[Concatenate[S, P], R]:
    """Wrap a provider hook: expected failures become one short message (see module).

    The message names the hook, the provider's kind (``self.kind.label``) and the resource,
    by ``self.kind.name_of`` over the hook's properties (its last mapping argument: ``news``
    or ``props``); the resource id, when the hook has one and it differs from the name, is
    added.
    """

    @functools.wraps(hook)
    def hook_with_short_errors(self: S, /, *args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return hook(self, *args, **kwargs)
        except EXPECTED_FAILURES as error:
            what = f"{hook.__name__} {describe(self.kind.label, args, self.kind.name_of)}"
            failure = ProviderOperationError(f"{what} failed: {error}", error)
        # Raised outside the handler: no chained context, no frames below this one.
        raise failure

    return hook_with_short_errors


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


def known_text(value: object) -> str | None:
    """A property's value as a name: a non-empty string, known (not a preview's unknown)."""
    return value if isinstance(value, str) and value != "" and not is_unknown(value) else None
