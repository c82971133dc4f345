"""Where bw-pulumi's log lines go when it runs inside a Pulumi provider process.

Everything logs to the ``bw_pulumi`` logger. In the provider process, lines go to stderr
with a ``bw-pulumi:`` prefix; the Pulumi CLI shows a dynamic provider's stderr lines as
diagnostics of the stack (the "Diagnostics" section of ``pulumi up``/``preview``/
``refresh``). By default only WARNING and above are shown: retries (with the status and
the wait), rate-limit pauses, adoptions of existing credentials, and realm waits.
``bandwidth:logLevel info`` (or ``BW_PULUMI_LOG_LEVEL=info``) adds token fetches, list
pages, realm creation and re-reads after a write; ``debug`` adds nothing secret either.
No line ever holds a password, a hash, a token or an API secret: lines name methods, URL
paths, usernames and ids only.
"""

from __future__ import annotations

import logging
import sys

LOGGER_NAME = "bw_pulumi"
LEVELS = {"debug": logging.DEBUG, "info": logging.INFO, "warning": logging.WARNING}
_MARK = "_bw_pulumi_handler"


def configure_logging(level_name: str | None) -> None:
    """Send ``bw_pulumi`` log lines at ``level_name`` and above to stderr (idempotent)."""
    logger = logging.getLogger(LOGGER_NAME)
    if not any(getattr(handler, _MARK, False) for handler in logger.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("bw-pulumi: %(message)s"))
        setattr(handler, _MARK, True)
        logger.addHandler(handler)
        logger.propagate = False
    level = LEVELS.get((level_name or "warning").strip().lower())
    logger.setLevel(level if level is not None else logging.WARNING)
    if level is None:
        logger.warning(
            "bandwidth:logLevel %r is not one of %s; using warning",
            level_name,
            ", ".join(LEVELS),
        )


def notice(message: str) -> None:
    """One line for the user whatever ``bandwidth:logLevel`` says (a preview's summary of
    what changes inside a resource): ``bw-pulumi: `` and the message, on stderr, which the
    CLI shows among the diagnostics. Never pass it a secret."""
    sys.stderr.write(f"bw-pulumi: {message}\n")
    sys.stderr.flush()
