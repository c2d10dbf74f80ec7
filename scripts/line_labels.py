"""Each line of an input labelled as ../shared/eval/score.py labels it.

A line is content if it substantially occurs in expected.txt (80% of its
tokens inside trigrams of it, or, under 3 tokens, equal to one of its lines),
and kept if the output holds it (an equal line, counted with multiplicity, or,
for 3 tokens or more, half its tokens inside trigrams of the output). Lines
without a word character are skipped, as the scorer skips them. The rules are
the scorer's, read from its ``LineIndex`` and ``norm_tokens``: pass the
imported ``score`` module, so the counts add up to its figures.
"""
from __future__ import annotations

from collections import Counter
from types import ModuleType
from typing import Iterator, NamedTuple


class Label(NamedTuple):
    index: int        # the line's index among text.splitlines()
    line: str
    content: bool
    kept: bool


def labelled_lines(score: ModuleType, text: str, expected: str, output: str) -> Iterator[Label]:
    exp, out = score.LineIndex(expected), score.LineIndex(output)
    out_lines = Counter(out.lines)
    for i, line in enumerate(text.splitlines()):
        toks = tuple(score.norm_tokens(line))
        if not toks:
            continue
        content = exp.coverage(toks) >= 0.8 if len(toks) >= 3 else toks in exp.lines
        if out_lines[toks] > 0:
            out_lines[toks] -= 1
            kept = True
        else:
            kept = len(toks) >= 3 and out.coverage(toks) >= 0.5
        yield Label(i, line, content, kept)
