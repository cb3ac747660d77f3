"""Read YAML into plain values, safely, keeping where every value was written.

Built from the parser's event stream instead of a constructor, so that:
scalars stay the exact text the curator wrote (no timestamps, no `no` -> False,
no `012` -> 10); no tag can build an object; duplicate keys, merge keys,
recursive aliases, alias bombs and deep nesting are refused before they cost
anything; and nothing recurses, whatever the input.

An alias costs nothing here (the anchored value is shared), but everything
downstream copies it: the cached copy, `export`, every table. So what aliases
bring in is limited, in values and in characters, while a document written out
in full is limited only by its size (the loader's 32 MiB).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from posttrack.errors import DataError

MAX_DEPTH = 64
# What all the aliases of a document bring in together, counting every value and
# every character of text an alias repeats (nested aliases expanded). Honest
# datasets alias little or nothing; an alias bomb asks for billions.
MAX_ALIAS_VALUES = 1_000_000
MAX_ALIAS_CHARS = 32 * 1024 * 1024  # as much text as the largest dataset file holds

_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_Y = "tag:yaml.org,2002:"
_TAGS = frozenset({None, "!", _Y + "str", _Y + "null", _Y + "int", _Y + "map", _Y + "seq"})

Mark = tuple[int, int]  # 1-based line and column


class YMap(dict[str, Any]):
    """A mapping that remembers where it, its keys and its values were written."""

    def __init__(self, mark: Mark) -> None:
        super().__init__()
        self.mark = mark
        self.key_marks: dict[str, Mark] = {}
        self.value_marks: dict[str, Mark] = {}


class YSeq(list[Any]):
    """A sequence that remembers where it and its items were written."""

    def __init__(self, mark: Mark) -> None:
        super().__init__()
        self.mark = mark
        self.item_marks: list[Mark] = []


_NO_KEY = object()


class _Frame:
    """A collection being read: its value so far, and the key awaiting a value."""

    def __init__(self, value: YMap | YSeq, anchor: str | None) -> None:
        self.value = value
        self.anchor = anchor
        self.key: Any = _NO_KEY
        self.key_mark: Mark = (0, 0)
        self.size = 1  # values, with what its aliases bring in
        self.chars = 0  # characters of its scalars, with what its aliases bring in


def _mark(event: Any) -> Mark:
    return (event.start_mark.line + 1, event.start_mark.column + 1)


def read_yaml(text: str, path: str) -> Any:
    """Parse one YAML document into YMap / YSeq / str / None, or raise DataError."""
    import yaml  # heavy: only when a dataset is read

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    def fail(mark: Mark, message: str) -> DataError:
        return DataError.at(path, mark[0], mark[1], message)

    stack: list[_Frame] = []
    anchors: dict[str, tuple[Any, int, int]] = {}  # value, its values and characters
    open_anchors: set[str] = set()
    root: list[Any] = []
    documents = 0
    brought = [0, 0]  # values and characters brought in by aliases so far

    def add(value: Any, size: int, chars: int, mark: Mark) -> None:
        if not stack:
            root.append(value)
            return
        frame = stack[-1]
        frame.size += size
        frame.chars += chars
        container = frame.value
        if isinstance(container, YSeq):
            container.append(value)
            container.item_marks.append(mark)
        elif frame.key is _NO_KEY:
            if not isinstance(value, str):
                raise fail(mark, "a mapping key must be a plain string")
            if value in container:
                first = container.key_marks[value]
                raise fail(
                    mark, f"duplicate key '{value}' (first at line {first[0]}); remove one of them"
                )
            frame.key, frame.key_mark = value, mark
        else:
            container[frame.key] = value
            container.key_marks[frame.key] = frame.key_mark
            container.value_marks[frame.key] = mark
            frame.key = _NO_KEY

    def bring_in(size: int, chars: int, mark: Mark) -> None:
        brought[0] += size
        brought[1] += chars
        if brought[0] > MAX_ALIAS_VALUES:
            raise fail(
                mark,
                f"aliases repeat more than {MAX_ALIAS_VALUES:,} values in all "
                "(the limit on what aliases bring in); write the values out, or alias less",
            )
        if brought[1] > MAX_ALIAS_CHARS:
            raise fail(
                mark,
                f"aliases repeat more than {MAX_ALIAS_CHARS:,} characters of text in all "
                "(the limit on what aliases bring in); alias shorter values, or fewer",
            )

    def check_tag(event: Any) -> None:
        if event.tag not in _TAGS:
            raise fail(
                _mark(event), f"the YAML tag '{event.tag}' is not allowed in a dataset; remove it"
            )

    def open_anchor(event: Any) -> None:
        if event.anchor is not None:
            open_anchors.add(event.anchor)

    try:
        events: Iterator[Any] = yaml.parse(text, Loader=loader)
        for event in events:
            kind = type(event).__name__
            if kind == "ScalarEvent":
                check_tag(event)
                plain = event.style is None or event.style == ""
                value: Any = event.value
                if (plain and event.value in _NULLS) or event.tag == _Y + "null":
                    value = None
                top = stack[-1] if stack else None
                is_key = top is not None and isinstance(top.value, YMap) and top.key is _NO_KEY
                if plain and is_key and event.value == "<<":
                    raise fail(
                        _mark(event), "merge keys (<<) are not supported; write the keys out"
                    )
                chars = len(value) if value is not None else 0
                if event.anchor is not None:
                    anchors[event.anchor] = (value, 1, chars)
                add(value, 1, chars, _mark(event))
            elif kind in ("MappingStartEvent", "SequenceStartEvent"):
                check_tag(event)
                if len(stack) >= MAX_DEPTH:
                    raise fail(
                        _mark(event),
                        f"nesting deeper than {MAX_DEPTH} levels; a dataset is never this deep",
                    )
                container: YMap | YSeq = (
                    YMap(_mark(event)) if kind == "MappingStartEvent" else YSeq(_mark(event))
                )
                open_anchor(event)
                stack.append(_Frame(container, event.anchor))
            elif kind in ("MappingEndEvent", "SequenceEndEvent"):
                frame = stack.pop()
                if frame.anchor is not None:
                    open_anchors.discard(frame.anchor)
                    anchors[frame.anchor] = (frame.value, frame.size, frame.chars)
                add(frame.value, frame.size, frame.chars, frame.value.mark)
            elif kind == "AliasEvent":
                if event.anchor in open_anchors:
                    raise fail(
                        _mark(event),
                        f"the alias *{event.anchor} refers to itself; "
                        "a recursive alias cannot be data",
                    )
                if event.anchor not in anchors:
                    raise fail(_mark(event), f"unknown alias *{event.anchor}")
                value, size, chars = anchors[event.anchor]
                bring_in(size, chars, _mark(event))
                add(value, size, chars, _mark(event))
            elif kind == "DocumentStartEvent":
                documents += 1
                if documents > 1:
                    raise fail(_mark(event), "more than one YAML document; keep one")
    except yaml.MarkedYAMLError as error:
        marks = [
            (m.line + 1, m.column + 1) if m is not None else None
            for m in (error.problem_mark, error.context_mark)
        ]
        at, hint = yaml_hint(text, marks[0], marks[1])
        said = " ".join(str(error.problem or error.context).split())
        message = f"invalid YAML: {said}" + (f"; {hint}" if hint else "")
        raise DataError.at(path, *(at or (0, 0)), message) from None
    except yaml.reader.ReaderError as error:  # a character YAML forbids, such as NUL
        before = text[: error.position]
        line, column = before.count("\n") + 1, error.position - (before.rfind("\n") + 1) + 1
        char = error.character if isinstance(error.character, int) else ord(error.character)
        message = f"invalid YAML: character U+{char:04X} is not allowed ({error.reason}); remove it"
        raise DataError.at(path, line, column, message) from None
    except yaml.YAMLError as error:
        raise DataError.at(path, 0, 0, f"invalid YAML: {' '.join(str(error).split())}") from None
    return root[0] if root else None


_QUOTES = "\"'"
_BRACKETS = {"[": "]", "{": "}"}


def yaml_hint(text: str, problem: Mark | None, context: Mark | None) -> tuple[Mark | None, str]:
    """Where a YAML error is, and what to do about it, read from the text at the
    parser's marks rather than from its wording (which differs between PyYAML's C
    and Python parsers): a tab, a quote or bracket never closed, a value that holds
    ': ', a line indented unlike the one above."""
    lines = text.splitlines()

    def line_at(mark: Mark | None) -> str:
        return lines[mark[0] - 1] if mark is not None and 0 < mark[0] <= len(lines) else ""

    def char_at(mark: Mark | None) -> str:
        found = line_at(mark)
        return found[mark[1] - 1] if mark is not None and 0 < mark[1] <= len(found) else ""

    here = line_at(problem)
    if "\t" in here[: len(here) - len(here.lstrip(" \t"))]:
        return problem, "a tab is used for indentation; indent with spaces"
    opened = char_at(context)
    later = problem is None or context is None or problem[0] > context[0]
    if opened and opened in _QUOTES and later:
        return context, f"the {opened} opened here is never closed; close it"
    if opened in _BRACKETS and later:
        closer = _BRACKETS[opened]
        return context, f"the '{opened}' opened here is never closed; close it with '{closer}'"
    if problem is None:
        return context, ""
    before = here[: problem[1] - 1]
    if opened == '"' and "\\" in (char_at(problem) + before[-1:]):
        if char_at(problem) != "\\":  # PyYAML's Python parser marks the character after it
            problem = (problem[0], problem[1] - 1)
        return problem, (
            "a backslash in double quotes starts an escape; use single quotes, "
            "or write \\\\ for a backslash"
        )
    if char_at(problem) == ":" and ": " in before.lstrip(" -"):
        return problem, "quote a value that contains ': ' (or write it as a > block)"
    if char_at(problem) in ("@", "`"):
        return problem, f"a value cannot start with '{char_at(problem)}'; quote it"
    last = before.rstrip()[-1:]
    if last and last in _QUOTES and before.count(last) >= 2:
        return problem, "text follows a quoted value; put all of the value inside the quotes"
    if before.count('"') % 2 == 1 and (start := _unclosed_above(lines, problem[0])) is not None:
        return start, 'the " opened here is not closed on its line; close it'
    above = _line_above(lines, problem[0])
    if above is not None and here.strip():
        item = here.lstrip(" ").startswith("- ")
        mine = len(here) - len(here.lstrip(" ")) if item else _content_indent(here)
        theirs = _content_indent(above)
        if item and mine == theirs and not above.lstrip(" ").startswith("-"):
            return problem, (
                "a list entry ('- ') among a mapping's keys; make it a key, or put "
                "the list under a key of its own"
            )
        if mine > theirs and not above.rstrip().endswith(":"):
            return problem, (
                "this line is indented more than the line above, which has a value "
                "already; line it up with that line, or remove that value"
            )
        if mine < theirs and _inside(lines, problem[0], mine):
            return problem, (
                "this line is indented less than the line above, and unlike any key "
                "before it; line it up with its entry's other keys"
            )
    return problem, ""


def _line_above(lines: list[str], line: int) -> str | None:
    """The nearest line before `line` (1-based) that holds more than a comment."""
    for above in reversed(lines[: line - 1]):
        if above.strip() and not above.lstrip().startswith("#"):
            return above
    return None


def _content_indent(line: str) -> int:
    """Where a line's content starts, after its indentation and any `- ` markers."""
    at = len(line) - len(line.lstrip(" "))
    while line.startswith("- ", at) or line[at:].rstrip() == "-":
        at += 2
        at += len(line[at:]) - len(line[at:].lstrip(" "))
    return at


def _inside(lines: list[str], line: int, indent: int) -> bool:
    """Whether a line at `indent` is misaligned inside its block: going up to the
    block's parent (the first line indented less), no line starts where it does;
    one that does would make it a key closing the block above, in line with it."""
    for text in reversed(lines[: line - 1]):
        if not text.strip() or text.lstrip().startswith("#"):
            continue
        raw = len(text) - len(text.lstrip(" "))
        if indent in (raw, _content_indent(text)):
            return False
        if raw < indent:
            return True
    return False


_OPENS_QUOTE = re.compile(r'(?::|^\s*-)\s+"')


def _unclosed_above(lines: list[str], line: int) -> Mark | None:
    """Where the nearest value above `line` starts with a double quote that its line
    does not close (a quoted value may run on, but seldom does by mistake)."""
    for number in range(line - 1, 0, -1):
        text = lines[number - 1]
        if text.count('"') % 2 == 1 and (opens := _OPENS_QUOTE.search(text)):
            return (number, opens.end())
    return None
