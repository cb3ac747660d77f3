"""Manual pages written from the command line's own help: `posttrack(1)` and one
`posttrack-COMMAND(1)` per command, in roff (man(7)), with no dependency but the
help texts the commands already carry. `tests/test_manpage.py` keeps the shipped
pages equal to what this writes; the wheel installs them under share/man/man1."""

from __future__ import annotations

import re
from typing import Any

SECTION = "1"
MANUAL = "posttrack manual"


def roff(text: str) -> str:
    """Text as roff reads it literally: backslashes doubled, a leading dot or quote
    escaped (it would start a request), dashes in options as minus signs."""
    text = text.replace("\\", "\\e")
    text = re.sub(r"(?<![\w-])-+", lambda m: "\\-" * len(m.group()), text)
    return "\n".join(
        "\\&" + line if line.startswith((".", "'")) else line for line in text.split("\n")
    )


def _paragraphs(text: str) -> list[str]:
    """Help text as paragraphs (click's `\\b` marks a block kept as written)."""
    return [p.strip("\n") for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]


def _first(text: str | None) -> str:
    """A help text's first paragraph, on one line."""
    return " ".join(_paragraphs(text or "")[0].split()) if text else ""


def _options(command: Any, ctx: Any) -> list[str]:
    out: list[str] = []
    for param in command.get_params(ctx):
        record = param.get_help_record(ctx)
        if record is None:
            continue
        names, help_text = record
        out += [".TP", f"\\fB{roff(names)}\\fR", roff(" ".join(help_text.split()))]
    return out


def _examples(epilog: str | None) -> list[str]:
    if not epilog:
        return []
    lines = [line.strip() for line in epilog.splitlines() if line.strip().startswith("$ ")]
    if not lines:
        return []
    out = [".SH EXAMPLES", ".nf"]
    out += [roff(line) for line in lines]
    return [*out, ".fi"]


def _page(name: str, summary: str, synopsis: str, body: list[str], version: str) -> str:
    head = [
        f'.TH "{name.upper()}" "{SECTION}" "" "posttrack {version}" "{MANUAL}"',
        ".SH NAME",
        f"{roff(name)} \\- {roff(summary)}",
        ".SH SYNOPSIS",
        f".B {roff(synopsis)}",
    ]
    return "\n".join([*head, *body]) + "\n"


def man_pages(command: Any, version: str) -> dict[str, str]:
    """Every page, by file name (`posttrack.1`, `posttrack-cite.1`), for the click
    command of the whole program (typer.main.get_command(app))."""
    pages: dict[str, str] = {}
    root = command.context_class(command, info_name="posttrack", **command.context_settings)
    subcommands = getattr(command, "commands", {})
    listing = [".SH COMMANDS"]
    for name, sub in subcommands.items():
        listing += [".TP", f"\\fBposttrack {roff(name)}\\fR", roff(_first(sub.help))]
        listing += [f"See \\fBposttrack\\-{roff(name)}\\fR({SECTION})."]
    description = [".SH DESCRIPTION", *(roff(p) + "\n.PP" for p in _paragraphs(command.help))]
    body = [*description, ".SH OPTIONS", *_options(command, root), *listing]
    pages["posttrack.1"] = _page(
        "posttrack",
        command.help.strip().splitlines()[0].rstrip("."),
        "posttrack [OPTIONS] COMMAND [ARGS]...",
        body,
        version,
    )
    for name, sub in subcommands.items():
        ctx = sub.context_class(sub, info_name=name, parent=root)
        usage = " ".join(sub.collect_usage_pieces(ctx))
        paragraphs = _paragraphs(sub.help or "")
        sub_body = [".SH DESCRIPTION"]
        for paragraph in paragraphs:
            sub_body += [roff(" ".join(paragraph.split())), ".PP"]
        sub_body += [".SH OPTIONS", *_options(sub, ctx), *_examples(sub.epilog)]
        sub_body += [".SH SEE ALSO", f"\\fBposttrack\\fR({SECTION})"]
        pages[f"posttrack-{name}.1"] = _page(
            f"posttrack-{name}",
            _first(sub.help).rstrip("."),
            f"posttrack {name} {usage}",
            sub_body,
            version,
        )
    return pages
