"""model: the scorer over the feature table, its weights as data, and the segmentation."""
from __future__ import annotations

import json

import numpy as np
import pytest

from cleaner import Cleaner
from cleaner.features import FEATURES
from cleaner.model import (CONTEXT_NAMES, MODES, Model, WeightsError, context_features,
                           default_model, main_run, pass_names, segment)


def test_main_run_is_the_maximum_sum_stretch():
    assert main_run(np.array([-1, 2, 3, -1, 4, -9, 1.0])) == (1, 4)
    assert main_run(np.array([-3, -1, -2.0])) == (1, 1)


def test_segment_smooths_one_odd_unit_when_switching_costs():
    scores = np.array([3, 3, -1, 3, 3.0])
    assert list(segment(scores, 0.0)) == [True, True, False, True, True]
    assert list(segment(scores, 2.0)) == [True] * 5
    assert list(segment(np.array([-2, -2, 1, -2.0]), 2.0)) == [False] * 4


def test_context_features_match_their_definition():
    z = np.array([2.0, -1.0, 3.0, -4.0, 1.0])
    sizes = np.array([3.0, 1.0, 4.0, 1.0, 2.0])
    f = context_features(z, sizes)
    col = {n: j for j, n in enumerate(CONTEXT_NAMES)}
    assert f.shape == (5, len(CONTEXT_NAMES))
    assert f[1, col["near1"]] == pytest.approx((2.0 + 3.0) / 2)
    assert f[0, col["near3"]] == pytest.approx((-1 + 3 - 4) / 3)
    assert f[3, col["max_near2"]] == pytest.approx(3.0)
    masses = np.maximum(0, np.tanh(z / 2)) * sizes
    assert f[2, col["mass_above"]] == pytest.approx(masses[:2].sum() / masses.sum())


def test_a_later_context_pass_sees_the_previous_pass_in_context():
    own, sizes = np.array([2.0, -1.0, 3.0, -4.0, 1.0]), np.array([3.0, 1.0, 4.0, 1.0, 2.0])
    n = len(CONTEXT_NAMES)
    first = {name: 0.1 * (i + 1) for i, name in enumerate(pass_names(0))}
    second = {name: (0.5 if i >= n else 0.0) for i, name in enumerate(pass_names(1))}
    base = {"line": {"bias": 0.0}, "thresholds": {m: 0.0 for m in MODES}, "switch": 0.0,
            "short_document": 6, "short_floor": -4.0}
    once = Model({**base, "context": [first]}).context_scores(own, sizes)
    assert once == pytest.approx(context_features(own, sizes) @ np.array(list(first.values())))
    twice = Model({**base, "context": [first, second]}).context_scores(own, sizes)
    assert twice == pytest.approx(0.5 * context_features(once, sizes)[:, 1:].sum(axis=1))
    assert pass_names(1)[n] == "pass2.logit"


def test_shipped_weights_name_only_known_features():
    model = default_model()
    assert set(model.line_names) <= set(FEATURES)
    assert set(model.thresholds) == set(MODES)
    t = model.thresholds
    assert t["careful"] <= t["balanced"] <= t["thorough"]


def _weights() -> dict:
    from cleaner.features import DATA
    return json.loads((DATA / "weights.json").read_text("utf-8"))


def test_a_weight_without_a_feature_is_a_load_error_naming_it(tmp_path):
    data = _weights()
    data["line"]["no_such_feature"] = 1.0
    path = tmp_path / "w.json"
    path.write_text(json.dumps(data))
    with pytest.raises(WeightsError, match="no_such_feature"):
        Model.from_file(path)
    data = _weights()
    data["context"][0]["nearby_ghosts"] = 1.0
    with pytest.raises(WeightsError, match="nearby_ghosts"):
        Model(data)


def test_a_feature_without_a_weight_counts_zero():
    data = _weights()
    dropped = data["line"].pop("url")
    model = Model(data)
    assert "url" not in model.line_names
    # The same as a weight of 0.
    data["line"]["url"] = 0.0
    text = "Visit www.example.com today\n\nThe council met on Monday and agreed on the budget, officials said.\n"
    a = Cleaner(weights=model).analyze(text)
    b = Cleaner(weights=Model(data)).analyze(text)
    assert [d.kept for d in a.decisions] == [d.kept for d in b.decisions]
    assert dropped != 0.0


def test_weights_may_name_the_lexicon_they_were_fitted_with(tmp_path):
    """A weights file's ``lexicon`` (a file beside it) is the table its
    ``lexicon`` feature reads: a fold's weights go with the fold's lexicon."""
    from cleaner.blocks import split_lines
    from cleaner.evidence import gather
    from cleaner.features import lexicon_json

    text = ("The council met on Monday and agreed on the budget, officials said.\n\n"
            "The vote was seven to four, and the mayor said she would sign it.\n")
    (tmp_path / "lex.json").write_text(lexicon_json({"council": 2.0, "vote": -3.0}, "test"))
    data = _weights()
    data["lexicon"] = "lex.json"
    (tmp_path / "w.json").write_text(json.dumps(data))
    named = Model.from_file(tmp_path / "w.json")
    assert named.lexicon == {"council": 2.0, "vote": -3.0}
    assert default_model().lexicon is None          # the shipped table
    rules = Cleaner().rules
    at = named.line_names.index("lexicon")
    ours = gather(split_lines(text), rules, named).scores.features[:, at]
    shipped = gather(split_lines(text), rules, default_model()).scores.features[:, at]
    # The mean over a unit's words: "council" 1 of 12, "vote" 1 of 14.
    assert ours == pytest.approx([2.0 / 12, -3.0 / 14])
    assert not np.allclose(ours, shipped)
    data["lexicon"] = "gone.json"
    with pytest.raises(WeightsError, match=r"w\.json: no lexicon file .*gone\.json"):
        (tmp_path / "w.json").write_text(json.dumps(data))
        Model.from_file(tmp_path / "w.json")
    data["lexicon"] = 3
    with pytest.raises(WeightsError, match="'lexicon' must name a file"):
        Model(data)


def test_cleaner_takes_another_weights_file(tmp_path):
    data = _weights()
    data["thresholds"] = {m: -100.0 for m in MODES}   # everything is article enough
    path = tmp_path / "lenient.json"
    path.write_text(json.dumps(data))
    menu = 2 * "".join(f"* {s}\n" for s in ("Politics", "Business", "Culture", "Science", "Opinion",
                                             "Travel", "Food", "Books", "Podcasts", "Video"))
    text = (menu + "\nThe council met on Monday and agreed on the budget after a long debate, "
            "officials said.\n\nIt takes effect in July, and the council will review it in the "
            "autumn.\n\nThe vote was seven to four, and the mayor said she would sign the budget "
            "before the end of the week.\n\n" + menu)
    assert Cleaner(builtin=False, weights=str(path)).clean(text) == text
    assert Cleaner(builtin=False).clean(text) != text
    with pytest.raises(WeightsError, match="missing.json"):
        Cleaner(weights=str(tmp_path / "missing.json")).clean(text)
