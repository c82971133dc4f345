"""Bandwidth SIP credentials as Pulumi resources."""

from bw_pulumi.about import version as _version
from bw_pulumi.domain import InvalidInputError, SipHashes, compute_hashes
from bw_pulumi.provider import SipCredentialProvider, SipRealmProvider
from bw_pulumi.resource import SipCredential, SipRealm

#: pyproject.toml's version, from the installed metadata (bw_pulumi.about).
__version__ = _version()

__all__ = [
    "InvalidInputError",
    "SipCredential",
    "SipCredentialProvider",
    "SipHashes",
    "SipRealm",
    "SipRealmProvider",
    "compute_hashes",
]
