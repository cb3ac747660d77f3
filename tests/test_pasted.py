"""What people paste: text from a converted PDF (hard wraps, words hyphenated at line
ends), quotes with editorial brackets and ellipses, and quotes with typos near their
first word, which must still be placed from that word."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import SHIPPED
from posttrack.quotes.differences import search_parts
from posttrack.quotes.index import chunk_bounds
from posttrack.quotes.locate import closest, exact_spans, find_exact, fitted, quote_parts
from posttrack.quotes.normalize import BREAK, normalize, normalize_fast, normalize_query

_HYPHENS = ("-", "-", "-", "\u00ad", "\u2010")
_LINE_ENDS = ("\n", "\n", "\n", "\n    ", " \n", "\n\t", "\r\n")


def _paragraphs() -> list[str]:
    """The shipped sources' plain paragraphs (no markdown), as a PDF would hold them."""
    found = []
    for path in sorted((SHIPPED / "sources").glob("*.txt")):
        for raw in path.read_text(encoding="utf-8").split("\n"):
            line = " ".join(raw.split())
            if len(line) > 80 and not re.search(r"[*#<>_\\|\[\]]", line):
                found.append(line)
    return found


def _hard_wrapped(paragraph: str, rng: random.Random, width: int = 70) -> str:
    """`paragraph` wrapped at `width` columns as a PDF converter leaves it: a long word
    that does not fit is hyphenated (a compound at its own hyphen), and a line may end
    in spaces or the next one start indented."""
    lines: list[str] = []
    line = ""
    for word in paragraph.split(" "):
        if not line or len(line) + 1 + len(word) <= width:
            line = f"{line} {word}" if line else word
            continue
        room = width - len(line) - 2  # a space and the hyphen
        cuts = [
            at
            for at in range(2, min(room, len(word) - 2) + 1)
            if word[at - 1].isalpha() and word[at].isalpha()
        ]
        compound = [
            at
            for at in range(1, min(room + 1, len(word) - 1))
            if word[at] == "-" and word[at - 1].isalpha() and word[at + 1].isalpha()
        ]
        if compound:
            at = compound[-1]
            lines.append(f"{line} {word[: at + 1]}")
            line = word[at + 1 :]
        elif cuts and len(word) >= 6:
            at = rng.choice(cuts)
            lines.append(f"{line} {word[:at]}{rng.choice(_HYPHENS)}")
            line = word[at:]
        else:
            lines.append(line)
            line = word
    lines.append(line)
    text = lines[0]
    for following in lines[1:]:
        text += rng.choice(_LINE_ENDS) + following
    return text


def _sentences(paragraph: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.;:])\s+", paragraph) if len(s.split()) >= 3]


def _letters(text: str) -> str:
    """A text's letters and digits: what a span holds however it was wrapped (the span
    leaves out a quote mark at its edge)."""
    return re.sub(r"[\W_]", "", text)


def _corpus(blank_lines: bool) -> tuple[str, list[str]]:
    rng = random.Random(13)
    paragraphs = _paragraphs()
    separator = "\n\n" if blank_lines else "\n"
    text = separator.join(_hard_wrapped(p, rng) for p in paragraphs) + "\n"
    return text, [s for p in paragraphs for s in _sentences(p)]


def test_the_pdf_corpus_is_what_it_claims() -> None:
    text, sentences = _corpus(blank_lines=True)
    assert text.count("\n") >= 300
    assert len(sentences) >= 100
    assert max(len(line) for line in text.split("\n")) <= 75
    hyphenated = re.findall(r"[^\W\d_][-\u00ad\u2010][ \t]*\r?\n", text)
    assert len(hyphenated) >= 60
    assert "\u00ad\n" in text
    assert re.search(r"legally-\s*\n", text) or re.search(r"[a-z]-\n\s*[a-z]+-", text)


def test_every_sentence_of_a_pdf_is_found_verbatim_with_its_exact_span() -> None:
    text, sentences = _corpus(blank_lines=True)
    norm = normalize(text)
    for sentence in sentences:
        spans = find_exact(norm, sentence)
        assert spans, sentence
        assert any(_letters(norm.original_span(*s)) == _letters(sentence) for s in spans)


def test_every_sentence_is_found_in_the_index_normalisation() -> None:
    """What the index stores: each chunk normalised apart (normalize_fast), joined by a
    space; every sentence is found in it word for word."""
    for blank_lines in (True, False):
        text, sentences = _corpus(blank_lines)
        data = text.encode("utf-8")
        chunks = [normalize_fast(data[a:b].decode("utf-8")) for a, b in chunk_bounds(data)]
        stored = " ".join(c for c in chunks if c)
        assert normalize_fast(text) == normalize(text).text
        missing = [s for s in sentences if not exact_spans(quote_parts(s), stored)]
        # (paragraphs not parted by blank lines make chunks of 2,000 bytes cut at line
        # ends, never after a hyphenated word: its halves would be two words)
        assert not missing, missing


def test_a_pasted_quote_with_its_line_end_hyphen_is_found_both_ways() -> None:
    pasted = "the inter-\nnational law and a legally-\n binding instrument"
    for source in (
        "of the international law and a legally-binding instrument.",
        "of the inter-\nnational law and a legally binding instrument.",
        "of the international law and a legally-\nbinding instrument.",
    ):
        assert find_exact(normalize(source), pasted), source


def test_a_quote_written_whole_or_as_a_compound_finds_the_broken_word() -> None:
    norm = normalize(
        "develop a legally-\n   binding inter\u00ad\nnational instrument, through appli-\ncation"
    )
    for quote in (
        "legally binding international instrument",
        "legally-binding international instrument",
        "legallybinding international instrument",
        "through application",
    ):
        (span,) = find_exact(norm, quote)
        assert _letters(norm.original_span(*span)) == _letters(quote)
    assert not find_exact(norm, "national instrument")
    assert not find_exact(norm, "cation")


# --- the offset map, with line-end hyphens ---------------------------------------------

_WORDS = st.text(alphabet="abcdefghijklmnopqrstuvwxyzé", min_size=1, max_size=12)
_GAPS = st.sampled_from([" ", "\n", " \n ", "-\n", "\u00ad\n", "-\n   ", "\u2010 \n\t"])


@given(st.lists(st.tuples(_WORDS, _GAPS), min_size=1, max_size=12))
def test_a_hyphenated_line_end_maps_to_the_hyphen_and_its_whitespace(
    pieces: list[tuple[str, str]],
) -> None:
    text = "".join(word + gap for word, gap in pieces)
    norm = normalize(text)
    assert normalize_fast(text) == norm.text
    assert list(norm.starts) == sorted(norm.starts)
    assert all(s < e <= len(text) for s, e in zip(norm.starts, norm.ends, strict=True))
    for at, char in enumerate(norm.text):
        if char == BREAK:
            original = text[norm.starts[at] : norm.ends[at]]
            assert re.fullmatch(r"[-\u00ad\u2010][ \t]*\n[ \t]*", original)
            assert norm.text[at - 1].isalpha()
            assert norm.text[at + 1].isalpha()
            assert norm.ends[at] == norm.starts[at + 1]  # the next word's first letter


@given(st.lists(st.tuples(_WORDS, _GAPS), min_size=2, max_size=12), st.data())
def test_any_run_of_words_is_found_at_its_exact_original_span(
    pieces: list[tuple[str, str]], data: st.DataObject
) -> None:
    """A run of whole words, written as one line (a broken word written whole), is found
    verbatim, and its span is those words exactly, however the text was wrapped."""
    text = "".join(word + gap for word, gap in pieces)
    # the words as a reader sees them: a line-end hyphen joins its halves
    joined = re.sub(r"[-\u00ad\u2010][ \t]*\n[ \t]*", "", text)
    words = re.findall(r"[^\W\d_]+", joined)
    first = data.draw(st.integers(0, len(words) - 1))
    last = data.draw(st.integers(first + 1, len(words)))
    quote = " ".join(words[first:last])
    norm = normalize(text)
    spans = find_exact(norm, quote)
    assert spans
    originals = [norm.original_span(*s) for s in spans]
    assert any(_letters(o) == _letters(quote) for o in originals)
    for original in originals:  # whole words: nothing hangs at either edge
        assert original[0].isalpha()
        assert original[-1].isalpha()


# --- editorial brackets and ellipses -----------------------------------------------------


@pytest.mark.parametrize(
    ("quote", "parts"),
    [
        ("[S]tates should refrain", ["states should refrain"]),
        ("State[s] should refrain", ["states should refrain"]),
        ("a legally binding instrument [emphasis added]", ["a legally binding instrument"]),
        ("a legally binding [emphasis mine] instrument", ["a legally binding instrument"]),
        ("the OEWSG [sic] should", ["the oewsg should"]),
        ("a complete ban [...] offensive tools", ["a complete ban", "offensive tools"]),
        ("a complete ban […] offensive tools", ["a complete ban", "offensive tools"]),
        ("a complete ban . . . offensive tools", ["a complete ban", "offensive tools"]),
        ("a complete ban … offensive tools", ["a complete ban", "offensive tools"]),
        ("a complete ban...offensive tools", ["a complete ban", "offensive tools"]),
        ("a complete ban .... offensive tools", ["a complete ban", "offensive tools"]),
        ("… a complete ban …", ["a complete ban"]),
        ("the role of [the UN] in cyberspace", ["the role of", "in cyberspace"]),
    ],
)
def test_citation_practice_is_not_words_of_the_quote(quote: str, parts: list[str]) -> None:
    assert quote_parts(quote) == parts
    assert quote_parts(quote) == search_parts(quote)  # search and differences agree


def test_quotes_with_editorial_marks_are_found_in_the_shipped_sources() -> None:
    text = (SHIPPED / "sources" / "2020-oewg-working-paper.txt").read_text(encoding="utf-8")
    norm = normalize(text)
    for quote in (
        "[P]akistan attaches immense importance to the Open-ended working group",
        "Pakistan attaches immense importance [emphasis added] to the Open-ended working group",
        "Pakistan attaches immense importance . . . to the Open-ended working group",
        "Pakistan attaches [...] importance to the Open-ended working group",
        "[The country] attaches immense importance to the Open-ended working group",
    ):
        assert find_exact(norm, quote), quote


def test_the_old_ellipsis_forms_still_split_a_quote() -> None:
    assert quote_parts("a ... b") == ["a", "b"]
    assert quote_parts("word... more") == ["word", "more"]
    assert quote_parts("… […] . . .") == []
    assert normalize_query("U.S.") == "u.s."
    assert quote_parts("the U.S. and the U.K.") == ["the u.s. and the u.k."]


# --- a match's column is at the quote's first word, also with typos ---------------------


def _typo_cases() -> list[tuple[str, str]]:
    """(quote with a typo in its first three words, the sentence it was made from), from
    the shipped sources' sentences; letters dropped, doubled or replaced."""
    cases = []
    for paragraph in _paragraphs():
        for sentence in _sentences(paragraph):
            words = sentence.split(" ")
            if not 8 <= len(words) <= 40:
                continue
            for position in range(3):
                word = words[position]
                for at in range(len(word)):
                    for typo in (word[:at] + word[at + 1 :], word[:at] + "x" + word[at + 1 :]):
                        if typo and typo != word:
                            quote = " ".join([*words[:position], typo, *words[position + 1 :]])
                            cases.append((quote, sentence))
    return cases


def test_closest_starts_at_the_quotes_first_word_despite_a_typo() -> None:
    cases = _typo_cases()
    assert len(cases) > 2000
    wrong = []
    for quote, sentence in cases:
        norm = normalize(sentence)  # the passage as a candidate window holds it
        found = closest(norm, f"{quote}")
        assert found is not None
        _, span = found
        if span.start != 0:
            wrong.append(quote)
    assert not wrong, wrong[:5]


def test_closest_in_a_whole_source_starts_at_the_first_word() -> None:
    text = (SHIPPED / "sources" / "2021-12-13-akram-oewg-statement.txt").read_text("utf-8")
    norm = normalize(text)
    for quote in (
        "W assure you of our full support and cooperation",
        "I is important to consolidate the progress",
        "A regards, non-stakeholders participation",
    ):
        found = closest(norm, quote)
        assert found is not None
        start = norm.original_span(*found[1])
        assert start.split()[0].casefold() == quote.split()[0].casefold() + start.split()[0][1:]


def test_fitted_moves_an_edge_to_the_quotes_first_and_last_words() -> None:
    text = "and so we reiterate our full support to ensure this, said he"
    part = "w reiterate our full support to ensure this"
    late = text.index("e reiterate")  # a window as long as the part, a letter late
    assert fitted(part, text, late, late + len(part)) == (
        text.index("we"),
        text.index("this") + 4,
    )
    early = text.index("so we")
    assert fitted(part, text, early, early + len(part)) == (
        text.index("we"),
        text.index("this") + 4,
    )


# --- through the index and search ------------------------------------------------------


def _cite(tmp_path: Path, text: str, quote: str) -> tuple[str, list[tuple[int, int, str]]]:
    from posttrack.quotes.search import Index, cite

    path = tmp_path / "doc.txt"
    path.write_text(text, encoding="utf-8")
    index = Index(None)
    try:
        index.refresh([str(path)])
        found = cite(index, index.file_ids([str(path)]), quote)
    finally:
        index.close()
    return found.verdict, [(p.line, p.column, p.text) for p in found.places]


def test_cite_finds_a_short_quote_across_a_hyphenated_line_end(tmp_path: Path) -> None:
    text = "It recalled that\n  inter-\n  national law applies in full.\n"
    verdict, places = _cite(tmp_path, text, "international law applies")
    assert verdict == "verbatim"
    assert places == [(2, 3, "inter-\n  national law applies")]


def test_cite_finds_a_long_quote_across_a_broken_compound(tmp_path: Path) -> None:
    text = (
        "Pakistan supports the development of a legally-\n"
        "binding instrument on the use of ICTs by States.\n"
    )
    verdict, places = _cite(
        tmp_path, text, "the development of a legally-binding instrument on the use of ICTs"
    )
    assert verdict == "verbatim"
    assert [(line, column) for line, column, _ in places] == [(1, 19)]


def test_cite_finds_a_short_compound_quote_across_its_broken_hyphen(tmp_path: Path) -> None:
    text = "Pakistan supports a legally-\nbinding instrument.\n"
    verdict, places = _cite(tmp_path, text, "legally-binding instrument")
    assert verdict == "verbatim"
    assert places == [(1, 21, "legally-\nbinding instrument")]


def test_cite_places_a_typo_quote_at_its_first_word(tmp_path: Path) -> None:
    text = (SHIPPED / "sources" / "2020-oewg-predraft-inputs.txt").read_text("utf-8")
    for quote, first, last in (
        ("W reiterate our full support to ensure that this process", "We reiterate", "process"),
        ("I this context, the following preliminary remarks", "In this", "remarks"),
    ):
        _, places = _cite(tmp_path, text, quote)
        assert places, quote
        assert places[0][2].startswith(first), places[0][2]
        assert places[0][2].endswith(last), places[0][2]
