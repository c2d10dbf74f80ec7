"""The mission's kinds of boilerplate in the eight languages the rules cover
(fixtures/mission-lines.yaml): each line goes when it stands between article
paragraphs of its language, by a rule of a mission pack, and the paragraphs stay."""
from __future__ import annotations

import pytest
import yaml

from cleaner import Cleaner
from conftest import FIXTURES

CASES = yaml.safe_load((FIXTURES / "mission-lines.yaml").read_text(encoding="utf-8"))
MISSION_PACKS = ("paywall", "newsletter", "donation", "cookies")


@pytest.fixture(scope="module")
def cleaner() -> Cleaner:
    return Cleaner()


@pytest.mark.parametrize("lang", sorted(CASES))
def test_each_line_goes_by_a_mission_rule_and_the_article_stays(cleaner, lang):
    article, lines = CASES[lang]["article"], CASES[lang]["lines"]
    parts = []
    for line in lines:
        parts += [article, "", line, ""]
    parts.append(article)
    result = cleaner.analyze("\n".join(parts) + "\n")
    by_text = {d.block.text: d for d in result.decisions}
    left = [line for line in lines if by_text[line].kept]
    assert not left, f"{lang}: left in"
    other = {line: by_text[line].reason for line in lines
             if by_text[line].reason.split(".")[0] not in MISSION_PACKS}
    assert not other, f"{lang}: removed, but not by a mission rule"
    assert result.text.count(article) == len(lines) + 1
