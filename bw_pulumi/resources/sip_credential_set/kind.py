"""The SIP credential set as a kind of resource: what both front doors need to serve it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bw_pulumi.resources.hook_errors import known_text
from bw_pulumi.resources.kind import Kind, Operations, Shared
from bw_pulumi.resources.lifecycle import Checked, Created, Found, PartialFailure, Props
from bw_pulumi.resources.sip_credential_set.definition import SIP_CREDENTIAL_SET
from bw_pulumi.resources.sip_credential_set.operations import SipCredentialSetOperations
from bw_pulumi.resources.sip_credential_set.outcome import SetOutcome
from bw_pulumi.resources.sip_credential_set.rules import SetPlan
from bw_pulumi.resources.sip_credential_set.state import previewed


def set_name(props: Mapping[str, Any]) -> str | None:
    """A set is named by its realm (its entries are named in the messages themselves)."""
    realm = known_text(props.get("realm"))
    return f"in {realm}" if realm else None


class SetKindOperations:
    """The set's operations as every kind's (:class:`~bw_pulumi.resources.kind.Operations`):
    a create or update that failed for some entries raises
    :class:`~bw_pulumi.resources.lifecycle.PartialFailure` carrying the state to keep."""

    def __init__(self, operations: SipCredentialSetOperations) -> None:
        self.operations = operations

    def check(self, olds: Props, news: Props) -> Checked:
        return self.operations.check(olds, news)

    def diff(self, olds: Props, news: Props) -> SetPlan:
        return self.operations.diff(olds, news)

    def preview(self, olds: Props, news: Props) -> Props:
        return self.operations.preview(olds, news)

    def create(self, props: Props) -> Created:
        outcome = self.operations.create(props)
        _raise_partial(outcome)
        return Created(outcome.id, outcome.outputs)

    def read(self, id_: str, props: Props) -> Found:
        return self.operations.read(id_, props)

    def update(self, id_: str, olds: Props, news: Props) -> Props:
        outcome = self.operations.update(id_, olds, news)
        _raise_partial(outcome)
        return outcome.outputs

    def delete(self, id_: str, props: Props) -> None:
        self.operations.delete(id_, props)


def usernames_of_inputs(inputs: Props) -> Props:
    """``usernames``, which the entries alone decide (unknown per entry where its username
    is): carried among a dynamic provider's checked inputs, so that a preview of a password
    change shows an exported ``usernames`` as known, not as changing. Nothing secret: the
    hashes, which the inputs decide too, would then sit in the state's inputs in clear."""
    usernames = previewed({}, inputs)["usernames"]
    return {"usernames": usernames} if isinstance(usernames, Mapping) else {}


def _raise_partial(outcome: SetOutcome) -> None:
    if outcome.failures:
        raise PartialFailure(outcome.message(), outcome.id, outcome.outputs, outcome.reasons())


def set_operations(shared: Shared) -> Operations:
    return SetKindOperations(
        SipCredentialSetOperations(
            shared.api, batch_size=shared.bulk_create_size, concurrency=shared.write_concurrency
        )
    )


SIP_CREDENTIAL_SET_KIND = Kind(
    definition=SIP_CREDENTIAL_SET,
    label="SIP credential set",
    name_of=set_name,
    operations=set_operations,
    outputs_of_inputs=usernames_of_inputs,
)
