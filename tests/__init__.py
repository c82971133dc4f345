"""The test suite, one folder per tier (see tests/conftest.py); a package so that every
tier imports the shared helpers the same way: ``from tests.support.X import ...``."""
