r"""What each output format escapes, so that no text from the data acts on the
program that reads it.

Machine formats (json, jsonl, csv, tsv, plain, md) depend on nothing but the
data: not the terminal, its width, colour settings or the locale. Text from
the data is never read as rich markup or emoji codes, and no format lets the
data act on the program that reads it:

- Unsafe characters are C0 and C1 controls (but tab and newline where a format
  carries them), DEL, the bidi marks, embeddings, overrides and isolates,
  U+2028/U+2029, and invisible characters (U+200B, U+2060-U+206F, U+FEFF,
  U+180E, the tag characters U+E0000-U+E007F; U+200C/U+200D unless both
  neighbours are visible non-ASCII characters, as in Persian, Indic scripts and
  emoji sequences). Combining marks and ordinary scripts are left alone.
- table, plain, md and messages show unsafe characters as `\xNN`, `\uNNNN` or
  `\UNNNNNNNN` (`safe`).
- json writes them as `\uXXXX` escapes (a surrogate pair above U+FFFF), which
  decode to the exact text; jsonl is all ASCII.
- tsv writes `\`, tab, newline and carriage return as `\\`, `\t`, `\n`,
  `\r` and other unsafe characters as `safe` does; csv the same, except that
  tab and newline stay as they are (in a quoted field). Every literal
  backslash is doubled, so the escapes are undone without ambiguity.
- csv quotes a field holding `,` `"` `;` tab, newline or carriage return, so a
  spreadsheet splitting at `;` or tab cannot start a cell inside it.
- csv and tsv neutralise cells a spreadsheet would run as a formula (OWASP's
  "CSV Injection"), looking at each cell as written (so in tsv a tab or a
  newline is already `\t`, `\n`, and harmless): a cell whose first character
  is `=` `+` `-` `@` tab, carriage return or newline, or whose first
  character after leading whitespace is `=` `+` `-` `@`, is written with a
  single quote `'` in front. So is a cell that already begins with `'`: a
  reader removes one leading `'` from any cell that begins with one and has
  the exact text back. A cell that is a plain decimal number (an optional
  sign, ASCII digits, optionally a point and digits: `-1`, `+2.5`) cannot be
  a formula and stays a number.
- `exact_cells=True` writes csv and tsv cells exactly as the data has them
  (tsv still escapes `\`, tab, newline and carriage return): for a program
  that must have the raw text and never shows it on a terminal or in a
  spreadsheet.
- md escapes `\` and `|`, and writes `&`, `<` and `>` as `&amp;`, `&lt;`,
  `&gt;`, so no HTML from the data reaches a renderer.

Line formats go to the stream in pieces of about 64 KiB, not a line at a time:
`posttrack topics | head -1` then has its whole (small) output written before
`head` exits, rather than a second write meeting a closed pipe.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import Any

# Characters that are invisible, or that move or recolour what a terminal shows:
# DEL, C1 controls, the Arabic letter mark, the Mongolian vowel separator, the
# zero-width space, bidi marks, embeddings and overrides, U+2028/U+2029, the word
# joiner, invisible operators, bidi isolates and deprecated format characters,
# the BOM, and the tag characters. C0 controls are added where a format needs.
_INVISIBLE = (
    "\x7f-\x9f\u061c\u180e\u200b\u200e\u200f\u2028-\u202e\u2060-\u206f\ufeff\U000e0000-\U000e007f"
)
# U+200C/U+200D join letters in Persian, Indic scripts and emoji sequences: they are
# shown only where a neighbour is not such a character (ASCII, a space, an edge),
# which the replacement decides (`escaper`): a pattern that looked behind at every
# position took 12 ms over `export --by quote -f json`, a character class 1.4
_LETTER = "[^\x00-\x7f\\s\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]"
_JOINER = "\u200c\u200d"
# compiled when first used, not at start-up
_UNSAFE = f"[\x00-\x1f{_INVISIBLE}{_JOINER}]"
# csv carries tab and newline in a quoted field, and writes a carriage return as \r
_CSV_UNSAFE = f"[\x00-\x08\x0b\x0c\x0e-\x1f{_INVISIBLE}{_JOINER}]"
# json.dumps has escaped the C0 controls; a raw newline here is the indentation's
JSON_UNSAFE = f"[{_INVISIBLE}{_JOINER}]"


@functools.cache
def regex(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def _visible(char: str) -> str:
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def escaper(replace: Callable[[str], str]) -> Callable[[re.Match[str]], str]:
    """A replacement for `re.sub` with one of the patterns above: the character
    matched, escaped by `replace`, unless it is a joiner between two letters."""

    def escaped(match: re.Match[str]) -> str:
        char = match.group()
        if char in _JOINER:
            text, at = match.string, match.start()
            letter = regex(_LETTER).match
            if 0 < at < len(text) - 1 and letter(text[at - 1]) and letter(text[at + 1]):
                return char
        return replace(char)

    return escaped


_shown = escaper(_visible)


def safe(text: str) -> str:
    """Text for a terminal: controls, bidi marks and invisible characters shown as escapes."""
    if text.isascii() and text.isprintable():  # most fields: nothing there to escape
        return text
    return regex(_UNSAFE).sub(_shown, text)


def json_escape(char: str) -> str:
    code = ord(char)
    if code < 0x10000:
        return f"\\u{code:04x}"
    code -= 0x10000
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


# a replacement for `re.sub(JSON_UNSAFE, ...)` over JSON text
json_escaped = escaper(json_escape)


def cell(value: Any) -> str:
    """A value as one field of a row: lists joined with '; ', None empty."""
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return "; ".join(cell(v) for v in value)
    return str(value)


def tsv_field(value: str) -> str:
    return (
        value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    )


_FORMULA = frozenset("=+-@")
_FORMULA_START = frozenset("=+-@\t\r\n'")
_NUMBER = r"[+-]?[0-9]+(?:\.[0-9]+)?"


def neutral(text: str) -> str:
    """A cell no spreadsheet runs as a formula: `'` in front where it might (OWASP)."""
    if not text:
        return text
    if text[0] in _FORMULA_START or text.lstrip()[:1] in _FORMULA:
        if regex(_NUMBER).fullmatch(text):
            return text
        return "'" + text
    return text


def csv_text(value: str) -> str:
    text = value.replace("\\", "\\\\").replace("\r", "\\r")
    return regex(_CSV_UNSAFE).sub(_shown, text)


# a field with any of these is quoted: RFC 4180's three, and the other separators a
# spreadsheet may split at, where a cell could start inside the field
_CSV_QUOTE = '[,";\t\n\r]'


def csv_field(text: str) -> str:
    if regex(_CSV_QUOTE).search(text):
        return '"' + text.replace('"', '""') + '"'
    return text


def md_field(value: str) -> str:
    """A Markdown table cell: text as `md_text` makes it, on one line."""
    return md_text(value)


# every character CommonMark gives a meaning inline (emphasis, code, links, images,
# autolinks, raw HTML, entities, strikethrough, tables)
_MD_ACTIVE = r"([\\`*_\[\]{}#|~!$^])"
# what makes a line a block of its own where it starts: a heading, a quote, a list
# item, a thematic break or a setext underline
_MD_LINE_START = r"^(\s*)([-+=>]|\d+[.)])"


# any character, or a line's start, that `md_escaped` changes
_MD_ANY = r"[\\`*_\[\]{}#|~!$^&<>]"
_MD_BLOCK = r"\s*(?:[-+=>]|\d+[.)])"


def md_text(value: str) -> str:
    """Data as Markdown text that renders as itself: `&`, `<` and `>` as entities (no
    raw HTML, no entity of the data's making), every other active character escaped
    with a backslash (any ASCII punctuation may be), one paragraph (line breaks become
    spaces), and no control, bidi or invisible character. Most fields have nothing
    to escape: one search finds that (`export -f md` writes 4,452 fields)."""
    text = " ".join(value.split())
    active = regex(_MD_ANY).search(text) or regex(_MD_BLOCK).match(text)
    return safe(md_escaped(text) if active else text)


def md_escaped(text: str) -> str:
    """One line of text with its Markdown markup escaped (`md_text`)."""
    text = regex(_MD_ACTIVE).sub(r"\\\1", text)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return regex(_MD_LINE_START).sub(lambda m: m.group(1) + "\\" + m.group(2), text)
