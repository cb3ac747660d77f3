"""Normalisation, its offset map back to the original, and paragraph numbers."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from conftest import SHIPPED
from posttrack.quotes.labels import Lines, paragraph_labels
from posttrack.quotes.locate import find_exact, quote_parts
from posttrack.quotes.normalize import BREAK, normalize, normalize_query


def test_folds_case_quotes_dashes_and_space() -> None:
    assert (
        normalize_query("  “Common  Heritage”\n of – Mankind’s ") == "common heritage of mankinds"
    )
    assert normalize_query("legally-binding") == normalize_query("legally binding")
    assert normalize_query("ＩＣＴｓ") == "icts"  # NFKC
    assert normalize_query("cafe\u0301") == normalize_query("café")
    assert normalize_query("Straße") == "strasse"


def test_removes_document_markup() -> None:
    text = "### **Heading**\n\n1. The ***binding*** rules<sup>2</sup> \\(see\\) a\\_b\n---\n"
    assert normalize(text).text == "heading 1. the binding rules (see) ab"


def test_footnote_block_inside_a_sentence_is_bridged() -> None:
    text = (
        "include but are not limited to\n\n- \n- <sup>1</sup> Chair, *Draft*.\n\n---\n\n"
        "inquiry, mediation"
    )
    assert normalize(text).text == "include but are not limited to inquiry, mediation"


def test_hyphenated_line_end_reads_as_the_word_and_as_the_compound() -> None:
    for quote in ("capacity-building", "capacity building", "capacitybuilding"):
        assert find_exact(normalize("the capacity-\nbuilding needs"), quote), quote
    norm = normalize("of inter-\n    national law")
    (span,) = find_exact(norm, "international law")
    assert norm.original_span(*span) == "inter-\n    national law"
    assert not find_exact(norm, "national law")  # half a word is not the quote


def test_only_a_hyphen_between_letters_at_a_line_end_joins() -> None:
    assert BREAK not in normalize("1990-\n2000").text
    assert BREAK not in normalize("rules -\nwhich").text
    assert BREAK not in normalize("rules\u2014\nwhich").text  # an em dash is a dash
    assert BREAK not in normalize("rules-\n\nwhich").text  # a paragraph ends there
    assert normalize("appli\u00ad\ncation").text == f"appli{BREAK}cation"
    assert normalize(f"a{BREAK}b").text == "ab"  # the marker is never the text's own


def test_span_maps_to_the_exact_original() -> None:
    text = "Pakistan considers cyberspace a “common heritage of mankind” and calls"
    norm = normalize(text)
    start = norm.text.index("common heritage")
    assert norm.original_span(start, start + len("common heritage of mankind")) == (
        "common heritage of mankind"
    )


def test_lines_locate_offsets() -> None:
    lines = Lines("ab\ncd\n\nef")
    assert [lines.locate(i) for i in (0, 1, 3, 6, 7)] == [(1, 1), (1, 2), (2, 1), (3, 1), (4, 1)]


@given(st.text())
def test_offset_map_is_ordered_and_in_range(text: str) -> None:
    norm = normalize(text)
    assert len(norm.starts) == len(norm.ends) == len(norm.text)
    assert all(0 <= s < e <= len(text) for s, e in zip(norm.starts, norm.ends, strict=True))
    assert list(norm.starts) == sorted(norm.starts)
    assert not norm.text.startswith(" ")
    assert not norm.text.endswith(" ")
    assert "  " not in norm.text


@given(st.text(), st.data())
def test_every_span_maps_back_to_text_that_normalises_to_it(text: str, data: st.DataObject) -> None:
    norm = normalize(text, markup=False)
    if not norm.text:
        return
    start = data.draw(st.integers(0, len(norm.text) - 1))
    end = data.draw(st.integers(start + 1, len(norm.text)))
    matched = norm.text[start:end].strip()
    original = norm.original_span(start, end)
    assert matched in normalize_query(original)


@given(st.text(alphabet=st.characters(codec="ascii"), min_size=1))
def test_ascii_spans_map_back_exactly(text: str) -> None:
    norm = normalize(text, markup=False)
    if not norm.text:
        return
    words = norm.text.split(" ")
    offset = 0
    for word in words:
        assert normalize_query(norm.original_span(offset, offset + len(word))) == word
        offset += len(word) + 1


def test_every_shipped_quote_span_normalises_back_to_the_quote() -> None:
    import yaml

    document = yaml.safe_load((SHIPPED / "positions.yaml").read_text(encoding="utf-8"))
    for position in document["positions"]:
        text = (SHIPPED / "sources" / f"{position['source']}.txt").read_text(encoding="utf-8")
        norm = normalize(text)
        for quote in position["quotes"]:
            spans = find_exact(norm, quote["text"])
            assert spans, quote["text"]
            original = norm.original_span(spans[0].start, spans[0].end)
            assert normalize(original).text == " ".join(quote_parts(quote["text"]))


def test_ellipsis_stands_for_elided_words() -> None:
    norm = normalize("We call for a complete ban on the development of offensive tools.")
    assert find_exact(norm, "a complete ban … offensive tools")
    assert find_exact(norm, "a complete ban ... offensive tools")
    assert not find_exact(norm, "offensive tools ... a complete ban")


def test_paragraph_labels_follow_the_documents_numbering() -> None:
    def label_of(source: str, needle: str) -> str | None:
        text = (SHIPPED / "sources" / f"{source}.txt").read_text(encoding="utf-8")
        line = next(i for i, ln in enumerate(text.split("\n")) if needle in ln)
        return paragraph_labels(text)[line]

    assert label_of("2020-oewg-predraft-inputs", "legally and/or politically") == "para 11(i)(a)"
    assert (
        label_of("2020-oewg-predraft-inputs", "damages critical infrastructure") == "para 11(i)(b)"
    )
    assert label_of("2020-oewg-predraft-inputs", "iv. The principle") == "para 12(iv)"
    assert label_of("2020-oewg-predraft-inputs", "Pakistan appreciates") is None
    assert label_of("2020-oewg-working-paper", "binding rules for responsible State") == "para 5(a)"
    assert label_of("2020-oewg-working-paper", "development and hamper the efforts") == "para 27"
    assert label_of("2020-oewg-working-paper", "OEWSG") == "para 23"
    assert label_of("2024-07-11-jadoon-unidir-press-release", "common heritage") is None


# pieces of text like the sources': words, markup, footnotes, odd Unicode
_PIECES = st.sampled_from(
    [
        *"abcXYZ 019.,;()\n\t-_*#\\/<>",
        "<sup>1</sup>",
        "\n---\n",
        "\n- ",
        "“",
        "’",
        "–",
        "é",
        "e\u0301",
        "ß",
        "ﬁ",
        "\u00a0",
        "\ufeff",
        "\u00ad",
        "\u2028",
        "-\n",
        "\u00ad\n",
        "\u2010 \n  ",
        "\r\n",
        "\n\t",
        "inter",
        "U\u0308",
        BREAK,
    ]
)


@given(st.lists(_PIECES, max_size=40).map("".join))
def test_fast_normalisation_equals_the_mapped_one(text: str) -> None:
    from posttrack.quotes.normalize import normalize_fast

    assert normalize_fast(text) == normalize(text).text


def test_fast_normalisation_of_the_shipped_sources() -> None:
    from posttrack.quotes.normalize import normalize_fast

    for path in sorted((SHIPPED / "sources").glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        assert normalize_fast(text) == normalize(text).text, path.name


def test_sections_skip_the_documents_title() -> None:
    from posttrack.quotes.labels import section_labels

    assert section_labels("# PAKISTAN\ntext\n### **Part one**\nmore\n") == [
        None,
        None,
        'section "Part one"',
        'section "Part one"',
        'section "Part one"',
    ]
