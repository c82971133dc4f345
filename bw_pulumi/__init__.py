"""Bandwidth SIP credentials as Pulumi resources."""

from bw_pulumi.about import version as _version
from bw_pulumi.api.errors import InvalidInputError
from bw_pulumi.provider import SipCredentialProvider, SipCredentialSetProvider, SipRealmProvider
from bw_pulumi.resource import SipCredential, SipCredentialSet, SipCredentialSetError, SipRealm
from bw_pulumi.resources.hook_errors import ProviderOperationError
from bw_pulumi.resources.sip_credential.rules import SipHashes, compute_hashes

#: pyproject.toml's version, from the installed metadata (bw_pulumi.about).
__version__ = _version()

__all__ = [
    "InvalidInputError",
    "ProviderOperationError",
    "SipCredential",
    "SipCredentialProvider",
    "SipCredentialSet",
    "SipCredentialSetError",
    "SipCredentialSetProvider",
    "SipHashes",
    "SipRealm",
    "SipRealmProvider",
    "compute_hashes",
]
