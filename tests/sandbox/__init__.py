"""Tests of one tier; see tests/conftest.py."""
