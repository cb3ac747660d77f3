"""Word-level differences between a quote and its source passage, and which of them
change the meaning (quotes/differences.py): a rule per test, properties, and a suite of
quotes doctored from real sentences of the shipped sources."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import SHIPPED
from posttrack.quotes.differences import (
    Difference,
    differences,
    explain,
    meaningful,
    quote_words,
    search_parts,
    source_words,
)
from posttrack.quotes.locate import find_exact, quote_parts
from posttrack.quotes.normalize import normalize


def diffs(quote: str, source: str) -> list[tuple[str, str, str, bool]]:
    return [(d.op, d.quote, d.source, d.meaning) for d in differences(quote, source)]


def why(quote: str, source: str) -> list[str | None]:
    return [d.why for d in differences(quote, source) if d.meaning]


# --- what is no difference at all -------------------------------------------------------


@pytest.mark.parametrize(
    "quote",
    [
        "STATES SHOULD REFRAIN from interpreting the applicable law",  # case
        "“States should refrain from ‘interpreting’ the applicable law”",  # quote marks
        'States should refrain, from "interpreting" the applicable law.',  # punctuation
        "States should\nrefrain from interpreting\n\nthe applicable law",  # line breaks
        "States should refrain from inter-\npreting the applicable law",  # a word hyphenated
        "States should refrain from interpreting the applic­able law",  # a soft hyphen
    ],
)
def test_case_quote_marks_punctuation_and_breaks_are_no_difference(quote: str) -> None:
    assert diffs(quote, "States should refrain from interpreting the applicable law") == []


def test_a_word_written_whole_or_in_pieces_is_the_same_word() -> None:
    assert diffs("voluntary nonbinding norms", "voluntary non-binding norms") == []
    assert diffs("legally-binding instrument", "legally binding instrument") == []
    assert diffs("international law", "inter-\nnational law") == []
    assert diffs("in cyberspace", "in cyber-space") == []
    assert diffs("25% of States", "25 per cent of States") == []


def test_source_markup_is_no_difference() -> None:
    source = "adopt **binding rules for responsible State behaviour**<sup>3</sup> in relation"
    assert diffs("adopt binding rules for responsible State behaviour in relation", source) == []


def test_source_words_outside_the_quote_are_not_differences() -> None:
    source = "concluded that international law, and in particular the Charter, is applicable"
    assert diffs("international law, and in particular the Charter", source) == []
    # even when the quote starts with a typo (search's span may start a word late)
    assert [
        d.meaning
        for d in differences("it is esential to develop", "that " + "it is essential to develop a")
    ] == [False]


# --- what differs but keeps the meaning -------------------------------------------------


@pytest.mark.parametrize(
    ("quote", "source"),
    [
        ("rules for State behavior", "rules for State behaviour"),
        ("civil society organizations", "civil society organisations"),
        ("the centre of the debate", "the center of the debate"),
        ("the right to self-defense", "the right to self-defence"),
        ("a Programme of Action", "a Program of Action"),
        ("promoting dialog", "promoting dialogue"),
        ("Pakistan also recognises the need", "Pakistan also recognizes the need"),
        ("the principle has travelled far", "the principle has traveled far"),
    ],
)
def test_spelling_variants_keep_the_meaning(quote: str, source: str) -> None:
    found = differences(quote, source)
    assert [(d.op, d.meaning) for d in found] == [("replace", False)]


@pytest.mark.parametrize(
    ("quote", "source"),
    [
        ("all States must respect it", "all State must respect it"),
        ("international law apply to cyberspace", "international law applies to cyberspace"),
        ("international law applied to cyberspace", "international law applies to cyberspace"),
        ("the stopped attacks", "the stopping attacks"),
    ],
)
def test_inflections_keep_the_meaning(quote: str, source: str) -> None:
    assert [d.meaning for d in differences(quote, source)] == [False]


@pytest.mark.parametrize(
    ("quote", "source"),
    [
        ("it is esential to develop", "it is essential to develop"),  # a letter dropped
        ("the goverment of Pakistan", "the government of Pakistan"),
        ("to recieve assistance", "to receive assistance"),  # two letters swapped
        ("international cooperatoin and assitance", "international cooperation and assistance"),
    ],
)
def test_typos_keep_the_meaning(quote: str, source: str) -> None:
    found = differences(quote, source)
    assert found
    assert not meaningful(found)


def test_a_typo_in_a_word_the_source_splits_keeps_the_meaning() -> None:
    for source in ("the inter-\nnational law", "the inter- national law", "the cyber space"):
        quote = "the internatonal law" if "inter" in source else "the cyberpsace"
        found = differences(quote, source)
        assert found, source
        assert not meaningful(found), source
    # joined with a negation or a modal, it is not a slip of the keys
    assert meaningful(differences("States cant act", "States can not act"))
    assert meaningful(differences("it is notable", "it is no table"))
    assert meaningful(differences("they are notable", "they are not able"))
    assert not differences("States cannot act", "States can not act")


def test_a_typo_keeps_the_first_letter_else_it_is_another_word() -> None:
    assert why("a decrease in attacks", "an increase in attacks") == ["content word"]
    assert why("States are unable to act", "States are enable to act") == ["content word"]


def test_function_words_and_articles_keep_the_meaning_but_are_listed() -> None:
    found = differences("an arena for conflict", "the arena of conflict")
    assert found
    assert not meaningful(found)
    assert not meaningful(differences("it is applicable", "it was applicable"))
    assert not meaningful(
        differences("threats to the ICT environment", "threats in ICT environment")
    )


def test_numbers_however_written_are_the_same_number() -> None:
    assert not meaningful(differences("two GGE reports", "2 GGE reports"))
    assert not meaningful(differences("the fifth session", "the 5th session"))
    assert not meaningful(differences("over 10000 people", "over 10,000 people"))


def test_contractions_spelled_out_keep_the_meaning() -> None:
    assert not meaningful(differences("States won't refrain", "States will not refrain"))
    assert not meaningful(differences("it can't be", "it cannot be"))
    assert not meaningful(differences("they don't come", "they do not come"))


# --- what changes the meaning ------------------------------------------------------------


@pytest.mark.parametrize(
    ("quote", "source", "reason"),
    [
        ("it is not essential to develop", "it is essential to develop", "negation"),
        ("should be used as a substitute", "should not be used as a substitute", "negation"),
        ("should never be used", "should not be used", "negation"),
        ("it isn't essential", "it is essential", "negation"),
        ("States cannot refrain", "States can refrain", "negation"),
        ("a binding instrument", "a non-binding instrument", "negation"),
        ("a nonbinding instrument", "a binding instrument", "negation"),
        ("an illegal act", "a legal act", "negation"),
        ("irresponsible State behaviour", "responsible State behaviour", "negation"),
        ("with the consent of States", "without the consent of States", "negation"),
    ],
)
def test_negations(quote: str, source: str, reason: str) -> None:
    assert why(quote, source) == [reason]


@pytest.mark.parametrize(
    ("quote", "source"),
    [
        ("States must refrain", "States should refrain"),
        ("States may refrain", "States shall refrain"),
        ("it could help", "it can help"),
        ("it would help", "it will help"),
        ("States refrain", "States should refrain"),
        ("States should refrain", "States refrain"),
        ("States can't refrain", "States will not refrain"),
    ],
)
def test_modals(quote: str, source: str) -> None:
    assert why(quote, source) == ["modal"]


@pytest.mark.parametrize(
    ("quote", "source", "reason"),
    [
        ("the existing 12 voluntary norms", "the existing 11 voluntary norms", "number"),
        ("three GGE reports", "two GGE reports", "number"),
        ("the second session", "the first session", "number"),
        ("a 20% increase", "a 2% increase", "number"),
        ("The 2013 and 2015 Group", "The 2015 and 2015 Group", "date"),
        ("New York, 3 April 2023", "New York, 3 March 2023", "date"),
    ],
)
def test_numbers_and_dates(quote: str, source: str, reason: str) -> None:
    assert why(quote, source) == [reason]


@pytest.mark.parametrize(
    ("quote", "source"),
    [
        ("risks for some States", "risks for all States"),
        ("a partial ban", "a complete ban"),
        ("adhered to in domains", "adhered to in all domains"),
        ("Pakistan supports the existing norms", "Pakistan only supports the existing norms"),
        ("the concerns of many States", "the concerns of every State"),
    ],
)
def test_quantifiers(quote: str, source: str) -> None:
    assert why(quote, source) == ["quantifier"]


@pytest.mark.parametrize(
    ("quote", "source"),
    [
        ("the view of India on the matter", "the view of Pakistan on the matter"),
        ("the Charter of the African Union", "the Charter of the United Nations"),
        ("the Iraq delegation", "the Iran delegation"),  # one letter: still another party
        ("reporting to the Second Committee", "reporting to the First Committee"),
    ],
)
def test_named_parties(quote: str, source: str) -> None:
    reasons = why(quote, source)
    assert reasons
    assert reasons[0] in ("named party", "number")


def test_a_capital_that_only_starts_a_sentence_names_no_one() -> None:
    words = source_words("Previous GGEs have concluded. Previous reports say")
    assert [w.named for w in words] == [False, True, False, False, False, False, False]
    words = source_words("Pakistan believes it. Later, Pakistan said")
    assert [w.named for w in words] == [True, False, False, False, True, False]


@pytest.mark.parametrize(
    ("quote", "source", "reason"),
    [
        ("an increase in attacks", "a decrease in attacks", "content word"),
        ("Pakistan opposes the formulation", "Pakistan supports the formulation", "content word"),
        ("a voluntary instrument", "a binding instrument", "content word"),
        ("an exclusive process", "an inclusive process", "content word"),
        ("Pakistan clearly supports it", "Pakistan supports it", "invented words"),
        ("a binding instrument", "a legally binding instrument", "words left out"),
    ],
)
def test_content_words(quote: str, source: str, reason: str) -> None:
    assert why(quote, source) == [reason]


# --- ellipses and editorial brackets ------------------------------------------------------

SOURCE = "these voluntary norms, rules, and principles should not be used as a substitute"


@pytest.mark.parametrize("mark", ["...", "…", ". . .", "[...]", "[…]"])
def test_an_ellipsis_hiding_a_negation_is_meaning_bearing(mark: str) -> None:
    quote = f"these voluntary norms, rules, and principles should {mark} be used as a substitute"
    found = differences(quote, SOURCE)
    assert [(d.op, d.quote, d.source, d.meaning) for d in found] == [("delete", mark, "not", True)]
    assert found[0].why == "elided by an ellipsis (negation)"


@pytest.mark.parametrize("mark", ["...", "…", ". . .", "[...]"])
def test_an_ellipsis_over_neutral_words_is_faithful(mark: str) -> None:
    quote = f"these voluntary norms {mark} should not be used as a substitute"
    found = differences(quote, SOURCE)
    assert [(d.op, d.source, d.meaning) for d in found] == [
        ("delete", "rules, and principles", False)
    ]


def test_an_ellipsis_over_a_number_modal_quantifier_or_name_is_meaning_bearing() -> None:
    assert why("the … GGE report", "the 2015 GGE report") == ["elided by an ellipsis (date)"]
    assert why("the … GGE reports", "the two GGE reports") == ["elided by an ellipsis (number)"]
    assert why("States … refrain", "States should refrain") == ["elided by an ellipsis (modal)"]
    assert why("for … States", "for all States") == ["elided by an ellipsis (quantifier)"]
    assert why(
        "the Charter … is applicable", "the Charter of the United Nations is applicable"
    ) == ["elided by an ellipsis (named party)"]


def test_an_ellipsis_that_elides_nothing_is_no_difference() -> None:
    assert diffs("should … not be used", "should not be used") == []
    assert diffs("… should not be used …", "they should not be used as") == []


def test_bracketed_letters_are_the_word_they_complete() -> None:
    assert diffs("[S]tates should refrain", "States should refrain") == []
    assert diffs("[t]hese voluntary norms", "These voluntary norms") == []
    assert diffs("the State[s] concerned", "the States concerned") == []


def test_bracketed_notes_are_not_words_of_the_quote() -> None:
    assert diffs("should not be used [emphasis added]", "should not be used") == []
    assert diffs("the OEWSG [sic] from focusing", "the OEWSG from focusing") == []
    assert diffs("should *not* be used [emphasis mine]", "should not be used") == []


def test_bracketed_words_stand_for_the_source_words_they_replace() -> None:
    found = differences(
        "Pakistan believes that [the UN] should act", "Pakistan believes that it should act"
    )
    assert [(d.op, d.quote, d.source, d.meaning) for d in found] == [
        ("replace", "[the UN]", "it", False)
    ]
    assert not meaningful(differences("the Group [the OEWG] should act", "the Group should act"))


def test_bracketed_words_that_change_a_negation_or_modal_are_meaning_bearing() -> None:
    assert why("States should [not] refrain", "States should refrain") == [
        "editorial brackets (negation)"
    ]
    assert why("States [must] refrain", "States should refrain") == ["editorial brackets (modal)"]


def test_search_parts_read_editorial_marks_as_citation_practice() -> None:
    quote = "[S]tates should . . . not [the UN] act, [emphasis added] as “agreed” […] today"
    assert search_parts(quote) == ["states should", "not", "act, as agreed", "today"]
    assert search_parts("… should not be used …") == ["should not be used"]
    assert search_parts("[sic]") == []


@given(st.text(alphabet="ab .\t…[]*_\n’'-", max_size=30) | st.text(max_size=30))
def test_a_quote_is_read_in_the_same_pieces_by_search_and_the_differences_engine(
    quote: str,
) -> None:
    """`quote_parts` reads most quotes without the differences engine: the same pieces."""
    assert quote_parts(quote) == search_parts(quote)


# --- the result ---------------------------------------------------------------------------


def test_differences_show_words_as_written_with_their_places() -> None:
    source = "Pakistan SUPPORTS a “legally-binding”\ninstrument"
    quote = "Pakistan does not support a legally binding instrument"
    found = differences(quote, source)
    assert found[0] == Difference("insert", "does not", "", True, "negation", (9, 17), (8, 8))
    assert found[1].source == "SUPPORTS"
    assert source[slice(*found[1].source_span)] == "SUPPORTS"
    assert quote[slice(*found[1].quote_span)] == "support"


def test_explain_words_the_first_meaning_bearing_difference() -> None:
    quote = "these voluntary norms, rules, and principles should be used as a substitute"
    assert explain(quote, SOURCE, differences(quote, SOURCE)) == (
        "Not what the source says: it says 'should not be used', the quote says 'should be used'."
    )
    quote = "these voluntary norms, rules, and principles should … be used as a substitute"
    assert explain(quote, SOURCE, differences(quote, SOURCE)) == (
        "Not what the source says: the quote's ellipsis leaves out 'not'; it says "
        "'should not be used', the quote says 'should … be used'."
    )
    quote = "it is not essential to develop"
    assert explain(
        quote, "it is essential to develop", differences(quote, "it is essential to develop")
    ) == (
        "Not what the source says: it says 'it is essential', the quote says 'it is not essential'."
    )


def test_explain_gives_both_sides_the_same_context() -> None:
    # the passage starts a word before the quote: that word is no context of the quote's
    source = "view that it is essential to develop"
    quote = "it is not essential to develop"
    assert explain(quote, source, differences(quote, source)) == (
        "Not what the source says: it says 'it is essential', the quote says 'it is not essential'."
    )


def test_empty_sides() -> None:
    assert differences("", "States should refrain") == []
    assert differences("…", "States should refrain") == []
    assert why("States should refrain", "") == ["modal"]  # all invented, a modal first


def test_explain_says_nothing_when_the_meaning_is_kept() -> None:
    assert (
        explain(
            "rules for State behavior",
            "rules for State behaviour",
            differences("rules for State behavior", "rules for State behaviour"),
        )
        is None
    )
    assert not meaningful([])


def test_a_long_quote_against_an_unrelated_passage_is_judged_whole() -> None:
    quote = " ".join(f"alpha{n} beta{n}" for n in range(400))
    source = " ".join(f"gamma{n} delta{n}" for n in range(400))
    found = differences(quote, source)
    assert meaningful(found)
    assert len(found) == 1


# --- properties ----------------------------------------------------------------------------

_VOCABULARY = sorted(
    {
        *[
            "States",
            "should",
            "not",
            "refrain",
            "from",
            "interpreting",
            "the",
            "applicable",
            "international",
            "law",
        ],
        *[
            "Pakistan",
            "supports",
            "all",
            "binding",
            "rules",
            "and",
            "never",
            "must",
            "use",
            "ICTs",
            "with",
            "2015",
            "care",
        ],
        *[
            "a",
            "an",
            "of",
            "in",
            "may",
            "cooperation",
            "stability",
            "peaceful",
            "security",
            "United",
            "Nations",
        ],
    }
)
_QUOTES = ["“", "”", '"', "‘", "’", "«", "»"]
_BETWEEN = [" ", "  ", "\n", " \n ", "\t", " – ", "—", "-"]


@given(
    st.lists(
        st.tuples(
            st.sampled_from(_VOCABULARY),
            st.sampled_from(["lower", "upper", "title", "as is"]),
            st.sampled_from(["", *_QUOTES]),
            st.sampled_from(_BETWEEN),
        ),
        min_size=1,
        max_size=25,
    )
)
def test_a_quote_differing_only_in_case_quotes_dashes_and_space_has_no_differences(
    words: list[tuple[str, str, str, str]],
) -> None:
    source = " ".join(w for w, _, _, _ in words)
    cased = {"lower": str.lower, "upper": str.upper, "title": str.title, "as is": str}
    quote = "".join(
        f"{mark}{cased[case](word)}{mark}{between}" for word, case, mark, between in words
    )
    assert differences(quote, source) == []


def _keys(words: list[str]) -> list[str]:
    return words


def _quote_keys(text: str) -> list[str]:
    keys: list[str] = []
    for word in quote_words(text):
        if word.gap == "bracket":
            keys.extend(word.inner)
        elif not word.gap:
            keys.append(word.key)
    return keys


def _applied(source: str, quote: str, found: list[Difference]) -> list[str]:
    """The source's words with each difference applied."""
    words = source_words(source)
    out: list[str] = []
    k = 0
    for d in found:
        start, end = d.source_span
        while k < len(words) and (
            words[k].end <= start if start == end else words[k].start < start
        ):
            out.append(words[k].key)
            k += 1
        while k < len(words) and start < end and words[k].end <= end:
            k += 1
        out.extend(_quote_keys(quote[d.quote_span[0] : d.quote_span[1]]))
    out.extend(w.key for w in words[k:])
    return out


_EDITS = st.lists(
    st.tuples(
        st.sampled_from(["insert", "delete", "replace", "ellipsis"]),
        st.integers(0, 30),
        st.sampled_from(_VOCABULARY),
    ),
    max_size=6,
)


@given(st.lists(st.sampled_from(_VOCABULARY), min_size=1, max_size=25), _EDITS)
def test_differences_are_an_edit_script_from_the_source_to_the_quote(
    source_list: list[str], edits: list[tuple[str, int, str]]
) -> None:
    quote_list = list(source_list)
    for op, place, word in edits:
        at = place % (len(quote_list) + 1)
        if op == "insert":
            quote_list.insert(at, word)
        elif at < len(quote_list) and op == "delete":
            del quote_list[at]
        elif at < len(quote_list) and op == "replace":
            quote_list[at] = word
        elif at < len(quote_list):
            quote_list[at : at + 2] = ["…"]
    source, quote = " ".join(source_list), " ".join(quote_list)
    applied = _applied(source, quote, differences(quote, source))
    wanted = _quote_keys(quote)
    keys = [w.key for w in source_words(source)]
    # the source's words outside the quote's first and last words stay as they are
    assert any(
        applied[:a] == keys[:a]
        and applied[a : a + len(wanted)] == wanted
        and applied[a + len(wanted) :] == keys[len(keys) - (len(applied) - a - len(wanted)) :]
        for a in range(len(applied) - len(wanted) + 1)
    ), (source, quote, applied, wanted)


# --- a suite of doctored quotes over the shipped sources -----------------------------------
# Real spans of the shipped sources; each is doctored by general edits (negations added
# and removed, an ellipsis hiding "not", modals swapped, numbers changed, parties swapped,
# antonyms, invented clauses, splices) that must be meaning-bearing, and by faithful
# variants (case, quote marks, spelling, a typo, line breaks, an ellipsis over neutral
# words, editorial brackets, hyphenation) that must not be.

SENTENCES: dict[str, list[str]] = {
    "2020-oewg-working-paper": [
        (
            "The OEWG represents the first inclusive institutional process under the UN auspices,"
            " having universal membership on this topic of great significance."
        ),
        (
            "However, the benefits offered by ICTs and emerging technologies do not come without "
            "risks."
        ),
        "There is an urgent need to identify and formulate rules for State behaviour",
        (
            "There is a need for the United Nations to adopt binding rules for responsible State "
            "behaviour in relation to the use of ICTs."
        ),
        (
            "The 2015 GGE recommendations could provide a useful basis for such politically or "
            "legally binding rules."
        ),
        "These trends create risks for all States.",
        (
            "A number of States are developing ICT capabilities for military purposes, making "
            "their use in future inter-State conflicts more likely"
        ),
        (
            "The risk of harmful ICT attacks against critical infrastructure is both real and "
            "serious, and is growing."
        ),
        (
            "Transfer, replication or reproduction of malicious technologies by terrorists and "
            "criminals poses a real threat."
        ),
        (
            "Previous GGEs have concluded that international law, and in particular the Charter "
            "of the United Nations, is applicable and is essential to maintaining peace and "
            "stability"
        ),
        ("cross-cutting in nature and must be adhered to in all domains, including cyber-space."),
        (
            "There is a need to adapt international law according to the unique characteristics "
            "of the ICT environment."
        ),
        ("Every effort must be made to prevent cyberspace from turning into an arena of conflict."),
        (
            "States should refrain from interpreting the applicable international law in the ICT "
            "environment, which could exacerbate the security and stability risks in this domain."
        ),
        (
            "Differences on this issue among Member States should however not prevent the OEWSG "
            "from focusing its attention and efforts"
        ),
        (
            "Pakistan also recognizes the need for legally binding international instruments, "
            "specifically tailored to the unique attributes of ICTs"
        ),
        (
            "Voluntary, non-binding norms of responsible State use of ICTs can contribute to "
            "reducing risks to international peace and security."
        ),
        "they should avoid any undue restrictions on the peaceful uses of ICTs",
        (
            "The elaboration of binding norms would help in strengthening cooperation and trust "
            "between governments"
        ),
        (
            "Such norms and rules must also set standards for stakeholders and entities from the "
            "private sector."
        ),
        "However, some States may lack sufficient capacity to protect their ICT networks.",
        "Developed countries have a special responsibility in bridging the digital divide",
        "Capacity-building must be seen as a trust-building measure",
        "The United Nations has a central role in promoting dialogue on the security of ICTs",
        (
            "States have the primary responsibility for maintaining a secure and peaceful ICT "
            "environment."
        ),
        (
            "The Conference on Disarmament also represents an appropriate venue for multilateral "
            "discussions"
        ),
    ],
    "2020-oewg-predraft-inputs": [
        ("We reiterate our full support to ensure that this process produces substantive outcomes"),
        (
            "Pakistan welcomes the pre-draft as a good basis for discussions leading to the next "
            "substantive session of the OEWG"
        ),
        "These delegations also expressed willingness to agree on new rules and norms",
        (
            "Member States should commit not to use ICTs for carrying out activities which run "
            "contrary to the maintenance of international peace and security"
        ),
        (
            "Member States must be urged to arrive at an agreement on prohibiting ICT activity "
            "intended to disrupt the technical infrastructure essential to elections"
        ),
        "Capacity-building should be demand-driven, made upon request by the recipient State",
    ],
    "2021-12-13-akram-oewg-statement": [
        (
            "The Pakistan delegation congratulates you on your election as Chair of this "
            "Open-ended working group."
        ),
        "These technologies were particularly critical during the Covid pandemic.",
        "We must be particularly concerned at the significant increase in recent years in the",
        (
            "The 2013 and 2015 Group of Governmental Experts and the recent report of OEWG "
            "contributed to the evolution of a broad consensus among Member States"
        ),
        (
            "A simple assertion, however, of the applicability of existing international law to "
            "cyber space is not sufficient to address the multifaceted legal challenges arising "
            "from ICTs."
        ),
        (
            "Pakistan therefore shares the view that it is essential to develop a legally binding"
            " international instrument"
        ),
        "This can be an area of early progress for this OEWG.",
        "With a population of over 200 million people",
    ],
    "2023-10-11-issi-brief": [
        (
            "Pakistan considers cyberspace a “common heritage of mankind” and calls for a "
            "complete ban on the development of all kinds of offensive applications of ICTs."
        ),
        (
            "Pakistan not only supports the existing 11 voluntary norms but also the formulation "
            "of new norms."
        ),
        (
            "However, these voluntary norms, rules, and principles should not be used as a "
            "substitute for a legally binding instrument"
        ),
        "Pakistan also believes that IHL applies to ICTs.",
        "Member states must refrain from causing indiscriminate damage through cyber weapons.",
        "Pakistan is in favor of establishing a global directory of PoC as an important CBM.",
        "However, states would be solely responsible for data upgradation.",
        (
            "Since the introduction of the first UNGA resolution on this subject in 1998, the "
            "geopolitical, strategic, and technological landscape has evolved drastically."
        ),
    ],
    "2024-07-11-jadoon-unidir-press-release": [
        (
            "Pakistan has highlighted the urgent need for a comprehensive, legally-binding "
            "framework to govern global cyberspace"
        ),
        (
            "Ambassador Jadoon stressed that Pakistan considers cyberspace a common heritage of "
            "mankind"
        ),
        (
            "Ambassador Jadoon asserted that it is time to create a legally-binding comprehensive"
            " framework under the UN's auspices to govern global cyberspace."
        ),
        (
            "He said the unique nature of ICTs complicates the application of international law "
            "in cyberspace."
        ),
    ],
}


@cache
def _text(source_id: str) -> str:
    return (SHIPPED / "sources" / f"{source_id}.txt").read_text(encoding="utf-8")


def _span(source_id: str, sentence: str, context: int = 0) -> str:
    """The sentence as the source writes it, with `context` characters around it."""
    raw = _text(source_id)
    norm = normalize(raw)
    found = find_exact(norm, sentence)
    assert found, sentence
    start, end = norm.span(*found[0])
    return raw[max(start - context, 0) : end + context]


_MODAL_SWAP = {
    "should": "must",
    "must": "may",
    "can": "must",
    "could": "must",
    "may": "must",
    "will": "may",
    "would": "must",
    "shall": "may",
}
_ANTONYMS = {
    "increase": "decrease",
    "strengthening": "weakening",
    "supports": "opposes",
    "prevent": "encourage",
    "essential": "unnecessary",
    "binding": "voluntary",
    "secure": "vulnerable",
    "peaceful": "hostile",
    "inclusive": "exclusive",
    "urgent": "remote",
    "useful": "useless",
    "real": "imaginary",
    "good": "poor",
    "central": "marginal",
    "sufficient": "insufficient",
    "critical": "trivial",
    "primary": "secondary",
    "special": "ordinary",
    "complete": "partial",
    "new": "old",
    "welcomes": "rejects",
    "refrain": "proceed",
    "concerned": "relaxed",
    "unique": "common",
    "global": "local",
    "early": "late",
    "applicable": "inapplicable",
    "avoid": "impose",
    "adopt": "reject",
    "comprehensive": "narrow",
    "substantive": "vague",
    "responsible": "irresponsible",
    "great": "little",
    "significant": "negligible",
    "offensive": "defensive",
    "full": "partial",
    "common": "private",
    "harmful": "harmless",
}
_SPELLING_SWAPS = (
    ("behaviour", "behavior"),
    ("behavior", "behaviour"),
    ("favor", "favour"),
    ("recognizes", "recognises"),
    ("organizations", "organisations"),
    ("Programme", "Program"),
    ("dialogue", "dialog"),
    ("self-defense", "self-defence"),
    ("self-defence", "self-defense"),
    ("legitimization", "legitimisation"),
    ("militarization", "militarisation"),
    ("utilizations", "utilisations"),
    ("stigmatization", "stigmatisation"),
)
# the test's own list of words an ellipsis must not hide for a faithful variant
_SENSITIVE = {
    *[
        "not",
        "no",
        "never",
        "nor",
        "without",
        "cannot",
        "must",
        "should",
        "shall",
        "may",
        "might",
        "can",
        "could",
        "will",
        "would",
    ],
    *[
        "need",
        "all",
        "only",
        "every",
        "each",
        "any",
        "some",
        "none",
        "complete",
        "full",
        "most",
        "few",
        "many",
        "several",
    ],
    *["first", "one", "two", "both"],
}

Doctor = Callable[[str, int], "tuple[str, str] | None"]


def _sub_first(
    pattern: str, sentence: str, replace: Callable[[re.Match[str]], str]
) -> tuple[str, str] | None:
    match = re.search(pattern, sentence)
    if match is None:
        return None
    return sentence[: match.start()] + replace(match) + sentence[match.end() :], match.group(1)


def add_negation(sentence: str, _: int) -> tuple[str, str] | None:
    found = _sub_first(
        r"\b(should|must|can|could|would|may|will|is|are)\b(?! not)",
        sentence,
        lambda m: m.group() + " not",
    )
    return (found[0], "not") if found else None


def remove_negation(sentence: str, _: int) -> tuple[str, str] | None:
    return _sub_first(r"\b(not|no|never) ", sentence, lambda m: "")


def ellipsis_hides_not(sentence: str, number: int) -> tuple[str, str] | None:
    mark = ["…", "...", ". . .", "[...]"][number % 4]
    found = _sub_first(r" (not) ", sentence, lambda m: f" {mark} ")
    return found


def swap_modal(sentence: str, _: int) -> tuple[str, str] | None:
    return _sub_first(
        r"\b(" + "|".join(_MODAL_SWAP) + r")\b", sentence, lambda m: _MODAL_SWAP[m.group(1)]
    )


def change_number(sentence: str, _: int) -> tuple[str, str] | None:
    return _sub_first(r"\b(\d+)\b", sentence, lambda m: str(int(m.group(1)) + 1))


def swap_party(sentence: str, _: int) -> tuple[str, str] | None:
    # a capitalised word where no sentence begins
    return _sub_first(
        r"(?<=[a-z,] )([A-Z][A-Za-z]+)\b",
        sentence,
        lambda m: "Israel" if m.group(1) == "India" else "India",
    )


def antonym(sentence: str, _: int) -> tuple[str, str] | None:
    return _sub_first(
        r"\b(" + "|".join(_ANTONYMS) + r")\b", sentence, lambda m: _ANTONYMS[m.group(1)]
    )


def invent_clause(sentence: str, _: int) -> tuple[str, str] | None:
    words = sentence.split(" ")
    half = len(words) // 2
    return " ".join([*words[:half], "as the Chair proposed,", *words[half:]]), "Chair"


def splice(sentence: str, number: int) -> tuple[str, str] | None:
    others = [s for ss in SENTENCES.values() for s in ss]
    other = others[(number * 7 + 3) % len(others)].split(" ")
    words = sentence.split(" ")
    if other == words:
        return None
    tail = other[len(other) // 2 :]
    # the joined half may match words of the context around the span as well: any
    # meaning-bearing difference will do
    return " ".join(words[: len(words) // 2] + tail), ""


ALTERED: dict[str, Doctor] = {
    "negation added": add_negation,
    "negation removed": remove_negation,
    "ellipsis hides not": ellipsis_hides_not,
    "modal swapped": swap_modal,
    "number changed": change_number,
    "party swapped": swap_party,
    "antonym": antonym,
    "invented clause": invent_clause,
    "splice": splice,
}


def upper(sentence: str, _: int) -> str | None:
    return sentence.upper()


def lower(sentence: str, _: int) -> str | None:
    return sentence.lower()


def curly_quotes(sentence: str, _: int) -> str | None:
    return "“" + sentence.replace("'", "’").replace("“", '"').replace("”", '"') + "”"


def spelling(sentence: str, _: int) -> str | None:
    for old, new in _SPELLING_SWAPS:
        if old in sentence:
            return sentence.replace(old, new, 1)
    return None


def typo(sentence: str, number: int) -> str | None:
    words = [w for w in sentence.split(" ") if w.isalpha() and w.islower() and len(w) >= 6]
    if not words:
        return None
    word = max(words, key=len)
    # a letter dropped, or two swapped, never the first
    slip = word[:2] + word[3:] if number % 2 else word[:2] + word[3] + word[2] + word[4:]
    return re.sub(rf"\b{word}\b", slip, sentence, count=1)


def line_breaks(sentence: str, _: int) -> str | None:
    words = sentence.split(" ")
    return "".join(
        w + ("\n" if k % 4 == 3 else " \n  " if k % 7 == 6 else " ") for k, w in enumerate(words)
    ).strip()


def neutral_ellipsis(sentence: str, number: int) -> str | None:
    words = sentence.split(" ")
    mark = ["…", "...", ". . .", "[...]"][number % 4]
    for start in range(2, len(words) - 4):
        run = words[start : start + 2]
        if all(w.isalpha() and w.islower() and w not in _SENSITIVE for w in run):
            return " ".join([*words[:start], mark, *words[start + 2 :]])
    return None


def bracket_case(sentence: str, _: int) -> str | None:
    first = sentence[0]
    return f"[{first.swapcase()}]{sentence[1:]}" if first.isalpha() else None


def bracket_note(sentence: str, number: int) -> str | None:
    return sentence + [" [emphasis added]", " [sic]", " [emphasis mine]"][number % 3]


def bracket_clarify(sentence: str, _: int) -> str | None:
    words = sentence.split(" ")
    at = next(
        (k for k, w in enumerate(words) if w in ("this", "it", "they", "their", "its", "such")),
        None,
    )
    if at is None:
        return None
    return " ".join([*words[: at + 1], "[the OEWG]", *words[at + 1 :]])


def hyphenation(sentence: str, _: int) -> str | None:
    if "-" not in sentence:
        return None
    return (
        sentence.replace("-", " ", 1) if sentence.count("-") % 2 else sentence.replace("-", "", 1)
    )


FAITHFUL: dict[str, Callable[[str, int], str | None]] = {
    "upper case": upper,
    "lower case": lower,
    "curly quotes": curly_quotes,
    "spelling": spelling,
    "typo": typo,
    "line breaks": line_breaks,
    "ellipsis over neutral words": neutral_ellipsis,
    "bracketed capital": bracket_case,
    "bracketed note": bracket_note,
    "bracketed clarification": bracket_clarify,
    "hyphenation": hyphenation,
}

_SPANS = [(source, sentence) for source, sentences in SENTENCES.items() for sentence in sentences]


def _altered_cases() -> list[tuple[str, str, str, str, str]]:
    cases = []
    for number, (source, sentence) in enumerate(_SPANS):
        for name, doctor in ALTERED.items():
            made = doctor(sentence, number)
            if made is not None:
                cases.append((name, source, sentence, *made))
    return cases


def _faithful_cases() -> list[tuple[str, str, str, str]]:
    cases = []
    for number, (source, sentence) in enumerate(_SPANS):
        for name, variant in FAITHFUL.items():
            made = variant(sentence, number)
            if made is not None and made != sentence:
                cases.append((name, source, sentence, made))
    return cases


ALTERED_CASES = _altered_cases()
FAITHFUL_CASES = _faithful_cases()


def test_the_suite_is_real_and_large_enough() -> None:
    assert len(_SPANS) >= 40
    assert {name for name, *_ in ALTERED_CASES} == set(ALTERED)
    assert {name for name, *_ in FAITHFUL_CASES} == set(FAITHFUL)
    assert len(ALTERED_CASES) >= 150
    assert len(FAITHFUL_CASES) >= 300


@pytest.mark.parametrize("context", [0, 80], ids=["span", "with context"])
@pytest.mark.parametrize("case", ALTERED_CASES, ids=lambda case: f"{case[0]}: {case[3][:50]}")
def test_doctored_quote_is_meaning_bearing_and_names_the_changed_words(
    case: tuple[str, str, str, str, str], context: int
) -> None:
    name, source_id, sentence, quote, changed = case
    source = _span(source_id, sentence, context)
    found = differences(quote, source)
    named = [
        d for d in found if d.meaning and changed.casefold() in f"{d.quote} {d.source}".casefold()
    ]
    assert named, (name, quote, found)
    assert explain(quote, source, found)


@pytest.mark.parametrize("context", [0, 80], ids=["span", "with context"])
@pytest.mark.parametrize("case", FAITHFUL_CASES, ids=lambda case: f"{case[0]}: {case[3][:50]}")
def test_faithful_quote_has_no_meaning_bearing_difference(
    case: tuple[str, str, str, str], context: int
) -> None:
    name, source_id, sentence, quote = case
    source = _span(source_id, sentence, context)
    found = differences(quote, source)
    assert not meaningful(found), (name, quote, [d for d in found if d.meaning])
