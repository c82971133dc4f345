"""The realms API and realm-scoped credentials (the SIP Registrar flow), emulated.

``models`` (records, settings), ``rules`` (validation, codes and the choices made there),
``table`` (stored realms, lookup, ids), ``store`` (the API's operations, timing, read lag;
its docstring records the sandbox's choices), ``out_of_band`` (dashboard-like changes for
tests), ``xml`` (wire shapes), ``routes`` (HTTP; status-code choices), ``control`` (JSON
control routes). Field rules of credentials are the account-level ones
(``credentials/rules.py``).
"""
