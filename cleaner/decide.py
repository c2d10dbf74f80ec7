"""The one place where evidence becomes keep or drop, each removal with one reason.

In order:

1. **Rules**: a whole-line hit removes the line, span hits trim it. Inside a
   structure (code block, table, front matter) rules never cut: a structure
   goes only when a multi-line rule covers all of it.
2. **Repetition**: a line that recurs across the documents of the run is
   removed (``heuristic.repeated``), unless it is article prose: a wire story
   carried by several outlets is not boilerplate.
3. **The model**: a unit the segmentation labels boilerplate is removed
   (``heuristic.boilerplate``; in a short document ``heuristic.boilerplate-line``).
4. **Guards**: never lose the article (when the removed units hold much more
   prose than the kept ones, the prose comes back: ``guard.article``); never
   empty (``guard.never-empty``); keep the headline (``guard.headline``).
   A guard's decision is logged on the lines it kept.

Cleaning the cleaned text changes nothing by design: the features do not
depend on removed boilerplate, the tail zone is measured on prose, and a
Viterbi segment of kept units stays kept when the boilerplate around it goes.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np

from .blocks import Block
from .signals import Hit

if TYPE_CHECKING:
    from .evidence import Evidence
    from .model import Model

# The article guard acts when the model removes at least this many prose words
# and this many times the prose it keeps.
ARTICLE_GUARD_MIN_WORDS = 30
ARTICLE_GUARD_RATIO = 2.0
HEADLINE_WORDS = (2, 20)


@dataclass(frozen=True, slots=True)
class Decision:
    block: Block
    kept: bool                                 # False: the whole line goes
    reason: str | None = None                  # rule id or heuristic name, when something goes
    detail: str = ""                           # human-readable evidence for --explain
    spans: tuple[tuple[int, int], ...] = ()    # removed spans inside a kept line
    kind: str | None = None                    # what was removed: the rule's kind or pack, or "heuristic"
    note: str = ""                             # a guard that kept this line, and why

    @property
    def text(self) -> str:
        """The line as it is written out: without removed spans."""
        if not self.spans:
            return self.block.text
        out, pos = [], 0
        for s, e in self.spans:
            out.append(self.block.text[pos:s])
            pos = e
        out.append(self.block.text[pos:])
        return "".join(out)


def _merge(spans: list[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    merged: list[list[int]] = []
    for s, e in sorted(spans):
        if merged and s <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    return tuple((s, e) for s, e in merged)


def rule_kind(rule) -> str:
    return getattr(rule, "kind", None) or rule.pack


def _rule_detail(hit: Hit, first_line: int = 0) -> str:
    detail = hit.rule.description or hit.rule.action
    if hit.origin is not None:
        detail += f" ({hit.rule.action} from line {first_line + hit.origin + 1})"
    return detail


def decide_block(block: Block, hits: list[Hit], first_line: int = 0) -> Decision:
    """Rules first: a whole-line hit drops the line; span hits trim it.

    ``first_line``: the number of lines before this window of the text.
    """
    whole = [h for h in hits if h.whole_line]
    if whole:
        h = whole[0]
        return Decision(block, False, h.rule.id, _rule_detail(h, first_line), kind=rule_kind(h.rule))
    span_hits = [h for h in hits if h.spans]
    if span_hits:
        spans = _merge([s for h in span_hits for s in h.spans])
        h = span_hits[0]
        d = Decision(block, True, h.rule.id, _rule_detail(h, first_line), spans,
                     kind=rule_kind(h.rule))
        # A line reduced to punctuation and spaces was nothing but the matched span.
        if not any(ch.isalnum() for ch in d.text):
            return Decision(block, False, d.reason, d.detail, kind=d.kind)
        return d
    return Decision(block, True)


def _protect_structures(ev: "Evidence") -> list[list[Hit]]:
    """Rule hits with those that would cut inside a structure left out."""
    hits = ev.hits
    if not ev.units.structure.any():
        return hits
    hits = list(hits)
    for u in np.flatnonzero(ev.units.structure):
        lines = _lines_of(ev, u)
        covered = all(any(h.whole_line for h in hits[i]) for i in lines)
        if not covered:
            for i in lines:
                hits[i] = []
    return hits


def decide(ev: "Evidence", model: "Model | None", mode: str = "balanced",
           first_line: int = 0) -> list[Decision]:
    """Keep or drop every line of the document ``ev`` describes (see the module docstring).

    ``first_line``: lines before this one in the whole text, when ``ev`` is one
    window of a long text (for the line numbers in explanations).
    """
    hits = _protect_structures(ev)
    out = [decide_block(b, h, first_line) for b, h in zip(ev.blocks, hits)]
    if ev.repeated is not None:
        _repetition(out, ev)
    if model is None or ev.scores is None:
        return out
    rule_only = list(out)
    keep = model.keep(ev.scores, mode)
    dropped = np.flatnonzero(~keep)
    reasons = dict(zip(dropped.tolist(), _model_reasons(ev, model, mode, dropped)))
    of_line = ev.units.of_line
    for i in np.flatnonzero(of_line >= 0).tolist():
        d = out[i]
        u = int(of_line[i])
        if keep[u] or d.reason is not None:
            continue
        out[i] = Decision(d.block, False, *reasons[u], kind="heuristic")
    _article_guard(out, ev)
    if not any(d.kept and not d.block.blank for d in out):
        return _noted(rule_only, "guard.never-empty",
                      "the heuristics would remove every line the rules kept; left as the rules left it")
    _keep_headline(out, ev)
    return out


def _repetition(out: list[Decision], ev: "Evidence") -> None:
    of_line = ev.units.of_line
    for i in np.flatnonzero(ev.repeated):
        d = out[i]
        u = of_line[i]
        if d.reason is not None or u < 0 or ev.prose[u] > 0:
            continue    # long prose is never removed on repetition evidence alone
        out[i] = Decision(d.block, False, "heuristic.repeated",
                          "line recurs across the documents of this run", kind="heuristic")


def _model_reasons(ev: "Evidence", model: "Model", mode: str,
                   units: np.ndarray) -> list[tuple[str, str]]:
    """Reason and detail for each unit the model removes, with the values behind it."""
    s = ev.scores
    whys = model.evidence(s, units)
    if len(s.own) < model.short_document:
        return [("heuristic.boilerplate-line",
                 f"own log-odds {s.own[u]:.2f} < {model.short_floor} in a short document ({why})")
                for u, why in zip(units, whys)]
    t = model.thresholds[mode]
    out = []
    for u, why in zip(units, whys):
        own, ctx = float(s.own[u]), float(s.context[u])
        if ctx >= t:
            out.append(("heuristic.boilerplate",
                        f"in context log-odds {ctx:.2f} is above the threshold {t}, but the "
                        f"segmentation puts it in a boilerplate stretch (switch cost "
                        f"{model.switch}); own {own:.2f} ({why})"))
        else:
            out.append(("heuristic.boilerplate",
                        f"in context log-odds {ctx:.2f} < threshold {t}; own {own:.2f} ({why})"))
    return out


def _lines_of(ev: "Evidence", u: int) -> range:
    """The lines of unit ``u``: units are contiguous stretches of lines."""
    return range(int(ev.view.first_line[u]), int(ev.view.last_line[u]) + 1)


def _article_guard(out: list[Decision], ev: "Evidence") -> None:
    """Never drop the document's strongest article prose in favour of weaker text."""
    kept_prose = removed_prose = 0.0
    by_model: list[int] = []
    for u in np.flatnonzero(ev.prose > 0):
        lines = _lines_of(ev, u)
        reasons = {out[i].reason for i in lines}
        if all(out[i].kept for i in lines):
            kept_prose += ev.prose[u]
        elif reasons & {"heuristic.boilerplate", "heuristic.boilerplate-line"}:
            removed_prose += ev.prose[u]
            by_model.append(int(u))
    if removed_prose < ARTICLE_GUARD_MIN_WORDS or removed_prose < ARTICLE_GUARD_RATIO * kept_prose:
        return
    note = (f"kept although the model removed it: the lines it kept held {kept_prose:.0f} words "
            f"of prose, the lines it removed {removed_prose:.0f}")
    for u in by_model:
        for i in _lines_of(ev, u):
            d = out[i]
            if d.reason in ("heuristic.boilerplate", "heuristic.boilerplate-line"):
                out[i] = Decision(d.block, True, note=f"[guard.article] {note}; {d.detail}")


def _noted(out: list[Decision], guard: str, why: str) -> list[Decision]:
    first = next((i for i, d in enumerate(out) if d.kept and not d.block.blank), None)
    if first is not None:
        out = list(out)
        out[first] = replace(out[first], note=f"[{guard}] {why}")
    return out


def _keep_headline(out: list[Decision], ev: "Evidence") -> None:
    """Keep the heading that leads into the first kept paragraph.

    Headlines are short, title-cased and unpunctuated, so line features alone
    rate them as navigation; but a short unit right above the article's first
    kept unit (blank lines between allowed) is its headline or a subhead.
    """
    first = next((i for i, d in enumerate(out) if d.kept and not d.block.blank), None)
    if first is None:
        return
    j = first - 1
    while j >= 0 and out[j].block.blank:
        j -= 1
    if j < 0:
        return
    u = int(ev.units.of_line[j])
    lines = _lines_of(ev, u) if u >= 0 else range(j, j + 1)
    if not all(out[i].reason in ("heuristic.boilerplate", "heuristic.boilerplate-line")
               for i in lines):
        return
    words = int(ev.view.n_words[u]) if u >= 0 else 0
    last = out[lines[-1]].block.stripped
    if HEADLINE_WORDS[0] <= words <= HEADLINE_WORDS[1] and not last.endswith((".", ":", "|")):
        for i in lines:
            out[i] = Decision(out[i].block, True,
                              note=f"[guard.headline] the heading right above the first kept "
                                   f"paragraph; {out[i].detail}")
