"""pulumi/pulumi#17803: serializing dynamic providers must not get costlier per resource."""

from __future__ import annotations

import base64
import pickle
import sys

import dill
import pulumi.dynamic.dynamic as sdk_dynamic

import bw_pulumi.resource  # noqa: F401 - importing the resources installs the fix
from bw_pulumi import SipCredentialProvider, SipRealmProvider


def test_the_pickler_is_left_as_it_was_after_each_serialization() -> None:
    pickler = pickle._Pickler  # type: ignore[attr-defined]
    before = pickler._batch_setitems, pickler.save_dict
    sdk_dynamic.serialize_provider(SipCredentialProvider())
    assert (pickler._batch_setitems, pickler.save_dict) == before


def test_more_serializations_than_the_recursion_limit_allows_frames() -> None:
    """On the SDK alone this dies with RecursionError after about 985 calls."""
    blobs = {
        sdk_dynamic.serialize_provider(provider)
        for _ in range(sys.getrecursionlimit() + 100)
        for provider in (SipCredentialProvider(),)
    }
    [blob] = blobs  # deterministic: the same bytes every time
    assert type(dill.loads(base64.b64decode(blob))) is SipCredentialProvider
    realm_blob = sdk_dynamic.serialize_provider(SipRealmProvider())
    assert type(dill.loads(base64.b64decode(realm_blob))) is SipRealmProvider
