"""Check each rule against its own examples: drops must go, keeps must stay."""
from __future__ import annotations

from dataclasses import replace

from .api import Cleaner
from .rules import Rule, RuleSet


def check_rule(rule: Rule) -> list[str]:
    """Failures of one rule's examples, run with that rule alone.

    A drop example must lose text (all of it, unless the rule trims spans);
    a keep example must come out unchanged.
    """
    # Examples test the pattern, not the position: a tail-zone rule is checked anywhere.
    cleaner = Cleaner(ruleset=RuleSet((replace(rule, zone="anywhere"),)), heuristics=False)
    failures = []
    if not rule.examples_keep:
        failures.append(f"{rule.source}: rule {rule.id}: has no keep example")
    if not rule.examples_drop:
        failures.append(f"{rule.source}: rule {rule.id}: has no drop example")
    for ex in rule.examples_drop:
        out = cleaner.clean(ex)
        ok = (out != ex and out.strip() != ex.strip()) if rule.action == "drop-span" else not out.strip()
        if not ok:
            failures.append(f"{rule.source}: rule {rule.id}: drop example not dropped: {ex!r}")
    for ex in rule.examples_keep:
        out = cleaner.clean(ex)
        if out != ex:
            failures.append(f"{rule.source}: rule {rule.id}: keep example changed: {ex!r} -> {out!r}")
    return failures


def check_examples(rules: RuleSet) -> list[str]:
    return [f for r in rules for f in check_rule(r)]
