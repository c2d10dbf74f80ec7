"""Every built-in rule passes its own examples, and every rule is documented and checked.

One generic test per rule (the sqlfluff way): a rule's ``examples.drop`` must be
removed and its ``examples.keep`` must come out unchanged, with that rule alone.
"""
from __future__ import annotations

from collections import Counter

import pytest

from cleaner.examples import check_rule
from cleaner.rules import load_rules

RULES = tuple(load_rules([]))


def test_there_are_builtin_rules():
    assert len(RULES) > 0


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_rule_examples(rule):
    failures = check_rule(rule)
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_rule_is_documented_and_checked(rule):
    assert rule.description.strip(), f"{rule.source}: {rule.id} has no description"
    assert rule.examples_drop, f"{rule.source}: {rule.id} has no drop example"
    assert rule.examples_keep, f"{rule.source}: {rule.id} has no keep example"


def test_rule_ids_unique_and_prefixed_by_pack():
    counts = Counter(r.id for r in RULES)
    dupes = sorted(i for i, n in counts.items() if n > 1)
    assert not dupes, f"duplicate rule ids: {dupes}"
    bad = sorted(f"{r.id} (pack {r.pack}, {r.source})" for r in RULES
                 if not r.id.startswith(r.pack + "."))
    assert not bad, "rule ids must start with '<pack>.': " + ", ".join(bad)
