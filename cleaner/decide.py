"""The one place where evidence becomes keep or drop, with the reason recorded."""
from __future__ import annotations

from dataclasses import dataclass

from .blocks import Block
from .signals import Hit


@dataclass(frozen=True, slots=True)
class Decision:
    block: Block
    kept: bool                                 # False: the whole line goes
    reason: str | None = None                  # rule id or heuristic name, when something goes
    detail: str = ""                           # human-readable evidence for --explain
    spans: tuple[tuple[int, int], ...] = ()    # removed spans inside a kept line

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


def _rule_detail(hit: Hit) -> str:
    detail = hit.rule.description or hit.rule.action
    if hit.origin is not None:
        detail += f" ({hit.rule.action} from line {hit.origin + 1})"
    return detail


def decide_block(block: Block, hits: list[Hit]) -> Decision:
    """Rules first: a whole-line hit drops the line; span hits trim it."""
    whole = [h for h in hits if h.whole_line]
    if whole:
        h = whole[0]
        return Decision(block, False, h.rule.id, _rule_detail(h))
    span_hits = [h for h in hits if h.spans]
    if span_hits:
        spans = _merge([s for h in span_hits for s in h.spans])
        d = Decision(block, True, span_hits[0].rule.id, _rule_detail(span_hits[0]), spans)
        # A line reduced to punctuation and spaces was nothing but the matched span.
        if not any(ch.isalnum() for ch in d.text):
            return Decision(block, False, d.reason, d.detail)
        return d
    return Decision(block, True)


def decide(blocks: list[Block], hits: list[list[Hit]], verdicts: dict | None = None,
           common=None) -> list[Decision]:
    """Rules first; then, for lines no rule removed, the heuristic verdict.

    ``verdicts``: block index -> heuristics.Verdict (None: rules only).
    ``common``: lines recurring across the documents of the run.
    """
    decisions = [decide_block(b, h) for b, h in zip(blocks, hits)]
    if verdicts is None:
        return decisions
    out = []
    for d in decisions:
        b = d.block
        if not d.kept or b.blank or d.reason is not None:
            out.append(d)
        elif common and b.stripped in common:
            out.append(Decision(b, False, "heuristic.repeated",
                                f"line recurs across {common.documents} documents of this run"))
        elif b.index in verdicts and not verdicts[b.index].keep:
            v = verdicts[b.index]
            out.append(Decision(b, False, v.reason, v.detail))
        else:
            out.append(d)
    return _keep_headline(_never_empty(out, decisions))


def _never_empty(out: list[Decision], rule_only: list[Decision]) -> list[Decision]:
    """If the heuristics removed every line the rules kept, undo them.

    A text where nothing looks like an article (a list, a table, a poem) is
    left as the rules left it rather than cut to nothing.
    """
    if any(d.kept and not d.block.blank for d in out):
        return out
    return rule_only


def _keep_headline(out: list[Decision]) -> list[Decision]:
    """Keep the heading that leads into the first kept paragraph.

    Headlines are short, title-cased and unpunctuated, so line features alone
    rate them as navigation; but a short line right above the article's first
    kept paragraph (blank lines between allowed) is its headline or a subhead.
    """
    first = next((i for i, d in enumerate(out) if d.kept and not d.block.blank), None)
    if first is None:
        return out
    j = first - 1
    while j >= 0 and out[j].block.blank:
        j -= 1
    if j < 0:
        return out
    d = out[j]
    if d.reason and d.reason.startswith("heuristic.") and d.reason != "heuristic.repeated":
        words = len(d.block.words())
        if 2 <= words <= 20 and not d.block.stripped.endswith((".", ":", "|")):
            out[j] = Decision(d.block, True)
    return out
