"""Refresh in pages while someone else deletes: issue 16's race, through both provider
plugin processes (the dynamic provider and the `bandwidth` package) as the engine drives
them, for account-level and realm-scoped credentials.

Our 600 credentials are listed after another stack's 600. While our refresh walks the
pages, the sandbox's concurrent deleter removes 300 of the other stack's as page 1 is
served, so 300 of ours slide onto page 1, which was already read, and page 2 misses them.
Two of ours really are deleted meanwhile. Reported gone must be exactly those two."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import pytest

from tests.protocol.test_native_protocol import NO_ENV, oauth_args
from tests.protocol.test_protocol import oauth_config
from tests.support.native_process import NativeProcess, Secret
from tests.support.provider_process import ProviderProcess

from bw_pulumi import compute_hashes
from bw_pulumi.sandbox import DEFAULT_REALM, Sandbox, StoredCredential

pytestmark = pytest.mark.protocol

OTHERS, OURS, DELETED_BY_THEM, PAGE = 600, 600, 300, 500
PASSWORD = "race-password"


@dataclass
class Scenario:
    """Our credentials (ids, in list order), the state each read carries, and how to
    delete one of ours out of band."""

    ids: list[str]
    state: Callable[[str], dict[str, Any]]
    delete: Callable[[str], bool]
    other_prefix: str
    realm_id: str | None


def account_scenario(box: Sandbox) -> Scenario:
    """Usernames sort the other stack's ("a-...") before ours ("b-...")."""
    for prefix in ("a-other", "b-ours"):
        for i in range(OTHERS if prefix == "a-other" else OURS):
            name = f"{prefix}{i:03d}"
            hashes = compute_hashes(name, PASSWORD, DEFAULT_REALM)
            box.put_credential(StoredCredential(name, None, hashes.hash1, hashes.hash1b))
    ids = [f"b-ours{i:03d}" for i in range(OURS)]
    return Scenario(ids, lambda id_: {}, box.delete_credential, "a-other", None)


def realm_scenario(box: Sandbox) -> Scenario:
    """A realm lists by credential id: the other stack's were created first."""
    box.add_realm_out_of_band("main", default=True)
    realm = box.add_realm_out_of_band("office")
    ids = []
    for prefix, count in (("other", OTHERS), ("ours", OURS)):
        for i in range(count):
            name = f"{prefix}{i:03d}"
            hashes = compute_hashes(name, PASSWORD, realm.fqdn)
            held = box.add_realm_credential_out_of_band(realm.id, name, hashes.hash1, hashes.hash1b)
            if prefix == "ours":
                ids.append(f"{realm.id}/{held.id}")

    def delete(id_: str) -> bool:
        return box.delete_realm_credential_out_of_band(*id_.split("/"))

    def state(id_: str) -> dict[str, Any]:
        return {"realm_id": realm.id, "credential_id": id_.split("/")[1], "realm": realm.fqdn}

    return Scenario(ids, state, delete, "other", realm.id)


class Dynamic:
    """The dynamic provider: reads return the id ("" when gone)."""

    def __init__(self, box: Sandbox) -> None:
        self.process = ProviderProcess(env={"BW_ACCOUNT_ID": "", "BW_USERNAME": ""})
        self.box = box

    def __enter__(self) -> Dynamic:
        self.process.__enter__()
        self.process.configure(oauth_config(self.box))
        return self

    def __exit__(self, *exc: object) -> None:
        self.process.__exit__(None, None, None)

    def read(self, id_: str, state: dict[str, Any]) -> str:
        props = {"password": PASSWORD, "realm": DEFAULT_REALM, **state}
        return self.process.read(id_.replace("/", "-"), id_, props)[0]


class Native(Dynamic):
    """The package provider: the same, in camelCase and with a secret password."""

    def __init__(self, box: Sandbox) -> None:
        self.native = NativeProcess(env=NO_ENV)
        self.box = box

    def __enter__(self) -> Native:
        self.native.__enter__()
        self.native.configure(oauth_args(self.box))
        return self

    def __exit__(self, *exc: object) -> None:
        self.native.__exit__(None, None, None)

    def read(self, id_: str, state: dict[str, Any]) -> str:
        camel = {"realmId": state.get("realm_id"), "credentialId": state.get("credential_id")}
        props = {
            "password": Secret(PASSWORD),
            "realm": state.get("realm", DEFAULT_REALM),
            **{k: v for k, v in camel.items() if v is not None},
        }
        return self.native.read(id_.replace("/", "-"), id_, props)[0]


@pytest.fixture(params=[Dynamic, Native], ids=["dynamic", "native"])
def provider_kind(request: pytest.FixtureRequest) -> type[Dynamic]:
    kind: type[Dynamic] = request.param
    return kind


@pytest.fixture
def box() -> Iterator[Sandbox]:
    sandbox = Sandbox()
    with sandbox.running():
        yield sandbox


@pytest.mark.parametrize("build", [account_scenario, realm_scenario], ids=["account", "realm"])
def test_a_refresh_racing_a_deleter_reports_only_what_is_really_gone(
    box: Sandbox, provider_kind: type[Dynamic], build: Callable[[Sandbox], Scenario]
) -> None:
    scenario = build(box)
    ids = scenario.ids
    box.start_concurrent_deleter(
        prefix=scenario.other_prefix,
        realm_id=scenario.realm_id,
        per_page=DELETED_BY_THEM,
        limit=DELETED_BY_THEM,
    )
    with provider_kind(box) as provider:
        box.drain_requests()
        first = ids[300]  # fetches page 1; the deleter strikes as it is served
        assert provider.read(first, scenario.state(first)) == first
        # ours[100] slid onto page 1 (missed by page 2); ours[599] is on page 2: both
        # really deleted now, between our page fetches.
        really_gone = {ids[100], ids[599]}
        for id_ in really_gone:
            assert scenario.delete(id_)
        rest = [id_ for id_ in ids if id_ != first]
        with ThreadPoolExecutor(max_workers=4) as pool:
            answers = list(pool.map(lambda i: provider.read(i, scenario.state(i)), rest))
    reported_gone = {id_ for id_, answer in zip(rest, answers, strict=True) if answer == ""}
    assert reported_gone == really_gone, f"{len(reported_gone)} of {OURS} reported gone"
    assert all(answer in ("", id_) for id_, answer in zip(rest, answers, strict=True))

    assert len(box.stop_concurrent_deleter()) == DELETED_BY_THEM
    gets = [r for r in box.drain_requests() if r.method == "GET" and "sipcredentials" in r.path]
    pages = [r for r in gets if "page=" in r.path]
    assert len(pages) == 2  # the shift really happened: page 2 ended the walk
    # Those page 2 missed (ours 0-199, and ours[599]) cost one GET each; nothing more
    # than the cost rule's bound: reads plus a tenth, plus the first page.
    assert 200 < len(gets) - len(pages) <= OURS + OURS // 10 + 1 - len(pages)
