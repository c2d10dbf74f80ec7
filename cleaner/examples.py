"""Check each rule against its own examples: drops must go, keeps must stay."""
from __future__ import annotations

from dataclasses import replace

from .api import Cleaner
from .rules import Rule, RuleSet


def check_rule(rule: Rule) -> list[str]:
    """Failures of one rule's examples, run with that rule alone.

    A drop example must come out empty, or exactly as its ``remains`` says
    (required for drop-span rules); a keep example must come out unchanged.
    """
    # Examples test the pattern, not the position: a tail-zone rule is checked anywhere.
    cleaner = Cleaner(ruleset=RuleSet((replace(rule, zone="anywhere"),)), heuristics=False)
    failures = []
    if not rule.examples_keep:
        failures.append(f"{rule.source}: rule {rule.id}: has no keep example")
    if not rule.examples_drop:
        failures.append(f"{rule.source}: rule {rule.id}: has no drop example")
    remains = rule.examples_remain or (None,) * len(rule.examples_drop)
    for ex, left in zip(rule.examples_drop, remains):
        out = cleaner.clean(ex)
        if left is not None:
            # The exact text the rule must leave (sqlfluff's fix_str): a span
            # pattern that also eats article words fails here.
            got = out.rstrip("\r\n")
            if got != left:
                failures.append(f"{rule.source}: rule {rule.id}: drop example {ex!r} "
                                f"left {got!r}, expected {left!r}")
            continue
        if rule.action == "drop-span":
            failures.append(f"{rule.source}: rule {rule.id}: drop-span example {ex!r} "
                            "does not say what remains (write {text: ..., remains: ...})")
            continue
        if out.strip():
            failures.append(f"{rule.source}: rule {rule.id}: drop example not dropped: {ex!r}")
    for ex in rule.examples_keep:
        out = cleaner.clean(ex)
        if out != ex:
            failures.append(f"{rule.source}: rule {rule.id}: keep example changed: {ex!r} -> {out!r}")
    return failures


def check_examples(rules: RuleSet) -> list[str]:
    return [f for r in rules for f in check_rule(r)]
