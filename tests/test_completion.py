"""Tab completion through each shell's own machinery: bash's COMPREPLY, fish's
`complete -C`, zsh's completion function."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import MINI

BIN = Path(sys.executable).parent


def _shell(name: str, script: str) -> list[str]:
    if shutil.which(name) is None:
        pytest.skip(f"{name} is not installed (make test installs it)")
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}
    env["POSTTRACK_DATA"] = str(MINI)
    run = subprocess.run(
        [name, "-c", script], capture_output=True, text=True, env=env, timeout=60, check=False
    )
    assert run.returncode == 0, run.stderr
    return run.stdout.splitlines()


def bash(*words: str) -> list[str]:
    line = " ".join(words)
    return _shell(
        "bash",
        "source <(posttrack completion bash)\n"
        f"COMP_WORDS=({line}); COMP_CWORD={len(words) - 1}\n"
        "_posttrack_completion posttrack\n"
        'printf "%s\\n" "${COMPREPLY[@]}"',
    )


def fish(line: str) -> list[str]:
    found = _shell("fish", f"posttrack completion fish | source; complete -C '{line}'")
    return [entry.split("\t")[0] for entry in found]


def zsh(*words: str) -> str:
    # the completion function as zsh runs it, with _arguments (which needs a live
    # completion widget) replaced by one that prints what it was given
    line = " ".join(words)
    return "\n".join(
        _shell(
            "zsh",
            "compdef() { :; }\n"
            '_arguments() { print -r -- "$@"; }\n'
            "source <(posttrack completion zsh)\n"
            f"words=({line}); CURRENT={len(words)}\n"
            "_posttrack_completion",
        )
    )


def test_bash_completes_commands_topics_aliases_sources_and_formats() -> None:
    assert bash("posttrack", "sh") == ["show"]
    assert bash("posttrack", "show", "bind") == ["binding-instrument", "binding"]
    assert bash("posttrack", "show", "vol") == ["voluntary-norms"]  # an alias, spaces hyphened
    assert bash("posttrack", "cite", "x", "-s", "be") == ["beta-statement"]
    assert bash("posttrack", "show", "norms", "-f", "js") == ["json", "jsonl"]
    assert bash("posttrack", "diff", "2020", "2024", "--topic", "no") == ["norms"]


def test_bash_completes_data_paths(tmp_path: Path) -> None:
    (tmp_path / "my-dataset").mkdir()
    (tmp_path / "my-notes.txt").write_text("x", encoding="utf-8")
    found = bash("posttrack", "topics", "--data", str(tmp_path / "my"))
    assert found == [str(tmp_path / "my-dataset"), str(tmp_path / "my-notes.txt")]
    found = bash("posttrack", "cite", "x", str(tmp_path / "my-n"))
    assert found == [str(tmp_path / "my-notes.txt")]


def test_fish_completes_topics_with_their_titles() -> None:
    assert sorted(fish("posttrack show bind")) == ["binding", "binding-instrument"]
    assert fish("posttrack cite x --source al") == ["alpha-paper"]


def test_zsh_completes_topics_with_their_titles() -> None:
    spec = zsh("posttrack", "show", "bind")
    assert '"binding-instrument":"Binding instrument"' in spec
    assert '"norms"' not in spec
