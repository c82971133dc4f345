"""Reading a secret (a SIP password) for a CLI command: an environment variable, standard
input, or a no-echo prompt on a terminal. Never the command line, where any user of the
machine can read it in the process list."""

from __future__ import annotations

import getpass
import os
from collections.abc import Mapping
from typing import TextIO


def read_secret(
    stdin: TextIO,
    *,
    env_var: str | None = None,
    prompt: str = "SIP password: ",
    environ: Mapping[str, str] | None = None,
) -> str:
    """The secret from ``env_var`` when it is set and not empty, else from ``stdin``.

    On a terminal, prompt without echo. From a pipe, read everything and strip one trailing
    newline (``\\n`` or ``\\r\\n``), so ``printf 'pw\\n' | ...`` and ``... < file`` both work.
    """
    env = os.environ if environ is None else environ
    if env_var is not None and env.get(env_var):
        return env[env_var]
    if stdin.isatty():
        return getpass.getpass(prompt)
    return strip_one_newline(stdin.read())


def strip_one_newline(text: str) -> str:
    for ending in ("\r\n", "\n"):
        if text.endswith(ending):
            return text[: -len(ending)]
    return text
