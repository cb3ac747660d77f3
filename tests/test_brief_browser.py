"""The HTML brief opened in a real browser, as a reader would: headless Chromium.

Chromium loads the file, logs every console message to stderr (`--enable-logging`)
and every network request to a NetLog (`--log-net-log`), and prints the DOM it
built (`--dump-dom`). The brief must load with no console message and no request
the page made (the browser's own background requests carry no origin), every
internal link and footnote must resolve in the DOM the browser built, every quote
must land on the marked span of its source's text at its line, and a hostile
dataset's text must be text. A control page proves the watch sees a request and
a console message when there is one.

`UPDATE_SCREENSHOT=1` rewrites docs/brief.png from the shipped data's brief.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import struct
import subprocess
from pathlib import Path
from typing import NamedTuple

import pytest

from conftest import REPO, SHIPPED
from posttrack import load_dataset
from posttrack.model import Dataset
from posttrack.output.brief import Brief, build_brief, render_html
from test_brief import Node, hostile, ids, parse  # noqa: F401  (hostile: a fixture)

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")

# quiet and isolated: no first-run, sync, extension or component work, a fresh profile
FLAGS = [
    "--headless=new",
    "--no-sandbox",  # CI runs as root, where Chromium's sandbox cannot start
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--enable-logging=stderr",
    "--v=0",
]


class Visit(NamedTuple):
    dom: str
    console: list[str]  # every console message the page caused
    requests: list[str]  # every URL the page asked the network for


def visit(page: Path, work: Path, *extra: str) -> Visit:
    """Open `page` in headless Chromium; what it built, logged and requested."""
    assert CHROMIUM is not None
    netlog = work / "net.json"
    result = subprocess.run(
        [
            CHROMIUM,
            *FLAGS,
            f"--user-data-dir={work / 'profile'}",
            f"--log-net-log={netlog}",
            *extra,
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    console = [line for line in result.stderr.splitlines() if ":CONSOLE" in line]
    log = json.loads(netlog.read_text(encoding="utf-8"))
    kinds = {number: name for name, number in log["constants"]["logEventTypes"].items()}
    requests = [
        event["params"]["url"]
        for event in log["events"]
        if kinds.get(event["type"]) == "URL_REQUEST_START_JOB"
        and "url" in event.get("params", {})  # the job's start (its end has no url)
        # the browser's own background requests have no origin; a page's have one
        and event["params"].get("initiator") != "not an origin"
    ]
    return Visit(result.stdout, console, requests)


@pytest.fixture(scope="module")
def shipped_brief() -> Brief:
    return build_brief(load_dataset(SHIPPED), None, None, None)


@pytest.fixture(scope="module")
def shipped_visit(shipped_brief: Brief, tmp_path_factory: pytest.TempPathFactory) -> Visit:
    work = tmp_path_factory.mktemp("browser")
    page = work / "brief.html"
    page.write_text(render_html(shipped_brief), encoding="utf-8")
    return visit(page, work, "--dump-dom")


def test_the_watch_sees_a_request_and_a_console_message(tmp_path: Path) -> None:
    # an image the policy forbids (a console message), a stylesheet it allows (a request
    # to a closed local port: nothing leaves the machine)
    page = tmp_path / "control.html"
    page.write_text(
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta http-equiv="Content-Security-Policy" content="img-src \'none\'">'
        "<title>control</title>"
        '<link rel="stylesheet" href="http://127.0.0.1:9/control.css"></head>'
        '<body><img src="http://127.0.0.1:9/control.png" alt=""></body></html>',
        encoding="utf-8",
    )
    seen = visit(page, tmp_path, "--dump-dom")
    assert "http://127.0.0.1:9/control.css" in seen.requests
    assert "http://127.0.0.1:9/control.png" not in seen.requests
    assert any("control.png" in line for line in seen.console)


def test_the_brief_loads_with_no_console_message_and_no_request(shipped_visit: Visit) -> None:
    assert shipped_visit.console == []
    assert shipped_visit.requests == []
    assert "<main" in shipped_visit.dom


def test_every_internal_link_and_footnote_resolves(
    shipped_brief: Brief, shipped_visit: Visit
) -> None:
    root = parse(shipped_visit.dom)
    found = ids(root)
    internal = [n.attrs["href"] for n in root.walk() if (n.attrs.get("href") or "").startswith("#")]
    assert internal
    for href in internal:
        assert href is not None
        assert href[1:] in found, f"dangling link {href}"
    for note in shipped_brief.notes:
        assert found[f"ref-{note.number}"].attrs["href"] == f"#note-{note.number}"
        back = found[f"note-{note.number}"].find("a", **{"class": "back"})
        assert [a.attrs["href"] for a in back] == [f"#ref-{note.number}"]


def test_every_quote_lands_on_its_marked_span_at_its_line(
    shipped_brief: Brief, shipped_visit: Visit
) -> None:
    root = parse(shipped_visit.dom)
    found = ids(root)
    anchors = {c.source.id: c.anchor for c in shipped_brief.sources}
    count = 0
    for topic in shipped_brief.topics:
        for entry in topic.entries:
            for quote in entry.quotes:
                figure = found[f"q-{quote.note}"]
                link = figure.find("a", **{"class": "in-source"})
                assert len(link) == 1, quote
                target = found[(link[0].attrs["href"] or "#")[1:]]
                assert target.tag == "mark"
                section = next(a for a in target.ancestors() if "source-text" in a.classes())
                line = next(a for a in target.ancestors() if "line" in a.classes())
                assert section.attrs["id"] == anchors[entry.entry.source.id]
                assert line.attrs["id"] == f"{section.attrs['id']}-L{quote.line}"
                # the marked text is the quote's: its marks, joined, hold its first words
                marked = " ".join(
                    m.text() for m in section.find("mark") if _after(m, target, section)
                )
                words = re.findall(r"\w+", marked.casefold())
                assert (
                    words[:1]
                    == re.findall(
                        r"\w+", quote.quote.text.casefold().replace("[", "").replace("]", "")
                    )[:1]
                )
                count += 1
    assert count == len(shipped_brief.notes)


def _after(mark: Node, target: Node, section: Node) -> bool:
    """True for `target` and the marks after it in the section (document order)."""
    marks = section.find("mark")
    return marks.index(mark) >= marks.index(target)


def test_hostile_text_is_shown_as_text(hostile: Dataset, tmp_path: Path) -> None:  # noqa: F811
    page = tmp_path / "hostile.html"
    page.write_text(render_html(build_brief(hostile, None, None, None)), encoding="utf-8")
    seen = visit(page, tmp_path, "--dump-dom")
    assert seen.console == []
    assert seen.requests == []
    root = parse(seen.dom)
    assert not root.find("script")
    for node in root.walk():
        for name, value in node.attrs.items():
            assert not name.startswith("on"), (node.tag, name)
            assert not (value or "").lower().startswith("javascript:"), (node.tag, name)
    text = root.text()
    assert "<script>alert(1)</script>" in text
    assert '"onerror="x *bold* [link](javascript:x)' in text


def _png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", header[16:24])
    return width, height


def test_a_screenshot_of_the_shipped_brief(tmp_path: Path) -> None:
    # the README's example: `posttrack brief binding-instrument international-law -f html`
    brief = build_brief(
        load_dataset(SHIPPED), ["binding-instrument", "international-law"], None, None
    )
    page = tmp_path / "brief.html"
    page.write_text(render_html(brief), encoding="utf-8")
    shot = tmp_path / "brief.png"
    seen = visit(page, tmp_path, f"--screenshot={shot}", "--window-size=1200,2000")
    assert seen.console == []
    assert _png_size(shot) == (1200, 2000)
    if os.environ.get("UPDATE_SCREENSHOT"):
        shutil.copyfile(shot, REPO / "docs" / "brief.png")
