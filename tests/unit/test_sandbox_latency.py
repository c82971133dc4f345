"""The sandbox's latency setting: a bad value is refused (served:
tests/sandbox/test_sandbox_latency.py)."""

from __future__ import annotations

import pytest

from bw_pulumi.sandbox import Sandbox


@pytest.mark.parametrize("seconds", [-0.1, 60.5, float("inf"), float("nan")])
def test_a_bad_latency_is_refused(seconds: float) -> None:
    with pytest.raises(ValueError, match="latency seconds must be between 0 and 60"):
        Sandbox(latency_seconds=seconds)
