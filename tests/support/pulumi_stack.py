"""A Pulumi stack driven through the real `pulumi` CLI, isolated in a temp directory."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
from pathlib import Path
from typing import Any

from bw_pulumi.sandbox import Sandbox

REPO = Path(__file__).resolve().parents[2]
#: Where `pip install` puts the console script `pulumi-resource-bandwidth`.
PLUGIN_DIR = REPO / ".venv" / "bin"
TIMEOUT_SECONDS = 600


class PulumiStack:
    """A local file backend, a passphrase secrets provider, update checks off.

    ``runtime``: ``python`` (the repository's .venv) or ``yaml`` (the program is the
    directory's Main.yaml). ``native_plugin``: the project points the CLI at the
    ``bandwidth`` package provider in :data:`PLUGIN_DIR`, as the README tells users to.
    ``keep_project``: run the program directory's own Pulumi.yaml as it is (an example).
    """

    def __init__(
        self,
        workdir: Path,
        program: Path,
        project: str = "bw-e2e",
        passphrase: str = "e2e-passphrase",  # noqa: S107 (sandbox-only)
        *,
        runtime: str = "python",
        native_plugin: bool = False,
        keep_project: bool = False,
    ) -> None:
        cli = shutil.which("pulumi")
        if cli is None:
            raise RuntimeError(
                "no `pulumi` on PATH: run scripts/install-pulumi (scripts/test does)"
            )
        self.cli = cli
        self.project_dir = workdir / "project"
        shutil.copytree(program, self.project_dir)
        (workdir / "state").mkdir()
        if not keep_project:
            (self.project_dir / "Pulumi.yaml").write_text(
                f"name: {project}\n"
                + (_PYTHON_RUNTIME if runtime == "python" else f"runtime: {runtime}\n")
                + (_NATIVE_PLUGIN if native_plugin else "")
            )
        self.env = {
            **os.environ,
            "PULUMI_HOME": str(workdir / "pulumi-home"),
            "PULUMI_BACKEND_URL": f"file://{workdir / 'state'}",
            "PULUMI_CONFIG_PASSPHRASE": passphrase,
            "PULUMI_SKIP_UPDATE_CHECK": "true",
            "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
            "PULUMI_SKIP_CONFIRMATIONS": "true",
            "NO_COLOR": "1",
        }
        for name in ("BW_ACCOUNT_ID", "BW_CLIENT_ID", "BW_CLIENT_SECRET", "BW_USERNAME"):
            self.env.pop(name, None)
        self.transcript: list[str] = []

    def run(
        self, *args: str, stdin: str | None = None, check: bool = True
    ) -> subprocess.CompletedProcess[str]:
        result = run_bounded(
            [self.cli, *args, "--non-interactive"], self.project_dir, self.env, stdin
        )
        self.transcript.append(result.stdout + result.stderr)
        if check and result.returncode != 0:
            raise AssertionError(
                f"pulumi {' '.join(args)} exited {result.returncode}\n"
                f"--- stdout\n{result.stdout}\n--- stderr\n{result.stderr}"
            )
        return result

    def set_config(self, key: str, value: str, *, secret: bool = False) -> None:
        """As the README tells users: a secret with ``--secret`` through stdin (never argv),
        any other value as a plain ``pulumi config set KEY VALUE``."""
        if secret:
            self.run("config", "set", "--secret", key, stdin=value)
        else:
            self.run("config", "set", key, value)

    def export(self) -> dict[str, Any]:
        exported: dict[str, Any] = json.loads(self.run("stack", "export").stdout)
        return exported

    def resources(self, kind: str = "SipCredential") -> dict[str, dict[str, Any]]:
        """Resources of our type in the state, by name (dynamic or package provider)."""
        found = {}
        for resource in self.export()["deployment"].get("resources", []):
            if resource["type"].rsplit(":", 1)[-1] == kind:
                found[resource["urn"].rsplit("::", 1)[1]] = resource
        return found


_PYTHON_RUNTIME = f"""runtime:
  name: python
  options:
    toolchain: pip
    virtualenv: {REPO / ".venv"}
"""
_NATIVE_PLUGIN = f"""plugins:
  providers:
    - name: bandwidth
      path: {PLUGIN_DIR}
"""


#: Provider settings that are secrets; the README sets them with `--secret`.
SECRET_SETTINGS = frozenset({"clientSecret", "apiPassword"})


def configure_provider(stack: PulumiStack, sandbox: Sandbox, **overrides: str | None) -> None:
    """The provider settings as the README tells users to set them, for ``sandbox``.

    ``overrides`` replace settings by their name after ``bandwidth:`` (``clientSecret=...``);
    None leaves a setting out.
    """
    settings = {
        "accountId": sandbox.account_id,
        "clientId": sandbox.config.client_id,
        "clientSecret": sandbox.config.client_secret,
        "apiUrl": sandbox.base_url,
        "oauthUrl": sandbox.token_url,
        **overrides,
    }
    for key, value in settings.items():
        if value is not None:
            stack.set_config(f"bandwidth:{key}", value, secret=key in SECRET_SETTINGS)


def run_bounded(
    command: list[str], cwd: Path, env: dict[str, str], stdin: str | None
) -> subprocess.CompletedProcess[str]:
    """Run in a session of its own, so a timeout kills the CLI and every plugin it started."""
    with subprocess.Popen(
        command,
        cwd=cwd,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    ) as process:
        try:
            stdout, stderr = process.communicate(stdin, timeout=TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            raise
    return subprocess.CompletedProcess(command, process.returncode, stdout, stderr)
