"""The word-level differences between a quote and the source passage it was matched
to, and whether each one changes what the source says.

Words are compared on posttrack's normalised form (case, quote marks, dashes, NFKC
folded; the source's markup removed), so case, quote marks, punctuation, hyphenation
and line breaks are no difference at all; a word written whole on one side and in
pieces on the other (`nonbinding`/`non-binding`, `inter-\\nnational`, `25%`/`25 per
cent`) is the same word. Each difference is shown as written.

A difference is meaning-bearing when it adds, removes or swaps a negation, a modal,
a number or date, or a quantifier; when it turns a word into its opposite with a
prefix (`binding`/`non-binding`, `legal`/`illegal`); when a named party changes; when
a content word is replaced by one that is not a spelling variant, inflection or typo
of it; when the quote invents words; and when it leaves out content words without an
ellipsis (a quote that silently drops `legally` from `legally binding` cannot be
printed as a quote: the honest form of that quote marks the cut, and an ellipsis is
then judged below). Not meaning-bearing: spelling variants, inflections, typos,
articles, and the other function words of FUNCTION_WORDS (prepositions, conjunctions,
auxiliaries, demonstratives: their changes come with transcription and translation
of statements and rarely turn a claim around; they are still listed, so the verdict
is `close`, never `verbatim`).

An ellipsis in the quote (`...`, `…`, `. . .`, `[...]`) stands for the source words
it elides: faithful over neutral words, meaning-bearing over a negation, modal,
number, quantifier or named party. Editorial brackets are citation practice, not the
quote's words: `[S]tates` is the word `States`, `[emphasis added]` and `[sic]` are
notes, and `[the UN]` stands for the source words it replaces (a referent named is
faithful; a bracket that adds or hides a negation, modal, number or quantifier is not).

Source words before the quote's first word and after its last are outside the quote,
never differences: the caller may pass the matched span with some context around it.
Pure functions: no I/O, nothing printed.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from difflib import SequenceMatcher
from typing import NamedTuple

from posttrack.quotes.normalize import normalize

# ---------------------------------------------------------------------------------------
# The word lists: small on purpose, and all here.

# Never meaning-bearing, whichever way they change.
ARTICLES = frozenset({"a", "an", "the"})
FUNCTION_WORDS = ARTICLES | frozenset(
    {
        # auxiliaries (tense and voice; the verb they carry is compared)
        *("be", "is", "are", "was", "were", "been", "being", "am"),
        *("have", "has", "had", "having", "do", "does", "did", "doing"),
        # prepositions without a polarity of their own (against, before, after, under,
        # over, until: content words)
        *("of", "in", "on", "at", "to", "for", "by", "with", "from", "into", "onto"),
        *("upon", "within", "about", "as", "per", "via", "through", "throughout"),
        *("towards", "toward", "across", "among", "amongst", "between"),
        # conjunctions and linking adverbs (if, unless, whether: content words)
        *("and", "or", "but", "so", "also", "than", "then", "however", "thus"),
        *("therefore", "furthermore", "moreover", "further", "such", "whereas"),
        # demonstratives and relatives (personal pronouns say who: content words)
        *("that", "which", "who", "whom", "whose", "this", "these", "those"),
        *("it", "its", "there", "here"),
    }
)
NEGATIONS = frozenset(
    {"not", "no", "never", "nor", "neither", "without", "cannot", "non", "nothing", "nobody"}
)
MODALS = frozenset(
    {"must", "should", "shall", "may", "might", "can", "could", "will", "would", "need", "ought"}
)
QUANTIFIERS = frozenset(
    {
        *("all", "only", "every", "each", "any", "some", "none", "complete", "partial"),
        *("full", "entire", "whole", "most", "few", "many", "several", "both", "either"),
        *("more", "less", "fewer"),
    }
)
_CARDINALS = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
    "twenty",
]
_TENS = ["thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
_ORDINALS = [
    "first",
    "second",
    "third",
    "fourth",
    "fifth",
    "sixth",
    "seventh",
    "eighth",
    "ninth",
    "tenth",
]
_POWERS = {"hundred": "100", "thousand": "1000", "million": "10^6", "billion": "10^9"}
NUMBER_WORDS: dict[str, str] = {
    **{word: str(n) for n, word in enumerate(_CARDINALS)},
    **{word: str(10 * n) for n, word in enumerate(_TENS, start=3)},
    **{word: f"#{n}" for n, word in enumerate(_ORDINALS, start=1)},
    **_POWERS,
    "percent": "%",
    "%": "%",
}
MONTHS = frozenset(
    [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ]
)
# Prefixes that turn a word into its opposite (binding/non-binding, legal/illegal).
OPPOSITE_PREFIXES = ("non", "un", "in", "dis", "ir", "il", "im")
# What a `n't` contraction leaves of its modal (can't, won't, shan't).
_CONTRACTED = {"ca": "can", "wo": "will", "sha": "shall"}
# British and American spellings read as one (pattern, replacement), applied in order.
_SPELLINGS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        (r"isation", "ization"),  # organisation
        (r"is(e|ed|es|ing|er|ers)$", r"iz\1"),  # recognise, organised
        (r"ys(e|ed|es|ing)$", r"yz\1"),  # analyse
        (r"(?<=[a-z]{2})our(?=$|s$|ed$|ing$|able$|ite|ful|less|er$|ers$)", "or"),  # behaviour
        (r"(?<=[bt])re(s|d)?$", r"er\1"),  # centre, fibre, centred
        (r"(?<=[cf])ence(s?)$", r"ense\1"),  # defence, offence, licence
        (r"ll(?=(ed|ing|er|ers|ation|ations|or|ors)$)", "l"),  # travelled, counsellor
        (r"(?<=[a-z]{4})ll$", "l"),  # fulfill, enroll
        (r"mme(s?)$", r"m\1"),  # programme
        (r"ogue(s?)$", r"og\1"),  # dialogue, catalogue
        (r"dgement", "dgment"),  # judgement, acknowledgement
        (r"(?<=[a-z])(?:ae|oe)(?=[^aeiou])", "e"),  # paediatric, manoeuvre
    )
)
# Suffixes of inflection: (suffix, what the stem gets back).
_INFLECTIONS = (
    ("ies", "y"),
    ("ied", "y"),
    ("es", ""),
    ("s", ""),
    ("ed", ""),
    ("ed", "e"),
    ("ing", ""),
    ("ing", "e"),
)
# Editorial notes in brackets: no words of the quote at all.
_NOTE = re.compile(
    r"(?:emphasis|italics|underlining|bold)\b.*|sic!?|(?:citations?|footnotes?)\s+omitted"
)
# Words of a block of more than this many pairs are not aligned one by one: the block
# is judged whole (it bounds the work for a quote that is mostly not in the passage).
_MAX_CELLS = 10_000

# ---------------------------------------------------------------------------------------


class Difference(NamedTuple):
    """One word-level difference between a quote and its source passage.

    `quote` and `source` are the words as written (whitespace collapsed); for a
    deletion under an ellipsis, `quote` is the ellipsis as typed. The spans are
    [start, end) character offsets into the quote and the source given (an empty span
    marks where words are missing)."""

    op: str  # insert, delete or replace
    quote: str
    source: str
    meaning: bool
    why: str | None
    quote_span: tuple[int, int]
    source_span: tuple[int, int]


class Word(NamedTuple):
    """A word of a quote or a source: normalised `key`, and where it is in its text."""

    key: str
    start: int
    end: int
    named: bool = False  # a capitalised word that is not merely sentence-initial
    gap: str | None = None  # "ellipsis" or "bracket": an editorial mark of the quote
    inner: tuple[str, ...] = ()  # a bracket's own words


# a number with separators (10,000; 2.5) is one word, `%` is the word "percent"
_WORD = re.compile(r"\d+(?:[.,]\d+)+(?![^\W_])|%|[^\W_]+")
_ELLIPSIS = re.compile(r"…|\.(?:[ \t]?\.){2,}")
_BRACKET = re.compile(r"\[([^\[\]\n]*)\]")
_OPENERS = frozenset(" \t\r\n\"'`*_#([{-\u2010\u2013\u2014\u2018\u201c\u00ab\u2022>")


def _words_in(text: str, *, markup: bool, hidden: str | None = None) -> list[Word]:
    """The words of `text` (its normalised form) with their original spans; `hidden`
    is the same text with editorial marks blanked out (same length)."""
    norm = normalize(text if hidden is None else hidden, markup=markup)
    found: list[tuple[str, int, int]] = []
    for match in _WORD.finditer(norm.text):
        start, end = norm.starts[match.start()], norm.ends[match.end() - 1]
        found.append(("percent" if match.group() == "%" else match.group(), start, end))
    return _named(text, found)


def _initial(text: str, start: int) -> bool:
    """True when the word at `start` begins a sentence, a paragraph or the text."""
    i, newlines = start - 1, 0
    while i >= 0 and text[i] in _OPENERS:
        newlines += text[i] == "\n"
        i -= 1
    return i < 0 or newlines >= 2 or text[i] in ".!?:"


def _named(text: str, found: list[tuple[str, int, int]]) -> list[Word]:
    """Words, with those that name a party marked: capitalised where a sentence does
    not begin, an acronym, or a word capitalised like that elsewhere in the text."""

    def capital(start: int, end: int) -> tuple[bool, bool]:
        letters = [c for c in text[start:end] if c.isalpha()]
        upper = sum(c.isupper() for c in letters)
        return bool(letters) and letters[0].isupper(), upper >= 2

    marks = []
    names: set[str] = set()
    for key, start, end in found:
        cap, acronym = capital(start, end)
        initial = _initial(text, start)
        sure = len(key) > 1 and (acronym or (cap and not initial))
        marks.append((cap, sure))
        if sure:
            names.add(key)
    return [
        Word(key, start, end, sure or (cap and len(key) > 1 and key in names))
        for (key, start, end), (cap, sure) in zip(found, marks, strict=True)
    ]


def source_words(source: str) -> list[Word]:
    """The words of a source passage (document markup removed)."""
    return _words_in(source, markup=True)


def _editorial(quote: str) -> tuple[str, list[Word]]:
    """The quote with its editorial marks blanked out (same length, so every offset
    stays where it was), and the marks: ellipses, and brackets that stand for words."""
    hidden = list(quote)
    marks: list[Word] = []

    def blank(start: int, end: int) -> None:
        hidden[start:end] = " " * (end - start)

    for match in _BRACKET.finditer(quote):
        inside = match.group(1).strip()
        start, end = match.span()
        if _ELLIPSIS.fullmatch(inside):
            marks.append(Word("\x00ellipsis", start, end, gap="ellipsis"))
            blank(start, end)
        elif not inside or _NOTE.fullmatch(inside.casefold()):
            blank(start, end)
        elif " " not in inside and (
            (start > 0 and quote[start - 1].isalnum())
            or (end < len(quote) and quote[end].isalnum())
        ):
            # [S]tates, State[s]: letters the quoter changed inside a word (invisible
            # characters, which normalisation drops)
            hidden[start] = hidden[end - 1] = "\u200b"
        else:
            inner = tuple(w.key for w in _words_in(inside, markup=False))
            marks.append(Word("\x00bracket", start, end, gap="bracket", inner=inner))
            blank(start, end)
    text = "".join(hidden)
    for match in _ELLIPSIS.finditer(text):
        marks.append(Word("\x00ellipsis", match.start(), match.end(), gap="ellipsis"))
    text = _ELLIPSIS.sub(lambda m: " " * len(m.group()), text)
    return text, sorted(marks, key=lambda w: w.start)


def quote_words(quote: str) -> list[Word]:
    """The words of a quote as the user typed it, with its ellipses and editorial
    brackets as single marks (`gap`); notes such as `[emphasis added]` are dropped."""
    text, marks = _editorial(quote)
    words = [_widen(quote, w) for w in _words_in(quote, markup=False, hidden=text)]
    return sorted(words + marks, key=lambda w: w.start)


def search_parts(quote: str) -> list[str]:
    """The quote's normalised pieces to look for in the sources: split where an
    ellipsis or an editorial bracket stands for source words, without notes such as
    `[emphasis added]`, a bracketed letter read as part of its word (`[S]tates`)."""
    text, marks = _editorial(quote)
    pieces, position = [], 0
    for mark in marks:
        pieces.append(text[position : mark.start])
        position = mark.end
    pieces.append(text[position:])
    parts = (normalize(piece, markup=False).text for piece in pieces)
    return [part for part in parts if part]


def _widen(quote: str, word: Word) -> Word:
    """A word's span over the brackets of a letter the quoter changed (`[S]tates`)."""
    start, end = word.start, word.end
    if start > 0 and quote[start - 1] == "[":
        start -= 1
    if end < len(quote) and quote[end] == "]":
        end += 1
    return word._replace(start=start, end=end)


# ---------------------------------------------------------------------------------------
# What kind of word, and when two words are one.


def _contraction(word: Word, text: str) -> str | None:
    """What a `n't` contraction leaves of its verb (`can` for can't), or None."""
    written = text[word.start : word.end].casefold().replace("\u2019", "'")
    if word.key.endswith("nt") and written.endswith("n't"):
        base = word.key[:-2]
        return _CONTRACTED.get(base, base)
    return None


def _kind(key: str, contracted: str | None) -> str:
    if key in NUMBER_WORDS or key in MONTHS or any(c.isdigit() for c in key):
        return "number"
    if contracted is not None or key in NEGATIONS:
        return "negation"
    if key in MODALS:
        return "modal"
    if key in QUANTIFIERS:
        return "quantifier"
    if key in FUNCTION_WORDS:
        return "function"
    return "content"


def _number(key: str) -> str:
    """A number's value, however written (2, two; 10,000; 5th, fifth)."""
    if key in NUMBER_WORDS:
        return NUMBER_WORDS[key]
    ordinal = re.fullmatch(r"(\d+)(?:st|nd|rd|th)", key)
    if ordinal:
        return f"#{int(ordinal.group(1))}"
    return key.replace(",", "") if re.fullmatch(r"\d+(?:,\d{3})+", key) else key


class _Token(NamedTuple):
    """A word with what the judgement needs: its kind and what it says."""

    word: Word
    kind: str  # number, negation, modal, quantifier, function, content; "gap" for marks
    features: tuple[tuple[str, str], ...]  # (negation|modal|number|quantifier, value)


def _tokens(words: list[Word], text: str) -> list[_Token]:
    tokens = []
    for word in words:
        if word.gap:
            tokens.append(_Token(word, "gap", ()))
            continue
        contracted = _contraction(word, text)
        kind = _kind(word.key, contracted)
        features: list[tuple[str, str]] = []
        if contracted is not None or word.key == "cannot":
            features.append(("negation", "not"))
            verb = "can" if word.key == "cannot" else contracted
            if verb in MODALS:
                features.append(("modal", verb or ""))
        elif kind == "number":
            features.append(("number", _number(word.key)))
        elif kind in ("negation", "modal", "quantifier"):
            features.append((kind, word.key))
        tokens.append(_Token(word, kind, tuple(features)))
    return tokens


def _spelling(word: str) -> str:
    for pattern, replacement in _SPELLINGS:
        word = pattern.sub(replacement, word)
    return word


def _bases(word: str) -> set[str]:
    """The forms a word may be an inflection of (states: state; applied: apply)."""
    bases = {word}
    for suffix, back in _INFLECTIONS:
        if word.endswith(suffix) and len(word) - len(suffix) + len(back) >= 3:
            stem = word[: -len(suffix)] + back
            bases.add(stem)
            if not back and suffix in ("ed", "ing") and len(stem) >= 4 and stem[-1] == stem[-2]:
                bases.add(stem[:-1])  # stopped: stop
    return bases


def _inflected(a: str, b: str) -> bool:
    return bool(_bases(_spelling(a)) & _bases(_spelling(b)))


def _opposite(a: str, b: str) -> bool:
    """True when one word is the other with a prefix that negates it."""
    for plain, prefixed in ((a, b), (b, a)):
        for prefix in OPPOSITE_PREFIXES:
            rest = prefixed[len(prefix) :]
            if prefixed.startswith(prefix) and len(rest) >= 3 and _inflected(rest, plain):
                return True
    return False


def _edits(a: str, b: str, most: int) -> int:
    """Optimal string alignment distance (a transposition is one edit), capped past `most`."""
    if abs(len(a) - len(b)) > most:
        return most + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > most:
            return most + 1
        previous2, previous = previous, current
    return previous[-1]


def _typo(a: str, b: str) -> bool:
    """A slip of the keys: one edit (two in a word of 12 letters or more), the first
    letter kept (a changed first letter makes another word: increase/decrease); in a
    word of three letters only two letters swapped (law/lwa: a changed letter there
    makes another word, law/low)."""
    shorter = min(len(a), len(b))
    if shorter < 3 or a[0] != b[0]:
        return False
    if shorter == 3:
        return len(a) == len(b) and sorted(a) == sorted(b) and _edits(a, b, 1) <= 1
    return _edits(a, b, 1 if shorter < 12 else 2) <= (1 if shorter < 12 else 2)


def _kin(s: _Token, q: _Token) -> bool:
    """True when two different words say the same: a number however written, the same
    negation or modal contracted, a content word's spelling variant, inflection or
    typo (a name: only its spelling or inflection, as Iran/Iraq differ by a letter)."""
    if s.kind != q.kind or s.kind in ("gap", "function"):
        return False
    if s.kind != "content":
        return s.features == q.features
    a, b = s.word.key, q.word.key
    if _opposite(a, b):
        return False
    if _inflected(a, b):
        return True
    if s.word.named or q.word.named:
        return False
    # a slip of the keys in the word as written, or in its spelling variant's form
    # (`dialogux` is a slip of `dialogue`, though `dialogue` folds to `dialog`)
    return _typo(a, b) or _typo(_spelling(a), _spelling(b))


# ---------------------------------------------------------------------------------------
# Alignment


class _Op(NamedTuple):
    kind: str  # equal, same, variant, sub, delete, insert, gap, elide
    i1: int
    i2: int
    j1: int
    j2: int


_MERGES = ((2, 1), (1, 2), (3, 1), (1, 3))
_COST = {"equal": 0.0, "same": 0.0, "variant": 0.5, "sub": 1.0, "delete": 1.0, "insert": 1.0}


def _align_block(
    src: Sequence[_Token], quo: Sequence[_Token], i0: int, j0: int, *, reverse: bool
) -> list[_Op]:
    """Align a block word by word (edit distance): variants paired, a word written
    whole on one side and in pieces on the other joined, an editorial mark free to
    stand for any run of source words after it. With `reverse` (the block after the
    quote's last anchor), words are paired from the block's start."""
    n, m = len(src), len(quo)
    if n * m > _MAX_CELLS:
        return [_Op("sub", i0, i0 + n, j0, j0 + m)]
    if not reverse:
        return [_Op(o.kind, o.i1 + i0, o.i2 + i0, o.j1 + j0, o.j2 + j0) for o in _edit(src, quo)]
    ops = _edit(src[::-1], quo[::-1], backwards=True)
    flipped = [
        _Op(o.kind, n - o.i2 + i0, n - o.i1 + i0, m - o.j2 + j0, m - o.j1 + j0) for o in ops[::-1]
    ]
    # an editorial mark comes before the source words it stands for
    ordered: list[_Op] = []
    elided: list[_Op] = []
    for op in flipped:
        if op.kind == "elide":
            elided.append(op)
            continue
        if op.kind == "gap":
            ordered.append(op)
        ordered.extend(elided)
        elided = []
        if op.kind != "gap":
            ordered.append(op)
    return ordered + elided


def _edit(src: Sequence[_Token], quo: Sequence[_Token], *, backwards: bool = False) -> list[_Op]:
    """The cheapest edit script between two short runs of words (the preference among
    equal costs: pair words, join pieces, insert, delete)."""
    n, m = len(src), len(quo)
    inf = float("inf")
    cost = [[inf] * (m + 1) for _ in range(n + 1)]
    back: list[list[tuple[str, int, int] | None]] = [[None] * (m + 1) for _ in range(n + 1)]
    cost[0][0] = 0.0
    skeys = [t.word.key for t in src]
    qkeys = [t.word.key for t in quo]
    order = -1 if backwards else 1

    def joined(keys: list[str], start: int, end: int) -> str:
        return "".join(keys[start:end][::order])

    for i in range(n + 1):
        for j in range(m + 1):
            if i == j == 0:
                continue
            best: tuple[float, str, int, int] = (inf, "", 0, 0)
            if i and j and not quo[j - 1].word.gap:
                if skeys[i - 1] == qkeys[j - 1]:
                    kind = "equal"
                elif _kin(src[i - 1], quo[j - 1]):
                    kind = "variant"
                else:
                    kind = "sub"
                best = min(best, (cost[i - 1][j - 1] + _COST[kind], kind, 1, 1), key=_first)
            for di, dj in _MERGES:
                if i >= di and j >= dj and not any(t.word.gap for t in quo[j - dj : j]):
                    said, quoted = joined(skeys, i - di, i), joined(qkeys, j - dj, j)
                    if said == quoted and _says(src[i - di : i]) == _says(quo[j - dj : j]):
                        best = min(best, (cost[i - di][j - dj], "same", di, dj), key=_first)
                    elif _joined_typo(src[i - di : i], quo[j - dj : j], said, quoted):
                        price = cost[i - di][j - dj] + _COST["variant"]
                        best = min(best, (price, "variant", di, dj), key=_first)
            if j:
                gap = bool(quo[j - 1].word.gap)
                kind, price = ("gap", 0.0) if gap else ("insert", 1.0)
                best = min(best, (cost[i][j - 1] + price, kind, 0, 1), key=_first)
            if i:
                elide = j > 0 and bool(quo[j - 1].word.gap)
                kind, price = ("elide", 0.0) if elide else ("delete", 1.0)
                best = min(best, (cost[i - 1][j] + price, kind, 1, 0), key=_first)
            cost[i][j] = best[0]
            back[i][j] = (best[1], best[2], best[3])
    ops: list[_Op] = []
    i, j = n, m
    while i or j:
        step = back[i][j]
        assert step is not None  # every cell but the origin has a way in
        kind, di, dj = step
        ops.append(_Op(kind, i - di, i, j - dj, j))
        i, j = i - di, j - dj
    return ops[::-1]


def _says(tokens: Sequence[_Token]) -> list[tuple[str, str]]:
    """The negations and modals in words: a word written whole or in pieces is the same
    word only when both say them (`can not`/`cannot`, not `no table`/`notable`)."""
    said = [
        ("negation", "") if kind == "negation" else (kind, value)
        for t in tokens
        for kind, value in t.features
        if kind in ("negation", "modal")
    ]
    # `non` written as a prefix (nonbinding) says what `non binding` says
    said += [("negation", "") for t in tokens if t.kind == "content" and t.word.key[:3] == "non"]
    return sorted(said)


def _joined_typo(src: Sequence[_Token], quo: Sequence[_Token], said: str, quoted: str) -> bool:
    """A word split on one side (`inter- national`, a line-end hyphen the source kept)
    with a slip of the keys on the other (`internatonal`): a typo of the joined word,
    when every piece is a plain content or function word (a negation, modal, number or
    quantifier joined with its neighbour is never a slip: `can not`/`cant`)."""
    if any(t.kind not in ("content", "function") for t in (*src, *quo)):
        return False
    if any(t.word.named for t in (*src, *quo)):
        return False
    return _typo(said, quoted) or _typo(_spelling(said), _spelling(quoted))


def _first(item: tuple[float, str, int, int]) -> float:
    return item[0]


def _align(src: list[_Token], quo: list[_Token]) -> list[_Op]:
    matcher = SequenceMatcher(
        a=[t.word.key for t in src], b=_anchored_keys(src, quo), autojunk=False
    )
    codes = matcher.get_opcodes()
    ops: list[_Op] = []
    for number, (tag, i1, i2, j1, j2) in enumerate(codes):
        if tag == "equal":
            # equal as anchored (see _anchored_keys): a word that differs as written is
            # its source word's variant or typo
            start = 0
            for k in range(i2 - i1):
                if src[i1 + k].word.key != quo[j1 + k].word.key:
                    if k > start:
                        ops.append(_Op("equal", i1 + start, i1 + k, j1 + start, j1 + k))
                    ops.append(_Op("variant", i1 + k, i1 + k + 1, j1 + k, j1 + k + 1))
                    start = k + 1
            if i2 - i1 > start:
                ops.append(_Op("equal", i1 + start, i2, j1 + start, j2))
        else:
            last = number == len(codes) - 1 and len(codes) > 1
            ops.extend(_align_block(src[i1:i2], quo[j1:j2], i1, j1, reverse=last))
    return _trim(ops, quo)


def _anchored_keys(src: list[_Token], quo: list[_Token]) -> list[str]:
    """The quote's words as the alignment compares them: a word the source never has,
    which is a typo or variant of exactly one word the source has, compares as that
    word. Otherwise, in a passage of few and repeated words, a slip in one word lets
    its neighbours align with the wrong occurrences of theirs."""
    vocabulary = {t.word.key: t for t in src}
    keys = []
    for token in quo:
        key = token.word.key
        if key not in vocabulary and token.kind == "content":
            kin = {k for k, t in vocabulary.items() if _kin(t, token)}
            if len(kin) == 1:
                key = kin.pop()
        keys.append(key)
    return keys


def _trim(ops: list[_Op], quo: list[_Token]) -> list[_Op]:
    """Leave out the source words before the quote's first word and after its last
    (outside the quote), and the ellipses that stand for them."""
    anchored = [k for k, op in enumerate(ops) if op.kind in ("equal", "same", "variant", "sub")]
    if not anchored:
        return [op for op in ops if op.kind in ("insert", "gap", "sub")]
    first, last = anchored[0], anchored[-1]
    kept: list[_Op] = []
    for k, op in enumerate(ops):
        outside = k < first or k > last
        if outside and op.kind in ("delete", "elide"):
            continue
        if outside and op.kind == "gap" and quo[op.j1].word.gap == "ellipsis":
            continue
        kept.append(op)
    return kept


# ---------------------------------------------------------------------------------------
# Judging


def _features(tokens: Sequence[_Token]) -> Counter[tuple[str, str]]:
    return Counter(f for t in tokens for f in t.features)


_ORDER = ("negation", "modal", "number", "quantifier")


def _changed(source: Sequence[_Token], quote: Sequence[_Token]) -> str | None:
    """Which of the marked kinds (negation, modal, number, quantifier) differs."""
    if any(
        _opposite(s.word.key, q.word.key)
        for s in source
        for q in quote
        if s.kind == q.kind == "content"
    ):
        return "negation"
    theirs, ours = _features(source), _features(quote)
    for kind in _ORDER:
        a = Counter({f: c for f, c in theirs.items() if f[0] == kind})
        b = Counter({f: c for f, c in ours.items() if f[0] == kind})
        if a != b:
            if kind == "number" and any(_dated(v) for _, v in (a - b) + (b - a)):
                return "date"
            return kind
    return None


def _dated(value: str) -> bool:
    return value in MONTHS or bool(re.fullmatch(r"1[5-9]\d\d|2\d\d\d", value))


def _judge(source: Sequence[_Token], quote: Sequence[_Token]) -> str | None:
    """Why replacing these source words with these quote words changes the meaning."""
    marked = _changed(source, quote)
    if marked:
        return marked
    left = [t for t in source if t.kind == "content"]
    right = [t for t in quote if t.kind == "content"]
    for q in list(right):
        match = next(
            (s for s in left if s.word.key == q.word.key or _kin(s, q)),
            None,
        )
        if match is not None:
            left.remove(match)
            right.remove(q)
    if not left and not right:
        return None
    if any(t.word.named for t in left + right):
        return "named party"
    if not left:
        return "invented words"
    if not right:
        return "words left out"
    return "content word"


def _judge_gap(gap: _Token, elided: Sequence[_Token], quote_text: str) -> str | None:
    if gap.word.gap == "ellipsis":
        marked = _changed(elided, [])
        if marked is None and any(t.word.named for t in elided):
            marked = "named party"
        return f"elided by an ellipsis ({marked})" if marked else None
    inside = quote_text[gap.word.start + 1 : gap.word.end - 1]
    inner = _tokens(_words_in(inside, markup=False), inside)
    marked = _changed(elided, inner)
    return f"editorial brackets ({marked})" if marked else None


# ---------------------------------------------------------------------------------------


def _flat(text: str) -> str:
    return " ".join(text.split())


def differences(quote: str, source: str) -> list[Difference]:
    """The word-level differences between `quote` (as the user typed it) and `source`
    (the passage it was matched to, possibly with context around it), in order."""
    src = _tokens(source_words(source), source)
    quo = _tokens(quote_words(quote), quote)
    ops = _align(src, quo)
    diffs: list[Difference] = []
    k = 0
    while k < len(ops):
        op = ops[k]
        if op.kind in ("equal", "same"):
            k += 1
            continue
        if op.kind == "gap":
            i1 = i2 = op.i2
            while k + 1 < len(ops) and ops[k + 1].kind == "elide":
                k += 1
                i1, i2 = min(i1, ops[k].i1), max(i2, ops[k].i2)
            gap = quo[op.j1]
            why = _judge_gap(gap, src[i1:i2], quote)
            if gap.word.gap == "ellipsis" and i1 == i2:
                k += 1
                continue  # an ellipsis that elides nothing here
            kind = "delete" if gap.word.gap == "ellipsis" else ("replace" if i2 > i1 else "insert")
            diffs.append(
                _difference(
                    kind,
                    quote,
                    source,
                    quo=quo,
                    src=src,
                    quote_range=(op.j1, op.j2),
                    source_range=(i1, i2),
                    why=why,
                )
            )
            k += 1
            continue
        group = "variant" if op.kind == "variant" else "edit"
        i1, j1, i2, j2 = op.i1, op.j1, op.i2, op.j2
        while k + 1 < len(ops) and _group(ops[k + 1].kind) == group:
            k += 1
            i2, j2 = ops[k].i2, ops[k].j2
        why = None if group == "variant" else _judge(src[i1:i2], quo[j1:j2])
        kind = "replace" if i2 > i1 and j2 > j1 else ("insert" if j2 > j1 else "delete")
        diffs.append(
            _difference(
                kind,
                quote,
                source,
                quo=quo,
                src=src,
                quote_range=(j1, j2),
                source_range=(i1, i2),
                why=why,
            )
        )
        k += 1
    return diffs


def _group(kind: str) -> str:
    if kind == "variant":
        return "variant"
    return "edit" if kind in ("sub", "insert", "delete") else kind


def _span(tokens: Sequence[_Token], first: int, last: int) -> tuple[int, int]:
    """Character span of tokens[first:last]; empty, just after the previous word,
    when there are none."""
    if last > first:
        return tokens[first].word.start, tokens[last - 1].word.end
    if first > 0:
        return tokens[first - 1].word.end, tokens[first - 1].word.end
    start = tokens[0].word.start if tokens else 0
    return start, start


def _difference(
    op: str,
    quote: str,
    source: str,
    *,
    quo: Sequence[_Token],
    src: Sequence[_Token],
    quote_range: tuple[int, int],
    source_range: tuple[int, int],
    why: str | None,
) -> Difference:
    qspan = _span(quo, *quote_range)
    sspan = _span(src, *source_range)
    return Difference(
        op,
        _flat(quote[qspan[0] : qspan[1]]),
        _flat(source[sspan[0] : sspan[1]]),
        why is not None,
        why,
        qspan,
        sspan,
    )


def meaningful(diffs: Sequence[Difference]) -> bool:
    """True when any difference changes what the source says."""
    return any(d.meaning for d in diffs)


class _Around(NamedTuple):
    """A difference's words among a text's tokens, and how much context each side
    would take: up to the nearest word that is not a function word (at most three)."""

    first: int
    last: int
    before: int
    after: int


def _around(tokens: list[_Token], span: tuple[int, int]) -> _Around:
    inside = [k for k, t in enumerate(tokens) if span[0] <= t.word.start and t.word.end <= span[1]]
    if inside:
        first, last = inside[0], inside[-1]
    else:
        first = next((k for k, t in enumerate(tokens) if t.word.start >= span[1]), len(tokens))
        last = first - 1
    before = after = 0
    while before < 3 and first - before > 0:
        before += 1
        if tokens[first - before].kind not in ("function", "gap"):
            break
    while after < 3 and last + after < len(tokens) - 1:
        after += 1
        if tokens[last + after].kind not in ("function", "gap"):
            break
    return _Around(first, last, before, after)


def _phrase(text: str, tokens: list[_Token], around: _Around, before: int, after: int) -> str:
    first, last = around.first - before, around.last + after
    if last < first:
        return ""
    return _flat(text[tokens[first].word.start : tokens[last].word.end])


def explain(quote: str, source: str, diffs: Sequence[Difference]) -> str | None:
    """The first meaning-bearing difference, worded plainly for people, or None."""
    first = next((d for d in diffs if d.meaning), None)
    if first is None:
        return None
    src = _tokens(source_words(source), source)
    quo = _tokens(quote_words(quote), quote)
    theirs, ours = _around(src, first.source_span), _around(quo, first.quote_span)
    # the same context on both sides, so that the two phrases read alike
    before, after = min(theirs.before, ours.before), min(theirs.after, ours.after)
    says = _phrase(source, src, theirs, before, after)
    typed = _phrase(quote, quo, ours, before, after)
    if first.why and first.why.startswith("elided"):
        return (
            f"Not what the source says: the quote's ellipsis leaves out '{first.source}'; "
            f"it says '{says}', the quote says '{typed}'."
        )
    return f"Not what the source says: it says '{says}', the quote says '{typed}'."
