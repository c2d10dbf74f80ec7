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


def test_the_fit_counts_the_documents_that_keep_under_half_of_their_article(corpus):
    # ``corpus``: the scripts read the scorer beside it (../shared/eval), or skip.
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


def test_each_page_is_cleaned_with_the_weights_of_the_fold_that_left_its_site_out(tmp_path, corpus):
    """scripts/heldout.py: a page goes to its site's fold's weights, which carry
    that fold's lexicon (fit_weights.write_weights), and is scored as score.py scores."""
    sys.path.insert(0, str(SCRIPTS))
    import fit_weights
    import heldout
    from cleaner.features import lexicon_json

    data = json.loads((DATA / "weights.json").read_text("utf-8"))
    line = [data["line"].get(n, 0.0) for n in fit_weights.LINE_NAMES]
    betas = [[p.get(n, 0.0) for n in fit_weights.pass_names(k)] for k, p in enumerate(data["context"])]
    folds = tmp_path / "folds"
    folds.mkdir()
    for f in range(2):
        fit_weights.write_weights(folds / f"fold{f}.json", line, betas, data["thresholds"],
                                  data["switch"], lexicon=f"fold{f}.lexicon.json")
        (folds / f"fold{f}.lexicon.json").write_text(lexicon_json({"harbour": float(f)}, "test"))
    (folds / "folds.json").write_text(json.dumps(
        {"folds": 2, "fold_of_site": {"a.example": 0, "b.example": 1}}))
    assert Model.from_file(folds / "fold1.json").lexicon == {"harbour": 1.0}
    corpus = tmp_path / "corpus"
    for source, case, domain in (("scrapinghub", "p1", "www.b.example"), ("wcxb", "p2", "a.example"),
                                 ("wcxb", "p3", "unseen.example")):
        d = corpus / source / case
        d.mkdir(parents=True)
        (d / "meta.json").write_text(json.dumps({"domain": domain, "page_type": "article"}))
        (d / "expected.txt").write_text(STORY)
        (d / "scraped-full.txt").write_text(MENU + STORY)
    # a page with snippets instead of a reference, as trafilatura-eval's
    d = corpus / "trafilatura-eval" / "p4"
    d.mkdir(parents=True)
    (d / "meta.json").write_text(json.dumps({"url": "https://a.example/x", "must_keep": [
        "ferries budget on Tuesday", "not in the page"], "must_drop": ["Obituaries"]}))
    (d / "scraped-full.txt").write_text(MENU + STORY)
    todo = heldout.jobs(folds, corpus, ("scrapinghub", "wcxb", "trafilatura-eval"), heldout.INPUTS,
                        None)
    # www. is not part of a site; a site the fit never saw has no fold
    assert [(Path(job[0]).name, Path(job[2]).name, rows) for job, rows in todo] == [
        ("p1", "fold1.json", ["scrapinghub scraped-full.txt", "scrapinghub pooled",
                              "scrapinghub + readability",
                              "scrapinghub + readability scraped-full.txt"]),
        ("p2", "fold0.json", ["wcxb scraped-full.txt", "wcxb pooled", "wcxb article pages"]),
        ("p4", "fold0.json", ["trafilatura-eval scraped-full.txt snippets"])]
    out = Cleaner(weights=folds / "fold0.json", repetition=False).clean(MENU + STORY)
    leaked = int("Obituaries" in out)
    assert heldout.score_page(todo[2][0])[0] == {"snippets": (1, leaked, 1, 1 - leaked)}
    held, shipped = heldout.score_page(todo[0][0])
    page = corpus / "scrapinghub" / "p1"
    for result, weights in ((held, folds / "fold1.json"), (shipped, None)):
        out = Cleaner(weights=weights, repetition=False).clean(MENU + STORY)
        assert result == heldout.score.score_case(STORY, out, heldout.score.reference_text(
            page, "scraped-full.txt"))
    assert held["lines"]["content"] == 3 and held["lines"]["content_kept"] == 3
    lost = {"lines": {"content": 4, "content_kept": 1}}
    assert heldout.half_lost([held, lost, {"lines": {"content": 2, "content_kept": 0}}]) == 1


def test_each_mode_keeps_its_share_on_wcxb_article_pages_too(tmp_path, corpus):
    """The threshold removing most of the news pages' boilerplate is not taken
    when it costs a wcxb article page its lines (fit_weights.choose_thresholds)."""
    sys.path.insert(0, str(SCRIPTS))
    from argparse import Namespace

    import fit_weights

    data = json.loads((DATA / "weights.json").read_text("utf-8"))
    line = np.array([data["line"].get(n, 0.0) for n in fit_weights.LINE_NAMES])
    betas = [np.array([p.get(n, 0.0) for n in fit_weights.pass_names(k)])
             for k, p in enumerate(data["context"])]
    cleaner = Cleaner()

    def item(text: str, label: int):
        scores = gather(split_lines(text), cleaner.rules, cleaner.model).scores
        n = len(scores.own)
        return scores, np.full(n, label), np.ones(n), np.ones(n)

    # A news page: its story (log-odds 3.4 and up) and its menu (under 1).
    news = [("scrapinghub/p1", "scraped-full.txt", "scrapinghub", "", item(STORY, 1)),
            ("scrapinghub/p1", "scraped-region.txt", "scrapinghub", "", item(MENU, 0))]
    # A 2025 article whose article lines read like that menu.
    article = [("wcxb/p2", "scraped-full.txt", "wcxb", "article", item(MENU, 1))]
    article_scores = article[0][4][0]

    def chosen(docs) -> dict:
        out = tmp_path / "w.json"
        fit_weights.choose_thresholds(Namespace(curve=False, switch=3.0, out=str(out)),
                                      [d[:4] for d in docs], [d[4] for d in docs], line, betas, None)
        thresholds = json.loads(out.read_text("utf-8"))["thresholds"]
        return {mode: Model({**data, "thresholds": thresholds}).keep(article_scores, mode)
                for mode in MODES}

    # On the news page alone every mode removes the menu...
    assert all(kept.sum() < len(kept) / 2 for kept in chosen(news).values())
    # ...and with the article page beside it, every mode keeps that page's lines.
    assert all(kept.all() for kept in chosen(news + article).values())
