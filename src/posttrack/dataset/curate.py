"""Curating a dataset: `init` scaffolds a new one, `add-source` adds a source text.

Both change only what they add. add-source appends the source's entry to
positions.yaml as text, at the place the YAML parser says the last source ends,
so every other byte of the file (comments, blank lines, quoting, key order,
indentation) stays as the curator wrote it; the new file is read back with the
loader's own reader and must hold the old data plus the new entry, or nothing is
written. A round-trip library (ruamel.yaml) keeps comments too, but writes the
whole file again: it re-wraps long lines at its width, re-indents a file of
mixed indentation, and keeps a blank line or comment written before `topics:`
with the last source, so the new entry would land after it.

Every file is written whole under a temporary name in its own directory and
renamed into place; a new file's name is taken with O_EXCL first, so a file
that appears meanwhile is never overwritten. add-source copies the text first,
adds the provenance row second and changes positions.yaml last: when a step
fails (or is interrupted), the steps before it are undone.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import stat
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

from posttrack.config import DATA_FILE, shown_path
from posttrack.dataset.yamlsafe import YMap, YSeq, read_yaml
from posttrack.dates import DateFormatError, parse_user_date
from posttrack.errors import DataError, PosttrackError, UsageError
from posttrack.model import KINDS, VOICES
from posttrack.textfile import MAX_DATA_BYTES, read_text, replace_whole, sync_directory

# The JSON Schema's file, beside positions.yaml: the `# yaml-language-server:
# $schema=` line names it relative to the YAML file, so the line works on every
# machine a dataset's repository is cloned to, offline, whatever the install path
# of posttrack. `posttrack schema > positions.schema.json` brings it up to date.
SCHEMA_FILE = "positions.schema.json"
SCHEMA_URL = SCHEMA_FILE
SCHEMA_LINE = f"# yaml-language-server: $schema={SCHEMA_URL}"
SOURCES_DIR = "sources"
README = "README.md"
PROVENANCE_COLUMNS = ("file (source id)", "what it is", "date", "voice", "SHA-256")
# the loader's rule for an id (validate.py), repeated: a refusal here must come
# before anything is written
_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
# plain words some YAML reader takes for a boolean or null (YAML 1.1 or 1.2)
_NOT_TEXT = frozenset({"true", "false", "yes", "no", "on", "off", "y", "n", "null", "~"})
# a number in YAML 1.2's core schema (what editors read), which 1.1 readers may not see
_NUMBER = re.compile(
    r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|0o[0-7]+|0x[0-9a-fA-F]+"
)
_ESCAPES = {
    "\\": "\\\\",
    '"': '\\"',
    "\0": "\\0",
    "\x07": "\\a",
    "\b": "\\b",
    "\t": "\\t",
    "\n": "\\n",
    "\x0b": "\\v",
    "\x0c": "\\f",
    "\r": "\\r",
    "\x1b": "\\e",
}
_LINE_BREAKS = frozenset("\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")


class WriteError(PosttrackError):
    """A file could not be written; what was written before it has been undone."""


class AddedSource(NamedTuple):
    """What add_source did: the source's id, its copied text, the text's SHA-256 and
    the line of positions.yaml where its entry starts."""

    id: str
    path: Path
    sha256: str
    line: int


# --- YAML scalars ------------------------------------------------------------


def yaml_scalar(value: str) -> str:
    """`value` as a YAML scalar on one line that YAML readers (1.1 and 1.2, and the
    loader's own) read back as exactly this text: plain when nothing in it can be
    read otherwise, else double-quoted with every invisible or control character
    escaped (so a curator sees it)."""
    return value if _plain_is_safe(value) else double_quoted(value)


def double_quoted(value: str) -> str:
    """`value` as a double-quoted YAML scalar on one line."""
    out = []
    for char in value:
        if char in _ESCAPES:
            out.append(_ESCAPES[char])
        elif char.isprintable():  # every character Python prints, YAML allows unescaped
            out.append(char)
        else:
            code = ord(char)
            if code <= 0xFF:
                out.append(f"\\x{code:02x}")
            elif code <= 0xFFFF:
                out.append(f"\\u{code:04x}")
            else:
                out.append(f"\\U{code:08x}")
    return '"' + "".join(out) + '"'


def _plain_is_safe(value: str) -> bool:
    if not value or value != value.strip() or not value.isprintable():
        return False
    # a letter or digit first: no indicator (- ? : , [ ] { } # & * ! | > ' " % @ `)
    if not (value[0].isalnum() or value[0] == "(") or _NUMBER.fullmatch(value):
        return False
    if value.casefold() in _NOT_TEXT or ": " in value or " #" in value or value.endswith(":"):
        return False
    import yaml  # heavy: only when an entry is written

    try:
        return bool(yaml.safe_load(f"key: {value}\n") == {"key": value})
    except yaml.YAMLError:
        return False


# --- init --------------------------------------------------------------------


def init_dataset(
    directory: Path, state: str, *, title: str | None = None, schema: str | None = None
) -> list[Path]:
    """Scaffold a new dataset in `directory` (made, with its parents, if need be):
    positions.yaml with the schema line and empty `sources`, `topics` and
    `positions`, and sources/ with its provenance README and a .gitattributes that
    keeps git from converting the texts' line endings. `schema`, the JSON Schema's
    text, is written beside positions.yaml as the file the schema line names.
    Returns the files written. Refuses a directory that already holds any of them."""
    directory = Path(directory)
    state = _one_line(state, "--state")
    title = _one_line(title, "--title") if title is not None else f"Stated positions of {state}"
    if directory.exists() and not directory.is_dir():
        raise UsageError(f"'{directory}' is a file; give init a new or empty directory")
    sources = directory / SOURCES_DIR
    if sources.exists() and not _inside(sources, directory):
        raise UsageError(
            f"'{sources}' leads outside '{directory}'; keep the dataset's sources inside it"
        )
    files: list[tuple[Path, str]] = [
        (directory / DATA_FILE, _positions_scaffold(state, title)),
        (sources / README, _readme_scaffold(title)),
        (sources / ".gitattributes", _GITATTRIBUTES),
    ]
    if schema is not None:
        files.insert(1, (directory / SCHEMA_FILE, schema))
    for path, _ in files:
        if os.path.lexists(path):
            if path.name == DATA_FILE:
                raise UsageError(
                    f"'{path}' already exists: '{directory}' holds a dataset; work on it "
                    "with --data, or give init a new directory"
                )
            raise UsageError(
                f"'{path}' already exists; init writes only new files: give it a new directory"
            )
    changes = _Changes()
    with changes:
        changes.make_directories(sources)
        for path, text in files:
            changes.create(path, text.encode("utf-8"))
    return [path for path, _ in files]


def _positions_scaffold(state: str, title: str) -> str:
    return f"""{SCHEMA_LINE}
#
# posttrack dataset: what {_comment(state)} has said, topic by topic, over time,
# each position proved by verbatim quotes from a source text in sources/
# (`posttrack check` proves them).
#
# Add a source text with `posttrack add-source FILE --data DIR --id ID --issued
# DATE --kind KIND --voice VOICE --title TITLE --author AUTHOR`: it copies the
# text into sources/ unchanged, records its SHA-256 and appends its entry to
# `sources` below. Then write the topics, and each position with its quotes:
# `posttrack cite QUOTE --yaml --data DIR` prints a quote entry to paste.
# Dates are strings: YYYY, YYYY-MM or YYYY-MM-DD, optionally followed by ?
# (uncertain) or ~ (approximate).

dataset:
  title: {yaml_scalar(title)}
  state: {yaml_scalar(state)}

sources: []

topics: []
# In place of [], a list of topics, like:
#   - id: binding-instrument
#     title: Binding instrument
#     description: A legally binding instrument on State behaviour in cyberspace.

positions: []
# In place of [], a list of positions, like:
#   - topic: binding-instrument
#     source: the-source-id
#     stance: What it says, in a few words
#     summary: What it says, in a sentence the quotes bear out.
#     quotes:
#       - text: The words exactly as the source writes them.
#         where: para 2
"""


def _readme_scaffold(title: str) -> str:
    header, rule = _table_header()
    which = f'of the dataset "{_md(title)}"' if title else "of this dataset"
    return f"""# Source texts: provenance

The public documents {which}, as text. They are kept
here **unchanged**, each named by its source id, so that `posttrack check` and
`posttrack cite` can quote them back and line numbers stay true. Do not edit,
re-wrap or "fix" them: a typo in the original is evidence too.
`posttrack add-source` copies a text here byte for byte and adds its row
below; `posttrack check` verifies each text against the SHA-256 recorded for it
in positions.yaml.

{header}
{rule}
"""


_GITATTRIBUTES = """\
# Source texts are evidence: byte for byte as published, line numbers true, and
# their SHA-256 recorded in positions.yaml. Git must not convert their line endings.
*.txt -text
"""


def _table_header() -> tuple[str, str]:
    return (
        "| " + " | ".join(PROVENANCE_COLUMNS) + " |",
        "|" + "---|" * len(PROVENANCE_COLUMNS),
    )


# --- add-source --------------------------------------------------------------


def add_source(
    dataset_dir: Path,
    file: Path,
    *,
    id: str,
    issued: str,
    kind: str,
    voice: str,
    title: str,
    author: str,
    short: str | None = None,
    speaker: str | None = None,
    venue: str | None = None,
    url: str | None = None,
) -> AddedSource:
    """Add a source: copy `file` unchanged to the dataset's sources/<id>.txt,
    record its SHA-256 in the entry and in sources/README.md's provenance table,
    and append the entry to `sources` in positions.yaml, keeping every other byte
    of it. `dataset_dir` is the dataset's directory or its YAML file. `issued` may
    be written as people do (13 Dec 2021); the entry holds the data's form.
    Refuses, changing nothing, an invalid value, an id the dataset has, an
    existing file, or a dataset file that leads outside the dataset."""
    if not _ID.fullmatch(id):
        raise UsageError(
            f"'{id}' is not a valid id; use lower-case words and digits joined by "
            "hyphens, like '2021-12-13-oewg-statement'"
        )
    try:
        date = parse_user_date(issued).text
    except DateFormatError as error:
        raise UsageError(f"--issued: {error}") from None
    _choice(kind, "--kind", KINDS)
    _choice(voice, "--voice", VOICES)
    values: list[tuple[str, str | None]] = [
        ("id", id),
        ("title", _one_line(title, "--title")),
        ("short", _optional(short, "--short")),
        ("issued", date),
        ("kind", kind),
        ("voice", voice),
        ("author", _one_line(author, "--author")),
        ("speaker", _optional(speaker, "--speaker")),
        ("venue", _optional(venue, "--venue")),
        ("url", _optional(url, "--url")),
    ]
    yaml_file, root = _dataset_file(Path(dataset_dir))
    target = _kept_inside(yaml_file, root)
    shown = shown_path(yaml_file)
    text = read_text(target, shown, MAX_DATA_BYTES)  # the loader's reading: BOM dropped
    raw = target.read_bytes()  # what must still be there when it is replaced
    if raw.decode("utf-8", errors="replace").removeprefix("\ufeff") != text:
        raise UsageError(f"{shown} changed while posttrack was reading it; run the command again")
    document = read_yaml(text, shown)
    if not isinstance(document, YMap):
        raise UsageError(f"{shown} is not a dataset; `posttrack check` says what is wrong")
    if id in _source_ids(document):
        raise UsageError(f"{shown} already has a source '{id}'; choose another id")
    path = f"{SOURCES_DIR}/{id}.txt"
    for other, written in _source_paths(document):
        if os.path.normpath(written) == path:  # its text is missing: check says so
            raise UsageError(
                f"source '{other}' in {shown} names {path} as its text; choose another id"
            )
    sources = root / SOURCES_DIR
    if os.path.lexists(sources) and not (sources.is_dir() and _inside(sources, root)):
        raise UsageError(
            f"'{sources}' is not a directory inside the dataset; source texts are kept there"
        )
    real_sources = sources.resolve() if sources.exists() else sources
    destination = real_sources / f"{id}.txt"
    if os.path.lexists(destination):
        raise UsageError(
            f"'{shown_path(sources / destination.name)}' already exists; choose another id "
            "(add-source never replaces a file)"
        )
    content = _source_text(Path(file))
    digest = hashlib.sha256(content).hexdigest()
    values += [("path", path), ("sha256", digest)]
    entry = {key: value for key, value in values if value is not None}
    changed, line = _appended(text, document, entry, shown)
    bom = "\ufeff" if raw.startswith(b"\xef\xbb\xbf") else ""
    readme = real_sources / README
    if os.path.lexists(readme):
        readme = _kept_inside(readme, root)
        old_readme: bytes | None = readme.read_bytes()
    else:
        old_readme = None
    dataset_title = ""
    if isinstance(document.get("dataset"), YMap):
        dataset_title = str(document["dataset"].get("title") or "")
    new_readme = _with_row(old_readme, _row(entry), dataset_title, readme)
    changes = _Changes()
    with changes:
        changes.make_directories(real_sources)
        changes.create(destination, content)
        if old_readme is None:
            changes.create(readme, new_readme)
        else:
            changes.replace(readme, new_readme, old_readme)
        changes.replace(target, (bom + changed).encode("utf-8"), raw)
    return AddedSource(id, sources / destination.name, digest, line)


def _dataset_file(given: Path) -> tuple[Path, Path]:
    """The dataset's YAML file and its directory, from a directory or the file."""
    file = given / DATA_FILE if given.is_dir() else given
    if not file.is_file():
        raise UsageError(
            f"no dataset at '{given}'; give a directory holding {DATA_FILE} "
            "(`posttrack init DIR --state NAME` makes one)"
        )
    return file, file.parent


def _kept_inside(path: Path, root: Path) -> Path:
    """The file to write for `path`: itself, or what its symbolic link names when
    that is inside the dataset; a link that leads out of the dataset is refused,
    since changing it would change a file that is not the dataset's."""
    real = path.resolve()
    if not real.is_relative_to(root.resolve()):
        raise UsageError(
            f"'{shown_path(path)}' is a link to '{real}', outside the dataset "
            f"'{shown_path(root)}'; add-source changes only the dataset's own files: "
            "run it on the dataset where the file is"
        )
    return real


def _inside(path: Path, root: Path) -> bool:
    try:
        return path.resolve().is_relative_to(root.resolve())
    except (OSError, RuntimeError):
        return False


def _source_ids(document: YMap) -> set[str]:
    items = document.get("sources")
    if not isinstance(items, YSeq):
        return set()
    return {
        item["id"] for item in items if isinstance(item, YMap) and isinstance(item.get("id"), str)
    }


def _source_paths(document: YMap) -> list[tuple[str, str]]:
    items = document.get("sources")
    return [
        (str(item.get("id")), item["path"])
        for item in (items if isinstance(items, YSeq) else ())
        if isinstance(item, YMap) and isinstance(item.get("path"), str)
    ]


def _source_text(file: Path) -> bytes:
    """The text to copy, as bytes: refused when it is not a readable UTF-8 text
    file of a sensible size, since `check` could not read it as a source."""
    try:
        if not file.is_file():
            what = "a directory" if file.is_dir() else "not a file"
            raise UsageError(f"'{file}' is {what}; give the source's text file")
        size = file.stat().st_size
        if size > MAX_DATA_BYTES:
            raise UsageError(
                f"'{file}' is {size:,} bytes, over the {MAX_DATA_BYTES:,}-byte limit for a "
                "source text; is it the right file?"
            )
        content = file.read_bytes()
    except OSError as error:
        raise UsageError(f"cannot read '{file}': {error.strerror or error}") from None
    try:
        decoded = content.decode("utf-8")
    except UnicodeDecodeError as error:
        line = content[: error.start].count(b"\n") + 1
        raise UsageError(
            f"'{file}' is not UTF-8 (byte 0x{content[error.start]:02x} on line {line}); "
            "save it as UTF-8 first: add-source copies a text as it is"
        ) from None
    if not decoded.strip():
        raise UsageError(f"'{file}' holds no text; give the source's text file")
    return content


def _choice(value: str, option: str, choices: tuple[str, ...]) -> None:
    if value not in choices:
        raise UsageError(f"{option} is '{value}'; expected one of " + ", ".join(choices))


def _one_line(value: str, option: str) -> str:
    value = value.strip()
    if not value:
        raise UsageError(f"{option} is blank; give it a value")
    if any(char in _LINE_BREAKS or unicodedata.category(char) == "Cc" for char in value):
        raise UsageError(f"{option} holds a line break or control character; write it on one line")
    return value


def _optional(value: str | None, option: str) -> str | None:
    if value is None:
        return None
    if not value.strip():
        raise UsageError(f"{option} is blank; give it a value, or leave the option out")
    return _one_line(value, option)


# --- the entry in positions.yaml -----------------------------------------------


class _Place(NamedTuple):
    """Where the new entry goes: at `offset`, after removing `cut` (an empty `[]`
    or null value of `sources`), its dash at column `dash` and its keys at `key`;
    `gap`: the entries are separated by a blank line."""

    offset: int
    cut: tuple[int, int] | None
    dash: int
    key: int
    gap: bool


def _appended(text: str, document: YMap, entry: dict[str, str], shown: str) -> tuple[str, int]:
    """positions.yaml's text with the entry appended to `sources`, and the entry's
    first line; refused unless the new text reads back as the old data plus the entry."""
    expected = dict(document)
    if "sources" not in document:
        raise UsageError(f"{shown} has no 'sources'; add `sources: []` to it, then run again")
    old = document["sources"]
    if old is not None and not isinstance(old, YSeq):
        raise UsageError(
            f"'sources' in {shown} is not a list; fix it (`posttrack check` says how), "
            "then run again"
        )
    expected["sources"] = [*(old or []), entry]
    newline = "\r\n" if "\r\n" in text[: text.find("\n") + 1] else "\n"
    for place in _places(text, shown):
        head, tail = text, ""
        offset = place.offset
        if place.cut is not None:
            start, end = place.cut
            head = text[:start].rstrip(" ") + text[end:]
            found = head.find("\n", len(text[:start].rstrip(" ")))
            offset = len(head) if found < 0 else found + 1
        head, tail = head[:offset], head[offset:]
        if head and not head.endswith("\n"):
            head += newline
        lines = _entry_lines(entry, place.dash, place.key)
        block = (newline if place.gap else "") + newline.join(lines) + newline
        changed = head + block + tail
        try:
            same = read_yaml(changed, shown) == expected
        except DataError:
            same = False
        if same:
            return changed, head.count("\n") + (2 if place.gap else 1)
    raise UsageError(
        f"cannot append to 'sources' in {shown} without changing what else it holds; "
        "add the entry by hand:\n" + "\n".join(_entry_lines(entry, 2, 4))
    )


def _entry_lines(entry: dict[str, str], dash: int, key: int) -> list[str]:
    lines: list[str] = []
    for name, value in entry.items():
        # a date always quoted, as the data writes them: no reader takes it for a timestamp
        scalar = double_quoted(value) if name == "issued" else yaml_scalar(value)
        indent = " " * dash + "-" + " " * (key - dash - 1) if not lines else " " * key
        lines.append(f"{indent}{name}: {scalar}")
    return lines


def _places(text: str, shown: str) -> Iterator[_Place]:
    """Where the entry may go, best first (the parser's events locate `sources`)."""
    import yaml  # heavy: only when a source is added

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    events: Iterator[Any] = iter(yaml.parse(text, Loader=loader))
    for event in events:
        if _kind(event) == "MappingStart":
            if event.flow_style:
                raise UsageError(
                    f"{shown} is written as one flow mapping ({{...}}); add-source appends "
                    "to a block list: write the file in block style"
                )
            break
    key: Any = None
    for event in events:
        if _kind(event) == "MappingEnd":
            return
        if key is None:
            key = event
            continue
        if _kind(key) == "Scalar" and key.value == "sources":
            yield from _places_in(text, event, events, key, shown)
            return
        key = None
        if _kind(event) in _STARTS:
            _skip(events)


_STARTS = ("MappingStart", "SequenceStart")
_ENDS = ("MappingEnd", "SequenceEnd")


def _kind(event: Any) -> str:
    return type(event).__name__.removesuffix("Event")


def _skip(events: Iterator[Any]) -> None:
    """Past the end of the collection just started."""
    depth = 1
    for event in events:
        if _kind(event) in _STARTS:
            depth += 1
        elif _kind(event) in _ENDS:
            depth -= 1
            if depth == 0:
                return


def _places_in(
    text: str, value: Any, events: Iterator[Any], key: Any, shown: str
) -> Iterator[_Place]:
    dash = key.start_mark.column + 2
    if _kind(value) == "Scalar":  # `sources:` alone, or `~`: a null
        yield _Place(0, (value.start_mark.index, value.end_mark.index), dash, dash + 2, False)
        return
    if _kind(value) != "SequenceStart":
        return  # not a list: refused before
    if value.flow_style:
        end = next(events)
        if _kind(end) != "SequenceEnd":
            raise UsageError(
                f"'sources' in {shown} is a flow list [...]; write its entries as a block "
                "list (each starting '- id:'), then run again"
            )
        yield _Place(0, (value.start_mark.index, end.end_mark.index), dash, dash + 2, False)
        return
    dash = value.start_mark.column
    keys = dash + 2
    depth, flows = 0, []
    items: list[int] = []  # the line each entry starts on (0-based)
    leaf: Any = value.end_mark  # where the last entry's last value ends
    block = False  # and whether that value is a block scalar (| or >)
    for event in events:
        kind = _kind(event)
        if depth == 0 and kind not in _ENDS:
            mark = event.start_mark
            items.append(mark.line)
            on_dash_line = text[mark.index - mark.column : mark.index].strip() == "-"
            if kind == "MappingStart" and on_dash_line:
                keys = mark.column
        if kind in _STARTS:
            depth += 1
            flows.append(bool(event.flow_style))
        elif kind in _ENDS:
            if depth == 0:
                break
            depth -= 1
            if flows.pop():
                leaf, block = event.end_mark, False
        else:  # a scalar or an alias
            leaf = event.end_mark
            block = getattr(event, "style", None) in ("|", ">")
    if keys <= dash:
        keys = dash + 2
    gap = len(items) >= 2 and _blank_before(text.split("\n"), items[-1])
    end = leaf.index
    if block:  # a block scalar ends past the blank lines after it: end at its last word
        end = len(text[:end].rstrip())
    found = text.find("\n", end)
    offset = len(text) if found < 0 else found + 1
    # comment lines right after the entry, indented under it, are the entry's own
    while offset < len(text):
        found = text.find("\n", offset)
        line = text[offset : len(text) if found < 0 else found]
        body = line.lstrip(" ")
        if not (body.startswith("#") and len(line) - len(body) > dash):
            break
        offset = len(text) if found < 0 else found + 1
    yield _Place(offset, None, dash, keys, gap)
    if block:  # a block scalar that keeps its final line breaks (|+): after them
        yield _Place(leaf.index - leaf.column, None, dash, keys, gap)


def _blank_before(lines: list[str], line: int) -> bool:
    """Whether a blank line comes before `line`, above any comment lines there."""
    above = line - 1
    while above >= 0 and lines[above].strip().startswith("#"):
        above -= 1
    return above >= 0 and not lines[above].strip()


# --- the provenance table ------------------------------------------------------


def _row(entry: dict[str, str]) -> str:
    what = f"{entry['kind']}: {_md(entry['title'])} ({_md(entry['author'])})"
    return (
        f"| `{entry['id']}.txt` | {what} | `{entry['issued']}` | {entry['voice']} "
        f"| `{entry['sha256']}` |"
    )


def _with_row(old: bytes | None, row: str, title: str, path: Path) -> bytes:
    """The README with `row` at the end of its provenance table (the table made if
    it has none, the README made if there is none)."""
    if old is None:
        return (_readme_scaffold(title) + row + "\n").encode("utf-8")
    try:
        text = old.decode("utf-8")
    except UnicodeDecodeError:
        raise UsageError(
            f"'{shown_path(path)}' is not UTF-8; save it as UTF-8, then run again"
        ) from None
    newline = "\r\n" if "\r\n" in text[: text.find("\n") + 1] else "\n"
    lines = text.splitlines(keepends=True)
    header = [_cell(c) for c in PROVENANCE_COLUMNS]
    for number, line in enumerate(lines[:-1]):
        if _cells(line) == header and set(lines[number + 1].strip()) <= set("|-: "):
            end = number + 2
            while end < len(lines) and lines[end].lstrip().startswith("|"):
                end += 1
            before = "".join(lines[:end])
            if not before.endswith(("\n", "\r")):
                before += newline
            return (before + row + newline + "".join(lines[end:])).encode("utf-8")
    rule = newline if text.endswith("\n") else newline * 2
    header_line, rule_line = _table_header()
    table = newline.join((header_line, rule_line, row)) + newline
    return (text + (rule if text else "") + table).encode("utf-8")


def _cells(line: str) -> list[str]:
    return [_cell(cell) for cell in line.strip().strip("|").split("|")]


def _cell(text: str) -> str:
    return " ".join(text.split()).casefold()


def _md(value: str) -> str:
    """Data as one Markdown table cell that renders as itself."""
    text = " ".join("".join(c for c in value if c.isprintable() or c.isspace()).split())
    return re.sub(r"([\\`*_\[\]<>|])", r"\\\1", text)


def _comment(value: str) -> str:
    return " ".join(value.split())


# --- writing -------------------------------------------------------------------


class _Changes:
    """The files and directories written so far; on leaving with an error (or an
    interrupt), every one is undone, last first."""

    def __init__(self) -> None:
        self.made: list[Path] = []
        self.created: list[Path] = []
        self.replaced: list[tuple[Path, bytes, int]] = []  # path, its bytes and mode before
        self.current: Path | None = None

    def __enter__(self) -> _Changes:
        return self

    def __exit__(self, kind: Any, error: Any, traceback: Any) -> None:
        if error is None:
            for directory in {p.parent for p in self.created + [r[0] for r in self.replaced]}:
                sync_directory(directory)
            return
        left = self.undo()
        if isinstance(error, OSError):
            where = shown_path(self.current) if self.current else os.fsdecode(error.filename or "")
            message = f"cannot write '{where}': {error.strerror or error}; "
            if left:
                message += "and could not undo the changes to " + ", ".join(left)
            else:
                message += "nothing was changed"
            raise WriteError(message) from None

    def make_directories(self, directory: Path) -> None:
        missing = []
        for each in (directory, *directory.parents):
            if os.path.lexists(each):
                break
            missing.append(each)
        for each in reversed(missing):
            self.current = each
            each.mkdir()
            self.made.append(each)

    def create(self, path: Path, data: bytes) -> None:
        """Write a new file; refuse if `path` exists (taken with O_EXCL, which never
        follows a symbolic link)."""
        self.current = path
        try:
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
        except FileExistsError:
            raise UsageError(f"'{shown_path(path)}' already exists; nothing was changed") from None
        self.created.append(path)
        replace_whole(path, data, None)

    def replace(self, path: Path, data: bytes, before: bytes) -> None:
        """Replace a file read as `before`, unless it has changed since."""
        self.current = path
        mode = stat.S_IMODE(path.stat().st_mode)
        if path.read_bytes() != before:
            raise UsageError(
                f"'{shown_path(path)}' changed while posttrack was writing; "
                "nothing was changed: run the command again"
            )
        replace_whole(path, data, mode)
        self.replaced.append((path, before, mode))

    def undo(self) -> list[str]:
        """Undo every change; the files that could not be restored."""
        left = []
        for path, before, mode in reversed(self.replaced):
            try:
                replace_whole(path, before, mode)
            except OSError:
                left.append(shown_path(path))
        for path in reversed(self.created):
            try:
                path.unlink(missing_ok=True)
            except OSError:
                left.append(shown_path(path))
        for directory in reversed(self.made):
            with contextlib.suppress(OSError):
                directory.rmdir()
        return left
