"""A tool the suite shells out to is found where the project's own files put it, or named with its installer
(issue 12: `sh: 1: uv: not found` three frames under an assertion told nobody what to do)."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from launcher.tools import MissingTool, required


def executable(path: Path) -> Path:
    path.write_text("#!/bin/sh\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


def test_a_missing_tool_names_itself_and_its_installer(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(MissingTool, match=r"`frobnicate` is needed.*install it with: make frob"):
        required("frobnicate", also=(tmp_path / "nowhere",), install="make frob")


def test_the_variable_wins_over_path_and_the_fallback(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / "path").mkdir()
    on_path, fallback = executable(tmp_path / "path" / "tool"), executable(tmp_path / "fallback")
    pinned = executable(tmp_path / "pinned")
    monkeypatch.setenv("PATH", str(on_path.parent))
    monkeypatch.setenv("TOOL_BIN", str(pinned))
    assert required("tool", env_var="TOOL_BIN", also=(fallback,), install="-") == pinned.resolve()
    monkeypatch.delenv("TOOL_BIN")
    assert required("tool", env_var="TOOL_BIN", also=(fallback,), install="-") == on_path.resolve()
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    assert required("tool", env_var="TOOL_BIN", also=(fallback,), install="-") == fallback.resolve()


def test_a_file_that_is_not_executable_is_not_the_tool(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    plain = tmp_path / "uv"
    plain.write_text("not a program")
    with pytest.raises(MissingTool):
        required("uv", also=(plain,), install="make venv")
