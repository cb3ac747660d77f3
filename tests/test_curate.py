"""init and add-source: a new dataset passes check; a source is added byte for byte,
with its SHA-256, and positions.yaml changes only by the appended entry; every
refusal and every failed write leaves every file as it was."""

from __future__ import annotations

import errno
import hashlib
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import MINI, SHIPPED, Result
from posttrack.dataset.curate import (
    SCHEMA_LINE,
    AddedSource,
    WriteError,
    add_source,
    init_dataset,
)
from posttrack.dataset.load import load_dataset
from posttrack.dataset.yamlsafe import read_yaml
from posttrack.errors import UsageError

Cli = Callable[..., Result]
TEXT = "Gamma Statement\n\nGamma wants binding rules,\r\nnow.  \n\u00a0Trailing\tspace \n"
GOOD: dict[str, Any] = {
    "id": "gamma-statement",
    "issued": "2022-03-01",
    "kind": "statement",
    "voice": "primary",
    "title": "Statement by Gamma: on rules # and norms",
    "author": "Gamma",
}


def tree(root: Path) -> dict[str, bytes | str]:
    """Every file and link under `root` (hidden ones too), with its bytes or target."""
    found: dict[str, bytes | str] = {}
    for path in sorted(root.rglob("*")):
        name = str(path.relative_to(root))
        if path.is_symlink():
            found[name] = "-> " + os.readlink(path)
        elif path.is_file():
            found[name] = path.read_bytes()
        else:
            found[name] = "dir"
    return found


@pytest.fixture
def text_file(tmp_path: Path) -> Path:
    file = tmp_path / "incoming" / "gamma.txt"
    file.parent.mkdir()
    file.write_bytes(TEXT.encode("utf-8"))
    return file


@pytest.fixture
def mini(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(MINI, target)
    return target


def without(new: str, old: str) -> tuple[str, str]:
    """The text inserted into `old` to make `new`, checking nothing else changed:
    (what is before it, the insertion)."""
    added = len(new) - len(old)
    assert added > 0
    start = 0
    while start < len(old) and new[start] == old[start]:
        start += 1
    # the insertion may slide left over text it repeats (a blank line); any place works
    while start >= 0 and new[:start] + new[start + added :] != old:
        start -= 1
    assert start >= 0, "the file changed outside the inserted entry"
    return new[:start], new[start : start + added]


# --- init ----------------------------------------------------------------------


def test_init_makes_a_dataset_that_check_passes(tmp_path: Path, cli: Cli) -> None:
    target = tmp_path / "new" / "alpha"  # parents made too
    written = init_dataset(target, "Alpha", schema='{"type": "object"}\n')
    assert written == [
        target / "positions.yaml",
        target / "positions.schema.json",
        target / "sources" / "README.md",
        target / "sources" / ".gitattributes",
    ]
    assert all(path.is_file() for path in written)
    text = (target / "positions.yaml").read_text(encoding="utf-8")
    assert (
        text.splitlines()[0]
        == SCHEMA_LINE
        == "# yaml-language-server: $schema=positions.schema.json"
    )
    assert (target / "positions.schema.json").read_text(encoding="utf-8") == '{"type": "object"}\n'
    readme = (target / "sources" / "README.md").read_text(encoding="utf-8")
    assert (
        "| file (source id) | what it is | date | voice | SHA-256 |\n|---|---|---|---|---|\n"
        in readme
    )
    result = cli("check", "--data", str(target))
    assert (result.code, result.out) == (0, "")
    assert "0 positions, 0 quotes, 0 sources, 0 topics" in result.err
    dataset = load_dataset(target)
    assert (dataset.state, dataset.title) == ("Alpha", "Stated positions of Alpha")
    assert (dataset.sources, dataset.topics, dataset.positions) == ({}, {}, ())


def test_init_writes_a_state_and_title_as_given(tmp_path: Path, cli: Cli) -> None:
    state = 'Côte d\'Ivoire: "Republic" # 1'
    init_dataset(tmp_path / "d", f"  {state} ", title="- yes: no")
    dataset = load_dataset(tmp_path / "d")
    assert (dataset.state, dataset.title) == (state, "- yes: no")
    assert cli("check", "--data", str(tmp_path / "d")).code == 0
    assert not (tmp_path / "d" / "positions.schema.json").exists()  # no schema given


def test_init_refuses_an_existing_dataset_and_changes_nothing(mini: Path) -> None:
    before = tree(mini)
    with pytest.raises(UsageError, match=r"already exists.*holds a dataset"):
        init_dataset(mini, "Alpha")
    assert tree(mini) == before


@pytest.mark.parametrize("existing", ["sources/README.md", "sources/.gitattributes"])
def test_init_refuses_to_replace_any_file(tmp_path: Path, existing: str) -> None:
    (tmp_path / "sources").mkdir()
    (tmp_path / existing).write_text("the curator's own\n", encoding="utf-8")
    before = tree(tmp_path)
    with pytest.raises(UsageError, match="already exists"):
        init_dataset(tmp_path, "Alpha")
    assert tree(tmp_path) == before


def test_init_refuses_blank_or_multiline_values(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="--state is blank"):
        init_dataset(tmp_path / "d", "  ")
    with pytest.raises(UsageError, match="--title holds a line break"):
        init_dataset(tmp_path / "d", "Alpha", title="one\ntwo")
    assert not (tmp_path / "d").exists()


@pytest.mark.parametrize("failing", [1, 2, 3])
def test_init_that_fails_midway_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failing: int
) -> None:
    fail_on(monkeypatch, failing)
    with pytest.raises(WriteError, match="nothing was changed"):
        init_dataset(tmp_path / "new" / "alpha", "Alpha")
    assert list(tmp_path.iterdir()) == []  # the directories it made are gone too


# --- add-source ------------------------------------------------------------------


def test_add_source_copies_the_text_and_records_its_digest(
    mini: Path, text_file: Path, cli: Cli
) -> None:
    old = (mini / "positions.yaml").read_text(encoding="utf-8")
    old_readme_missing = not (mini / "sources" / "README.md").exists()
    added = add_source(mini, text_file, **GOOD, url="https://example.org/gamma")
    digest = hashlib.sha256(TEXT.encode("utf-8")).hexdigest()
    assert added == AddedSource(
        "gamma-statement", mini / "sources" / "gamma-statement.txt", digest, 22
    )
    assert added.path.read_bytes() == text_file.read_bytes()  # byte for byte: CRLF, NBSP, tabs
    new = (mini / "positions.yaml").read_text(encoding="utf-8")
    before, inserted = without(new, old)
    assert inserted == (
        "  - id: gamma-statement\n"
        '    title: "Statement by Gamma: on rules # and norms"\n'
        '    issued: "2022-03-01"\n'
        "    kind: statement\n"
        "    voice: primary\n"
        "    author: Gamma\n"
        "    url: https://example.org/gamma\n"
        "    path: sources/gamma-statement.txt\n"
        f"    sha256: {digest}\n"
    )
    assert before.count("\n") + 1 == added.line
    assert new.splitlines()[added.line - 1] == "  - id: gamma-statement"
    assert old_readme_missing  # so add-source made the provenance README
    readme = (mini / "sources" / "README.md").read_text(encoding="utf-8")
    assert readme.endswith(
        "|---|---|---|---|---|\n| `gamma-statement.txt` | statement: Statement by Gamma: on "
        f"rules # and norms (Gamma) | `2022-03-01` | primary | `{digest}` |\n"
    )
    source = load_dataset(mini).sources["gamma-statement"]
    assert (source.sha256, source.url, source.issued.text) == (
        digest,
        "https://example.org/gamma",
        "2022-03-01",
    )
    result = cli("check", "--data", str(mini))
    assert result.code == 0, result.out
    # the text is then what check holds it to: one byte changed is found
    added.path.write_bytes(added.path.read_bytes().replace(b"now", b"not"))
    result = cli("check", "--data", str(mini))
    assert result.code == 1
    assert "gamma-statement" in result.out
    assert digest in result.out


def test_add_source_to_the_shipped_dataset_keeps_every_other_byte(
    tmp_path: Path, text_file: Path
) -> None:
    data = tmp_path / "data"
    shutil.copytree(SHIPPED, data)
    old = (data / "positions.yaml").read_text(encoding="utf-8")
    old_readme = (data / "sources" / "README.md").read_text(encoding="utf-8")
    added = add_source(data, text_file, **{**GOOD, "id": "2025-03-01-gamma"})
    new = (data / "positions.yaml").read_text(encoding="utf-8")
    # after the last source, whose note is a folded block, and set apart by a blank
    # line as the file's sources are; the blank line before `topics:` stays
    start = new.index("\n  - id: 2025-03-01-gamma\n    title:")
    end = new.index("\n", new.index("    sha256: ", start)) + 1
    assert new[:start] + new[end:] == old
    assert new[:start].endswith("not the Ambassador's words.\n")
    assert new[end:].startswith("\ntopics:\n")
    assert new.splitlines()[added.line - 1] == "  - id: 2025-03-01-gamma"
    readme = (data / "sources" / "README.md").read_text(encoding="utf-8")
    table_end = old_readme.index("\n\n## Dating facts used")
    row = readme[table_end + 1 : readme.index("\n", table_end + 1)]
    assert row.startswith("| `2025-03-01-gamma.txt` | statement: Statement by Gamma")
    assert readme == old_readme[: table_end + 1] + row + old_readme[table_end:]
    assert load_dataset(data).sources["2025-03-01-gamma"].sha256 == added.sha256


LAYOUTS = {
    "empty flow list, with a comment": (
        "dataset:\n  title: T\nsources: []   # texts in sources/\ntopics: []\npositions: []\n",
        "sources:   # texts in sources/\n  - id: gamma-statement\n",
    ),
    "null list": (
        "dataset:\n  title: T\nsources:\ntopics: []\npositions: []\n",
        "sources:\n  - id: gamma-statement\n",
    ),
    "dash at column 0, no final newline": (
        "sources:\n- id: a\n  title: A\n  issued: '2020'\n  kind: statement\n  voice: primary\n"
        "  author: A\n  path: sources/a.txt\ntopics: []\npositions: []",
        "  path: sources/a.txt\n- id: gamma-statement\n  title:",
    ),
    "comments under and after the last entry, blank-separated": (
        "sources:\n\n  - id: a   # first\n    title: A\n    issued: '2020'\n    kind: statement\n"
        "    voice: primary\n    author: A\n    path: sources/a.txt\n\n  # the second\n"
        "  - id: b\n    title: B\n    issued: '2020'\n    kind: statement\n    voice: primary\n"
        "    author: B\n    path: sources/b.txt\n    # b's own remark\n"
        "# about topics\n\ntopics: []\npositions: []\n",
        "    # b's own remark\n\n  - id: gamma-statement\n",
    ),
    "a kept block scalar last": (
        "sources:\n  - id: a\n    title: A\n    issued: '2020'\n    kind: statement\n"
        "    voice: primary\n    author: A\n    path: sources/a.txt\n    note: |+\n      kept\n\n"
        "topics: []\npositions: []\n",
        "      kept\n\n  - id: gamma-statement\n",
    ),
    "a flow mapping entry, wider indentation": (
        "sources:\n    -   {id: a, title: A, issued: '2020', kind: statement, voice: primary,\n"
        "         author: A, path: sources/a.txt}\ntopics: []\npositions: []\n",
        "path: sources/a.txt}\n    -   id: gamma-statement\n        title:",
    ),
    "passages last, a comment at column 0 after": (
        "sources:\n  - id: a\n    title: A\n    issued: '2020'\n    kind: statement\n"
        "    voice: primary\n    author: A\n    path: sources/a.txt\n    passages:\n"
        "      - where: para 1\n        said_by: others   # theirs\n# topics next\n"
        "topics: []\npositions: []\n",
        "        said_by: others   # theirs\n  - id: gamma-statement\n    title:",
    ),
    "CRLF line endings": (
        "sources:\r\n  - id: a\r\n    title: A\r\n    issued: '2020'\r\n    kind: statement\r\n"
        "    voice: primary\r\n    author: A\r\n    path: sources/a.txt\r\ntopics: []\r\n"
        "positions: []\r\n",
        "sources/a.txt\r\n  - id: gamma-statement\r\n    title:",
    ),
}


@pytest.mark.parametrize("layout", LAYOUTS, ids=list(LAYOUTS))
def test_add_source_appends_in_every_layout_and_changes_nothing_else(
    tmp_path: Path, text_file: Path, layout: str
) -> None:
    old, expected = LAYOUTS[layout]
    sources = tmp_path / "sources"
    sources.mkdir()
    for name in ("a", "b"):
        (sources / f"{name}.txt").write_text(f"{name}\n", encoding="utf-8")
    (tmp_path / "positions.yaml").write_bytes(("\ufeff" + old).encode("utf-8"))
    before_document = read_yaml(old, "positions.yaml")
    added = add_source(tmp_path, text_file, **GOOD)
    raw = (tmp_path / "positions.yaml").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the byte-order mark is kept
    new = raw.decode("utf-8").removeprefix("\ufeff")
    assert expected in new
    if not layout.startswith(("empty", "null")):  # there, `[]` or nothing gives way
        without(new, old)
    document = read_yaml(new, "positions.yaml")
    assert document["sources"][-1]["sha256"] == added.sha256
    assert document["sources"][:-1] == (before_document["sources"] or [])
    assert {k: v for k, v in document.items() if k != "sources"} == {
        k: v for k, v in before_document.items() if k != "sources"
    }
    assert new.splitlines()[added.line - 1].lstrip(" -") == "id: gamma-statement"
    if "\r\n" in old:
        assert new.count("\n") == new.count("\r\n")  # the file's own line endings


def test_the_result_loads_and_each_value_reads_back(mini: Path, text_file: Path) -> None:
    values = {
        **GOOD,
        "title": '"Quoted" title: with \\ a backslash',
        "short": "- dash first",
        "speaker": "yes",
        "venue": "Geneva # Palais des Nations",
        "url": "https://example.org/a?b=c#frag",
        "issued": "13 Dec 2021",  # as people write it: the entry holds the data's form
    }
    add_source(mini, text_file, **values)
    source = load_dataset(mini).sources["gamma-statement"]
    assert (source.title, source.short, source.speaker, source.venue, source.url) == (
        values["title"],
        values["short"],
        "yes",
        values["venue"],
        values["url"],
    )
    assert source.issued.text == "2021-12-13"
    # a YAML 1.1 reader too takes every value for the text it is
    entry = yaml.safe_load((mini / "positions.yaml").read_text(encoding="utf-8"))["sources"][-1]
    assert (entry["speaker"], entry["issued"], entry["sha256"]) == (
        "yes",
        "2021-12-13",
        source.sha256,
    )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"id": "alpha-paper"}, "already has a source 'alpha-paper'"),
        ({"id": "Gamma"}, "not a valid id"),
        ({"id": "../gamma"}, "not a valid id"),
        ({"kind": "speech"}, "--kind is 'speech'; expected one of working-paper"),
        ({"voice": "own"}, "--voice is 'own'"),
        ({"issued": "12/11/2021"}, "--issued: .*could be day/month"),
        ({"issued": "2021-13"}, "--issued: .*no month 13"),
        ({"title": " "}, "--title is blank"),
        ({"author": "A\nB"}, "--author holds a line break"),
        ({"short": ""}, "--short is blank"),
    ],
)
def test_add_source_refuses_bad_values_and_changes_nothing(
    mini: Path, text_file: Path, change: dict[str, str], message: str
) -> None:
    before = tree(mini)
    with pytest.raises(UsageError, match=message):
        add_source(mini, text_file, **{**GOOD, **change})
    assert tree(mini) == before


def test_add_source_never_replaces_a_file(mini: Path, text_file: Path) -> None:
    (mini / "sources" / "gamma-statement.txt").write_text("the curator's own\n", encoding="utf-8")
    before = tree(mini)
    with pytest.raises(UsageError, match=r"gamma-statement\.txt' already exists"):
        add_source(mini, text_file, **GOOD)
    assert tree(mini) == before
    (mini / "sources" / "gamma-statement.txt").unlink()
    (mini / "sources" / "gamma-statement.txt").symlink_to("nowhere.txt")  # a dangling link
    before = tree(mini)
    with pytest.raises(UsageError, match="already exists"):
        add_source(mini, text_file, **GOOD)
    assert tree(mini) == before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"caf\xe9\n", "not UTF-8 .byte 0xe9 on line 1."),
        (b" \n\n", "holds no text"),
    ],
)
def test_add_source_refuses_a_text_check_could_not_read(
    mini: Path, tmp_path: Path, content: bytes, message: str
) -> None:
    file = tmp_path / "bad.txt"
    file.write_bytes(content)
    before = tree(mini)
    with pytest.raises(UsageError, match=message):
        add_source(mini, file, **GOOD)
    with pytest.raises(UsageError, match="is a directory"):
        add_source(mini, tmp_path, **GOOD)
    with pytest.raises(UsageError, match=r"cannot read|not a file"):
        add_source(mini, tmp_path / "missing.txt", **GOOD)
    assert tree(mini) == before


def test_add_source_without_a_dataset_says_how_to_make_one(tmp_path: Path, text_file: Path) -> None:
    with pytest.raises(UsageError, match=r"no dataset at .*posttrack init DIR --state NAME"):
        add_source(tmp_path / "nothing", text_file, **GOOD)


@pytest.mark.parametrize("linked", ["positions.yaml", "sources/README.md"])
def test_a_link_out_of_the_dataset_is_never_followed(
    tmp_path: Path, text_file: Path, linked: str
) -> None:
    data = tmp_path / "data"
    shutil.copytree(MINI, data)
    (data / "sources" / "README.md").write_text("# provenance\n", encoding="utf-8")
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "target").write_bytes((data / linked).read_bytes())
    (data / linked).unlink()
    (data / linked).symlink_to(outside / "target")
    before, before_outside = tree(data), tree(outside)
    with pytest.raises(UsageError, match="outside the dataset"):
        add_source(data, text_file, **GOOD)
    assert (tree(data), tree(outside)) == (before, before_outside)


def test_a_link_inside_the_dataset_stays_a_link(mini: Path, text_file: Path) -> None:
    (mini / "curated").mkdir()
    (mini / "positions.yaml").rename(mini / "curated" / "positions.yaml")
    (mini / "positions.yaml").symlink_to(Path("curated") / "positions.yaml")
    add_source(mini, text_file, **GOOD)
    assert (mini / "positions.yaml").is_symlink()
    assert "gamma-statement" in (mini / "curated" / "positions.yaml").read_text(encoding="utf-8")


def test_the_files_keep_their_mode(mini: Path, text_file: Path) -> None:
    (mini / "positions.yaml").chmod(0o640)
    add_source(mini, text_file, **GOOD)
    assert (mini / "positions.yaml").stat().st_mode & 0o777 == 0o640


def fail_on(
    monkeypatch: pytest.MonkeyPatch, failing: int, error: BaseException | None = None
) -> None:
    """os.replace fails on its `failing`-th call (a full disk), and works otherwise."""
    real = os.replace
    calls = [0]

    def replace(src: Any, dst: Any) -> None:
        calls[0] += 1
        if calls[0] == failing:
            raise error or OSError(errno.ENOSPC, "No space left on device")
        real(src, dst)

    monkeypatch.setattr(os, "replace", replace)


@pytest.mark.parametrize("failing", [1, 2, 3])  # the text, the README, positions.yaml
def test_a_write_that_fails_midway_leaves_nothing_changed(
    tmp_path: Path, text_file: Path, monkeypatch: pytest.MonkeyPatch, failing: int
) -> None:
    data = tmp_path / "data"
    shutil.copytree(SHIPPED, data)  # a README to change
    before = tree(data)
    fail_on(monkeypatch, failing)
    with pytest.raises(WriteError, match="No space left on device; nothing was changed"):
        add_source(data, text_file, **GOOD)
    assert tree(data) == before  # no copied text, no row, no temporary file


def test_an_interrupt_midway_leaves_nothing_changed(
    mini: Path, text_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = tree(mini)
    fail_on(monkeypatch, 3, KeyboardInterrupt())
    with pytest.raises(KeyboardInterrupt):
        add_source(mini, text_file, **GOOD)
    assert tree(mini) == before


def test_an_edit_saved_meanwhile_is_never_overwritten(
    mini: Path, text_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The curator's editor saves positions.yaml while add-source writes the README:
    add-source gives up, and the curator's save is what stays."""
    real = os.replace
    saved = MINI.joinpath("positions.yaml").read_text(encoding="utf-8") + "# saved\n"

    def replace(src: Any, dst: Any) -> None:
        real(src, dst)
        if Path(dst).name == "README.md":
            (mini / "positions.yaml").write_text(saved, encoding="utf-8")

    before = tree(mini)
    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(UsageError, match="changed while posttrack was writing"):
        add_source(mini, text_file, **GOOD)
    after = tree(mini)
    assert after.pop("positions.yaml") == saved.encode("utf-8")
    before.pop("positions.yaml")
    assert after == before


def test_a_flow_list_of_sources_is_refused_saying_how_to_fix(
    tmp_path: Path, text_file: Path
) -> None:
    (tmp_path / "positions.yaml").write_text(
        "sources: [{id: a}]\ntopics: []\npositions: []\n", encoding="utf-8"
    )
    before = tree(tmp_path)
    with pytest.raises(UsageError, match=r"flow list .*block list"):
        add_source(tmp_path, text_file, **GOOD)
    assert tree(tmp_path) == before


def test_init_then_add_source_then_check(tmp_path: Path, text_file: Path, cli: Cli) -> None:
    init_dataset(tmp_path / "beta", "Beta")
    add_source(tmp_path / "beta", text_file, **GOOD)
    add_source(tmp_path / "beta", text_file, **{**GOOD, "id": "gamma-two"})
    result = cli("check", "--data", str(tmp_path / "beta"))
    assert result.code == 0
    assert "2 sources" in result.err
    dataset = load_dataset(tmp_path / "beta")
    assert list(dataset.sources) == ["gamma-statement", "gamma-two"]
    readme = (tmp_path / "beta" / "sources" / "README.md").read_text(encoding="utf-8")
    assert readme.count("| `gamma-") == 2


def test_an_editor_finds_the_schema_and_the_dataset_valid(tmp_path: Path, text_file: Path) -> None:
    """The schema line names the file init writes beside positions.yaml, and what
    init and add-source write is valid against it (as a YAML editor checks it)."""
    import json

    import jsonschema

    from posttrack.dataset import schema

    target = tmp_path / "alpha"
    init_dataset(target, "Alpha", schema=schema.schema_text())
    named = SCHEMA_LINE.split("$schema=")[1]
    shipped = json.loads((target / named).read_text(encoding="utf-8"))
    assert shipped == schema.dataset_schema()
    for step in ("init", "add-source"):
        if step == "add-source":
            add_source(target, text_file, **GOOD, url="https://example.org/gamma")
        text = (target / "positions.yaml").read_text(encoding="utf-8")
        jsonschema.validate(json.loads(json.dumps(read_yaml(text, "positions.yaml"))), shipped)


def test_a_path_another_source_names_is_refused(mini: Path, text_file: Path) -> None:
    """alpha-paper's text is missing (check says so): adding a source whose text would
    take its path would silently give alpha-paper that text."""
    text = (mini / "positions.yaml").read_text(encoding="utf-8")
    (mini / "positions.yaml").write_text(
        text.replace("path: sources/alpha-paper.txt", "path: sources/./gamma-statement.txt"),
        encoding="utf-8",
    )
    before = tree(mini)
    with pytest.raises(UsageError, match=r"source 'alpha-paper' .* names sources/gamma-statement"):
        add_source(mini, text_file, **GOOD)
    assert tree(mini) == before


def test_a_readme_without_the_table_gets_one_at_its_end(mini: Path, text_file: Path) -> None:
    prose = "# Where the texts come from\n\nFrom the ministry's site.\n"
    (mini / "sources" / "README.md").write_text(prose, encoding="utf-8")
    added = add_source(mini, text_file, **GOOD)
    readme = (mini / "sources" / "README.md").read_text(encoding="utf-8")
    assert readme == (
        prose + "\n| file (source id) | what it is | date | voice | SHA-256 |\n"
        "|---|---|---|---|---|\n"
        "| `gamma-statement.txt` | statement: Statement by Gamma: on rules # and norms (Gamma) "
        f"| `2022-03-01` | primary | `{added.sha256}` |\n"
    )
