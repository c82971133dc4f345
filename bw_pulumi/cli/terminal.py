"""Text from a server made safe to print on a terminal.

A registrar's reason phrase or a Twilio error message is the server's text: an ANSI escape
sequence in it can move the cursor, erase a line or set the window title, and a CR or LF
starts a new line, so a server could forge lines of our output ("authenticated"). Pure.
"""

from __future__ import annotations

import re

#: ANSI/ECMA-48 escape sequences (7-bit and 8-bit forms): CSI (``ESC [`` ... final byte);
#: OSC, DCS, SOS, PM and APC strings up to their terminator (or the end of the text); and
#: the other two-byte ESC sequences.
_ESCAPE_SEQUENCE = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?"
    r"|(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f]).*?(?:\x07|\x1b\\|\x9c|$)"
    r"|\x1b[ -/]*[0-~]?",
    re.DOTALL,
)
#: What is left to neutralise: C0 controls (CR, LF, TAB, BEL, ...), DEL, C1 controls, the
#: Unicode line and paragraph separators, and the bidirectional overrides that reorder text.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """``text`` on one line with no escape sequence: sequences are removed and every other
    control character becomes a space."""
    return _CONTROL.sub(" ", _ESCAPE_SEQUENCE.sub("", text))
