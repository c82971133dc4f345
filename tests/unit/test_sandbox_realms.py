"""A realm's FQDN depends on the account, not only on its name (the realm API:
tests/sandbox/test_sandbox_realms.py)."""

from __future__ import annotations

from bw_pulumi.sandbox import Sandbox


def test_fqdn_depends_on_the_account_not_only_the_name() -> None:
    """A client cannot build the FQDN from the name and a fixed suffix."""
    fqdns = []
    for account in ("9900000", "42"):
        sb = Sandbox(account_id=account)
        fqdns.append(sb.add_realm_out_of_band("office").fqdn)
    assert fqdns[0] != fqdns[1]
    assert all(f.startswith("office-") and f.endswith(".auth.bandwidth.com") for f in fqdns)
