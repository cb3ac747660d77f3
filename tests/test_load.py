"""The loader: where the dataset is found, and one fixture per class of error."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import MINI, SHIPPED, rewrite
from posttrack import load_dataset
from posttrack.config import bundled_data, find_dataset
from posttrack.errors import DataError, UsageError


def problems(data: Path) -> list[str]:
    with pytest.raises(DataError) as caught:
        load_dataset(data)
    return [str(p) for p in caught.value.problems]


def only(data: Path) -> str:
    found = problems(data)
    assert len(found) == 1, found
    return found[0].split(": ", 1)[1] if found[0].count(":") >= 3 else found[0]


def test_loads_the_mini_dataset() -> None:
    dataset = load_dataset(MINI)
    assert list(dataset.sources) == ["alpha-paper", "beta-statement"]
    assert list(dataset.topics) == ["binding-instrument", "norms"]
    assert [p.date.text for p in dataset.positions_for("binding-instrument")] == [
        "2020?",
        "2021-12-13",
    ]
    assert dataset.edition == "test-1"
    assert len(dataset.digest) == 12


def test_dataset_is_found_by_option_then_environment_then_bundled(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    assert find_dataset(MINI) == MINI / "positions.yaml"
    assert find_dataset(MINI / "positions.yaml") == MINI / "positions.yaml"
    monkeypatch.setenv("POSTTRACK_DATA", str(MINI))
    assert find_dataset() == MINI / "positions.yaml"
    monkeypatch.delenv("POSTTRACK_DATA")
    assert find_dataset() == bundled_data() / "positions.yaml"
    assert bundled_data().resolve() == SHIPPED.resolve()
    with pytest.raises(UsageError, match="no dataset at"):
        find_dataset(tmp_path / "missing")


def test_library_use_needs_no_cli() -> None:
    import posttrack

    assert posttrack.load_dataset(MINI).title == "Mini test dataset"


Copy = Callable[..., Path]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ('issued: "2020?"', 'issued: "2020-02-30"', "'2020-02-30' does not exist"),
        ('issued: "2020?"', "issued: 2020-02-30", "'2020-02-30' does not exist"),
        ('issued: "2020?"', "issued: 13/03/2020", "'13/03/2020' is not a date"),
        ("kind: working-paper", "kind: memo", "'kind' is 'memo'; expected one of working-paper"),
        ("voice: primary", "voice: own", "'voice' is 'own'; expected one of primary"),
        ("  - id: norms", "  - id: Norms_Topic", "'Norms_Topic' is not a valid id"),
        (
            "    source: alpha-paper\n    level: 1",
            "    source: gamma\n    level: 1",
            "unknown source 'gamma'",
        ),
        (
            "  - topic: norms\n    source: alpha-paper",
            "  - topic: norm\n    source: alpha-paper",
            "unknown topic 'norm'",
        ),
        ("    level: 2\n", "    level: 7\n", "level 7 is not on the scale of 'binding-instrument'"),
        ("    level: 2\n", "    level: two\n", "'level' must be a whole number"),
        (
            "    level: 1\n",
            "",
            "topic 'binding-instrument' has a scale; give the position a 'level'",
        ),
        (
            "    stance: Supports voluntary norms\n",
            "    stance: Supports voluntary norms\n    mood: happy\n",
            "unknown key 'mood' in a position",
        ),
        ("    summary: Wants binding rules.\n", "", "a position has no 'summary'"),
        ("        where: para 3\n", "", "a quote has no 'where'"),
        (
            "      - text: Alpha supports voluntary norms of behaviour.",
            "      - text: ''",
            "'text' is blank",
        ),
        (
            "    aliases: [binding, treaty]",
            "    aliases: [binding, voluntary norms]",
            "topic name 'voluntary norms' (alias of 'norms') is also a name of "
            "'binding-instrument' (its alias 'voluntary norms', line 27)",
        ),
        ("  - id: beta-statement", "  - id: alpha-paper", "duplicate source id 'alpha-paper'"),
        (
            "    source: beta-statement\n    level: 2",
            '    source: beta-statement\n    date: "2022"\n    original: X\n    level: 2',
            "the position is dated 2022 but its source was issued 2021-12-13",
        ),
        (
            "    path: sources/alpha-paper.txt",
            "    path: sources/missing.txt",
            "source file 'sources/missing.txt' not found",
        ),
        (
            "    path: sources/alpha-paper.txt",
            "    path: ../outside.txt",
            "source path '../outside.txt' leads outside the dataset directory",
        ),
        (
            "    path: sources/alpha-paper.txt",
            "    path: /etc/hostname",
            "source path '/etc/hostname' is absolute",
        ),
        (
            "    quotes:\n      - text: Alpha",
            "    quotes: none\n    other:\n      - text: Alpha",
            "'quotes' must be a list, not a text",
        ),
        (  # once dropped in silence: the dataset loaded without the position
            "    quotes:\n      - text: Alpha supports voluntary norms of behaviour.\n"
            "        where: para 3\n",
            "    quotes: []\n",
            "'quotes' must be a list with at least one entry",
        ),
    ],
)
def test_each_class_of_error(dataset_copy: Copy, old: str, new: str, expected: str) -> None:
    data = dataset_copy()
    (data.parent / "outside.txt").write_text("outside\n")
    rewrite(data, old, new)
    found = problems(data)
    assert any(expected in p for p in found), found
    assert all(p.startswith(f"{data / 'positions.yaml'}:") for p in found), found


def test_problem_carries_line_and_column(dataset_copy: Copy) -> None:
    data = dataset_copy()
    rewrite(data, 'issued: "2021-12-13"', 'issued: "2021-14-01"')
    found = problems(data)
    assert found == [f"{data / 'positions.yaml'}:17:13: '2021-14-01' has no month 14"]


def test_every_problem_is_reported_at_once(dataset_copy: Copy) -> None:
    data = dataset_copy()
    rewrite(data, "kind: working-paper", "kind: memo")
    rewrite(data, "voice: secondary", "voice: loud")
    assert len(problems(data)) == 2


def test_a_dated_position_must_name_its_original(dataset_copy: Copy) -> None:
    data = dataset_copy()
    rewrite(
        data,
        "    source: beta-statement\n    level: 2",
        '    source: beta-statement\n    date: "2021-03"\n    level: 2',
    )
    assert any("name the 'original' document" in p for p in problems(data))
    rewrite(data, '    date: "2021-03"', '    date: "2021-03"\n    original: A March paper')
    dataset = load_dataset(data)
    assert dataset.positions_for("binding-instrument")[1].date.text == "2021-03"


def test_symlink_out_of_the_dataset_is_refused(dataset_copy: Copy, tmp_path: Path) -> None:
    data = dataset_copy()
    secret = tmp_path / "secret.txt"
    secret.write_text("secret\n")
    os.symlink(secret, data / "sources" / "link.txt")
    rewrite(data, "    path: sources/alpha-paper.txt", "    path: sources/link.txt")
    assert any("leads outside the dataset directory" in p for p in problems(data))


def test_invalid_utf8_is_located(dataset_copy: Copy) -> None:
    data = dataset_copy()
    path = data / "positions.yaml"
    path.write_bytes(path.read_bytes().replace(b"Mini test", b"Mini \xff test"))
    assert problems(data) == [f"{path}:2:15: invalid UTF-8 (byte 0xff); save the file as UTF-8"]


def test_bom_and_crlf_are_accepted(dataset_copy: Copy) -> None:
    data = dataset_copy()
    path = data / "positions.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes().replace(b"\n", b"\r\n"))
    assert load_dataset(data).title == "Mini test dataset"


def test_oversized_file_is_refused_before_parsing(
    dataset_copy: Copy, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = dataset_copy()
    monkeypatch.setattr("posttrack.dataset.load.MAX_DATA_BYTES", 100)
    assert "over the 100-byte limit" in problems(data)[0]


def test_not_a_mapping(dataset_copy: Copy) -> None:
    data = dataset_copy()
    (data / "positions.yaml").write_text("- just\n- a list\n")
    assert "the dataset must be a mapping" in problems(data)[0]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (  # an invisible character: `show threat` would open the wrong topic
            "    aliases: [voluntary norms]",
            '    aliases: [voluntary norms, "binding\u200b"]',
            "topic name 'binding\\u200b' (alias of 'norms') is also a name of "
            "'binding-instrument' (its alias 'binding', line 27)",
        ),
        (
            "    aliases: [voluntary norms]",
            "    aliases: [voluntary norms, ｔｒｅａｔｙ]",
            "topic name 'ｔｒｅａｔｙ' (alias of 'norms') is also a name of "
            "'binding-instrument' (its alias 'treaty', line 27)",
        ),
        (
            "    aliases: [voluntary norms]",
            "    aliases: [voluntary norms, Binding_Instrument]",
            "topic name 'Binding_Instrument' (alias of 'norms') is also a name of "
            "'binding-instrument' (its id 'binding-instrument', line 24)",
        ),
        (
            "    title: Norms\n",
            "    title: Treaty\n",
            "topic name 'Treaty' (title of 'norms') is also a name of "
            "'binding-instrument' (its alias 'treaty', line 27)",
        ),
    ],
    ids=["invisible", "full-width", "underscore", "title"],
)
def test_a_topic_name_that_show_would_resolve_to_another_topic_is_refused(
    dataset_copy: Copy, old: str, new: str, expected: str
) -> None:
    data = dataset_copy()
    rewrite(data, old, new)
    (found,) = problems(data)
    assert expected in found
    line = (data / "positions.yaml").read_text(encoding="utf-8").splitlines().index(new.strip("\n"))
    assert found.startswith(f"{data / 'positions.yaml'}:{line + 1}:")  # at the name


def test_an_alias_of_nothing_but_invisible_characters_is_blank(dataset_copy: Copy) -> None:
    data = dataset_copy()
    rewrite(data, "    aliases: [voluntary norms]", '    aliases: [voluntary norms, "\u200b"]')
    assert "the alias '\\u200b' is blank" in only(data)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (  # Arabic-Indic digits, which \d and int() take for 2020-03
            'issued: "2020?"',
            'issued: "\u0662\u0660\u0662\u0660-\u0660\u0663"',
            "is not a date",
        ),
        ("    level: 2\n", "    level: \u0662\n", "'level' must be a whole number"),
        ("    level: 2\n", "    level: ２\n", "'level' must be a whole number"),
        (
            "    source: alpha-paper\n    stance: Supports",
            "    source: alpha-paper\n    date:\n    stance: Supports",
            "'date' is empty; give it a value",
        ),
        (
            "    source: alpha-paper\n    stance: Supports",
            "    source: alpha-paper\n    level:\n    stance: Supports",
            "'level' is empty; give it a whole number",
        ),
        ("      - level: 1\n", "      - level:\n", "'level' is empty; give it a whole number"),
    ],
    ids=[
        "date-digits",
        "level-digits",
        "level-full-width",
        "empty-date",
        "empty-level",
        "empty-scale-level",
    ],
)
def test_dates_and_levels_take_ascii_digits_and_are_never_empty(
    dataset_copy: Copy, old: str, new: str, expected: str
) -> None:
    data = dataset_copy()
    rewrite(data, old, new)
    assert any(expected in p for p in problems(data))


# -- passages in others' words -----------------------------------------------------

_ALPHA_PATH = "    path: sources/alpha-paper.txt\n"


def _with_passages(data: Path, block: str) -> None:
    rewrite(data, _ALPHA_PATH, _ALPHA_PATH + block)


def test_a_source_loads_its_passages(dataset_copy: Copy) -> None:
    data = dataset_copy()
    _with_passages(
        data,
        "    passages:\n"
        "      - where: para 2\n        said_by: the Group\n        note: Its words.\n"
        "      - where: paras 1-3\n        said_by: many delegations\n"
        '      - where: section "Heading"\n        said_by: them\n'
        "      - where: unnumbered paras 2-4\n        said_by: others\n",
    )
    source = load_dataset(data).sources["alpha-paper"]
    assert [(p.where, p.said_by, p.note, p.line, p.column) for p in source.passages] == [
        ("para 2", "the Group", "Its words.", 15, 16),
        ("paras 1-3", "many delegations", None, 18, 16),
        ('section "Heading"', "them", None, 20, 16),
        ("unnumbered paras 2-4", "others", None, 22, 16),
    ]
    assert load_dataset(MINI).sources["alpha-paper"].passages == ()


@pytest.mark.parametrize(
    ("block", "at", "expected"),
    [
        (
            "    passages:\n      - where: paragraph 18\n        said_by: the GGE\n",
            "15:16",
            "'paragraph 18' is not a location; write it as `para 18`",
        ),
        (
            "    passages:\n      - where: para 018\n        said_by: the GGE\n",
            "15:16",
            "'para 018' is not a location",
        ),
        (
            "    passages:\n      - where: paras 30-29\n        said_by: the GGE\n",
            "15:16",
            "the range 'paras 30-29' must run from a lower to a higher number",
        ),
        (
            "    passages:\n      - where: unnumbered paras 4-4\n        said_by: the GGE\n",
            "15:16",
            "the range 'unnumbered paras 4-4' must run from a lower to a higher number",
        ),
        ("    passages:\n      - where: para 2\n", "15:9", "a passage has no 'said_by'"),
        (
            "    passages:\n      - where: para 2\n        said_by: '  '\n",
            "16:18",
            "'said_by' is blank; give it a value",
        ),
        (
            "    passages:\n      - where: para 2\n        said_by: [a]\n",
            "16:18",
            "'said_by' must be text, not a list",
        ),
        (
            "    passages:\n      - where: para 2\n        said_by: x\n        who: y\n",
            "17:9",
            "unknown key 'who' in a passage; expected where, said_by, note",
        ),
        ("    passages:\n", "14:14", "'passages' is empty; list the passages or remove the key"),
        ("    passages: para 2\n", "14:15", "'passages' must be a list, not a text"),
        (
            "    passages:\n      - para 2\n",
            "15:9",
            "each entry of 'passages' must be a mapping (where and said_by), not a text",
        ),
        (
            "    passages:\n      - where: para 2\n        said_by: x\n"
            "      - where: para 2\n        said_by: y\n",
            "17:16",
            "the passage 'para 2' is marked twice (first at line 15); keep one",
        ),
    ],
)
def test_each_class_of_passage_error_is_located(
    dataset_copy: Copy, block: str, at: str, expected: str
) -> None:
    data = dataset_copy()
    _with_passages(data, block)
    found = problems(data)
    assert len(found) == 1, found
    assert found[0].startswith(f"{data / 'positions.yaml'}:{at}: {expected}"), found
