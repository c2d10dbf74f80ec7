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


def decide(blocks: list[Block], hits: list[list[Hit]]) -> list[Decision]:
    return [decide_block(b, h) for b, h in zip(blocks, hits)]
