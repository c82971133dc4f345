"""What a write of a SIP credential set returns: the state of every entry that exists at
Bandwidth, and the keys that failed with their reasons.

Partial failure must lose nothing. So a create or update never raises for a refused
entry (a duplicate, an invalid entry, a 5xx on one request after its retries): it
returns a :class:`SetOutcome` whose ``outputs`` are the set as it now stands at Bandwidth
(an entry whose create failed is absent; one whose update or delete failed keeps its old
values; an old credential a replace could not delete is kept in ``retired``) and whose
``failures`` name each failed key. Those outputs, stored as the state, make the next
diff plan exactly the failed work again: nothing is created twice, nothing is left behind.

The front doors turn a non-empty ``failures`` into the failure of the ``up`` *after* the
state is saved: the package provider returns the outputs through Pulumi's
initialization-failure mechanism (``reasons`` = :meth:`SetOutcome.reasons`); the dynamic
provider returns them as the result (``failures`` is an output) and the resource class
fails the program when that output is not empty (:meth:`SetOutcome.message`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bw_pulumi.api.errors import BandwidthApiError
from bw_pulumi.resources.lifecycle import Props
from bw_pulumi.resources.sip_credential_set.rules import entry_path

#: Keys a one-line message names before it says "and N more".
SHOWN_FAILURES = 5


@dataclass(frozen=True)
class SetOutcome:
    """``id``: the set's resource id. ``outputs``: its state (``failures`` included, as an
    output). ``failures``: key -> reason (scrubbed: no password or hash), empty when every
    entry succeeded."""

    id: str
    outputs: Props = field(repr=False)  # passwords and hashes
    failures: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.failures

    def reasons(self) -> list[str]:
        """One line per failed key, for an initialization failure's ``reasons``."""
        return [f"{entry_path(key)}: {why}" for key, why in sorted(self.failures.items())]

    def message(self) -> str:
        """One line: how many failed, the first few keys and reasons, what to do."""
        return failure_message(self.failures, len(self.outputs.get("usernames") or {}))


def failure_message(failures: dict[str, str], held: int, *, deleting: bool = False) -> str:
    """``held``: the entries the set holds after the operation (before it, for a delete)."""
    lines = [f"{entry_path(key)}: {why}" for key, why in sorted(failures.items())]
    shown = "; ".join(lines[:SHOWN_FAILURES])
    more = f"; and {len(lines) - SHOWN_FAILURES} more" if lines[SHOWN_FAILURES:] else ""
    if deleting:
        return (
            f"{len(failures)} of {held} SIP credential(s) of the set could not be deleted:"
            f" {shown}{more}. The others are gone; run the delete again: it skips them"
        )
    return (
        f"{len(failures)} SIP credential(s) of the set failed ({held} held): {shown}{more}."
        " The others are saved; fix the cause and run `pulumi up` again: it sends only these"
    )


class SetOperationError(BandwidthApiError):
    """Some entries of a set could not be deleted (a delete cannot return partial state:
    the set stays in the state, and deleting it again skips what is already gone)."""

    def __init__(self, message: str, failures: dict[str, str]) -> None:
        super().__init__(message)
        self.failures = failures
