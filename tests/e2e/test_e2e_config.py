"""Every setting the documentation lists can be set exactly as it says, with the real CLI.

The settings table is in docs/installation-configuration.md; the `pulumi config set` lines
users copy are in the README and in docs/.

The Pulumi CLI refuses a plain `pulumi config set` of a key whose name contains "token",
"secret", "pass" or "pwd" when the value looks random (its looksLikeSecret heuristic), so a
plain setting named like that would be a trap. Values here are random-looking on purpose.
"""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pytest

from tests.support.pulumi_stack import REPO, PulumiStack, configure_provider

from bw_pulumi.sandbox import DEFAULT_REALM, Sandbox

pytestmark = pytest.mark.e2e

PROGRAM = Path(__file__).resolve().parent / "e2e_program"
README = (REPO / "README.md").read_text()
SETTINGS_REFERENCE = (REPO / "docs" / "installation-configuration.md").read_text()
DOCUMENTS = [README, *(page.read_text() for page in sorted((REPO / "docs").glob("*.md")))]
RANDOM_LOOKING = "hR7qL2vX9mZ4pKw8"  # 16 characters: the length the CLI's heuristic reads


def documented_settings() -> list[tuple[str, bool]]:
    """(config key, is secret) for each row of the provider settings table."""
    rows = re.findall(r"^\| `(bandwidth:\w+)`( \(secret\))? \|", SETTINGS_REFERENCE, re.MULTILINE)
    return [(key, bool(secret)) for key, secret in rows]


def readme_config_commands() -> list[list[str]]:
    """The `pulumi config set` lines of the README and docs/, as argument lists without
    comments, with each ``<placeholder>`` filled in as a user would."""
    lines = [
        line
        for document in DOCUMENTS
        for line in re.findall(r"^pulumi config set .*$", document, re.MULTILINE)
    ]
    filled = [re.sub(r"<[^>]*>", RANDOM_LOOKING, line.split("#", 1)[0]) for line in lines]
    return [shlex.split(line)[1:] for line in filled]


@pytest.fixture
def stack(tmp_path: Path) -> PulumiStack:
    stack = PulumiStack(tmp_path, PROGRAM)
    stack.run("stack", "init", "config")
    return stack


def test_the_readme_documents_the_settings() -> None:
    keys = dict(documented_settings())
    assert keys["bandwidth:oauthUrl"] is False and keys["bandwidth:clientSecret"] is True
    assert "bandwidth:tokenUrl" not in keys
    assert len(readme_config_commands()) >= 5
    # The README names the settings a first deploy needs, and links to the full table.
    for key in ("bandwidth:accountId", "bandwidth:clientId", "bandwidth:clientSecret"):
        assert key in README
    assert "docs/installation-configuration.md#configuration" in README


def test_each_plain_setting_is_accepted_by_a_plain_config_set(stack: PulumiStack) -> None:
    for key, secret in documented_settings():
        if not secret:
            stack.run("config", "set", key, RANDOM_LOOKING)
    refused = stack.run("config", "set", "bandwidth:tokenUrl", RANDOM_LOOKING, check=False)
    assert refused.returncode != 0 and "looks like a secret" in refused.stderr


def test_the_readme_config_commands_work_as_written(stack: PulumiStack) -> None:
    for args in readme_config_commands():
        stdin = "secret-from-stdin" if "--secret" in args else None
        stack.run(*args, stdin=stdin)
    config = json.loads(stack.run("config", "--json").stdout)
    assert config["bandwidth:clientId"]["value"] == RANDOM_LOOKING
    assert config["bandwidth:clientSecret"]["secret"] is True


def test_the_old_token_url_key_still_works_with_a_visible_warning(
    stack: PulumiStack, sandbox: Sandbox
) -> None:
    configure_provider(stack, sandbox, oauthUrl=None)
    stack.run("config", "set", "--plaintext", "bandwidth:tokenUrl", sandbox.token_url)
    stack.set_config("realm", DEFAULT_REALM)
    stack.set_config("pw_alpha", "config-Secret-0001", secret=True)
    stack.set_config(
        "specs", json.dumps([{"name": "a", "username": "a", "password_key": "pw_alpha"}])
    )
    output = stack.run("up", "--yes", "--skip-preview").stdout
    assert (
        "bw-pulumi: bandwidth:tokenUrl is deprecated; rename it: `pulumi config rm"
        " bandwidth:tokenUrl` and `pulumi config set bandwidth:oauthUrl <value>`"
    ) in output
    assert [c.user_name for c in sandbox.credentials()] == ["a"]
    assert sandbox.token_requests == 1
