"""A kind of resource: one record holding everything a front door needs to serve it.

Both front doors (the dynamic providers of :mod:`bw_pulumi.provider` and the package
provider of :mod:`bw_pulumi.native`) serve every kind the same way, from this record alone:
its definition (the properties and their facts), the label its messages use, how they name
one instance of it, and how to build its operations from the pieces a provider shares
(:class:`Shared`). :mod:`bw_pulumi.resources.registry` lists every kind.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from bw_pulumi.resources.client import BandwidthClient
from bw_pulumi.resources.hook_errors import NameOf
from bw_pulumi.resources.lifecycle import Checked, Created, Found, Plan, Props
from bw_pulumi.resources.properties import ResourceDefinition


class Operations(Protocol):
    """A resource's lifecycle, free of any Pulumi front door (``<resource>/operations.py``)."""

    def check(self, olds: Props, news: Props) -> Checked: ...
    def diff(self, olds: Props, news: Props) -> Plan: ...
    def create(self, props: Props) -> Created: ...
    def read(self, id_: str, props: Props) -> Found: ...
    def update(self, id_: str, olds: Props, news: Props) -> Props: ...
    def delete(self, id_: str, props: Props) -> None: ...


@runtime_checkable
class Previews(Protocol):
    """Operations that know their outputs at preview better than a front door's default
    guess (the inputs, the outputs an update keeps, unknown for the rest)."""

    def preview(self, olds: Props, news: Props) -> Props:
        """The outputs a create (``olds`` empty) or an update of ``olds`` to ``news`` will
        return, as far as the inputs decide them (the rest :data:`UNKNOWN`)."""
        ...


@dataclass(frozen=True)
class Shared:
    """What a provider shares with the operations of every kind it serves.

    ``api`` builds the one API client on first use (one transport, one token, one rate-limit
    gate per provider). Each setting an operation reads is a function, called when the
    operation runs, so that it reads the provider's settings as configured by then; the
    front doors build this record with :func:`bw_pulumi.config.shared.shared_pieces`, the
    one place that knows where settings come from (so resources never import config)."""

    api: Callable[[], BandwidthClient]
    realm_wait_seconds: Callable[[], float]
    bulk_create_size: Callable[[], int]
    write_concurrency: Callable[[], int]


def _no_outputs(_inputs: Props) -> Props:
    return {}


@dataclass(frozen=True)
class Kind:
    """One resource type.

    ``label`` names it in messages ("SIP credential"); ``name_of`` names one instance from
    its properties, when they are known (see :mod:`bw_pulumi.resources.hook_errors`);
    ``operations`` builds a fresh set of its operations (their caches belong to one
    provider configuration). ``outputs_of_inputs`` gives the outputs that the checked
    inputs alone decide: the dynamic provider carries them among its checked inputs,
    because Pulumi previews a dynamic resource's outputs as its inputs and every other
    output as unknown (the package provider previews them itself).
    """

    definition: ResourceDefinition
    label: str
    name_of: NameOf
    operations: Callable[[Shared], Operations]
    outputs_of_inputs: Callable[[Props], Props] = field(default=_no_outputs)

    @property
    def name(self) -> str:
        """The type's name in the package: ``SipCredential``."""
        return self.definition.name
