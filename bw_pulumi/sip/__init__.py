"""A small SIP client: just enough to REGISTER with digest authentication and unREGISTER,
which is what ``bw-pulumi verify`` needs to prove a credential works.

No SIP library from PyPI fitted: the maintained ones are full stacks for calls and media
(PJSUA2 needs a native build; aiosipua needs Python 3.11 and targets calls), and the small
ones are unmaintained. REGISTER with digest is a few hundred lines that tests pin down
against RFC examples and a real Kamailio.
"""

from bw_pulumi.sip.register import CheckResult, Identity, Outcome, check_registration
from bw_pulumi.sip.transport import DEFAULT_PORT, TRANSPORTS, Endpoint

__all__ = [
    "DEFAULT_PORT",
    "TRANSPORTS",
    "CheckResult",
    "Endpoint",
    "Identity",
    "Outcome",
    "check_registration",
]
