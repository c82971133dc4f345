"""Bandwidth SIP credentials as Pulumi resources."""

from bw_pulumi.domain import InvalidInputError, SipHashes, compute_hashes
from bw_pulumi.provider import SipCredentialProvider
from bw_pulumi.resource import SipCredential

__all__ = [
    "InvalidInputError",
    "SipCredential",
    "SipCredentialProvider",
    "SipHashes",
    "compute_hashes",
]
