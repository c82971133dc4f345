"""A fix for the Pulumi Python SDK that bw-pulumi's users would otherwise hit at scale.

pulumi/pulumi#17803 (closed without a fix): ``pulumi.dynamic.dynamic.serialize_provider``,
called once per dynamic resource, wraps ``pickle._Pickler._batch_setitems`` in a sorting
wrapper around *the previous wrapper* and never restores it. Each call adds a frame to
every later dict pickle, so serialization gets slower with every resource declared and a
program dies with ``RecursionError`` after about 985 dynamic resources. We wrap the SDK's
function so that the pickler is put back as it was after each call: the SDK's sorting still
applies during the call (its output is unchanged), and the chain never grows.
"""

from __future__ import annotations

import pickle
from typing import Any

import pulumi.dynamic.dynamic as sdk_dynamic

_MARK = "_bw_pulumi_restores_pickler"


def install() -> None:
    """Idempotent; called when bw_pulumi's resources are imported."""
    original = sdk_dynamic.serialize_provider
    if getattr(original, _MARK, False):
        return

    def serialize_provider(provider: Any) -> str:
        pickler: Any = pickle._Pickler
        saved = pickler._batch_setitems, pickler.save_dict
        try:
            result: str = original(provider)
            return result
        finally:
            pickler._batch_setitems, pickler.save_dict = saved

    setattr(serialize_provider, _MARK, True)
    sdk_dynamic.serialize_provider = serialize_provider
