"""The environment of a `pulumi` child: ours and Twilio's secrets dropped, the rest kept
(the children of real commands: tests/cli/test_child_environment.py)."""

from __future__ import annotations

from bw_pulumi.cli.stack import child_environment

SECRETS = {
    "BW_SIP_PASSWORD": "sip-password-1",
    "BW_CLIENT_SECRET": "client-secret-2",
    "BW_PASSWORD": "api-password-3",
    "TWILIO_AUTH_TOKEN": "twilio-token-4",
    "TWILIO_API_SECRET": "twilio-secret-5",
    "TWILIO_API_KEY": "SK" + "fedcba9876543210" * 2,
    "TWILIO_ACCOUNT_SID": "AC" + "0123456789abcdef" * 2,
    "bw_lower_case": "also-ours-6",
}

NEEDED = {
    "PULUMI_CONFIG_PASSPHRASE": "passphrase",
    "PULUMI_CONFIG_PASSPHRASE_FILE": "/dev/null",
    "PULUMI_BACKEND_URL": "file://~",
    "PULUMI_ACCESS_TOKEN": "pul-token",
    "AWS_PROFILE": "state-bucket",
    "HOME": "/home/someone",
}


def test_child_environment_drops_ours_and_twilios_and_keeps_the_rest() -> None:
    env = child_environment({**SECRETS, **NEEDED, "PATH": "/bin"})
    assert env == {**NEEDED, "PATH": "/bin"}
