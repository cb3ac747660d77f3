"""Generate corpora of UN-statement-like documents, and query sets with ground truth.

Text comes from a word-bigram model of the five shipped source texts, laid out
with the artefacts real converted statements have: hard line wraps with
trailing spaces, numbered paragraphs, markdown emphasis, `<sup>` footnote
markers, footnote blocks and `---` rules in the middle of a sentence, curly
quotes and dashes. Everything is seeded: the same size gives the same corpus.
"""

from __future__ import annotations

import itertools
import json
import random
import re
import shutil
from dataclasses import asdict, dataclass
from pathlib import Path

from posttrack.quotes.normalize import normalize, normalize_fast

VERSION = 2
HERE = Path(__file__).resolve().parent
SOURCES = HERE.parent / "data" / "sources"
KINDS = ("exact", "reformatted", "typos", "truncated", "absent")
COUNTRIES = [
    "Pakistan",
    "Brazil",
    "Kenya",
    "Indonesia",
    "Norway",
    "Mexico",
    "Egypt",
    "Japan",
    "Ghana",
    "Chile",
    "Viet Nam",
    "Canada",
    "Morocco",
    "Fiji",
    "Estonia",
    "Peru",
]
_TOKEN = re.compile(r"[A-Za-z][A-Za-z'-]*|\d+|[.,;:]")


@dataclass
class Query:
    kind: str
    text: str
    file: str | None  # relative to the corpus directory; None for absent quotes
    line: int | None  # where the passage starts
    passage: str | None  # the normalised passage the query was made from


def _model(rng: random.Random) -> dict[str, list[str]]:
    words: list[str] = []
    for path in sorted(SOURCES.glob("*.txt")):
        text = normalize(path.read_text(encoding="utf-8"), markup=True).original
        text = re.sub(r"<[^>]+>|[*_#\\]|https?://\S+", " ", text)
        words += _TOKEN.findall(text)
    successors: dict[str, list[str]] = {}
    for a, b in itertools.pairwise(words):
        successors.setdefault(a, []).append(b)
    del rng
    return successors


def _sentence(model: dict[str, list[str]], rng: random.Random) -> str:
    starts = [w for w in model if w[:1].isupper() and len(w) > 2]
    out = [rng.choice(starts)]
    target = rng.randint(12, 32)
    while True:
        options = model.get(out[-1]) or ["and"]
        word = rng.choice(options)
        if rng.random() < 0.03:
            word = rng.choice([*COUNTRIES, str(rng.randint(1, 2030))])
        if (word == "." and len(out) >= target) or len(out) > 60:
            break
        if word in ".;:":
            continue
        out.append(word)
    text = " ".join(out).replace(" ,", ",")
    return text.rstrip(",") + "."


def _decorate(sentence: str, rng: random.Random, note: int) -> str:
    words = sentence.split(" ")
    roll = rng.random()
    if roll < 0.12 and len(words) > 8:
        i = rng.randint(1, len(words) - 5)
        words[i] = "**" + words[i]
        words[i + 3] = words[i + 3] + "**"
    elif roll < 0.22 and len(words) > 8:
        i = rng.randint(1, len(words) - 4)
        words[i] = "“" + words[i]
        words[i + 2] = words[i + 2] + "”"
    elif roll < 0.28 and len(words) > 6:
        words.insert(rng.randint(2, len(words) - 2), "–")
    text = " ".join(words)
    if rng.random() < 0.1:
        text += f"<sup>{note}</sup>"
    return text


def _wrap(paragraph: str, width: int) -> str:
    lines, line = [], ""
    for word in paragraph.split(" "):
        if line and len(line) + 1 + len(word) > width:
            lines.append(line + " ")  # converted PDFs keep a trailing space
            line = word
        else:
            line = f"{line} {word}" if line else word
    lines.append(line)
    return "\n".join(lines)


def _document(model: dict[str, list[str]], rng: random.Random, size: int) -> tuple[str, list[str]]:
    country = rng.choice(COUNTRIES)
    numbered, wrapped = rng.random() < 0.5, rng.random() < 0.3
    parts = [
        f"## Statement by {country}\n\n"
        f"**New York, {rng.randint(1, 28)} March {rng.randint(2019, 2025)}**\n"
    ]
    sentences: list[str] = []
    number, note, length = 0, 0, 0
    while length < size:
        number += 1
        chosen = [_sentence(model, rng) for _ in range(rng.randint(2, 6))]
        sentences += chosen
        body = " ".join(_decorate(s, rng, note + 1) for s in chosen)
        note += body.count("<sup>")
        if numbered:
            body = f"{number}. {body}"
        if wrapped:
            body = _wrap(body, 90)
        if rng.random() < 0.06:
            # a page break with its footnotes in the middle of a sentence
            cut = body.rfind(" ", 0, len(body) // 2)
            if cut > 0:
                symbol = f"A/{rng.randint(70, 79)}/{rng.randint(100, 999)}"
                block = (
                    f"\n\n---\n\n<sup>{note}</sup> Report of the Secretary-General {symbol}.\n\n"
                )
                body = body[:cut] + block + body[cut + 1 :]
        parts.append(body + "\n")
        length += len(body)
    return "\n".join(parts), sentences


def generate(directory: Path, megabytes: float, seed: int = 7) -> list[Path]:
    """Write the corpus (about `megabytes` MB of ~11 KB documents) unless it is there."""
    stamp = directory / "corpus.json"
    if stamp.exists() and json.loads(stamp.read_text()) == {
        "version": VERSION,
        "mb": megabytes,
        "seed": seed,
    }:
        return sorted(directory.rglob("*.txt"))
    shutil.rmtree(directory, ignore_errors=True)
    rng = random.Random(seed)
    model = _model(rng)
    total, n, files = 0, 0, []
    while total < megabytes * 1_000_000:
        text, _ = _document(model, rng, rng.randint(6_000, 16_000))
        path = directory / f"{n // 1000:03d}" / f"doc{n:05d}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        files.append(path)
        total += len(text.encode())
        n += 1
    stamp.write_text(json.dumps({"version": VERSION, "mb": megabytes, "seed": seed}))
    return files


def _typos(text: str, rng: random.Random) -> str:
    words = text.split(" ")
    candidates = [i for i, w in enumerate(words) if len(w) >= 5 and w.isalpha()]
    for i in rng.sample(candidates, min(len(candidates), rng.randint(1, 3))):
        w, j = words[i], rng.randint(1, len(words[i]) - 2)
        edit = rng.choice(("swap", "drop", "change"))
        if edit == "swap":
            w = w[:j] + w[j + 1] + w[j] + w[j + 2 :]
        elif edit == "drop":
            w = w[:j] + w[j + 1 :]
        else:
            w = w[:j] + rng.choice("aeiourstn") + w[j + 1 :]
        words[i] = w
    return " ".join(words)


def _reformat(text: str, rng: random.Random) -> str:
    text = text.replace("'", "’") if rng.random() < 0.5 else text
    if rng.random() < 0.5:
        text = text.upper() if rng.random() < 0.3 else text.lower()
    words = text.split(" ")
    words.insert(rng.randint(1, len(words) - 1), "\n")
    return f"“{' '.join(words)}”"


def queries(directory: Path, files: list[Path], per_kind: int, seed: int = 11) -> list[Query]:
    """Queries of every kind with ground truth (file, line, passage)."""
    cached = directory / f"queries-{per_kind}.json"
    if cached.exists():
        return [Query(**q) for q in json.loads(cached.read_text())]
    rng = random.Random(seed)
    model = _model(rng)
    found: list[Query] = []
    for kind in KINDS[:-1]:
        while sum(q.kind == kind for q in found) < per_kind:
            path = rng.choice(files)
            raw = path.read_text(encoding="utf-8")
            mapped = normalize(raw)
            words = mapped.text.split(" ")
            size = rng.randint(6, 10) if kind == "truncated" else rng.randint(10, 20)
            start = rng.randint(0, max(len(words) - size - 1, 0))
            offset = len(" ".join(words[:start])) + (1 if start else 0)
            passage = " ".join(words[start : start + size])
            begin, end = mapped.span(offset, offset + len(passage))
            original = raw[begin:end]
            if kind == "exact":
                if "\n" in original or re.search(r"[*<>\\“”–]", original):
                    continue
                text = original
            elif kind == "truncated":
                sentence_start = [
                    i for i, w in enumerate(words) if i and words[i - 1].endswith(".")
                ]
                if not sentence_start:
                    continue
                start = rng.choice(sentence_start)
                offset = len(" ".join(words[:start])) + 1
                passage = " ".join(words[start : start + size])
                begin, end = mapped.span(offset, offset + len(passage))
                text = re.sub(r"<sup>\d+</sup>|[*\\]", "", raw[begin:end])
                text = " ".join(text.split())
            else:
                clean = " ".join(
                    re.sub(
                        r"<sup>\d+</sup>|[*\\]|\n\n---\n\n.*?\n\n", " ", original, flags=re.S
                    ).split()
                )
                text = _reformat(clean, rng) if kind == "reformatted" else _typos(clean, rng)
            line = raw.count("\n", 0, begin) + 1
            found.append(Query(kind, text, str(path.relative_to(directory)), line, passage))
    corpus = " ".join(normalize_fast(p.read_text(encoding="utf-8")) for p in files)
    while sum(q.kind == "absent" for q in found) < per_kind:
        text = _sentence(model, rng)
        if normalize_fast(text)[:-1] not in corpus:
            found.append(Query("absent", text, None, None, None))
    cached.write_text(json.dumps([asdict(q) for q in found]))
    return found


_NEGATABLE = re.compile(
    r"\b(is|are|was|were|should|must|will|would|can|could|may|shall|has|have|does|do)\b "
    r"(?!not\b)",
    re.I,
)
_MODALS = {"should": "must", "must": "should", "may": "must", "can": "cannot", "will": "may"}
_MODAL = re.compile(r"\b(" + "|".join(_MODALS) + r")\b")
_NUMBER = re.compile(r"\b\d+\b")
_COUNTRY = re.compile(r"\b(" + "|".join(COUNTRIES) + r")\b")
CHANGES = ("negation added", "negation removed", "number changed", "modal swapped", "party swapped")


def _doctor(text: str, change: str, rng: random.Random) -> str | None:
    """The quote with one meaning-bearing change, or None when it has nothing to change."""

    def one(pattern: re.Pattern[str]) -> re.Match[str] | None:
        found = list(pattern.finditer(text))
        return rng.choice(found) if found else None

    if change == "negation added":
        at = one(_NEGATABLE)
        return None if at is None else f"{text[: at.end(1)]} not {text[at.end(1) + 1 :]}"
    if change == "negation removed":
        at = one(re.compile(r" not\b"))
        return None if at is None else text[: at.start()] + text[at.end() :]
    if change == "number changed":
        at = one(_NUMBER)
        if at is None:
            return None
        number = str(int(at.group()) + rng.randint(1, 9))
        return text[: at.start()] + number + text[at.end() :]
    if change == "modal swapped":
        at = one(_MODAL)
        return None if at is None else text[: at.start()] + _MODALS[at.group()] + text[at.end() :]
    at = one(_COUNTRY)
    if at is None:
        return None
    other = rng.choice([c for c in COUNTRIES if c != at.group()])
    return text[: at.start()] + other + text[at.end() :]


def doctored(directory: Path, files: list[Path], count: int, seed: int = 13) -> list[Query]:
    """Quotes of the corpus with one meaning-bearing change each (a negation added or
    removed, a number changed, a modal or a party swapped), kinds in turn, where the
    changed text is nowhere in the corpus: each should be flagged `altered`. `kind`
    names the change; file, line and passage are the place it was taken from."""
    cached = directory / f"doctored-{count}.json"
    if cached.exists():
        return [Query(**q) for q in json.loads(cached.read_text())]
    rng = random.Random(seed)
    corpus = " ".join(normalize_fast(p.read_text(encoding="utf-8")) for p in files)
    found: list[Query] = []
    attempts = 0
    while len(found) < count and attempts < count * 200:
        attempts += 1
        change = CHANGES[len(found) % len(CHANGES)]
        path = rng.choice(files)
        raw = path.read_text(encoding="utf-8")
        mapped = normalize(raw)
        words = mapped.text.split(" ")
        size = rng.randint(12, 20)
        start = rng.randint(0, max(len(words) - size - 1, 0))
        offset = len(" ".join(words[:start])) + (1 if start else 0)
        passage = " ".join(words[start : start + size])
        begin, end = mapped.span(offset, offset + len(passage))
        original = raw[begin:end]
        if "\n" in original or re.search(r"[*<>\\“”–]", original):
            continue
        text = _doctor(original, change, rng)
        if text is None or normalize_fast(text) in corpus:
            continue
        line = raw.count("\n", 0, begin) + 1
        found.append(Query(change, text, str(path.relative_to(directory)), line, passage))
    cached.write_text(json.dumps([asdict(q) for q in found]))
    return found
