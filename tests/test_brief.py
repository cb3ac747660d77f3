"""`posttrack brief`: the document for people, in Markdown for pandoc and in HTML.

Structure and properties on the shipped dataset (every position and quote of the
topics asked for, every footnote defined once and referenced, the bibliography
exactly the sources cited, the same bytes on every run), the golden Markdown, a
hostile dataset's text coming out as text in both formats, and pandoc's DOCX with
real footnotes."""

from __future__ import annotations

import errno
import json
import os
import re
import shutil
import subprocess
from collections.abc import Callable, Iterator
from html.parser import HTMLParser
from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from conftest import SHIPPED, rewrite
from posttrack import load_dataset
from posttrack.dates import parse_date
from posttrack.model import Dataset
from posttrack.output import citations
from posttrack.output.brief import (
    Brief,
    build_brief,
    md_text,
    render_html,
    render_markdown,
)
from posttrack.output.escape import safe
from posttrack.textfile import WriteError as BriefWriteError
from posttrack.textfile import write_atomically as write_brief  # what brief -o writes with

GOLDEN = Path(__file__).parent / "golden"
TOPICS = ["binding-instrument", "international-law"]


# --- a small DOM from html.parser, enough to walk the brief --------------------------

VOID = {"meta", "link", "br", "img", "hr", "input", "col", "area", "base", "source", "wbr"}


class Node:
    def __init__(self, tag: str, attrs: dict[str, str | None], parent: Node | None) -> None:
        self.tag = tag
        self.attrs = attrs
        self.parent = parent
        self.children: list[Node | str] = []

    def walk(self) -> Iterator[Node]:
        yield self
        for child in self.children:
            if isinstance(child, Node):
                yield from child.walk()

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def ancestors(self) -> Iterator[Node]:
        node = self.parent
        while node is not None:
            yield node
            node = node.parent

    def find(self, tag: str, **attrs: str) -> list[Node]:
        return [
            n
            for n in self.walk()
            if n.tag == tag and all(n.attrs.get(k) == v for k, v in attrs.items())
        ]

    def classes(self) -> set[str]:
        return set((self.attrs.get("class") or "").split())


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {}, None)
        self.node = self.root

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, dict(attrs), self.node)
        self.node.children.append(node)
        if tag not in VOID:
            self.node = node

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.node.children.append(Node(tag, dict(attrs), self.node))

    def handle_endtag(self, tag: str) -> None:
        node: Node | None = self.node
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.node = node.parent

    def handle_data(self, data: str) -> None:
        self.node.children.append(data)


def parse(html: str) -> Node:
    builder = _Builder()
    builder.feed(html)
    builder.close()
    return builder.root


def ids(root: Node) -> dict[str, Node]:
    found: dict[str, Node] = {}
    for node in root.walk():
        if (ident := node.attrs.get("id")) is not None:
            assert ident not in found, f"id {ident!r} twice"
            found[ident] = node
    return found


def words(text: str) -> str:
    return " ".join(text.split())


# --- the shipped dataset ---------------------------------------------------------------


@pytest.fixture(scope="module")
def shipped() -> Dataset:
    return load_dataset(SHIPPED)


@pytest.fixture(scope="module")
def brief(shipped: Dataset) -> Brief:
    return build_brief(shipped, TOPICS, None, None)


@pytest.fixture(scope="module")
def markdown(brief: Brief) -> str:
    return render_markdown(brief)


@pytest.fixture(scope="module")
def html(brief: Brief) -> str:
    return render_html(brief)


def cited_sources(dataset: Dataset, topics: list[str]) -> set[str]:
    return {p.source for t in topics for p in dataset.positions_for(t) if p.quotes}


def test_the_brief_holds_every_position_and_quote_of_the_topics(
    shipped: Dataset, brief: Brief
) -> None:
    for topic, shown in zip(TOPICS, brief.topics, strict=True):
        assert shown.topic.id == topic
        positions = [e.entry.position for e in shown.entries]
        assert positions == shipped.positions_for(topic)
        assert [e.entry.position.date.key for e in shown.entries] == sorted(
            e.entry.position.date.key for e in shown.entries
        )
    notes = [q.note for t in brief.topics for e in t.entries for q in e.quotes]
    assert notes == list(range(1, len(brief.notes) + 1))
    # the first note of each source is its full note, every later one short
    firsts = [n.source.id for n in brief.notes if n.full]
    assert len(firsts) == len(set(firsts)) == len(cited_sources(shipped, TOPICS))


def test_markdown_has_every_position_quote_and_footnote(
    shipped: Dataset, brief: Brief, markdown: str
) -> None:
    for topic in TOPICS:
        for position in shipped.positions_for(topic):
            assert f"### {md_text(position.date.display())}: {md_text(position.stance)}\n" in (
                markdown
            )
            assert f"- Summary: {md_text(position.summary)}\n" in markdown
            for quote in position.quotes:
                assert f"\n> {md_text(quote.text)}\n" in markdown
    body, _, notes = markdown.partition("\n[^1]: ")
    references = re.findall(r"\[\^(\d+)\](?!:)", body)
    definitions = re.findall(r"^\[\^(\d+)\]: ", "[^1]: " + notes, re.MULTILINE)
    expected = [str(n) for n in range(1, len(brief.notes) + 1)]
    assert references == expected  # each referenced once, in order
    assert definitions == expected  # each defined once
    for note in brief.notes:
        source = note.source
        text = citations.note(source, note.where) if note.full else None
        text = text or citations.short_note(source, note.where)
        assert f"[^{note.number}]: {md_text(text)}\n" in markdown


def test_the_bibliography_lists_exactly_the_sources_cited(
    shipped: Dataset, brief: Brief, markdown: str, html: str
) -> None:
    cited = [shipped.sources[s] for s in cited_sources(shipped, TOPICS)]
    entries = [citations.bibliography(s) for s in sorted(cited, key=citations.sort_key)]
    section = markdown.split("\n## Sources\n", 1)[1].split("\n[^1]: ", 1)[0]
    assert [line for line in section.splitlines() if line] == [md_text(e) for e in entries]
    listed = parse(html).find("ul", **{"class": "bibliography"})[0].find("li")
    assert [words(li.text()).removesuffix(" Text") for li in listed] == entries
    assert [c.source.id for c in brief.sources] == [
        s.id for s in sorted(cited, key=citations.sort_key)
    ]


def test_html_has_every_position_quote_and_two_way_footnote(
    shipped: Dataset, brief: Brief, html: str
) -> None:
    root = parse(html)
    found = ids(root)
    text = words(root.text())
    for topic in TOPICS:
        for position in shipped.positions_for(topic):
            assert words(position.stance) in text
            assert words(position.summary) in text
    quotes = [words(b.text()) for b in root.find("blockquote")]
    expected = [words(q.quote.text) for t in brief.topics for e in t.entries for q in e.quotes]
    assert quotes == expected
    for note in brief.notes:
        reference = found[f"ref-{note.number}"]
        assert reference.attrs["href"] == f"#note-{note.number}"
        definition = found[f"note-{note.number}"]
        assert definition.tag == "li"
        assert [a.attrs["href"] for a in definition.find("a", **{"class": "back"})] == [
            f"#ref-{note.number}"
        ]
    for node in root.walk():
        href = node.attrs.get("href")
        if href and href.startswith("#"):
            assert href[1:] in found, f"dangling link {href}"


def test_html_is_self_contained_accessible_and_printable(html: str) -> None:
    root = parse(html)
    assert root.find("html")[0].attrs["lang"] == "en"
    csp = root.find("meta", **{"http-equiv": "Content-Security-Policy"})[0].attrs["content"]
    assert csp is not None
    assert "default-src 'none'" in csp
    assert "script-src" not in csp  # falls back to 'none'
    assert root.find("meta", name="viewport")
    assert not root.find("script")
    assert not root.find("link")  # no stylesheet or icon fetched
    for node in root.walk():
        for attr in ("src", "srcset", "poster", "data", "action"):
            assert attr not in node.attrs, (node.tag, attr)
        if "href" not in node.attrs:
            continue
        href = node.attrs["href"] or ""
        # a link out is a citation's URL, in the notes or the list of sources
        assert href.startswith("#") or (
            href.startswith(("http://", "https://"))
            and any(a.attrs.get("id") in ("notes", "sources") for a in node.ancestors())
        ), href
    for landmark in ("header", "nav", "main", "footer"):
        assert len(root.find(landmark)) == 1, landmark
    levels = [int(n.tag[1]) for n in root.walk() if re.fullmatch(r"h[1-6]", n.tag)]
    assert levels[0] == 1
    assert levels.count(1) == 1
    assert all(b - a <= 1 for a, b in pairwise(levels)), levels
    for svg in root.find("svg"):
        assert svg.attrs.get("role") == "img"
        labelled = (svg.attrs.get("aria-labelledby") or "").split()
        assert [c.tag for c in svg.children if isinstance(c, Node)][:2] == ["title", "desc"]
        assert labelled == [c.attrs.get("id") for c in svg.children if isinstance(c, Node)][:2]
        assert all(words(c.text()) for c in svg.children[:4] if isinstance(c, Node))
    style = root.find("style")[0].text()
    assert "@page" in style
    assert "size: A4" in style
    assert "@media print" in style


def _luminance(colour: str) -> float:
    """WCAG 2's relative luminance of `#rrggbb`."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(one: str, two: str) -> float:
    high, low = sorted((_luminance(one), _luminance(two)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_text_colours_have_a_contrast_of_at_least_4_5(html: str) -> None:
    from posttrack.output import charts

    style = parse(html).find("style")[0].text()
    colours = dict(re.findall(r"--([a-z]+):\s*(#[0-9a-f]{6})", style))
    backgrounds = ["#ffffff", colours["wash"], colours["mark"]]
    for ink in ("ink", "muted", "link"):
        for background in backgrounds:
            assert _contrast(colours[ink], background) >= 4.5, (ink, background)
    for ink in (charts.INK, charts.LINE):  # the charts' text and marks, on white
        assert _contrast(ink, "#ffffff") >= 4.5
    # every colour the stylesheet sets is one of these
    used = set(re.findall(r"(?<![-\w])color:\s*([^;]+);", style))
    assert "var(--ink)" in used
    assert used <= {
        "var(--ink)",
        "var(--muted)",
        "var(--link)",
        "inherit",
    }


def test_every_quote_links_to_its_marked_span_at_its_line(brief: Brief, html: str) -> None:
    root = parse(html)
    found = ids(root)
    anchors = {c.source.id: c.anchor for c in brief.sources}
    links = {
        n.parent.parent.attrs["id"]: n.attrs["href"]
        for n in root.find("a", **{"class": "in-source"})
        if n.parent is not None and n.parent.parent is not None
    }
    for topic in brief.topics:
        for entry in topic.entries:
            for quote in entry.quotes:
                assert quote.target is not None, quote  # every shipped quote is found
                assert links[f"q-{quote.note}"] == f"#{quote.target}"
                mark = found[quote.target]
                assert mark.tag == "mark"
                line = next(a for a in mark.ancestors() if "line" in a.classes())
                section = next(a for a in mark.ancestors() if "source-text" in a.classes())
                assert section.attrs["id"] == anchors[entry.entry.source.id]
                assert line.attrs["id"] == f"{section.attrs['id']}-L{quote.line}"
                # and the line links back to the quote
                assert f"#q-{quote.note}" in [a.attrs["href"] for a in line.find("a")]
                first_word = re.findall(
                    r"\w+", quote.quote.text.casefold().replace("[", "").replace("]", "")
                )[:1]
                assert re.findall(r"\w+", mark.text().casefold())[:1] == first_word


def test_a_quote_in_others_words_says_whose(shipped: Dataset) -> None:
    from posttrack.quotes.attribution import passage_of
    from posttrack.quotes.locate import read_source

    brief = build_brief(shipped, None, None, None)
    others = 0
    for topic in brief.topics:
        for entry in topic.entries:
            text = read_source(entry.entry.source).raw
            for quote in entry.quotes:
                passage = passage_of(
                    entry.entry.source, quote.quote.where, text=text, line=quote.line or 0
                )
                assert quote.said_by == (passage.said_by if passage else None)
                others += passage is not None
    assert others  # the shipped sources mark passages in others' words
    markdown = render_markdown(brief)
    said = [q for t in brief.topics for e in t.entries for q in e.quotes if q.said_by]
    for quote in said:
        assert f"; in the words of {md_text(quote.said_by)}[^{quote.note}]\n" in markdown


def test_the_title_names_the_topics(shipped: Dataset, brief: Brief) -> None:
    titles = ", ".join(shipped.topics[t].title for t in TOPICS)
    assert brief.title == f"{shipped.state}'s positions: {titles}"
    every = build_brief(shipped, None, None, None)
    assert every.title == f"{shipped.state}'s positions: all {len(shipped.topics)} topics"
    assert render_markdown(every).startswith(f"# {md_text(every.title)}\n")


def test_the_same_data_gives_the_same_bytes() -> None:
    runs = []
    for _ in range(2):
        dataset = load_dataset(SHIPPED)
        brief = build_brief(dataset, None, None, None)
        runs.append((render_markdown(brief), render_html(brief)))
    assert runs[0] == runs[1]


def test_golden_markdown(shipped: Dataset) -> None:
    """tests/golden/brief-binding-instrument.md; UPDATE_GOLDEN=1 rewrites it (review the diff)."""
    actual = render_markdown(build_brief(shipped, ["binding-instrument"], None, None))
    path = GOLDEN / "brief-binding-instrument.md"
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(actual, encoding="utf-8")
    assert actual == path.read_text(encoding="utf-8")


def test_a_period_with_no_positions_says_so(shipped: Dataset) -> None:
    brief = build_brief(shipped, TOPICS, parse_date("1990"), parse_date("1991"))
    assert all(not t.entries for t in brief.topics)
    assert not brief.notes
    assert not brief.sources
    markdown, html = render_markdown(brief), render_html(brief)
    assert markdown.count("No positions in this period.") == len(TOPICS)
    assert html.count("No positions in this period.") == len(TOPICS)
    assert "Period: from 1990 to 1991; no positions in this period." in markdown


def test_since_and_until_choose_the_positions_shown(shipped: Dataset) -> None:
    since, until = parse_date("2021"), parse_date("2023")
    brief = build_brief(shipped, TOPICS, since, until)
    for topic in brief.topics:
        for entry in topic.entries:
            date = entry.entry.position.date
            assert date.end >= since.start
            assert date.start <= until.end
    shown = {e.entry.position for t in brief.topics for e in t.entries}
    every = {p for t in TOPICS for p in shipped.positions_for(t)}
    assert shown < every  # some are left out, the rest shown
    assert "Period: from 2021 to 2023;" in render_markdown(brief)


def test_charts_are_drawn_from_the_data(brief: Brief, markdown: str, html: str) -> None:
    scaled = [t for t in brief.topics if t.topic.scale]
    assert scaled  # binding-instrument has a scale
    root = parse(html)
    charts = [s for s in root.find("svg") if "coverage" not in s.classes()]
    assert len(charts) == len(scaled)
    for topic, svg in zip(scaled, charts, strict=True):
        with_level = [e for e in topic.entries if e.entry.position.level is not None]
        marks = [
            n for n in svg.walk() if n.tag in ("circle", "rect", "polygon") and n.find("title")
        ]
        assert len(marks) == len(with_level)
        hollow = [m for m in marks if m.attrs.get("stroke-dasharray")]
        assert len(hollow) == sum(1 for e in with_level if e.entry.position.date.qualifier)
        # a year or month date has its interval bar
        bars = [p for p in svg.find("path") if p.attrs.get("stroke-dasharray") == "4 3"]
        assert len(bars) == sum(1 for e in with_level if e.entry.position.date.precision != "day")
    coverage = next(s for s in root.find("svg") if "coverage" in s.classes())
    marked = [n for n in coverage.walk() if n.tag in ("circle", "rect", "polygon")]
    cells = {
        (t.topic.id, e.entry.position.date.text, e.entry.source.id)
        for t in brief.topics
        for e in t.entries
    }
    assert len(marked) == len(cells)
    # the text renderings: in fenced blocks, one grid row per topic
    blocks = re.findall(r"^```text\n(.*?)\n```$", markdown, re.MULTILINE | re.DOTALL)
    assert len(blocks) == 1 + len(scaled)
    for topic in brief.topics:
        assert any(line.startswith(topic.topic.title) for line in blocks[0].splitlines())


def test_a_source_url_closes_its_citations_as_a_link(
    dataset_copy: Callable[..., Path],
) -> None:
    data = dataset_copy()
    url = "https://example.org/alpha_paper.pdf?a=1&b=(2)"
    rewrite(data, "author: Alpha", f"author: Alpha\n    url: '{url}'")
    dataset = load_dataset(data)
    brief = build_brief(dataset, None, None, None)
    source = dataset.sources["alpha-paper"]
    markdown = render_markdown(brief)
    full = citations.note(source, "para 2")  # ends `, URL.`
    assert full.endswith(f", {url}.")
    assert f"[^1]: {md_text(full.removesuffix(f', {url}.'))}, <{url}>.\n" in markdown
    assert f"{md_text(citations.bibliography(source).removesuffix(f' {url}.'))} <{url}>.\n" in (
        markdown
    )
    root = parse(render_html(brief))
    note = ids(root)["note-1"]
    assert [a.attrs["href"] for a in note.find("a") if "back" not in a.classes()] == [url]
    assert words(note.text()).startswith(words(full))
    listed = root.find("ul", **{"class": "bibliography"})[0]
    assert next(a.attrs["href"] for a in listed.find("a")) == url


def test_a_source_text_gone_or_a_quote_not_in_it_is_said_not_hidden(
    dataset_copy: Callable[..., Path],
) -> None:
    data = dataset_copy()
    rewrite(data, "text: Voluntary norms remain useful", "text: Voluntary norms stay useful")
    dataset = load_dataset(data)  # loads; only `check` looks for the quotes
    (data / "sources" / "alpha-paper.txt").unlink()  # gone after loading
    brief = build_brief(dataset, None, None, None)
    quotes = [(e.entry.source.id, q) for t in brief.topics for e in t.entries for q in e.quotes]
    lost = [q for s, q in quotes if s == "alpha-paper" or "stay useful" in q.quote.text]
    assert len(lost) == 4
    assert [q.target for q in lost] == [q.line for q in lost] == [None] * 4
    assert all(q.target for s, q in quotes if q not in lost)
    html = render_html(brief)
    root = parse(html)
    alpha = next(c for c in brief.sources if c.source.id == "alpha-paper")
    assert alpha.lines is None
    assert "The text cannot be shown: " in words(ids(root)[alpha.anchor].text())
    assert words(html).count("(not found in the source text shown below)") == len(lost)
    markdown = render_markdown(brief)
    for quote in lost:  # no line claimed for a quote not found
        assert f"> — {md_text(quote.quote.where)}[^{quote.note}]\n" in markdown


def test_a_crlf_source_with_tabs_is_shown_as_its_lines(
    dataset_copy: Callable[..., Path],
) -> None:
    data = dataset_copy()
    text = data / "sources" / "alpha-paper.txt"
    raw = text.read_text(encoding="utf-8").replace("binding rules for", "binding\trules for")
    text.write_bytes(raw.replace("\n", "\r\n").encode())
    brief = build_brief(load_dataset(data), None, None, None)
    html = render_html(brief)
    assert "\\x0d" not in html  # no carriage return shown as an escape
    assert "\\x09" not in html
    alpha = next(c for c in brief.sources if c.source.id == "alpha-paper")
    assert alpha.lines is not None
    assert ["".join(s.text for s in line.segments) for line in alpha.lines] == [
        line.replace("\t", "    ") for line in raw.split("\n")
    ]
    quote = next(
        q for t in brief.topics for e in t.entries for q in e.quotes if q.quote.where == "para 2"
    )
    assert quote.line == 5
    line = ids(parse(html))[f"{alpha.anchor}-L5"]
    assert [m.text() for m in line.find("mark")] == [
        "There is a need for binding    rules for responsible State behaviour."
    ]


# --- a hostile dataset -----------------------------------------------------------------

HOSTILE = '<script>alert(1)</script> "onerror="x *bold* [link](javascript:x) ```` \u202e end'
# verbatim in the source text (a quote's brackets would be editorial, so none here)
HOSTILE_QUOTE = '<script>alert(2)</script> "onerror="y `code` | #not > \u202e end.'


def _yaml(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


@pytest.fixture
def hostile(dataset_copy: Callable[..., Path]) -> Dataset:
    data = dataset_copy()
    value = _yaml(HOSTILE)
    rewrite(data, "title: Mini test dataset", f"title: {value}")
    rewrite(data, "title: Alpha Working Paper", f"title: {value}")
    rewrite(
        data, "author: Alpha", f"author: {value}\n    url: 'javascript:alert(1)'\n    note: {value}"
    )
    rewrite(data, "title: Binding instrument", f"title: {value}")
    rewrite(
        data,
        "description: Binding rules or an instrument.",
        f"description: {_yaml('# ' + HOSTILE)}",
    )
    rewrite(data, "label: binding rules", f"label: {_yaml('1. ' + HOSTILE)}")
    rewrite(data, "stance: Binding rules, politically or legally", f"stance: {value}")
    rewrite(
        data,
        "summary: Wants binding rules.",
        f"summary: {_yaml('> ' + HOSTILE)}\n    note: {value}",
    )
    rewrite(
        data,
        "        where: para 2(a)",
        f"        where: para 2(a)\n      - text: {_yaml(HOSTILE_QUOTE)}\n        where: para 4",
    )
    rewrite(
        data,
        "note: Essential to develop a legally binding instrument, not only rules.",
        f"note: {_yaml('- ' + HOSTILE)}",
    )
    text = data / "sources" / "alpha-paper.txt"
    source = text.read_text(encoding="utf-8")
    text.write_text(source.replace("---", f"4. {HOSTILE_QUOTE} {HOSTILE}\n\n---"), encoding="utf-8")
    return load_dataset(data)


def assert_inert(html: str) -> None:
    """No element, attribute or link the data could have made act."""
    root = parse(html)
    assert not root.find("script")
    for node in root.walk():
        for name, value in node.attrs.items():
            assert not name.startswith("on"), (node.tag, name)
            assert not (value or "").strip().lower().startswith("javascript:"), (node.tag, name)
    assert "\u202e" not in html


def test_hostile_text_is_text_in_html(hostile: Dataset) -> None:
    brief = build_brief(hostile, None, None, None)
    html = render_html(brief)
    assert_inert(html)
    text = parse(html).text()
    assert text.count("<script>alert(1)</script>") >= 8  # titles, stance, notes, source text
    assert "[link](javascript:x)" in text
    assert '"onerror="x *bold*' in text
    assert "\\u202e" in text  # the override shown, not obeyed
    # the hostile quote is found, linked and marked in its source's text
    quote = next(
        q for t in brief.topics for e in t.entries for q in e.quotes if "alert(2)" in q.quote.text
    )
    assert quote.target is not None
    mark = ids(parse(html))[quote.target]
    assert mark.tag == "mark"
    assert mark.text().startswith("<script>alert(2)</script>")


def test_hostile_text_is_text_in_markdown(hostile: Dataset) -> None:
    from markdown_it import MarkdownIt

    markdown = render_markdown(build_brief(hostile, None, None, None))
    assert "\u202e" not in markdown
    # CommonMark with raw HTML allowed: still nothing from the data is markup
    html = MarkdownIt("commonmark").render(markdown)
    assert_inert(html)
    root = parse(html)
    assert not [n for n in root.walk() if n.tag in ("em", "strong", "h4", "h5", "h6", "ol")]
    assert all(n.parent is not None and n.parent.tag == "pre" for n in root.find("code"))
    assert not root.find("a")  # no link from the data: `[link](javascript:x)` is text
    text = parse(html).text()
    assert "<script>alert(1)</script>" in text
    assert "[link](javascript:x)" in text
    assert "# <script>" in text  # a leading `#` is no heading
    assert "1. <script>" in text  # nor a leading `1.` a list


@pytest.mark.skipif(shutil.which("pandoc") is None, reason="pandoc is not installed")
def test_hostile_text_is_text_through_pandoc(hostile: Dataset, tmp_path: Path) -> None:
    path = tmp_path / "brief.md"
    path.write_text(render_markdown(build_brief(hostile, None, None, None)), encoding="utf-8")
    result = subprocess.run(
        ["pandoc", str(path), "-t", "html"], capture_output=True, text=True, check=True
    )
    assert_inert(result.stdout)
    root = parse(result.stdout)
    # (pandoc writes footnote references as <sup>: only those)
    assert not [n for n in root.walk() if n.tag in ("em", "strong", "sub", "del", "math")]
    assert all(n.parent is not None and n.parent.tag == "pre" for n in root.find("code"))
    assert all(n.parent is not None and n.parent.tag == "a" for n in root.find("sup"))
    text = root.text()
    assert "<script>alert(1)</script>" in text
    assert "[link](javascript:x)" in text


# --- any text from the data reads back as that text -----------------------------------

# ASCII punctuation weighted up: Markdown's syntax is made of it
MARKDOWNISH = st.text(
    st.one_of(st.sampled_from("\\`*_[]{}<>()#+-.!|~^$@&:;=\"' \t\n0123456789"), st.characters()),
    max_size=40,
)
TRICKY = [
    "# heading",
    "1. list",
    "2) list",
    "- item",
    "+ item",
    ": definition",
    "= setext",
    "> quote",
    "    code",
    "***",
    "---",
    "a -- b ... c",
    "<div>block</div>",
    "<!-- comment -->",
    "&amp; &#x41; &copy",
    "[a]: https://x",
    "[^1] and ^[inline note] and [@cite] and @cite",
    "$x^2$ and H~2~O and 2^10^",
    "`code` and ``two``",
    "line end\\",
    "*em* _em_ **strong** ~~del~~",
    "[link](javascript:x) ![img](x.png) <https://x.org>",
    "| a | b |",
    "{#id .class}",
    "\"quoted\" and 'single'",
    "(@) example",
    "#. fancy",
    "a\u202eb\u200bc",
]


def _expected(text: str) -> str:
    return " ".join(safe(text).split())


@given(MARKDOWNISH)
def test_any_text_reads_back_as_itself_in_commonmark(text: str) -> None:
    from markdown_it import MarkdownIt

    assume(_expected(text))
    # at a line's start and after the template's words
    html = MarkdownIt("commonmark").render(f"{md_text(text)}\n\nText: {md_text(text)}\n")
    root = parse(html)
    assert [n.tag for n in root.walk()][1:] == ["p", "p"]  # paragraphs, nothing inside them
    assert [p.text() for p in root.find("p")] == [_expected(text), f"Text: {_expected(text)}"]


@pytest.mark.parametrize("text", TRICKY)
def test_markup_reads_back_as_text_at_a_line_start_in_commonmark(text: str) -> None:
    from markdown_it import MarkdownIt

    root = parse(MarkdownIt("commonmark").render(md_text(text) + "\n"))
    assert [n.tag for n in root.walk()][1:] == ["p"]
    assert root.text().strip() == _expected(text)


def _inline_text(inlines: list[dict[str, object]]) -> str:
    parts = []
    for inline in inlines:
        if inline["t"] == "Str":
            parts.append(str(inline["c"]))
        elif inline["t"] in ("Space", "SoftBreak"):
            parts.append(" ")
        else:
            parts.append(f"<{inline['t']}>")  # any markup is a failure
    return "".join(parts)


@pytest.mark.skipif(shutil.which("pandoc") is None, reason="pandoc is not installed")
def test_markup_reads_back_as_text_in_pandoc() -> None:
    document = "\n\n".join(md_text(text) for text in TRICKY) + "\n"
    result = subprocess.run(
        ["pandoc", "-f", "markdown", "-t", "json"],
        input=document,
        capture_output=True,
        text=True,
        check=True,
    )
    blocks = json.loads(result.stdout)["blocks"]
    assert [b["t"] for b in blocks] == ["Para"] * len(TRICKY)
    assert [_inline_text(b["c"]) for b in blocks] == [_expected(t) for t in TRICKY]


# --- pandoc: a Word document with real footnotes ---------------------------------------


def _notes(block: object) -> Iterator[object]:
    """Every Note element of pandoc's JSON AST."""
    if isinstance(block, dict):
        if block.get("t") == "Note":
            yield block
        for value in block.values():
            yield from _notes(value)
    elif isinstance(block, list):
        for value in block:
            yield from _notes(value)


@pytest.mark.skipif(shutil.which("pandoc") is None, reason="pandoc is not installed")
def test_pandoc_makes_a_docx_with_every_footnote(
    brief: Brief, markdown: str, tmp_path: Path
) -> None:
    source, docx = tmp_path / "brief.md", tmp_path / "brief.docx"
    source.write_text(markdown, encoding="utf-8")
    made = subprocess.run(
        ["pandoc", str(source), "-o", str(docx)], capture_output=True, text=True, check=False
    )
    assert (made.returncode, made.stderr) == (0, "")
    read = subprocess.run(
        ["pandoc", str(docx), "-t", "json"], capture_output=True, text=True, check=True
    )
    assert len(list(_notes(json.loads(read.stdout)))) == len(brief.notes)
    plain = subprocess.run(
        ["pandoc", str(docx), "-t", "plain", "--wrap=none"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    _, _, notes = plain.partition("[1] ")
    assert notes, "no footnotes in the DOCX"
    for note in brief.notes:
        source_ = note.source
        text = (
            citations.note(source_, note.where)
            if note.full
            else citations.short_note(source_, note.where)
        )
        assert f"[{note.number}] {words(text)}" in words("[1] " + notes)
    assert "[^" not in plain  # no footnote left as text


# --- writing it to a file (-o) -----------------------------------------------------------


def test_write_brief_replaces_the_target_at_once(tmp_path: Path) -> None:
    target = tmp_path / "brief.md"
    target.write_text("old", encoding="utf-8")
    write_brief("new ✓\n", target)
    assert target.read_bytes() == "new ✓\n".encode()
    assert [p.name for p in tmp_path.iterdir()] == ["brief.md"]  # no temporary left


def test_a_failed_write_leaves_the_target_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "brief.md"
    target.write_text("old", encoding="utf-8")

    def full(descriptor: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(BriefWriteError, match=r"^cannot write '.*brief\.md': "):
        write_brief("new", target)
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["brief.md"]


def test_a_symbolic_link_is_replaced_not_followed(tmp_path: Path) -> None:
    elsewhere = tmp_path / "keep.txt"
    elsewhere.write_text("keep", encoding="utf-8")
    link = tmp_path / "brief.html"
    link.symlink_to(elsewhere)
    write_brief("brief", link)
    assert elsewhere.read_text(encoding="utf-8") == "keep"
    assert not link.is_symlink()
    assert link.read_text(encoding="utf-8") == "brief"


def test_a_missing_directory_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(BriefWriteError):
        write_brief("brief", tmp_path / "missing" / "brief.md")
