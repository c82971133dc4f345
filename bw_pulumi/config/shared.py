"""The pieces a provider shares with every kind's operations
(:class:`~bw_pulumi.resources.kind.Shared`), read from its settings: one builder for both
front doors, so neither restates which setting an operation reads."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from bw_pulumi.config.settings import (
    ConfigLookup,
    load_bulk_create_size,
    load_realm_wait_seconds,
    load_write_concurrency,
)
from bw_pulumi.resources.client import BandwidthClient
from bw_pulumi.resources.kind import Shared


def shared_pieces(
    api: Callable[[], BandwidthClient],
    config: ConfigLookup,
    environ: Mapping[str, str] | None = None,
) -> Shared:
    """``config`` reads the provider's current settings (stack config, or an explicit
    provider's properties as ``bandwidth:<name>``); ``environ`` is their fallback (None:
    ``os.environ``)."""
    return Shared(
        api=api,
        realm_wait_seconds=lambda: load_realm_wait_seconds(config, environ),
        bulk_create_size=lambda: load_bulk_create_size(config, environ),
        write_concurrency=lambda: load_write_concurrency(config, environ),
    )
