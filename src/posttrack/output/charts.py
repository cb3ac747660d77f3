"""The brief's charts, computed from its data: a topic's level over time (a step
line, each position marked by its source's voice, an uncertain or approximate date
drawn hollow and dashed with a bar over the period it covers) and a coverage matrix
of topics by date (which source spoke to which topic when).

Each as SVG for HTML, built as text with every string from the data XML-escaped
(`_x`), and as text for a fenced block in Markdown. No randomness, no clock: the
same brief draws the same bytes.
"""

from __future__ import annotations

from datetime import date
from html import escape
from typing import TYPE_CHECKING, NamedTuple

from posttrack.output.escape import safe

if TYPE_CHECKING:
    from posttrack.dates import Date
    from posttrack.model import Source
    from posttrack.output.brief import Brief, BriefEntry, BriefTopic

# a mark per voice: (text mark, hollow text mark, svg shape)
VOICE_MARKS = {
    "primary": ("●", "○", "circle"),
    "reported": ("■", "□", "square"),
    "secondary": ("▲", "△", "triangle"),
}
INK = "#1a1a1a"  # text and axes: 17:1 on white
LINE = "#0645ad"  # the step line and marks: 7.6:1 on white
GRID = "#767676"  # the faintest grey with 4.5:1 on white, for labels too


def _x(value: object) -> str:
    """A string from the data as SVG text or an attribute value: escaped, controls shown."""
    return escape(" ".join(safe(str(value)).split()), quote=True)


def _mark(voice: str, when: Date) -> str:
    full, hollow, _ = VOICE_MARKS.get(voice, VOICE_MARKS["secondary"])
    return hollow if when.qualifier else full


def _legend_text() -> str:
    marks = "  ".join(f"{full} {voice}" for voice, (full, _, _) in VOICE_MARKS.items())
    hollow = " ".join(h for _, h, _ in VOICE_MARKS.values())
    return f"{marks}; hollow ({hollow}): date uncertain or approximate"


def _when(entry: BriefEntry) -> str:
    position = entry.entry.position
    return f"{position.date.display()}, {entry.entry.source.short}, {entry.entry.source.voice}"


# --- a topic's level over time -----------------------------------------------------------


def _scaled(topic: BriefTopic) -> list[BriefEntry]:
    return [e for e in topic.entries if e.entry.position.level is not None]


def level_text(topic: BriefTopic) -> str:
    """The topic's levels as a grid: a row per level (highest first), a column per
    position with a level, in date order."""
    entries = _scaled(topic)
    if not entries:
        return "no position in this period has a level on the scale"
    width = max(3, len(str(len(entries))) + 1)
    rows = []
    top = max(step.level for step in topic.topic.scale)
    bottom = min(step.level for step in topic.topic.scale)
    gutter = max(len(str(top)), len(str(bottom)))
    for level in range(top, bottom - 1, -1):
        cells = "".join(
            (
                _mark(e.entry.source.voice, e.entry.position.date)
                if e.entry.position.level == level
                else "·"
            ).ljust(width)
            for e in entries
        )
        label = topic.topic.level_label(level) or ""
        rows.append(f"{str(level).rjust(gutter)} {cells} {_one_line(label)}".rstrip())
    rows.append(
        " " * (gutter + 1) + "".join(str(n).ljust(width) for n in range(1, len(entries) + 1))
    )
    rows.append("")
    rows.extend(f"{n}: {_one_line(_when(e))}" for n, e in enumerate(entries, 1))
    rows.append(_legend_text())
    return "\n".join(rows)


def _one_line(text: str) -> str:
    return " ".join(safe(text).split())


class _Axis(NamedTuple):
    low: int  # ordinal days
    high: int
    left: float
    width: float

    def at(self, day: date) -> float:
        return self.left + (day.toordinal() - self.low) / (self.high - self.low) * self.width

    def mid(self, when: Date) -> float:
        return (self.at(when.start) + self.at(when.end)) / 2


def _axis(dates: list[Date], left: float, width: float) -> _Axis:
    low = min(d.start for d in dates).toordinal()
    high = max(d.end for d in dates).toordinal() + 1
    # whole years either side, so a year-precision bar and its year's label fit
    low = date(date.fromordinal(low).year, 1, 1).toordinal()
    high = date(date.fromordinal(high - 1).year + 1, 1, 1).toordinal()
    return _Axis(low, high, left, width)


def _shape(kind: str, x: float, y: float, *, hollow: bool, label: str) -> str:
    fill = "#ffffff" if hollow else LINE
    dash = ' stroke-dasharray="3 2"' if hollow else ""
    style = f'fill="{fill}" stroke="{LINE}" stroke-width="2"{dash}'
    if kind == "circle":
        body = f'<circle cx="{x:.1f}" cy="{y:.1f}" r="6" {style}>'
        close = "</circle>"
    elif kind == "square":
        body = f'<rect x="{x - 6:.1f}" y="{y - 6:.1f}" width="12" height="12" {style}>'
        close = "</rect>"
    else:
        points = f"{x:.1f},{y - 7:.1f} {x + 7:.1f},{y + 6:.1f} {x - 7:.1f},{y + 6:.1f}"
        body = f'<polygon points="{points}" {style}>'
        close = "</polygon>"
    return f"{body}<title>{label}</title>{close}" if label else f"{body}{close}"


def level_svg(topic: BriefTopic, state: str, number: int) -> str:
    """The topic's level over time as an SVG step line, described for a screen reader;
    `number` (the topic's place in the brief) makes its ids unique in the document."""
    entries = _scaled(topic)
    index = topic.topic
    ident = f"chart-{number}"
    top = max(step.level for step in index.scale)
    bottom = min(step.level for step in index.scale)
    levels = top - bottom + 1
    left, right, head, row = 44.0, 16.0, 16.0, 36.0
    width = 640.0
    plot_height = row * levels
    legend_y = head + plot_height + 44
    height = legend_y + 28
    title = f"{index.title}: level on the scale over time"
    if entries:
        desc = (
            f"{state}'s level on the scale of {bottom} to {top}, a step line through "
            "each position with a level, in date order: "
            + "; ".join(
                f"{_when(e)}, level {e.entry.position.level}"
                + (" (date uncertain or approximate)" if e.entry.position.date.qualifier else "")
                for e in entries
            )
            + "."
        )
    else:
        desc = "No position in this period has a level on the scale."
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="{width:.0f}" '
        f'height="{height:.0f}" viewBox="0 0 {width:.0f} {height:.0f}" role="img" '
        f'aria-labelledby="{ident}-t {ident}-d">',
        f'<title id="{ident}-t">{_x(title)}</title>',
        f'<desc id="{ident}-d">{_x(desc)}</desc>',
    ]

    def y_of(level: int) -> float:
        return head + (top - level) * row + row / 2

    plot_width = width - left - right
    for level in range(bottom, top + 1):
        y = y_of(level)
        parts.append(
            f'<line x1="{left:.1f}" y1="{y:.1f}" x2="{left + plot_width:.1f}" y2="{y:.1f}" '
            f'stroke="{GRID}" stroke-width="0.5"/>'
        )
        parts.append(
            f'<text x="{left - 8:.1f}" y="{y + 4:.1f}" text-anchor="end" fill="{INK}" '
            f'font-size="13">{level}</text>'
        )
    axis_y = head + plot_height
    parts.append(
        f'<line x1="{left:.1f}" y1="{axis_y:.1f}" x2="{left + plot_width:.1f}" '
        f'y2="{axis_y:.1f}" stroke="{INK}"/>'
    )
    if entries:
        axis = _axis([e.entry.position.date for e in entries], left, plot_width)
        years = range(date.fromordinal(axis.low).year, date.fromordinal(axis.high - 1).year + 1)
        step = max(1, len(years) // 8)
        for year in years[::step]:
            x = axis.at(date(year, 1, 1))
            parts.append(
                f'<line x1="{x:.1f}" y1="{head:.1f}" x2="{x:.1f}" y2="{axis_y + 4:.1f}" '
                f'stroke="{GRID}" stroke-width="0.5"/>'
            )
            mid = axis.at(date(year, 7, 1))
            parts.append(
                f'<text x="{mid:.1f}" y="{axis_y + 18:.1f}" text-anchor="middle" '
                f'fill="{INK}" font-size="13">{year}</text>'
            )
        points = [
            (axis.mid(e.entry.position.date), y_of(e.entry.position.level or 0), e) for e in entries
        ]
        path = f"M{points[0][0]:.1f},{points[0][1]:.1f}"
        for x, y, _ in points[1:]:
            path += f" H{x:.1f} V{y:.1f}"
        path += f" H{left + plot_width:.1f}"
        parts.append(f'<path d="{path}" fill="none" stroke="{LINE}" stroke-width="2"/>')
        for x, y, entry in points:
            when = entry.entry.position.date
            if when.precision != "day":
                start = axis.at(when.start)
                end = axis.at(date.fromordinal(when.end.toordinal() + 1))
                parts.append(
                    f'<path d="M{start:.1f},{y - 5:.1f} V{y + 5:.1f} M{start:.1f},{y:.1f} '
                    f'H{end:.1f} M{end:.1f},{y - 5:.1f} V{y + 5:.1f}" fill="none" '
                    f'stroke="{LINE}" stroke-width="1.5" stroke-dasharray="4 3"/>'
                )
            shape = VOICE_MARKS.get(entry.entry.source.voice, VOICE_MARKS["secondary"])[2]
            label = _x(f"{_when(entry)}: level {entry.entry.position.level}")
            parts.append(_shape(shape, x, y, hollow=bool(when.qualifier), label=label))
    parts.append(_legend_svg(left, legend_y))
    parts.append("</svg>")
    return "\n".join(parts)


def _legend_svg(left: float, y: float) -> str:
    parts = []
    x = left
    for voice, (_, _, shape) in VOICE_MARKS.items():
        parts.append(_shape(shape, x + 7, y, hollow=False, label=""))
        parts.append(
            f'<text x="{x + 18:.1f}" y="{y + 4:.1f}" fill="{INK}" font-size="13">{voice}</text>'
        )
        x += 100
    parts.append(_shape("circle", x + 7, y, hollow=True, label=""))
    parts.append(
        f'<text x="{x + 18:.1f}" y="{y + 4:.1f}" fill="{INK}" font-size="13">date uncertain '
        "or approximate</text>"
    )
    return "\n".join(parts)


# --- which source spoke to which topic when ---------------------------------------------


class Column(NamedTuple):
    number: int
    when: Date
    source: Source


def coverage_columns(brief: Brief) -> list[Column]:
    """A column per source and date among the brief's positions, in date order."""
    seen: dict[tuple[str, str], tuple[Date, Source]] = {}
    for topic in brief.topics:
        for entry in topic.entries:
            position = entry.entry.position
            seen.setdefault(
                (position.date.text, position.source), (position.date, entry.entry.source)
            )
    # a stable sort: a tie keeps the order the brief first gives them (the file's)
    ordered = sorted(seen.values(), key=lambda pair: pair[0].key)
    return [Column(n, when, source) for n, (when, source) in enumerate(ordered, 1)]


def _cells(brief: Brief, columns: list[Column]) -> list[list[bool]]:
    index = {(c.when.text, c.source.id): c.number - 1 for c in columns}
    grid = []
    for topic in brief.topics:
        row = [False] * len(columns)
        for entry in topic.entries:
            row[index[(entry.entry.position.date.text, entry.entry.position.source)]] = True
        grid.append(row)
    return grid


def _column_text(column: Column) -> str:
    return f"{column.when.display()}, {column.source.short}, {column.source.voice}"


def coverage_text(brief: Brief) -> str:
    """The coverage matrix as a grid: a row per topic, a column per source and date."""
    columns = coverage_columns(brief)
    if not columns:
        return "no positions in this period"
    grid = _cells(brief, columns)
    width = max(3, len(str(len(columns))) + 1)
    titles = [_short(_one_line(t.topic.title), 36) for t in brief.topics]
    gutter = max(len(t) for t in titles) + 2
    rows = [" " * gutter + "".join(str(c.number).ljust(width) for c in columns).rstrip()]
    for title, row in zip(titles, grid, strict=True):
        cells = "".join(
            (_mark(c.source.voice, c.when) if marked else "·").ljust(width)
            for c, marked in zip(columns, row, strict=True)
        )
        rows.append((title.ljust(gutter) + cells).rstrip())
    rows.append("")
    rows.extend(f"{c.number}: {_one_line(_column_text(c))}" for c in columns)
    rows.append(_legend_text())
    return "\n".join(rows)


def _short(text: str, size: int) -> str:
    return text if len(text) <= size else text[: size - 1] + "…"


def coverage_svg(brief: Brief) -> str:
    """The coverage matrix as SVG: topics down, the numbered columns across."""
    columns = coverage_columns(brief)
    grid = _cells(brief, columns)
    cell = 28.0
    titles = [_short(_one_line(t.topic.title), 36) for t in brief.topics]
    left = 8.0 + 7.2 * max((len(t) for t in titles), default=4)
    head = 28.0
    width = left + cell * max(len(columns), 1) + 8
    height = head + cell * max(len(titles), 1) + 8
    spoken = []
    for topic, row in zip(brief.topics, grid, strict=True):
        said = [_column_text(c) for c, marked in zip(columns, row, strict=True) if marked]
        spoken.append(f"{topic.topic.title}: " + ("; ".join(said) if said else "none"))
    desc = "Which source spoke to which topic when. " + ". ".join(spoken) + "."
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart coverage" width="{width:.0f}" '
        f'height="{height:.0f}" viewBox="0 0 {width:.0f} {height:.0f}" role="img" '
        'aria-labelledby="coverage-t coverage-d">',
        '<title id="coverage-t">Coverage: topics by source and date</title>',
        f'<desc id="coverage-d">{_x(desc)}</desc>',
    ]
    for column in columns:
        x = left + cell * (column.number - 1) + cell / 2
        parts.append(
            f'<text x="{x:.1f}" y="{head - 10:.1f}" text-anchor="middle" fill="{INK}" '
            f'font-size="13">{column.number}<title>{_x(_column_text(column))}</title></text>'
        )
    for at, (title, row) in enumerate(zip(titles, grid, strict=True)):
        y = head + cell * at + cell / 2
        parts.append(
            f'<line x1="{left:.1f}" y1="{y:.1f}" x2="{left + cell * len(columns):.1f}" '
            f'y2="{y:.1f}" stroke="{GRID}" stroke-width="0.5"/>'
        )
        parts.append(
            f'<text x="{left - 8:.1f}" y="{y + 4:.1f}" text-anchor="end" fill="{INK}" '
            f'font-size="13">{_x(title)}</text>'
        )
        for column, marked in zip(columns, row, strict=True):
            if not marked:
                continue
            x = left + cell * (column.number - 1) + cell / 2
            shape = VOICE_MARKS.get(column.source.voice, VOICE_MARKS["secondary"])[2]
            label = _x(f"{title}: {_column_text(column)}")
            parts.append(_shape(shape, x, y, hollow=bool(column.when.qualifier), label=label))
    parts.append("</svg>")
    return "\n".join(parts)
