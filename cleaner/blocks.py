"""Split a document into line blocks that remember their exact source span.

A block is one line. Keeping the line's own end-of-line bytes ("\\n", "\\r\\n",
"\\r" or none for a last line without newline) lets the writer reproduce kept
lines byte for byte, CRLF files included.
"""
from __future__ import annotations

from functools import lru_cache
from itertools import accumulate, repeat
from operator import add
from typing import Iterable, NamedTuple

import re

from .programs import compiled

# A byte order mark: strict UTF-8 reads it as the first character of the
# first line. It belongs to the file, not to that line (``markup``, ``writer``).
BOM = "\ufeff"
# Where a line ends: CRLF, LF or a lone CR. Not at a form feed, NEL or U+2028,
# where str.splitlines also ends one.
_LINE_END_SOURCE = r"\r\n|\n|\r"
_LINE = compiled(rf"([^\r\n]*)({_LINE_END_SOURCE}|)")
_LINE_END = compiled(_LINE_END_SOURCE)
# Chinese and Japanese run words together without spaces, so a whole sentence
# would be one \w+ run; there each Han or kana character counts as a word.
# Their words are one or two characters long, so a sentence then counts a few
# more "words" than its English translation (rather than one), and the length
# features and stop-word density keep their meaning.
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# The same ranges as (first, last) code points, to test a text without a regex.
CJK_RANGES = tuple((ord(_CJK[i]), ord(_CJK[i + 2])) for i in range(0, len(_CJK), 3))
# ``WORD`` and ``TOKEN`` are compiled on first use (module ``__getattr__``):
# each class of these ranges costs ``re`` ~2 ms to compile, and a text without
# Chinese or Japanese is read with a plain ``\w+`` (features._line_tokens).
_WORD_SOURCE = f"[{_CJK}]|[^\\W{_CJK}]+"
# The same words, and the newlines between the lines of a joined text: one
# findall over a whole document gives every line's words in order.
_TOKEN_SOURCE = f"[^\\W{_CJK}]+|\n|[{_CJK}]"


# The value classes read at start-up are NamedTuples, not dataclasses: making
# a dataclass runs its generated methods through exec, ~0.5 ms each class,
# a tenth of that for a NamedTuple (bench/startup.py).
class Block(NamedTuple):
    index: int     # position in the document, from 0
    start: int     # offset of the first character of the line in the text
    text: str      # the line without its end-of-line
    eol: str       # the end-of-line characters that followed it ("" for a last line)

    @property
    def line_no(self) -> int:
        return self.index + 1

    @property
    def end(self) -> int:
        return self.start + len(self.text)

    @property
    def blank(self) -> bool:
        return not self.text or self.text.isspace()    # not .strip(): no copy of the line

    @property
    def stripped(self) -> str:
        return self.text.strip()

    def words(self) -> list[str]:
        return _word().findall(self.text)

    def moved(self, lines: int) -> "Block":
        """This line numbered ``lines`` further on (a window's line placed in the whole text)."""
        return Block(self.index + lines, self.start, self.text, self.eol)


@lru_cache(maxsize=1)
def _word() -> re.Pattern:
    return re.compile(_WORD_SOURCE)


@lru_cache(maxsize=1)
def token() -> re.Pattern:
    """``TOKEN``: the words of a text and the newlines between its lines."""
    return re.compile(_TOKEN_SOURCE)


def __getattr__(name: str):
    if name == "WORD":
        return _word()
    if name == "TOKEN":
        return token()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def line_texts(text: str) -> list[str]:
    """The lines of ``text`` without their ends, split where ``split_lines``
    splits (a text that ends in a line end has an empty last one)."""
    return _LINE_END.split(text)


def split_lines(text: str, first_index: int = 0, offset: int = 0) -> list[Block]:
    """All lines of text as blocks; an empty text has no blocks.

    ``first_index`` and ``offset`` number the lines and place them when the
    text is one window of a larger document.
    """
    if not text:
        return []
    if "\r" in text:
        found = _LINE.findall(text)
        if found and found[-1] == ("", ""):
            found.pop()     # the empty match at the very end
        lines = [line for line, _ in found]
        eols = [eol for _, eol in found]
    else:                   # "\n" ends every line but the last, which may have no end
        lines = text.split("\n")
        eols = ["\n"] * len(lines)
        if lines[-1]:
            eols[-1] = ""
        else:
            lines.pop()     # the text ends with "\n"
            eols.pop()
    starts = accumulate(map(add, map(len, lines), map(len, eols)), initial=offset)
    # tuple.__new__ makes each Block from its fields in C, as Block's own
    # __new__ does through a Python call (a block per line of every document).
    return list(map(tuple.__new__, repeat(Block),
                    zip(range(first_index, first_index + len(lines)), starts, lines, eols)))


def merge_spans(spans: Iterable[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    """Spans of a line (start, end), sorted, with the overlapping and touching ones joined."""
    merged: list[list[int]] = []
    for s, e in sorted(spans):
        if merged and s <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    return tuple((s, e) for s, e in merged)


def complement(spans: Iterable[tuple[int, int]], size: int) -> list[tuple[int, int]]:
    """The parts of a line of ``size`` characters that no span covers (the
    spans sorted and apart, as ``merge_spans`` gives them)."""
    pieces, pos = [], 0
    for s, e in spans:
        if s > pos:
            pieces.append((pos, s))
        pos = e
    if pos < size:
        pieces.append((pos, size))
    return pieces


# A list item's marker: a bullet or "1." / "1)", then a space.
LIST_MARKER_SOURCE = r"^[ \t]*(?:[*+•·▪►›»\-–—][ \t]|\d{1,3}[.)][ \t])"
LIST_MARKER = compiled(LIST_MARKER_SOURCE)
_ENDS_SENTENCE = compiled(r"[.!?:;…\"”»|]$")


def continues(prev: Block, line: Block) -> bool:
    """Whether ``line`` is the hard-wrapped continuation of ``prev``.

    Scraped and e-mailed text is often wrapped at a fixed width; judging each
    piece of a wrapped paragraph alone would read it as a row of short labels.
    A line continues the previous one when that one is long, does not end a
    sentence, and this one is not a list item and starts in lower case (or the
    previous one is long enough to have been wrapped).
    """
    p, s = prev.stripped, line.stripped
    if not p or not s or _ENDS_SENTENCE.search(p) or LIST_MARKER.match(line.text):
        return False
    if len(p.split()) < 5:
        return False
    return s[0].islower() or len(p) >= 60


def paragraphs(blocks: list[Block]) -> list[list[Block]]:
    """Non-blank lines grouped into units: a wrapped paragraph is one unit."""
    units: list[list[Block]] = []
    prev: Block | None = None
    for b in blocks:
        if b.blank:
            prev = None
            continue
        if prev is not None and units and continues(prev, b):
            units[-1].append(b)
        else:
            units.append([b])
        prev = b
    return units


def merged(unit: list[Block]) -> Block:
    """One block standing for a unit: the first line's place, the joined text."""
    first = unit[0]
    if len(unit) == 1:
        return first
    text = first.text + " " + " ".join(b.stripped for b in unit[1:])
    return Block(first.index, first.start, text, unit[-1].eol)
