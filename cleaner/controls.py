"""A box's buttons on its text: "Close", "×", "Menu", "Search", "Submit".

A scraper that joins a box's elements into one line writes its buttons onto
its text: "Close Subscribe to our newsletter", "Email address Submit",
"Dismiss Subscribe Now!", "Menu Sections", "Hauptmenü schließen". A rule
knows the box's text, not every button a site puts beside it, so the
evidence also reads such a line without them (``evidence.bare_lines``): a
rule that removes the rest whole removes the line. The words are the
``controls`` lists of ``data/words.yaml``; a line's ends only, never its
middle.
"""
from __future__ import annotations

import re
from typing import Sequence

import numpy as np

from .features import words
from .programs import compiled
from .units import lengths_of, line_offsets, matched_lines

_WORD = compiled(r"\w")


def _finder(controls: set[str]) -> str:
    """A control at a line's start in a document: after a "\n" and its
    indentation, followed by more text."""
    # A literal "\n" first: the engine skips from line to line, where a pattern
    # tried at every character costs a tenth of the time of cleaning. Then the
    # characters a control opens with, before the controls themselves.
    opening = re.escape("".join(sorted({w[0] for w in controls})))
    return rf"\n[ \t]*+(?=[{opening}])(?:{_alternatives(controls)})[ \t]+(?=\S)"


def _stripper(controls: set[str]) -> str:
    """One control and the spaces after it (at the start of a line)."""
    return rf"(?:{'|'.join(map(re.escape, _longest_first(controls)))})\s+"


def _alternatives(words_: set[str]) -> str:
    """``words_`` as a regex alternation grouped by first character: ``re`` tries
    an alternation's branches one by one; grouped, it tries one per character.
    The stored program's rewrite (``branches``) would group them too; written
    so, the pattern is as fast where ``re`` compiles it itself."""
    by_first: dict[str, list[str]] = {}
    for w in words_:
        by_first.setdefault(w[0], []).append(w[1:])
    return "|".join(re.escape(first) + "(?:" + "|".join(map(re.escape, _longest_first(rests))) + ")"
                    for first, rests in sorted(by_first.items()))


def _longest_first(words_) -> list[str]:
    """Longest first (a shorter one would match a longer one's start), ties in
    order: the pattern is the same text in every run, the key of its stored
    program."""
    return sorted(words_, key=lambda w: (-len(w), w))


# Made when the module is first imported (with the first document cleaned),
# from their stored programs (``programs.compiled``): compiling them took ~7 ms
# of ``clean < seed``. Spelled as a page writes them ("close", "Close",
# "CLOSE"), not matched ignoring case: over a whole document that took four
# times as long. Read backwards, a control is its name reversed.
_NAMES = frozenset(w.lower() for ws in words()["controls"].values() for w in ws)
_SPELLINGS = {s for n in _NAMES for s in (n, n.capitalize(), n.upper())}
_AT_START = compiled(_finder(_SPELLINGS))
_AT_END = compiled(_finder({w[::-1] for w in _SPELLINGS}))
# A few lines' ends: ignoring case costs nothing there.
_LEAD = compiled(_stripper(_NAMES), re.IGNORECASE)
_TRAIL = compiled(_stripper({w[::-1] for w in _NAMES}), re.IGNORECASE)


def framed(texts: Sequence[str]) -> list[int]:
    """The lines that open or end with a control and hold something else too."""
    if not texts:
        return []
    lengths = lengths_of(texts)
    # A "\n" before every line: line k's "\n" is where it starts in the lines
    # joined. Read backwards the text is framed the same way: "\n", the last
    # line reversed, "\n", the one before it...
    text = "\n" + "\n".join(texts)
    found = [matched_lines(_AT_START, text, line_offsets(lengths)),
             len(texts) - 1 - matched_lines(_AT_END, "\n" + text[:0:-1], line_offsets(lengths[::-1]))]
    # Not np.unique: it loads numpy.ma (tests/test_features.py).
    return sorted(set(np.concatenate(found).tolist()))


# At most this many controls are left out at either end of a line.
MAX_AT_END = 2


def readings(line: str) -> list[tuple[int, int]]:
    """The spans of ``line`` (stripped) left once some of the controls at its
    ends go, fewest first: a box's own words may end in one ("Accept and
    close", "Cancel anytime."), so "Close Accept and close" reads as "Accept
    and close" before it reads as "Accept and". Only spans that hold a word
    (not the list mark of "* Menu Close")."""
    heads = _ends(_LEAD, line)
    tails = [len(line) - at for at in _ends(_TRAIL, line[::-1])]
    # heads[i]: where the line goes on after i controls at its start; tails[j]:
    # where it ends before j at its end. k left out in all, i of them first.
    out, seen = [], set()
    for k in range(1, len(heads) + len(tails) - 1):
        for i in range(max(0, k - len(tails) + 1), min(k, len(heads) - 1) + 1):
            start, end = heads[i], tails[k - i]
            text = line[start:end]
            if text not in seen and _WORD.search(text):     # "Search Search": "Search" once
                seen.add(text)
                out.append((start, end))
    return out


def _ends(pattern: re.Pattern, line: str) -> list[int]:
    """Where ``line`` goes on after 0, 1, ... (up to ``MAX_AT_END``) of the
    controls ``pattern`` finds at its start."""
    out = [0]
    while len(out) <= MAX_AT_END:
        m = pattern.match(line, out[-1])
        if m is None:
            break
        out.append(m.end())
    return out
