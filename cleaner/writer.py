"""Turn decisions back into text, a diff, an explanation or a JSON report."""
from __future__ import annotations

import json
from collections import Counter
from typing import Iterator

from .blocks import BOM
from .decide import Decision


def render(decisions: list[Decision]) -> str:
    """The kept lines, byte for byte, with blank runs left by removals collapsed.

    Blank lines between two kept lines stay exactly as written when nothing
    between them was removed. Where something was removed, the blank lines
    around it become one run (the longest one seen there), so the article's own
    paragraph spacing survives and no hole is left. Blank lines before the first
    or after the last kept line go when a removal touched them.

    A removal can bring an empty line that ends in LF right after a line that
    ends in a lone CR; written as they were, the two ends would read back as
    one CRLF and the blank line would be gone on the next read. Such a blank
    line is written with CR, the end of the line before it.

    A byte order mark (U+FEFF opening the text) belongs to the file, not to its
    first line: when that line goes (or a trimmed span takes the mark along),
    the mark still opens the text written, unless nothing is.
    """
    r = Renderer()
    return r.feed(decisions) + r.close()


class Renderer:
    """``render`` in pieces: feed the decisions of a long text window by window."""

    def __init__(self) -> None:
        self.pending: list[str] = []     # blank lines since the last kept content line
        self.best: list[str] = []        # longest blank run seen since then
        self.removed = False             # something was removed since the last kept line
        self.started = False
        self.after_cr = False            # the last line written ends in a lone CR
        self.held: list[str] = []        # the pieces of a long line, all blank so far
        self.bom: str | None = None      # the text's byte order mark, until written (None: not seen yet)

    def feed(self, decisions: list[Decision]) -> str:
        """The text that these decisions settle (blank lines may wait for what follows)."""
        out: list[str] = []
        if self.bom is None and decisions:
            self.bom = BOM if decisions[0].block.text.startswith(BOM) else ""
        # The state lives in locals while the loop runs (one pass per line of
        # every document: attribute reads and writes on self cost more than the
        # work), and goes back on self at the end.
        pending, best, removed = self.pending, self.best, self.removed
        started, after_cr = self.started, self.after_cr
        for d in decisions:
            b = d.block
            if not d.kept:
                removed = True
                if len(pending) > len(best):
                    best = pending
                pending = []
                continue
            if b.blank:
                pending.append(b.text + b.eol)
                continue
            if not started and self.bom:
                out.append(self._bom_for(d.text))
            out.extend(_blanks_before(pending, best, removed, started, after_cr))
            out.append(d.text + b.eol)
            after_cr = b.eol == "\r"
            started = True
            pending, best, removed = [], [], False
        self.pending, self.best, self.removed = pending, best, removed
        self.started, self.after_cr = started, after_cr
        return "".join(out)

    def feed_unread(self, piece: str, start: bool) -> str:
        """The text of a piece of a line kept unread (a line longer than a window,
        ``api.Window``): its first piece (``start``) takes a kept line's place, and
        the others follow it. A line of spaces is a blank line, as in ``feed``:
        its pieces wait until one is not blank, or the line ends."""
        if (start or self.held) and piece.isspace():
            self.held.append(piece)
            if piece.endswith("\n"):           # the line ends blank
                self.pending.append("".join(self.held))
                self.held = []
            return ""
        if self.held:
            piece, start, self.held = "".join(self.held) + piece, True, []
        if self.bom is None:
            self.bom = BOM if piece.startswith(BOM) else ""
        if not start:
            return piece
        bom = self._bom_for(piece) if not self.started and self.bom else ""
        blanks = _blanks_before(self.pending, self.best, self.removed, self.started, self.after_cr)
        self.pending, self.best, self.removed, self.started = [], [], False, True
        self.after_cr = False       # a piece ends in "\n", or goes on in the next one
        return bom + "".join(blanks) + piece

    def _bom_for(self, first: str) -> str:
        """The mark to write before the first kept line ``first``: none when the
        line still opens with it (nothing above it was removed)."""
        self.bom = ""
        return "" if first.startswith(BOM) else BOM

    def close(self) -> str:
        """What is left at the end of the text."""
        if self.held:                # a blank long line without a line end, last
            self.pending.append("".join(self.held))
            self.held = []
        return "" if self.removed else "".join(self.pending)


def _blanks_before(pending: list[str], best: list[str], removed: bool, started: bool,
                   after_cr: bool) -> list[str]:
    """The blank lines ``Renderer`` writes before a kept line: those since the last
    kept line when nothing was removed there, else the longest run seen there;
    before the first kept line, those above it unless something was removed."""
    if len(pending) > len(best):
        best = pending
    if not started:
        return [] if removed else pending
    run = best if removed else pending
    if after_cr and run and run[0] == "\n":
        return ["\r", *run[1:]]     # not "\r" + "\n": that reads as one line end
    return run


def _removed_whole(decisions: list[Decision]) -> Iterator[Decision]:
    """The decisions of lines removed whole (a blank line is no line of text)."""
    return (d for d in decisions if not d.kept and not d.block.blank)


def removed_lines(decisions: list[Decision]) -> int:
    return sum(1 for _ in _removed_whole(decisions))


def removed_kinds(decisions: list[Decision]) -> Iterator[tuple[str, str]]:
    """(kind, reason) of each line removed whole (``--stats``, a batch run's summary)."""
    return ((removal_kind(d), d.reason or "") for d in _removed_whole(decisions))


def explain(decisions: list[Decision], name: str = "<stdin>", width: int = 72) -> list[str]:
    """One line per removed line or trimmed span: where, why, and what."""
    lines = []
    for d in decisions:
        if d.note and not d.block.blank:
            excerpt = d.block.stripped
            if len(excerpt) > width:
                excerpt = excerpt[: width - 1] + "…"
            lines.append(f"{name}:{d.block.line_no}: keep line {d.note}: {excerpt!r}")
        if d.reason is None or d.block.blank:
            continue
        if d.kept:
            excerpt = " / ".join(d.block.text[s:e].strip() for s, e in d.spans)
            what = "span"
        else:
            excerpt = d.block.stripped
            what = "line"
        if len(excerpt) > width:
            excerpt = excerpt[: width - 1] + "…"
        kind = f" ({d.kind})" if d.kind else ""
        lines.append(f"{name}:{d.block.line_no}: drop {what} [{d.reason}]{kind} {d.detail}: {excerpt!r}")
    return lines


def _lines(text: str) -> list[str]:
    """Lines with their ends as patch(1) reads them: ended by LF (CRLF's CR stays
    in its line, and so does a lone CR, where the cleaner ends a line too: patch
    would read two diff lines as one), never at U+2028 or a form feed."""
    lines = text.split("\n")
    last = lines.pop()
    return [line + "\n" for line in lines] + ([last] if last else [])


def unified_diff(original: str, cleaned: str, name: str = "<stdin>") -> str:
    """A unified diff that patch(1) applies, including to files without a final newline."""
    out = []
    import difflib  # only --diff needs it

    for line in difflib.unified_diff(_lines(original), _lines(cleaned),
                                     fromfile=f"a/{name}", tofile=f"b/{name}"):
        if line.endswith("\n"):
            out.append(line)
        else:
            out.append(line + "\n\\ No newline at end of file\n")
    return "".join(out)


def json_report(decisions: list[Decision], name: str = "<stdin>") -> str:
    removed = [{"line": d.block.line_no, "reason": d.reason, "kind": d.kind, "detail": d.detail,
                "text": d.block.text if not d.kept else None,
                "spans": [list(s) for s in d.spans] or None}
               for d in decisions if d.reason is not None and not d.block.blank]
    return json.dumps({"input": name, "lines": len(decisions),
                       "removed_lines": removed_lines(decisions), "removed": removed},
                      ensure_ascii=False)


def removal_kind(d: Decision) -> str:
    """What kind of thing a removal took out: the rule's kind, or the reason's first part."""
    return d.kind or (d.reason or "").split(".", 1)[0]


def counted(n: int, noun: str) -> str:
    """``n`` and ``noun``, plural unless there is one: "1 file", "3 files" (the summary lines)."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def stats_lines(reasons: "Counter[tuple[str, str]]") -> list[str]:
    """``--stats``: lines removed per kind and, under each, per reason (most first)."""
    kinds: Counter = Counter()
    for (kind, _), n in reasons.items():
        kinds[kind] += n
    width = max((len(r) + 2 for _, r in reasons), default=0)
    out = []
    for kind, n in sorted(kinds.items(), key=lambda kv: (-kv[1], kv[0])):
        out.append(f"{kind:<{width}} {n:>8}")
        for (k, reason), m in sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0])):
            if k == kind:
                out.append(f"  {reason:<{width - 2}} {m:>8}")
    return out
