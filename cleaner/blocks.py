"""Split a document into line blocks that remember their exact source span.

A block is one line. Keeping the line's own end-of-line bytes ("\\n", "\\r\\n",
"\\r" or none for a last line without newline) lets the writer reproduce kept
lines byte for byte, CRLF files included.
"""
from __future__ import annotations

from dataclasses import dataclass

import regex

_LINE = regex.compile(r"([^\r\n]*)(\r\n|\n|\r|)")
_WORD = regex.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class Block:
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
        return not self.text.strip()

    @property
    def stripped(self) -> str:
        return self.text.strip()

    def words(self) -> list[str]:
        return _WORD.findall(self.text)


def split_lines(text: str) -> list[Block]:
    """All lines of text as blocks; an empty text has no blocks."""
    blocks: list[Block] = []
    pos, n = 0, len(text)
    while pos < n:
        m = _LINE.match(text, pos)
        blocks.append(Block(len(blocks), pos, m.group(1), m.group(2)))
        pos = m.end()
    return blocks
