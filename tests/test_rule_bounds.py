"""Every shipped rule that removes whole lines is anchored or length-bounded.

A rule that matches anywhere in a line of any length would remove a whole
paragraph, or a whole one-line document (a text whose newlines were
flattened), because it mentions a newsletter. The check is behavioural: each
drop example of a line-removing rule, put in the middle of a line of 1,500
characters of article prose, must no longer match: a rule may be anchored at
the start or end of the line, or bound the line's length (a cookie notice or
an appeal is a paragraph, not a page).
"""
from __future__ import annotations

from pathlib import Path

import pytest

from cleaner import Cleaner
from cleaner.rules import load_rules

PROSE = ("The council met on Tuesday and, after a debate that lasted most of the evening, "
         "agreed on a budget that keeps taxes flat for a third year while it repairs bridges; ")
TAIL = ("opponents said the forecasts were optimistic, and the mayor promised to review "
        "spending again in the autumn, when the first figures for the year are known.")
LINE_ACTIONS = ("drop", "drop-until", "drop-rest")
RULES = [r for r in load_rules(()) if r.action in LINE_ACTIONS]


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_a_line_removing_rule_does_not_match_inside_a_long_paragraph(rule):
    for example in rule.examples_drop:
        line = 4 * PROSE + example.strip() + " " + 4 * TAIL
        assert not rule.search(line.strip()), f"{rule.id} matches inside a paragraph: {example!r}"


def test_a_flattened_document_is_not_emptied():
    seed = (Path(__file__).resolve().parents[1] / "fixtures" / "seed-moscowtimes-bout" /
            "input.txt").read_text(encoding="utf-8")
    one_line = " ".join(seed.split())
    out = Cleaner().clean(one_line)
    assert "Viktor Bout denied ties to Deputy Prime Minister Igor Sechin" in out

