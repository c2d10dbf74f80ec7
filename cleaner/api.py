"""The library API: a Cleaner built once, used for any number of documents."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Iterator, Mapping, NamedTuple

from . import collector, markup, writer
from .blocks import Block, split_lines
from .decide import Decision, decide
from .errors import CleanerError
from .names import (BOX_HEURISTICS, MODES, Mode, check_disable, check_mode,  # noqa: F401 (MODES: public)
                    heuristic_switches, rule_names)
from .reader import Document, read_bytes
from .rules import RuleSet, load_rules
from .signals import trim_cache

if TYPE_CHECKING:  # imported where used: one document never needs them (start-up time)
    from collections import Counter

    from .model import Model
    from .repetition import CommonLines

# Distinct lines whose rule matches a Cleaner remembers (a few hundred bytes each).
MATCH_CACHE_LINES = 50_000
# The modes that read each paragraph as its last sentence too, for the calls of
# the mission's packs (``evidence.last_sentences``): about 10% more CPU time,
# so the mode that removes when in doubt, not the default.
PARAGRAPH_CALL_MODES = frozenset({"thorough"})
# A document longer than this is cleaned in windows of about this many lines,
# or this many characters, cut at blank lines, so that time and memory stay
# linear in its size (see ``windows``). Shorter documents, every page of the
# corpus among them, are cleaned whole. The characters bound texts whose
# lines are whole paragraphs: 20,000 such lines are 40 MB, and the word
# tables of a window cost about 35 bytes a character of it.
WINDOW_LINES = 20_000
WINDOW_CHARS = 1_000_000
# A line longer than a window's characters is kept as written, unread by the
# rules and the model (``limit.long-line``): no page shows a reader a line of a
# megabyte (such a line is data, or a whole text whose line ends were lost),
# and reading it would cost some 35 bytes of memory a character, for one
# decision. It comes in pieces of a window's characters (``Window.unread``),
# so that a stream writes it out as it reads it, never holding it whole.


class Window(NamedTuple):
    """A part of a long text: its character offset in the text, and its text.

    ``unread``: a piece of a line longer than a window, cut every ``chars``
    characters from the line's start; its last piece ends the line.
    """
    offset: int
    text: str
    unread: bool = False


@dataclass(frozen=True)
class CleanResult:
    """Everything the cleaner decided about one document."""
    name: str
    original: str
    decisions: list[Decision]

    @property
    def text(self) -> str:
        return writer.render(self.decisions)

    @property
    def removed(self) -> list[Decision]:
        """Lines removed or trimmed, each with its reason."""
        return [d for d in self.decisions if d.reason is not None and not d.block.blank]

    @property
    def changed(self) -> bool:
        return self.text != self.original

    def explain(self) -> list[str]:
        return writer.explain(self.decisions, self.name)

    def diff(self) -> str:
        return writer.unified_diff(self.original, self.text, self.name)

    def to_json(self) -> str:
        return writer.json_report(self.decisions, self.name)


def _window_end(text: str, pos: int, size: int, chars: int) -> int | None:
    """Where the window starting at ``pos`` ends, or None when ``text`` ends first.

    A window ends after the first blank line that follows ``size`` lines or
    ``chars`` characters, or, when no blank line comes, at the end of the line
    that makes it ``2 * size`` lines or ``2 * chars`` characters. Lines are
    counted at "\n", and never cut: a window ends before a line longer than
    ``chars`` (``_long_line_at``), and such a line that holds a "\r" early on
    is a window of its own.
    """
    cut, lines, n = pos, 0, len(text)
    while cut < n:
        nl = text.find("\n", cut)
        if nl < 0:
            return cut if n - cut > chars and cut > pos else None
        nxt = nl + 1
        if nxt - cut > chars:
            return nxt if cut == pos else cut
        lines += 1
        if lines > size or nxt - pos > chars:
            if not text[cut:nxt].strip() or lines > 2 * size or nxt - pos > 2 * chars:
                return nxt
        cut = nxt
    return None


def _long_line_at(text: str, pos: int, chars: int) -> bool:
    """The line at ``pos`` is longer than ``chars``: its first ``chars``
    characters hold no line end, and more follow. A "\r" among them leaves the
    line to ``_window_end``: in a text whose lines end in a lone CR, the
    lines split at "\r" are short, and read as ever."""
    return (len(text) - pos > chars and text.find("\n", pos, pos + chars) < 0
            and text.find("\r", pos, pos + chars) < 0)


def _piece_end(text: str, pos: int, chars: int) -> tuple[int, bool] | None:
    """Where the piece of a long line at ``pos`` ends, and whether the line
    goes on after it; None when ``text`` ends first (a stream reads on)."""
    nl = text.find("\n", pos, pos + chars)
    if nl >= 0:
        return nl + 1, False
    if len(text) - pos >= chars:
        return pos + chars, True
    return None


def _cut(text: str, pos: int, size: int, chars: int,
         in_line: bool) -> tuple[int | None, bool, bool]:
    """Where the part of ``text`` at ``pos`` ends (None when ``text`` ends
    first), whether it is a piece of a line longer than a window (``in_line``:
    the part starts inside one), and whether that line goes on after it.
    ``windows`` and ``stream_windows`` cut the same parts with it."""
    if in_line or _long_line_at(text, pos, chars):
        piece = _piece_end(text, pos, chars)
        return (None, True, in_line) if piece is None else (piece[0], True, piece[1])
    return _window_end(text, pos, size, chars), False, False


def long_line(block: Block) -> Decision:
    """The decision on a line longer than a window: kept as written, unread
    (``WINDOW_CHARS``), with a note that says so."""
    return Decision(block, True, note=f"[limit.long-line] {len(block.text):,} characters, longer "
                                      f"than a window ({WINDOW_CHARS:,}): no rule or model reads it")


def _check_text(text: object, method: str, accepts: tuple[type, ...] = (str,),
                what: str = "str") -> None:
    """A clear TypeError for bytes or another argument that is not text (the
    calls below would fail with a message about something else)."""
    if isinstance(text, (bytes, bytearray, memoryview)):
        raise TypeError(f"Cleaner.{method}() takes {what}, not {type(text).__name__}: decode it "
                        f"first, or use Cleaner.analyze_bytes()")
    if not isinstance(text, accepts):
        raise TypeError(f"Cleaner.{method}() takes {what}, not {type(text).__name__}")


def _pieces(chunks: Iterable[str]) -> Iterator[str]:
    """``chunks``, each checked to be text (``iter_clean``'s stream)."""
    for chunk in chunks:
        _check_text(chunk, "iter_clean", what="str pieces")
        yield chunk


def windows(text: str, size: int | None = None, chars: int | None = None) -> Iterator[Window]:
    """The windows of a long text (see ``_window_end``), and the pieces of its
    lines longer than a window (``Window.unread``).

    Paragraphs stay whole; a text of at most ``size`` lines and ``chars``
    characters is one window.
    """
    size, chars = size or WINDOW_LINES, chars or WINDOW_CHARS
    pos, n = 0, len(text)
    if n <= chars and text.count("\n") <= size:   # too short for a window to end
        if n:
            yield Window(0, text)
        return
    in_line = False     # within a line longer than a window
    while pos < n:
        end, unread, in_line = _cut(text, pos, size, chars, in_line)
        if end is None:     # the text ends: the rest is the last part
            end, in_line = n, False
        yield Window(pos, text[pos:end], unread)
        pos = end


def stream_windows(chunks: Iterable[str], size: int | None = None,
                   chars: int | None = None) -> Iterator[Window]:
    """``windows`` of the text made of ``chunks``, read as they come: the same
    windows, while memory holds about one window and one chunk."""
    size, chars = size or WINDOW_LINES, chars or WINDOW_CHARS
    buffer, offset, in_line = "", 0, False
    for chunk in chunks:
        buffer += chunk
        while True:
            end, unread, goes_on = _cut(buffer, 0, size, chars, in_line)
            if end is None:     # read on: the part ends in a chunk to come
                break
            in_line = goes_on
            yield Window(offset, buffer[:end], unread)
            offset += end
            buffer = buffer[end:]
    if buffer:
        yield Window(offset, buffer, in_line)


def whole_lines(parts: Iterable[Window]) -> Iterator[Window]:
    """``parts`` with the pieces of each line longer than a window joined again."""
    pieces: list[str] = []
    start = 0
    for part in parts:
        if not part.unread:
            yield part
            continue
        if not pieces:
            start = part.offset
        pieces.append(part.text)
        if part.text.endswith("\n"):
            yield Window(start, "".join(pieces), True)
            pieces = []
    if pieces:
        yield Window(start, "".join(pieces), True)


def as_written(decisions: list[Decision], blocks: list[Block],
               reading: markup.Reading) -> list[Decision]:
    """The decisions made on a reading of ``blocks`` (``markup.read``), on the
    lines as written: spans removed from a line's reading become the spans of
    the line as written that they cover, with the markup on their edges."""
    out = list(decisions)
    for i, pieces in reading.kept.items():       # the lines whose reading differs
        d, b = decisions[i], blocks[i]
        spans = markup.written_spans(pieces, b.text, d.spans) if d.spans else ()
        out[i] = Decision(b, d.kept, d.reason, d.detail, spans, d.kind, d.note)
    return out


class Cleaner:
    """Strips boilerplate from scraped text. Rules are compiled once, here.

    ``rules``: extra rule files or folders; ``disable``: rule ids, pack names,
    or ``heuristic`` (all heuristics), ``heuristic.boilerplate`` (the model),
    ``heuristic.repeated`` (cross-document repetition); ``builtin``: load the
    shipped packs; ``weights``: another weights file, mapping or ``Model`` for
    the heuristics (default: the shipped ``data/weights.json``);
    ``repetition``: count lines recurring across documents as evidence.
    A Cleaner holds no global state and pickles, so one object serves a pipe,
    a process pool or a distributed map.
    """

    def __init__(self, rules: Iterable[str | Path] = (), disable: Iterable[str] = (),
                 *, builtin: bool = True, ruleset: RuleSet | None = None,
                 mode: Mode = "balanced", heuristics: bool = True, repetition: bool = True,
                 weights: "str | Path | Mapping[str, Any] | Model | None" = None):
        self.mode = check_mode(mode)
        self.disabled = tuple(disable)
        base = ruleset if ruleset is not None else load_rules(rules, builtin=builtin)
        check_disable(base, self.disabled)   # a typo must not be a silent no-op
        model_on, repetition_on = heuristic_switches(self.disabled)
        self.heuristics = heuristics
        self.model_on = heuristics and model_on
        self.repetition = heuristics and repetition and repetition_on
        self.boxes_off = frozenset(BOX_HEURISTICS).intersection(self.disabled)
        self.rules = base.without(rule_names(self.disabled))
        self._weights = weights
        self._model: Model | None = None
        if self.model_on:
            self.model   # a bad weights file is an error here, not at the first document
        # Line text -> rule matches, shared by every document: menus, footers
        # and share bars recur across the pages of a site.
        self._matches: dict = {}

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        state["_matches"] = {}   # a cache, not worth pickling to workers
        state["_model"] = None   # rebuilt from the weights where it is used
        return state

    @property
    def model(self) -> "Model | None":
        """The heuristics' scorer (loaded on first use), or None when they are off."""
        if not self.model_on:
            return None
        if self._model is None:
            from .model import load_model  # numpy and the weights load on first use

            self._model = load_model(self._weights)
        return self._model

    def analyze(self, text: str, name: str = "<text>", *,
                common: CommonLines | None = None, explain: bool = True) -> CleanResult:
        """Clean ``text`` and return every decision with its reason.

        ``common``: lines seen across many documents of the same run (see
        ``repetition``); such lines count as boilerplate evidence.
        ``explain``: False when only the text is wanted: the model's removals
        then carry no detail (the same decisions otherwise).
        """
        _check_text(text, "analyze")
        decisions: list[Decision] = []
        for offset, part, unread in whole_lines(windows(text)):
            decisions.extend(self._decide(part, name, common, len(decisions), offset,
                                          explain=explain, unread=unread))
        return CleanResult(name, text, decisions)

    def iter_clean(self, text: "str | Iterable[str]", name: str = "<text>", *,
                   common: CommonLines | None = None,
                   removed: "Counter[tuple[str, str]] | None" = None) -> Iterator[str]:
        """The cleaned text in pieces, one per window: memory stays bounded by a window.

        ``text`` may be the whole text or an iterable of its pieces (a stream
        decoded as it is read): the output is the same. ``removed``: a Counter
        that receives (kind, reason) for each line removed whole, as each
        window is cleaned (``writer.removal_kind``; what ``--stats`` reports).
        """
        _check_text(text, "iter_clean", (str, Iterable), "str or an iterable of str")
        first = 0
        renderer = writer.Renderer()
        parts = windows(text) if isinstance(text, str) else stream_windows(_pieces(text))
        in_line = False     # within a line longer than a window: written out as it comes
        for offset, part, unread in parts:
            if unread:
                yield renderer.feed_unread(part, start=not in_line)
                in_line = not part.endswith("\n")
                first += not in_line        # the long line is one line, counted at its last piece
                continue
            # Paused until the window's decisions are written and freed (see clean).
            with collector.paused():
                piece, lines = self._window_text(renderer, part, name, common, first, offset,
                                                 removed)
            first += lines
            yield piece
        yield renderer.close()

    def _window_text(self, renderer: writer.Renderer, part: str, name: str,
                     common: CommonLines | None, first: int, offset: int,
                     removed: "Counter[tuple[str, str]] | None") -> tuple[str, int]:
        """``iter_clean``'s text for one window, and the window's number of lines.
        The window's decisions are freed when it returns."""
        decisions = self._decide(part, name, common, first, offset, explain=False)
        if removed is not None:
            removed.update(writer.removed_kinds(decisions))
        return renderer.feed(decisions), len(decisions)

    def _decide(self, text: str, name: str, common: CommonLines | None, first: int = 0,
                offset: int = 0, explain: bool = True, unread: bool = False) -> list[Decision]:
        trim_cache(self._matches, MATCH_CACHE_LINES)   # bounded memory over a long run
        try:
            # Lines are numbered within the window while deciding, then moved
            # to their place in the whole text.
            with collector.paused():    # objects per line, no cycles: see collector
                decisions = self._decide_window(text, common, first, offset, explain, unread)
        except CleanerError as e:   # name the input: with many files, which one failed?
            raise CleanerError(f"{name}: {e}") from None
        if first:
            decisions = [d.moved(first) for d in decisions]
        return decisions

    def _decide_window(self, text: str, common: CommonLines | None, first: int, offset: int,
                       explain: bool, unread: bool) -> list[Decision]:
        """The decisions on one window (``_decide``'s work with the collector paused).

        A function of its own so that the evidence, its lists per line among
        them, is freed when it returns, before the collector is back on: the
        young collection that follows then walks only the decisions (2% of
        the time of cleaning the dev corpus).
        """
        from .evidence import gather

        model = self.model
        if unread:
            # A line longer than a window, its pieces joined: one line to its
            # "\n", whatever lone "\r" it holds, as a stream writes it out.
            eol = "\r\n" if text.endswith("\r\n") else "\n" if text.endswith("\n") else ""
            return [long_line(Block(0, offset, text[:len(text) - len(eol)], eol))]
        blocks = split_lines(text, 0, offset)
        if len(blocks) == 1 and len(text) > WINDOW_CHARS:
            # ...or a window of its own, when a "\r" came early in it (``_long_line_at``).
            return [long_line(blocks[0])]
        # The rules and the model judge the lines as they read, Markdown's
        # inline markup set aside; the decisions are on the lines as written.
        reading = markup.read(blocks, text, offset)
        ev = gather(reading.blocks if reading else blocks, self.rules, model,
                    common if self.repetition else None, self._matches,
                    written=blocks if reading else None,
                    paragraph_calls=self.mode in PARAGRAPH_CALL_MODES)
        decisions = decide(ev, model, self.mode, first_line=first, explain=explain,
                           off=self.boxes_off)
        return as_written(decisions, blocks, reading) if reading else decisions

    def clean(self, text: str, *, common: CommonLines | None = None) -> str:
        """The cleaned text: kept lines as written, boilerplate removed."""
        # The collector stays paused until the decisions are written and freed
        # (the windows' own pauses are then no-ops): back on, it finds next to
        # nothing young to walk, where after each window it walked every
        # decision (2% of the time of cleaning the dev corpus; see collector).
        _check_text(text, "clean")
        with collector.paused():
            return self.analyze(text, common=common, explain=False).text

    def clean_many(self, texts: Iterable[str]) -> list[str]:
        """Clean several documents of one run, using lines they share as evidence."""
        if isinstance(texts, (str, bytes, bytearray, memoryview)):
            # A str is an iterable too: of one-character texts.
            raise TypeError(f"Cleaner.clean_many() takes an iterable of str, not one "
                            f"{type(texts).__name__}: use Cleaner.clean() for one text")
        texts = list(texts)
        for text in texts:
            _check_text(text, "clean_many", what="an iterable of str")
        from .repetition import CommonLines

        common = CommonLines.from_texts(texts) if self.repetition else None
        return [self.clean(t, common=common) for t in texts]

    def analyze_bytes(self, data: bytes, name: str = "<stdin>", *, encoding: str = "utf-8",
                      format: str = "auto", common: CommonLines | None = None) -> CleanResult:
        """Decode (and for HTML, extract) ``data``, then analyze it."""
        doc: Document = read_bytes(data, name, encoding=encoding, format=format)
        return self.analyze(doc.text, name, common=common)
