"""A stack written by an earlier release keeps working with the working tree's code.

For each fixture under ``tests/e2e/fixtures/upgrade/`` (see ``upgrade_fixture.py``): import the
exported state into a fresh stack, point its config at a sandbox that holds the same
credentials, and require that ``pulumi preview`` and ``pulumi refresh`` see no change.
A renamed provider module or class, or a changed reading of old inputs and outputs, fails.

Both commands are needed: ``preview`` diffs with the provider the program pickles now, while
``refresh`` (like ``destroy``) unpickles the provider each resource's state holds, which is
where a moved module or a renamed class breaks.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.upgrade_fixture import Fixture, all_fixtures

from bw_pulumi.sandbox import Sandbox

pytestmark = pytest.mark.e2e


def test_there_are_fixtures_of_every_kind_of_resource() -> None:
    kinds = {spec["kind"] for fixture in all_fixtures() for spec in fixture.resources}
    assert {"SipCredential", "SipRealm", "RealmSipCredential"} <= kinds
    for fixture in all_fixtures():
        assert fixture.state_file.is_file(), f"run generate.py for {fixture.directory}"


@pytest.mark.parametrize("fixture", all_fixtures(), ids=lambda fixture: fixture.name)
def test_new_code_reads_the_old_state_without_changes(
    fixture: Fixture, sandbox: Sandbox, tmp_path: Path
) -> None:
    stack = fixture.new_stack(tmp_path)
    stack.run("stack", "init", fixture.stack)
    stack.run("stack", "import", "--file", str(fixture.state_file))
    fixture.configure(stack, sandbox)
    fixture.seed(sandbox)
    held = {c.composite_username: c for c in sandbox.credentials()}

    stack.run("preview", "--expect-no-changes")
    # The state records the old sandbox URL as provider config: read with the current one.
    stack.run("refresh", "--yes", "--skip-preview", "--run-program", "--expect-no-changes")

    assert {c.composite_username: c for c in sandbox.credentials()} == held
    assert sandbox.writes == 0
    credentials = {spec["name"] for spec in fixture.resources if "Credential" in spec["kind"]}
    assert set(stack.resources()) == credentials
