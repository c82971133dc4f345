"""The generated Python SDK's SipCredentialSet, run under Pulumi's mocks in a process of its
own (mocks are process-wide): what it sends the engine is what the package provider
expects, entry fields in camelCase whichever way they are written, the user's keys as
written, the map secret."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from pulumi.runtime import rpc

REPO = Path(__file__).resolve().parents[2]
APP_ID = "0d4d5b46-8a5b-4a8e-9c56-1d1f1b0c3d11"

PROGRAM = f"""
import json, sys
sys.path.insert(0, {str(REPO / "sdk" / "python")!r})
import pulumi

sent = {{}}


class Mocks(pulumi.runtime.Mocks):
    def new_resource(self, args):
        sent.update(args.inputs)
        return [args.name + "-id", args.inputs]

    def call(self, args):
        return {{}}


pulumi.runtime.set_mocks(Mocks(), preview=False)
import pulumi_bandwidth as bandwidth

fleet = bandwidth.SipCredentialSet(
    "fleet",
    realm="r.example.com",
    credentials={{
        "desk_phone_1": {{
            "username": "desk", "password": "pw", "http_voice_v2_app_id": {APP_ID!r}
        }},
        "Lobby.Phone": bandwidth.SipCredentialSetEntryArgs(username="lobby", password="pw"),
    }},
)


@pulumi.runtime.test
def run():
    return fleet.urn.apply(lambda _: print(json.dumps(sent)))


run()
"""


def test_the_python_sdk_sends_entries_as_the_provider_expects() -> None:
    result = subprocess.run(
        [sys.executable, "-c", PROGRAM], capture_output=True, text=True, timeout=120, check=True
    )
    sent = json.loads(result.stdout.strip().splitlines()[-1])
    credentials = sent["credentials"]
    assert credentials[rpc._special_sig_key] == rpc._special_secret_sig  # a secret value
    assert credentials["value"] == {
        "desk_phone_1": {"username": "desk", "password": "pw", "httpVoiceV2AppId": APP_ID},
        "Lobby.Phone": {"username": "lobby", "password": "pw"},
    }
