"""Heuristic evidence for each line: what it looks like, and what is around it.

Every feature is a number with a name (``NAMES``), so the weights that turn
them into a verdict (``data/weights.json``) stay readable, and ``--explain``
can show the values behind a removal.
"""
from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from itertools import groupby
from pathlib import Path
from typing import Sequence

import yaml

from .blocks import LIST_MARKER, WORD, Block
from .language import guess_language, stopwords

# A run of letters with inner apostrophes and hyphens ([^\W\d_] is "a letter" in re).
_ALPHA_WORD = re.compile(r"[^\W\d_](?:[^\W\d_]|['’-])*")
_URL = re.compile(r"https?://|www\.|\.(?:com|org|net|de|fr|es|uk)\b|@\w|#\w", re.I)
_SEPARATORS = re.compile(r"\s[|·•/]\s|\s[|·•]$|^[|·•]\s")
_MONEY = re.compile(r"[$€£¥₹]\s?\d|\d\s?(?:[$€£¥₹]|eur\b|euro\b|usd\b|dollars?\b)", re.I)
_TERMINAL = re.compile(r"[.!?…:;\"”»'’)\]]$")
# A sentence end followed by a letter; _sentence_starts keeps the upper-case ones.
_SENTENCE_END = re.compile(r"[.!?…][\"”»'’)]?\s+([^\W\d_])")
_DATE = re.compile(
    r"\b(?:\d{1,2}[./-]\d{1,2}[./-]\d{2,4}|\d{4}-\d{2}-\d{2}|\d{1,2}:\d{2}\b|"
    r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|januar|februar|märz|mai|juni|juli|"
    r"oktober|dezember|janvier|février|mars|avril|juin|juillet|août|septembre|octobre|novembre|"
    r"décembre|enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre|"
    r"diciembre)[a-z]*\.?\s+\d{1,2}\b|\b\d{1,2}\.?\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-zä]*)",
    re.I)
_COLUMN_GAP = re.compile(r"\S {3,}\S")
# Source code and shell sessions quoted in an article: statement punctuation,
# a prompt, or a keyword opening the line. SQL keywords count in capitals only.
_CODE = re.compile(
    r"[;{}]\s*$|^[{}]|[=!<>]=|=>|->|\w\(\)|^(?:\$|>>>|#include\b|#!/)|"
    r"^(?:import|from|def|class|return|function|var|let|const|if|elif|else|for|while|try|catch|"
    r"public|private|static|void|int|echo|sudo|git|pip|npm|cd)\b[^.!?]*$|"
    r"^(?-i:SELECT|FROM|WHERE|ORDER BY|GROUP BY|LIMIT|INSERT|UPDATE|DELETE|JOIN|WITH|AND|OR)\b")
DATA = Path(__file__).resolve().parent / "data"
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_COPYRIGHT = re.compile(r"©|\(c\)\s*\d{4}|\bcopyright\b|all rights reserved|alle rechte", re.I)

NAMES: tuple[str, ...] = (
    "bias", "log_words", "log_chars", "short", "stopword_density", "log_stopwords", "terminal_punct",
    "ends_colon", "title_case", "all_caps", "digit_share", "symbol_share", "list_marker",
    "url", "separators", "second_person", "first_plural", "cta_opener", "money",
    "payment_word", "comma_rate", "sentences", "main_indent", "position", "date",
    "copyright",
    "prev_log_words", "prev_stopword_density", "prev_terminal", "next_log_words",
    "next_stopword_density", "next_terminal", "near_long_lines", "blank_before", "blank_after",
    "near_list_items", "near_short_units", "relative_length", "table_columns",
    "repeated_in_document", "indent_offset", "share_of_longest", "lexicon",
    "code", "near_code", "list_run", "list_run_title", "list_run_nested",
)


_POSITION_AT = NAMES.index("position")


@dataclass(frozen=True)
class WordLists:
    cta: object                    # compiled: a line opening with a call to action
    second_person: frozenset[str]
    first_plural: frozenset[str]
    payment: frozenset[str]


@lru_cache(maxsize=1)
def word_lists() -> WordLists:
    data = yaml.load((DATA / "words.yaml").read_text("utf-8"), Loader=_YAML_LOADER)
    phrases = sorted({w.casefold() for ws in data["cta_openers"].values() for w in ws},
                     key=len, reverse=True)
    cta = re.compile(r"(?:%s)(?!\w)" % "|".join(re.escape(p) for p in phrases), re.I)
    return WordLists(cta, frozenset(w.casefold() for w in data["second_person"]),
                     frozenset(w.casefold() for w in data["first_person_plural"]),
                     frozenset(w.casefold() for w in data["payment_words"]))


_DIGIT = re.compile(r"\d")


def lexicon_tokens(text: str) -> list[str]:
    """The words of a text as the lexicon knows them: case-folded, numbers as '#'."""
    return ["#" if _DIGIT.search(t) else t.casefold() for t in WORD.findall(text)]


@lru_cache(maxsize=1)
def lexicon() -> dict[str, float]:
    """Word -> log-odds of appearing in article rather than boilerplate text.

    Fitted by scripts/fit_weights.py from how many dev-corpus sites use the word
    in article text and in boilerplate; only words seen on many sites are kept,
    so it knows the vocabulary of menus, share bars and credits in general,
    not the names of particular sites.
    """
    path = DATA / "lexicon.json"
    if not path.is_file():
        return {}
    return json.loads(path.read_text("utf-8"))["words"]


def lexicon_score(text: str, table: dict[str, float]) -> float:
    """Mean lexicon weight of the words of a text (unknown words weigh 0)."""
    toks = lexicon_tokens(text)
    return sum(table.get(t, 0.0) for t in toks) / len(toks) if toks else 0.0


@dataclass(frozen=True, slots=True)
class LineFacts:
    """Per-line measurements before context is added."""
    words: int
    stop: int
    terminal: bool
    indent: int
    values: tuple[float, ...]      # own features, in NAMES order up to "copyright"
    lexicon: float                 # mean lexicon weight of the words
    code: float                    # 1.0 when the text reads as source code


def _own_facts(b: Block, n_blocks: int, language: str) -> LineFacts:
    """A unit's own facts: those of its text, plus its position in the document."""
    f = _text_facts(b.text, language)
    values = list(f.values)
    values[_POSITION_AT] = b.index / max(1, n_blocks - 1)
    return LineFacts(f.words, f.stop, f.terminal, f.indent, tuple(values), f.lexicon, f.code)


@lru_cache(maxsize=16384)
def _text_facts(text: str, language: str) -> LineFacts:
    """The facts that depend on a unit's text alone (position left at 0).

    Cached: each look at a document (``Cleaner.analyze`` looks until nothing
    changes) sees mostly the same units again, and sites repeat their menus.
    """
    stop, wl = stopwords(language), word_lists()
    s = text.strip()
    toks = WORD.findall(s)
    folded = [t.casefold() for t in toks]
    nw = len(toks)
    nstop = sum(1 for w in folded if w in stop)
    alpha = _ALPHA_WORD.findall(s)
    title = sum(1 for w in alpha if w[0].isupper()) / len(alpha) if alpha else 0.0
    letters = sum(map(str.isalpha, s))
    chars = (len(s) - sum(map(str.isspace, s))) or 1
    digits = sum(map(str.isdigit, s))
    symbols = chars - letters - digits
    terminal = bool(_TERMINAL.search(s))
    you = sum(1 for w in folded if w in wl.second_person)
    we = sum(1 for w in folded if w in wl.first_plural)
    body = LIST_MARKER.sub("", s)
    values = (
        1.0,
        math.log1p(nw),
        math.log1p(len(s) / 6),
        1.0 if nw <= 3 and len(s) < 20 else 0.0,
        nstop / nw if nw else 0.0,
        math.log1p(nstop),
        1.0 if terminal else 0.0,
        1.0 if s.endswith(":") else 0.0,
        title,
        1.0 if letters >= 2 and s.upper() == s else 0.0,
        digits / chars,
        symbols / chars,
        1.0 if LIST_MARKER.match(s) else 0.0,
        1.0 if _URL.search(s) else 0.0,
        1.0 if _SEPARATORS.search(s) else 0.0,
        min(1.0, 5 * you / nw) if nw else 0.0,
        min(1.0, 5 * we / nw) if nw else 0.0,
        1.0 if wl.cta.match(body) else 0.0,
        1.0 if _MONEY.search(s) else 0.0,
        1.0 if any(w in wl.payment for w in folded) else 0.0,
        min(1.0, s.count(",") / nw) if nw else 0.0,
        min(3.0, float(sum(1 for c in _SENTENCE_END.findall(s) if c.isupper()))),
        0.0,   # main_indent: filled in once the document's indentation is known
        0.0,   # position: filled in by _own_facts
        1.0 if _DATE.search(s) else 0.0,
        1.0 if _COPYRIGHT.search(s) else 0.0,
    )
    return LineFacts(nw, nstop, terminal, len(text) - len(text.lstrip()), values,
                     lexicon_score(text, lexicon()), 1.0 if _CODE.search(s) else 0.0)


def document_language(blocks: Sequence[Block]) -> str:
    words = (w.casefold() for b in blocks for w in WORD.findall(b.text))
    return guess_language(words)


def unit_features(blocks: Sequence[Block], units: Sequence[Block]) -> list[list[float]]:
    """Feature vectors (in ``NAMES`` order) for the units of a document.

    ``units`` are the document's non-blank lines, or its wrapped paragraphs
    each merged into one block (``blocks.paragraphs``), in order.
    """
    language = document_language(blocks)
    content = list(units)
    facts = [_own_facts(b, len(blocks), language) for b in content]
    # The article's paragraphs share one indentation in scraped layouts: the
    # indentation carrying most words of long lines.
    weight: dict[int, int] = {}
    for f in facts:
        if f.words >= 12:
            weight[f.indent] = weight.get(f.indent, 0) + f.words
    main_indent = max(weight, key=weight.get) if weight else None
    idx_main = NAMES.index("main_indent")
    out: list[list[float]] = []
    n = len(content)
    li, lc, sh = NAMES.index("list_marker"), NAMES.index("log_chars"), NAMES.index("short")
    mean_chars = sum(f.values[lc] for f in facts) / n if n else 0.0
    longest = max((f.words for f in facts), default=0) or 1
    # Menus and footers are often rendered twice on a page (header and footer,
    # desktop and mobile); an article's sentences are not.
    keys = [" ".join(b.text.split()).casefold() for b in content]
    seen: dict[str, int] = {}
    for key in keys:
        seen[key] = seen.get(key, 0) + 1
    code = [f.code for f in facts]
    # A menu is a long run of list items that read as labels; a list inside an
    # article is short, or its items are sentences.
    ti = NAMES.index("title_case")
    run_len = [0] * n
    run_title = [0.0] * n
    run_nested = [0.0] * n
    # A run ends at the first unit that is no list item. Blank lines do not end
    # it: scraped menus often leave one between their groups (ending runs there
    # lost article list items on the snippet check).
    for is_item, group in groupby(range(n), key=lambda m: facts[m].values[li]):
        run = list(group)
        if not is_item:
            continue
        mean_title = sum(facts[m].values[ti] for m in run) / len(run)
        nested = 1.0 if len({facts[m].indent for m in run}) > 1 else 0.0
        for m in run:
            run_len[m], run_title[m], run_nested[m] = len(run), mean_title, nested
    for k, (b, f) in enumerate(zip(content, facts)):
        v = list(f.values)
        v[idx_main] = 1.0 if main_indent is not None and f.indent == main_indent else 0.0
        prev = facts[k - 1] if k > 0 else None
        nxt = facts[k + 1] if k + 1 < n else None
        near = sum(1 for j in range(max(0, k - 3), min(n, k + 4))
                   if j != k and facts[j].words >= 15)
        v.extend((
            math.log1p(prev.words) if prev else 0.0,
            prev.stop / prev.words if prev and prev.words else 0.0,
            1.0 if prev and prev.terminal else 0.0,
            math.log1p(nxt.words) if nxt else 0.0,
            nxt.stop / nxt.words if nxt and nxt.words else 0.0,
            1.0 if nxt and nxt.terminal else 0.0,
            near / 6.0,
            1.0 if b.index > 0 and blocks[b.index - 1].blank else 0.0,
            1.0 if nxt is None or blocks[content[k + 1].index - 1].blank else 0.0,
        ))
        # Menus and link lists come in runs of short items; an article's
        # paragraphs stand among long ones.
        near = [facts[j] for j in range(max(0, k - 3), min(n, k + 4)) if j != k]
        v.extend((
            sum(g.values[li] for g in near) / len(near) if near else 0.0,
            sum(g.values[sh] for g in near) / len(near) if near else 0.0,
            f.values[lc] - mean_chars,
            # A table row rendered as text keeps its columns apart with runs of spaces.
            1.0 if _COLUMN_GAP.search(b.stripped) else 0.0,
            1.0 if seen[keys[k]] > 1 else 0.0,
            min(1.0, abs(f.indent - main_indent) / 8) if main_indent is not None else 0.0,
            f.words / longest,
            f.lexicon,
            code[k],
            # Code comes in blocks: a keyword-less line inside one is code too.
            sum(code[j] for j in range(max(0, k - 3), min(n, k + 4)) if j != k) / 6.0,
            math.log1p(run_len[k]),
            run_title[k] * math.log1p(run_len[k]),
            run_nested[k],
        ))
        out.append(v)
    return out
