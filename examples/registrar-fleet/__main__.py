"""The Pulumi program of examples/registrar-fleet: everything is in ``fleet.py``, a module of
its own so that mypy checks it (every ``__main__.py`` under a folder whose name has a hyphen
is the same module, ``__main__``, to mypy) and tests can import its CSV reader."""

from fleet import main

main()
