"""Cleaning cleaned text changes nothing, and the job count never changes a result.

Idempotence comes from the design, not from a loop (the cleaner makes one
pass): the model judges what the rules leave, the tail zone is measured on
prose, and a segment the Viterbi keeps stays kept once the boilerplate next to
it is gone (``decide``). Some features are measured over units the model
removes, which leaves a known gap on listing and forum pages (below). So:

- every fixture input, in-process: clean(clean(x)) == clean(x);
- every input of every dev corpus source, in-process (slow: one test per source);
- the fixture inputs as one batch through the real `clean`: --jobs 1 and
  --jobs 2 give the same bytes, and --check on the result exits 0;
- the dev corpus (../shared/corpus) as one batch: `clean --in-place` then
  `clean --check` on the cleaned files exits 0 and lists nothing, with the
  batch's own repetition evidence both times. By default the batch is every
  case's scraped-article.txt (822 files, ~10 s); CLEAN_TEST_CORPUS_GLOB widens
  it, e.g. to 'scraped-*.txt' (1,842 files, several minutes on two cores).
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from cleaner import Cleaner
from conftest import FIXTURES

FIXTURE_INPUTS = sorted(FIXTURES.glob("*/input.txt"))


@pytest.mark.parametrize("path", FIXTURE_INPUTS, ids=lambda p: p.parent.name)
def test_fixture_inputs_in_process(path: Path):
    c = Cleaner()
    once = c.clean(path.read_text(encoding="utf-8"))
    assert c.clean(once) == once


def test_blank_lines_left_above_the_first_line_do_not_count():
    """The model judges what the rules leave; above the first kept line that can
    be blank lines, which the writer drops. Once the model counted them
    (``blank_before``), so the first unit scored differently on a second pass
    (a page's top menu went then: trafilatura-eval teslamag.de-musk)."""
    from cleaner.blocks import split_lines
    from cleaner.evidence import gather

    c = Cleaner()
    text = ("Home\n\nTeslamag.de\n\nThe council approved the budget on Tuesday after a long "
            "debate, officials said on Wednesday.\n")
    once = c.clean(text)
    assert once == text[len("Home\n\n"):]       # the rules took the menu link, then a blank line

    def features(t: str) -> list[list[float]]:
        # All but rules_near, which differs by design: "Teslamag.de" stood next to
        # the menu link the rules removed, and on the cleaned text it does not.
        scores = gather(split_lines(t), c.rules, c.model).scores
        columns = [j for j, name in enumerate(c.model.line_names) if name != "rules_near"]
        return scores.features[:, columns].tolist()

    assert features(text) == features(once)


def test_what_a_trimmed_label_leaves_as_boilerplate_goes_in_the_first_pass():
    """An ad label trimmed from a line can leave a line that a rule removes
    whole ("(Advertisement) Related stories" is a lone related heading once the
    label goes), or one that a span rule trims further. The first pass takes
    both, so a second pass has nothing left to do."""
    text = ("The council met on Tuesday and voted on the harbour plan, officials said.\n\n"
            "(Advertisement) Related stories\n\n"
            "The mayor said the vote was close and the plan would go ahead in spring.\n")
    result = Cleaner().analyze(text)
    line = next(d for d in result.decisions if "Related stories" in d.block.text)
    assert not line.kept and line.reason == "related.heading"
    assert "Related stories" not in result.text
    assert Cleaner().clean(result.text) == result.text
    # A trimmed line that ends in a share call once the label goes loses the
    # call too, in the same pass.
    text = ("The council met on Tuesday and voted on the harbour plan, officials said. "
            "(Advertisement) Follow us on Twitter\n\n"
            "The mayor said the vote was close and the plan would go ahead in spring.\n")
    once = Cleaner().clean(text)
    assert once.startswith("The council met on Tuesday and voted on the harbour plan, officials said.\n")
    assert Cleaner().clean(once) == once


SOURCES = ("seed", "scrapinghub", "readability", "trafilatura-eval", "wcxb")
# Known gap, measured with the weights of 2026-12-05 (rules_near) over all 5,888
# dev inputs: 3 change on a second pass, all wcxb full or region pages (a plan
# picker, a laptop comparison grid, a list of awards), none of them in the
# sample below. Some of the model's features are measured over the units it
# removes: prose_before and prose_after (shares of the page's prose, which move
# when the model removes prose-like comments and teasers), prose_vocabulary
# (words shared with that prose), main_indent and indent_offset (the indentation
# of the prose), the context passes' article mass. When the model removes units,
# the ones left score a little differently on the second pass; a stretch the
# segmentation kept only because its shortfall below the threshold was just under
# the switch cost then goes. Before, 10 changed (the no-article guard asked what
# the model removed, and the answer moved between passes). The bound makes any
# regression fail; the goal remains none.
MAX_UNSTABLE_SHARE = {"wcxb": 0.005}


# wcxb alone is 80 MB of inputs: the suite checks every 8th page of it (CLEAN_TEST_WCXB_EVERY=1
# checks all, in about four minutes on two cores).
WCXB_EVERY = int(os.environ.get("CLEAN_TEST_WCXB_EVERY", "8"))


@pytest.mark.slow
@pytest.mark.parametrize("source", SOURCES)
def test_every_dev_corpus_input_is_stable(source: str, corpus):
    """Black's stability check, on every input the scorer uses: a second pass changes nothing."""
    c = Cleaner()
    unstable = []
    paths = sorted((corpus / source).glob("*/scraped-*.txt"))
    if source == "wcxb":
        paths = [p for p in paths if int(p.parent.name) % WCXB_EVERY == 0]
    for path in paths:
        once = c.clean(path.read_text(encoding="utf-8"))
        if c.clean(once) != once:
            unstable.append(str(path.relative_to(corpus)))
    assert paths
    allowed = MAX_UNSTABLE_SHARE.get(source, 0.0) * len(paths)
    assert len(unstable) <= allowed, f"{len(unstable)} of {len(paths)} unstable, e.g. {unstable[:5]}"


def _copy_fixture_inputs(dest: Path) -> list[Path]:
    out = []
    for p in FIXTURE_INPUTS:
        target = dest / f"{p.parent.name}.txt"
        shutil.copyfile(p, target)
        out.append(target)
    return out


@pytest.mark.slow
def test_fixture_batch_same_for_any_job_count_and_idempotent(tmp_path, run_clean):
    if len(FIXTURE_INPUTS) < 2:
        pytest.skip("fewer than two fixture inputs")
    one, two = tmp_path / "one", tmp_path / "two"
    # Four copies of each input, so that --jobs 2 really starts two workers
    # (a batch needs 16 files per worker) and lines shared by the copies
    # exercise the repetition evidence.
    files = []
    for base in (one, two):
        for k in range(4):
            (base / f"x{k}").mkdir(parents=True)
            files += _copy_fixture_inputs(base / f"x{k}")
    r1 = run_clean("--no-config", "--in-place", "--jobs", "1", one, timeout=240)
    r2 = run_clean("--no-config", "--in-place", "--jobs", "2", two, timeout=240)
    assert r1.returncode == r2.returncode == 0, (r1.stderr, r2.stderr)
    for p in sorted(one.rglob("*.txt")):
        assert p.read_bytes() == (two / p.relative_to(one)).read_bytes(), p
    assert any(p.read_bytes() != (FIXTURES / p.stem / "input.txt").read_bytes() for p in files)
    assert r1.stderr.count(b"clean: cleaned ") == r2.stderr.count(b"clean: cleaned ") > 0
    r = run_clean("--no-config", "--check", one, timeout=240)
    assert (r.returncode, r.stdout) == (0, b""), r.stdout.decode()[:2000]


@pytest.mark.slow
def test_dev_corpus_check_after_in_place_exits_0(tmp_path, run_clean, corpus):
    work = tmp_path / "corpus"
    n = 0
    pattern = os.environ.get("CLEAN_TEST_CORPUS_GLOB", "scraped-article.txt")
    for p in sorted(corpus.glob(f"*/*/{pattern}")):
        if p.parent.parent.name == "wcxb" and int(p.parent.name) % WCXB_EVERY:
            continue     # sampled as in the stability test: the batch is the point here
        dest = work / p.relative_to(corpus)
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(p, dest)
        n += 1
    assert n > 100
    r = run_clean("--no-config", "--in-place", "--jobs", "2", work, timeout=600)
    assert r.returncode == 0, r.stderr.decode()[-2000:]
    assert f"{n} files seen" in r.stderr.decode()
    assert r.stderr.count(b"clean: cleaned ") > 0
    r = run_clean("--no-config", "--check", "--jobs", "2", work, timeout=600)
    assert r.returncode == 0, r.stdout.decode()[:2000] + r.stderr.decode()[-2000:]
    assert r.stdout == b"" and f"{n} files seen, 0 would change" in r.stderr.decode()
