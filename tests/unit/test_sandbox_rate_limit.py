"""The sandbox's rate-limit mode set from Python: a bad one is refused (served:
tests/sandbox/test_sandbox_rate_limit.py)."""

from __future__ import annotations

import pytest

from bw_pulumi.sandbox import RateLimitMode, Sandbox


def test_the_python_api_refuses_a_bad_mode_too() -> None:
    with pytest.raises(ValueError, match="window_seconds"):
        RateLimitMode(1, float("nan"))
    with pytest.raises(ValueError, match="limit"):
        Sandbox().set_rate_limit(0, 1)
