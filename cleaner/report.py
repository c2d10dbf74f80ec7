"""The review report (`clean --report PAGE.html`): one self-contained HTML page.

Each document is shown line by line: removed lines struck through and coloured
by their kind (a rule's pack, or ``heuristic``), trimmed spans marked inside the
lines they were cut from, the reason on every removal. A table of reasons is
the legend and the filter (hiding a reason hides its lines everywhere); a
summary table counts lines per document and links to each one.

The page has no external assets: its CSS, JS and palette are package data
(``data/report/``), inlined. Documents are written to a spool file as they come,
so a run of thousands of documents holds one document at a time in memory; the
page is assembled at the end and renamed into place, never left half-written.
"""
from __future__ import annotations

import json
import os
import shutil
import stat
import tempfile
import zlib
from collections import Counter
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import IO, TYPE_CHECKING, Iterable

from .errors import CleanerError

if TYPE_CHECKING:
    from .api import CleanResult
    from .decide import Decision

DATA = Path(__file__).resolve().parent / "data" / "report"


def kind_of(decision: Decision) -> str:
    """The kind a removal is coloured by: the decision's own ``kind`` when it
    says something, else the rule's pack (``donation.appeal`` -> ``donation``;
    every heuristic is ``heuristic``). "other", the default kind of a rule that
    declares none, says less than the pack does."""
    kind = getattr(decision, "kind", None)
    if kind and kind != "other":
        return str(kind)
    return (decision.reason or "").split(".", 1)[0] or "other"


def _palette() -> tuple[dict[str, str], list[str]]:
    data = json.loads((DATA / "palette.json").read_text(encoding="utf-8"))
    return data["kinds"], data["other"]


def colour_of(kind: str, known: dict[str, str], other: list[str]) -> str:
    """A kind's colour: from the palette, else a stable pick from the spare colours."""
    return known.get(kind) or other[zlib.crc32(kind.encode("utf-8")) % len(other)]


@dataclass
class _Reason:
    index: int          # its class on the page: r<index>
    kind: str
    detail: str
    lines: int = 0      # removed or trimmed lines with this reason, over all documents
    docs: int = 0       # documents with at least one


@dataclass
class _Page:
    """What the page collects while documents stream through it."""
    reasons: dict[str, _Reason] = field(default_factory=dict)
    kinds: dict[str, int] = field(default_factory=dict)           # kind -> its class k<index>
    kind_docs: Counter = field(default_factory=Counter)            # kind -> documents with one
    rows: list[str] = field(default_factory=list)                  # summary table rows
    documents: int = 0
    lines: int = 0
    removed: int = 0
    trimmed: int = 0

    def reason(self, d: Decision) -> _Reason:
        r = self.reasons.get(d.reason)
        if r is None:
            kind = kind_of(d)
            self.kinds.setdefault(kind, len(self.kinds))
            r = self.reasons[d.reason] = _Reason(len(self.reasons), kind, d.detail)
        return r

    def classes(self, d: Decision) -> str:
        r = self.reason(d)
        return f"r{r.index} k{self.kinds[r.kind]}"


def _line(page: _Page, d: Decision) -> str:
    b = d.block
    no = f"<i>{b.line_no}</i>"
    if d.reason is None or b.blank:
        return f"<p class=k>{no}{escape(b.text)}</p>"
    # The reason is written on the line; the title adds its evidence. Both are
    # per line (heuristics give each line its own values): the bulk of a big page.
    why = escape(d.detail or d.reason)
    cls = page.classes(d)
    reason = escape(d.reason)
    if not d.kept:   # the tag takes its colour from the line: no classes of its own
        return f'<p class="x {cls}" title="{why}">{no}<s>{escape(b.text)}</s><b class=why>{reason}</b></p>'
    tag = f'<b class="why {cls}">{reason}</b>'
    parts, pos = [], 0
    for s, e in d.spans:
        parts.append(escape(b.text[pos:s]))
        parts.append(f'<del class="{cls}" title="{why}">{escape(b.text[s:e])}</del>')
        pos = e
    parts.append(escape(b.text[pos:]))
    return f'<p class="k tr">{no}<span>{"".join(parts)}</span>{tag}</p>'


def _document(page: _Page, result: CleanResult, out: IO[str]) -> None:
    page.documents += 1
    n = page.documents
    anchor = f"d{n}"
    lines = [_line(page, d) for d in result.decisions]
    changes = [d for d in result.decisions if d.reason is not None and not d.block.blank]
    removed = sum(1 for d in changes if not d.kept)
    trimmed = len(changes) - removed
    per_reason = Counter(d.reason for d in changes)
    for reason, count in per_reason.items():
        page.reasons[reason].lines += count
        page.reasons[reason].docs += 1
    page.kind_docs.update({page.reasons[reason].kind for reason in per_reason})
    page.lines += len(result.decisions)
    page.removed += removed
    page.trimmed += trimmed
    chips = "".join(
        f'<span class="chip k{page.kinds[page.reasons[reason].kind]}">'
        f"{escape(reason)} {count}</span>"
        for reason, count in per_reason.most_common())
    name = escape(result.name)
    unchanged = " unchanged" if not changes else ""
    counts = f"{len(result.decisions)} lines · {removed} removed · {trimmed} trimmed"
    out.write(f'<section class="doc{unchanged}" id="{anchor}" data-lines="{len(result.decisions)}" '
              f'data-removed="{removed}" data-trimmed="{trimmed}">'
              f'<h2>{n}. <span class=name>{name}</span><span class=counts>{counts}</span>'
              f'<a class=up href="#top">summary</a></h2>'
              f'<div class=chips>{chips}</div><div class=lines>{"".join(lines)}</div></section>\n')
    page.rows.append(f'<tr class="doc{unchanged}"><td class=n>{n}</td>'
                     f'<td class=name><a href="#{anchor}">{name}</a></td>'
                     f'<td class="n c-lines">{len(result.decisions)}</td><td class="n c-removed">{removed}</td>'
                     f'<td class="n c-trimmed">{trimmed}</td><td>{chips}</td></tr>\n')


def _head(page: _Page, title: str) -> str:
    known, other = _palette()
    colours = "".join(f".k{i}{{--c:{colour_of(kind, known, other)}}}\n" for kind, i in page.kinds.items())
    css = (DATA / "report.css").read_text(encoding="utf-8")
    t = escape(title)
    return (f"<!DOCTYPE html>\n<html lang=en>\n<head>\n<meta charset=utf-8>\n"
            f"<meta name=viewport content=\"width=device-width, initial-scale=1\">\n"
            f"<title>{t}</title>\n<style>\n{css}{colours}</style>\n<style id=filter></style>\n</head>\n"
            f"<body>\n<header id=top><h1>{t}</h1>\n"
            f"<p id=totals>{page.documents} documents · {page.lines} lines · "
            f"<span id=total-removed>{page.removed}</span> removed · "
            f"<span id=total-trimmed>{page.trimmed}</span> trimmed</p></header>\n")


def _controls(page: _Page) -> str:
    by_kind: dict[str, list[tuple[str, _Reason]]] = {}
    for name, r in sorted(page.reasons.items()):
        by_kind.setdefault(r.kind, []).append((name, r))
    rows = []
    for kind in sorted(by_kind):
        k = f"k{page.kinds[kind]}"
        items = by_kind[kind]
        lines = sum(r.lines for _, r in items)
        rows.append(f'<tr class="kind {k}"><td><input type=checkbox checked data-kind-box data-k="{k}" '
                    f'aria-label="{escape(kind)}"></td><td><span class=sw></span>{escape(kind)}</td>'
                    f'<td class="n c-lines">{lines}</td><td class="n c-docs">{page.kind_docs[kind]}</td></tr>\n')
        for name, r in items:
            rows.append(f'<tr class="reason {k}" data-reason="{escape(name)}" title="{escape(r.detail)}">'
                        f'<td><input type=checkbox checked data-r="r{r.index}" data-k="{k}" '
                        f'aria-label="{escape(name)}"></td><td><code>{escape(name)}</code></td>'
                        f'<td class="n c-lines">{r.lines}</td><td class="n c-docs">{r.docs}</td></tr>\n')
    if not rows:
        rows.append("<tr><td></td><td>nothing was removed</td><td></td><td></td></tr>\n")
    return ("<div id=controls>\n<div><h2>Reasons</h2>"
            "<button id=all type=button>show all</button><button id=none type=button>hide all</button>\n"
            "<table id=reasons><thead><tr><th></th><th>kind / reason</th><th class=n>lines</th>"
            f"<th class=n>documents</th></tr></thead><tbody>\n{''.join(rows)}</tbody></table></div>\n"
            "<div class=toggles><h2>Show</h2>"
            "<label><input type=checkbox id=show-kept checked> kept lines</label>"
            "<label><input type=checkbox id=show-unchanged checked> documents with nothing removed</label>"
            "</div>\n</div>\n")


def _summary(page: _Page) -> str:
    return ("<div id=summary-wrap><h2>Documents</h2>\n<table id=summary><thead><tr><th class=n>#</th>"
            "<th>document</th><th class=n>lines</th><th class=n>removed</th><th class=n>trimmed</th>"
            f"<th>reasons</th></tr></thead><tbody>\n{''.join(page.rows)}</tbody></table></div>\n")


def _finish(page: _Page, documents: IO[str], out: IO[str], title: str) -> None:
    out.write(_head(page, title))
    out.write(_controls(page))
    out.write(_summary(page))
    out.write("<main>\n")
    documents.seek(0)
    shutil.copyfileobj(documents, out)
    js = (DATA / "report.js").read_text(encoding="utf-8")
    out.write(f"</main>\n<script>\n{js}</script>\n</body>\n</html>\n")


DEFAULT_TITLE = "clean: review report"


def render_report(results: Iterable[CleanResult], title: str = DEFAULT_TITLE) -> str:
    """The whole page for ``results``, as a string."""
    import io

    page, documents, out = _Page(), io.StringIO(), io.StringIO()
    for result in results:
        _document(page, result, documents)
    _finish(page, documents, out, title)
    return out.getvalue()


class ReportWriter:
    """Writes the page to ``path`` one document at a time.

    Opening checks that the page can be written (a bad path fails before any
    work is done); ``close`` assembles the page in a temporary file next to
    ``path`` and renames it into place; ``discard`` (or leaving a ``with``
    block by an exception) leaves ``path`` as it was.
    """

    def __init__(self, path: str | os.PathLike[str], title: str = DEFAULT_TITLE):
        self.path = Path(path)
        self.title = title
        self._page = _Page()
        if self.path.is_dir():
            raise CleanerError(f"{self.path}: is a folder (--report needs a file name)")
        try:
            fd, self._tmp = tempfile.mkstemp(prefix=f".{self.path.name}.clean-tmp-",
                                             dir=self.path.parent)
        except OSError as e:
            raise CleanerError(f"{self.path}: cannot write the report: {e.strerror or e}") from None
        self._out = os.fdopen(fd, "w", encoding="utf-8", errors="replace", newline="\n")
        # Documents wait in an anonymous spool (deleted by the OS when closed)
        # until the summary, which comes first on the page, is known.
        self._documents = tempfile.TemporaryFile("w+", encoding="utf-8", errors="replace", newline="\n")
        self._open = True

    def add(self, result: CleanResult) -> None:
        _document(self._page, result, self._documents)

    def close(self) -> None:
        """Write the page and put it in place."""
        if not self._open:
            return
        try:
            _finish(self._page, self._documents, self._out, self.title)
            self._out.close()
            self._documents.close()
            umask = os.umask(0)
            os.umask(umask)   # read it back: a new page gets the usual permissions, not mkstemp's 0600
            os.chmod(self._tmp, stat.S_IMODE(0o666 & ~umask))
            os.replace(self._tmp, self.path)
            self._open = False
        except OSError as e:
            self.discard()
            raise CleanerError(f"{self.path}: cannot write the report: {e.strerror or e}") from None

    def discard(self) -> None:
        """Drop the page: ``path`` stays as it was."""
        if not self._open:
            return
        self._open = False
        self._out.close()
        self._documents.close()
        try:
            os.unlink(self._tmp)
        except FileNotFoundError:
            pass

    def __enter__(self) -> "ReportWriter":
        return self

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if exc_type is None:
            self.close()
        else:
            self.discard()
