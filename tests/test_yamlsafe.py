"""The safe reader: plain values, marks, and every YAML trap refused with a location."""

import re

import pytest

from posttrack.dataset.yamlsafe import (
    MAX_ALIAS_CHARS,
    MAX_ALIAS_VALUES,
    MAX_DEPTH,
    YMap,
    YSeq,
    read_yaml,
)
from posttrack.errors import DataError


def problem(text: str) -> str:
    with pytest.raises(DataError) as caught:
        read_yaml(text, "x.yaml")
    assert len(caught.value.problems) == 1
    return str(caught.value.problems[0])


def test_scalars_stay_the_text_written() -> None:
    value = read_yaml("a: no\nb: 012\nc: 2020-03-03\nd: 1.0\ne: ~\nf: ''\ng: yes\n", "x")
    assert value == {
        "a": "no",
        "b": "012",
        "c": "2020-03-03",
        "d": "1.0",
        "e": None,
        "f": "",
        "g": "yes",
    }


def test_marks_are_one_based_lines_and_columns() -> None:
    value = read_yaml("top:\n  - name: x\n    other: y\n", "x")
    assert isinstance(value, YMap)
    items = value["top"]
    assert isinstance(items, YSeq)
    assert items.item_marks == [(2, 5)]
    assert items[0].value_marks["other"] == (3, 12)
    assert value.key_marks["top"] == (1, 1)


def test_python_object_tag_is_refused() -> None:
    message = problem("a: !!python/object/apply:os.system ['echo hacked']\n")
    assert message.startswith("x.yaml:1:4: the YAML tag '")  # located where the tag is
    assert "python/object/apply" in message
    assert message.endswith("is not allowed in a dataset; remove it")


@pytest.mark.parametrize(
    "tag", ["!!binary aGk=", "!!set {a, b}", "!custom x", "!!timestamp 2020-01-01"]
)
def test_other_tags_are_refused(tag: str) -> None:
    assert "is not allowed in a dataset" in problem(f"a: {tag}\n")


def test_duplicate_keys_name_both_lines() -> None:
    assert problem("a: 1\nb: 2\na: 3\n") == (
        "x.yaml:3:1: duplicate key 'a' (first at line 1); remove one of them"
    )


def test_alias_bomb_is_refused() -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for n in range(ord("b"), ord("j")):
        prev = chr(n - 1)
        lines.append(f"{chr(n)}: &{chr(n)} [" + ",".join([f"*{prev}"] * 9) + "]")
    message = problem("\n".join(lines))
    assert f"aliases repeat more than {MAX_ALIAS_VALUES:,} values in all" in message
    assert "the limit on what aliases bring in" in message


def test_a_long_text_repeated_by_aliases_is_refused_by_its_characters() -> None:
    # 41 values, but 40 MB of text for the cached copy, export and every table (5.1)
    long = "word " * 200_000
    text = f"a: &a {long!r}\nb: [" + ", ".join(["*a"] * 40) + "]\n"
    message = problem(text)
    assert message.startswith("x.yaml:2:")
    assert f"aliases repeat more than {MAX_ALIAS_CHARS:,} characters of text in all" in message


def test_a_long_text_aliased_a_few_times_is_fine() -> None:
    long = "word " * 200_000
    value = read_yaml(f"a: &a {long!r}\nb: [*a, *a, *a]\n", "x.yaml")
    assert value["b"] == [long] * 3


def test_a_large_document_without_aliases_is_not_taken_for_a_bomb() -> None:
    # 100,000 honest positions hold more than a million values (5.2): only the
    # file's size limits a document written out in full
    many = MAX_ALIAS_VALUES + 1
    value = read_yaml("[" + "x," * many + "]", "x.yaml")
    assert len(value) == many


def test_small_aliases_are_shared_not_copied() -> None:
    value = read_yaml("a: &x [1, 2]\nb: *x\n", "x")
    assert value["a"] is value["b"]


def test_recursive_alias_is_refused() -> None:
    assert "refers to itself" in problem("a: &x\n  b: *x\n")


def test_merge_keys_are_refused() -> None:
    assert "merge keys (<<) are not supported" in problem("a: &x {k: 1}\nb:\n  <<: *x\n")


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("[" * 100 + "]" * 100, "x.yaml:1:65: "),
        ("".join(f"{'  ' * i}k:\n" for i in range(100)) + "  " * 100 + "v\n", "x.yaml:65:"),
    ],
    ids=["flow", "block"],
)
def test_nesting_past_the_guard_is_refused_where_it_starts(text: str, where: str) -> None:
    message = problem(text)
    assert message.startswith(where)
    assert f"nesting deeper than {MAX_DEPTH} levels" in message


def test_nesting_thousands_deep_is_refused_without_recursion() -> None:
    # Whichever refuses it first (this reader or the YAML scanner), it is one located problem.
    depth = 100_000
    assert problem("[" * depth + "]" * depth).startswith("x.yaml:1:")


def test_nesting_within_the_limit_is_fine() -> None:
    depth = MAX_DEPTH - 1
    value = read_yaml("[" * depth + "]" * depth, "x")
    for _ in range(depth - 1):
        value = value[0]
    assert value == []


def test_syntax_errors_have_a_location() -> None:
    # where the scanner notices the missing bracket is its own choice: line 1 or 2
    assert re.match(r"x\.yaml:[12]:[0-9]+: invalid YAML: ", problem("a: [1, 2\nb: 3\n"))


def test_one_document_only() -> None:
    assert "more than one YAML document" in problem("a: 1\n---\nb: 2\n")


def test_keys_must_be_plain_strings() -> None:
    assert "a mapping key must be a plain string" in problem("? [a, b]\n: 1\n")
