"""evidence: what is measured for a document, and when."""
from __future__ import annotations

import numpy as np

from cleaner.blocks import split_lines
from cleaner.decide import decide
from cleaner.evidence import gather
from cleaner.rules import load_rules
from conftest import ARTICLE, NAV


def test_prose_is_measured_only_when_asked():
    # With the rules alone and no repetition nothing needs the prose: reading
    # every word of the view for it was a fifth of the time of cleaning.
    ev = gather(split_lines(NAV + "\n" + ARTICLE), load_rules([]), None)
    decide(ev, None)
    assert "prose" not in ev.view.__dict__ and "prose" not in ev.__dict__
    prose = ev.prose
    assert prose.shape == (ev.view.n,) and prose.sum() > 0
    assert prose is ev.view.prose and ev.prose is prose        # measured once
