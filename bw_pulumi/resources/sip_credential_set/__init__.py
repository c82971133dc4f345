"""``SipCredentialSet``: many SIP credentials of one realm in one resource, written in
bulk (see :mod:`.operations`)."""
