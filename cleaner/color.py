"""Colour for unified diffs on a terminal: --color auto|always|never, NO_COLOR.

Only the diff is coloured; the cleaned text itself never is (it is data).
"""
from __future__ import annotations

import os
from typing import IO, Literal

from .programs import compiled

ColorChoice = Literal["auto", "always", "never"]
CHOICES: tuple[str, ...] = ("auto", "always", "never")

_RESET = "\x1b[0m"
_STYLE = {"header": "\x1b[1m", "hunk": "\x1b[36m", "-": "\x1b[31m", "+": "\x1b[32m"}
_HUNK = compiled(r"^@@ -\d+(?:,(\d+))? \+\d+(?:,(\d+))? @@")


def use_color(choice: str, stream: IO) -> bool:
    """Whether to colour output to ``stream``.

    ``auto`` colours a terminal unless NO_COLOR is set (https://no-color.org)
    or TERM is "dumb"; ``always`` and ``never`` are what they say.
    """
    if choice == "always":
        return True
    if choice == "never":
        return False
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def colorize_diff(diff: str) -> str:
    """``diff`` (unified format) with ANSI colours: headers bold, hunk headers
    cyan, removed lines red, added lines green.

    Lines are told apart by the hunk counts, not by their first character
    alone: a removed line that reads "-- x" shows as "--- x" and is no header.
    """
    out: list[str] = []
    old = new = 0        # lines still due in the current hunk
    pieces = diff.split("\n")    # "\n" only: a line may hold U+2028 or a form feed
    for i, body in enumerate(pieces):
        end = "\n" if i < len(pieces) - 1 else ""
        line = body + end
        kind = None
        if old > 0 or new > 0:
            first = body[:1]
            if first == "-":
                old, kind = old - 1, "-"
            elif first == "+":
                new, kind = new - 1, "+"
            elif first == " " or body == "":
                old, new = old - 1, new - 1
        elif body.startswith("@@"):
            m = _HUNK.match(body)
            if m:
                old = int(m.group(1)) if m.group(1) is not None else 1
                new = int(m.group(2)) if m.group(2) is not None else 1
            kind = "hunk"
        elif body.startswith(("--- ", "+++ ")):
            kind = "header"
        out.append(f"{_STYLE[kind]}{body}{_RESET}{end}" if kind and body else line)
    return "".join(out)
