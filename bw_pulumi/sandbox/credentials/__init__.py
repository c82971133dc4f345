"""Account-level SIP credentials (``/accounts/{account}/sipcredentials``), emulated.

``models`` (the stored credential and its fields), ``rules`` (validation and Bandwidth's
codes), ``store`` (the account's credentials and configured realms), ``xml`` (wire
shapes), ``routes`` (HTTP), ``control`` (JSON control routes).
"""
