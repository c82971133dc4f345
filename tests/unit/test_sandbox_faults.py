"""The sandbox's fault descriptions: what is refused, and the JSON round trip (served:
tests/sandbox/test_sandbox_faults.py)."""

from __future__ import annotations

import pytest

from bw_pulumi.sandbox import Fault


@pytest.mark.parametrize(
    "kwargs",
    [
        {"kind": "explode"},
        {"kind": "status", "status": 200},
        {"kind": "status", "status": 600},
        {"kind": "delay", "seconds": -1},
        {"kind": "delay", "seconds": float("nan")},
    ],
)
def test_invalid_faults_are_refused(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        Fault(**kwargs)  # type: ignore[arg-type]


def test_fault_json_round_trip() -> None:
    fault = Fault(kind="status", status=429, retry_after="3", method="POST")
    assert Fault.from_json(fault.to_json()) == fault
    assert Fault.from_json({"kind": "status", "retry_after": 5}).retry_after == "5"
    with pytest.raises(ValueError):
        Fault.from_json({"kind": "status", "bogus": 1})
    with pytest.raises(ValueError):
        Fault.from_json({"kind": "delay", "seconds": "1"})
