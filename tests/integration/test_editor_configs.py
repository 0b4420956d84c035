"""The editor configurations in editors/ that no test can run in their editor (Helix, Zed,
Sublime Text, JetBrains + LSP4IJ are not packaged for the machines the tests run on): each
parses in its format, has the keys its editor's documentation asks for, and the command it
starts is a working ownit server (it answers initialize with ownit's commands)."""

from __future__ import annotations

import json
import os
import shlex
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest

from tests.integration.lsp_helpers import RawClient, isolated_env

EDITORS = Path(__file__).resolve().parents[2] / "editors"
# The features Helix's `only-features` / `except-features` accept (its languages docs).
HELIX_FEATURES = {
    "format",
    "goto-definition",
    "goto-declaration",
    "goto-type-definition",
    "goto-reference",
    "goto-implementation",
    "signature-help",
    "hover",
    "document-highlight",
    "completion",
    "code-action",
    "workspace-command",
    "document-symbols",
    "workspace-symbols",
    "diagnostics",
    "rename-symbol",
    "inlay-hints",
}


def _answers_as_ownit(command: list[str], tmp_path: Path) -> None:
    """Start ``command`` as the editor would (``ownit`` from the PATH) and initialize it."""
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    env = isolated_env(home)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    client = RawClient(env, command=command)
    try:
        answer = client.request(
            "initialize",
            {"processId": None, "rootUri": tmp_path.as_uri(), "capabilities": {}},
        )
        result: dict[str, Any] = answer["result"]
        assert result["serverInfo"]["name"] == "ownit"
        commands = result["capabilities"]["executeCommandProvider"]["commands"]
        assert "ownit.claimFromComment" in commands  # the comment flow these editors use
        client.send({"method": "initialized", "params": {}})
    finally:
        client.close()


def test_helix_languages_toml(tmp_path: Path) -> None:
    config = tomllib.loads((EDITORS / "helix" / "languages.toml").read_text())
    server = config["language-server"]["ownit"]
    assert server["command"] == "ownit" and server["args"] == ["lsp"]
    assert config["language"], "at least one language"
    for language in config["language"]:
        entries = language["language-servers"]
        names = [entry if isinstance(entry, str) else entry["name"] for entry in entries]
        assert "ownit" in names, language["name"]
        for entry in entries:
            if isinstance(entry, dict):
                assert set(entry) <= {"name", "only-features", "except-features"}
                assert set(entry.get("only-features", [])) <= HELIX_FEATURES
                assert "diagnostics" in entry.get("only-features", ["diagnostics"])
    _answers_as_ownit([server["command"], *server["args"]], tmp_path)


def test_zed_extension_and_settings() -> None:
    extension = tomllib.loads((EDITORS / "zed" / "ownit-zed" / "extension.toml").read_text())
    for key in ("id", "name", "version", "schema_version", "authors", "description"):
        assert key in extension, key
    assert extension["schema_version"] == 1
    server = extension["language_servers"]["ownit"]
    assert server["name"] == "ownit" and server["languages"]
    cargo = tomllib.loads((EDITORS / "zed" / "ownit-zed" / "Cargo.toml").read_text())
    assert cargo["lib"]["crate-type"] == ["cdylib"]
    assert "zed_extension_api" in cargo["dependencies"]
    source = (EDITORS / "zed" / "ownit-zed" / cargo["lib"]["path"]).read_text()
    assert "fn language_server_command" in source
    assert "zed::register_extension!(Ownit);" in source
    assert '"lsp"' in source and 'which("ownit")' in source
    settings = json.loads((EDITORS / "zed" / "settings.json").read_text())
    for language, options in settings["languages"].items():
        assert language in server["languages"], language
        assert "ownit" in options["language_servers"]


def test_sublime_lsp_client(tmp_path: Path) -> None:
    settings = json.loads((EDITORS / "sublime" / "LSP.sublime-settings").read_text())
    client = settings["clients"]["ownit"]
    assert client["enabled"] is True
    assert client["selector"]
    assert set(client) <= {"enabled", "command", "selector", "env", "settings"}
    _answers_as_ownit(client["command"], tmp_path)


def test_lsp4ij_template(tmp_path: Path) -> None:
    template = json.loads((EDITORS / "jetbrains" / "ownit" / "template.json").read_text())
    assert template["id"] == "ownit" and template["name"] == "ownit"
    assert template["programArgs"]["windows"] == "ownit.exe lsp"
    for mapping in template["fileTypeMappings"]:
        assert mapping["fileType"]["patterns"] and mapping["languageId"]
    assert (EDITORS / "jetbrains" / "ownit" / "README.md").is_file()
    _answers_as_ownit(shlex.split(template["programArgs"]["default"]), tmp_path)


@pytest.mark.parametrize("name", ["helix", "zed", "sublime", "jetbrains"])
def test_readme_marks_each_configuration_untested(name: str) -> None:
    readme = (EDITORS / "README.md").read_text()
    rows = [line for line in readme.splitlines() if line.startswith("|") and f"`{name}/" in line]
    assert rows and all("| no (" in row for row in rows), rows
