"""scripts/fit_weights.py: what the fit reports next to its figures."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

from cleaner import Cleaner
from cleaner.blocks import split_lines
from cleaner.evidence import gather
from cleaner.model import DATA, MODES, Model

SCRIPTS = Path(__file__).resolve().parents[1] / "scripts"

STORY = "\n\n".join([
    "The harbour board approved the ferries budget on Tuesday after a debate that ran late into the night.",
    "Critics said the new timetable would leave the island villages without a morning service in winter.",
    "The board promised to review the timetable in the spring, once the first figures on passengers are in.",
]) + "\n"
MENU = "".join(f"{item}\n\n" for item in ("Weather", "Traffic", "Obituaries", "Classifieds", "Jobs",
                                            "Real Estate", "Autos", "Puzzles", "Horoscopes", "Events"))


def test_the_fit_counts_the_documents_that_keep_under_half_of_their_article():
    sys.path.insert(0, str(SCRIPTS))
    import fit_weights

    cleaner = Cleaner()
    items = []
    for text in (STORY, MENU):            # every unit of both labelled article
        scores = gather(split_lines(text), cleaner.rules, cleaner.model).scores
        n = len(scores.own)
        items.append((scores, np.ones(n, dtype=int), np.ones(n), np.ones(n)))
    assert len(items[1][1]) >= 6           # long enough for the segmentation
    # The shipped weights with a threshold of 0, between the story's log-odds (3.4 and
    # up) and the menu's (under 1): the verdicts do not hang on the shipped threshold.
    data = json.loads((DATA / "weights.json").read_text("utf-8"))
    model = Model({**data, "thresholds": {mode: 0.0 for mode in MODES}})
    kept, _, _, lost = fit_weights.evaluate(items, model, "balanced")
    story, menu = (model.keep(item[0], "balanced") for item in items)
    assert story.all() and menu.sum() < len(menu) / 2
    assert lost == 1                       # the menu "lost its article"; the story did not
    assert kept == (story.sum() + menu.sum()) / (len(story) + len(menu))
