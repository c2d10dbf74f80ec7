"""The README's Python examples (its ```pycon blocks) run as doctests against the real library."""
from __future__ import annotations

import doctest
import re

from conftest import REPO


class _Collect(doctest.DocTestRunner):
    """Collects failures instead of printing them, so the assertion shows them all."""

    def __init__(self) -> None:
        super().__init__(optionflags=doctest.ELLIPSIS)
        self.problems: list[str] = []

    def report_failure(self, out, test, example, got):
        self.problems.append(f"{example.source.strip()}\nwant: {example.want!r}\ngot:  {got!r}")

    def report_unexpected_exception(self, out, test, example, exc_info):
        self.problems.append(f"{example.source.strip()}\nraised {exc_info[1]!r}")


def test_readme_examples_run():
    text = (REPO / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"^```pycon\n(.*?)^```", text, re.S | re.M)
    assert blocks, "the README has pycon examples"
    test = doctest.DocTestParser().get_doctest("\n".join(blocks), {}, "README.md", "README.md", 0)
    assert len(test.examples) >= 5
    runner = _Collect()
    runner.run(test, out=lambda s: None)
    assert not runner.problems, "\n\n".join(runner.problems)


# "text <- removed: id", "<- ... to here: id", "<- removed with the rest: id", "<- kept"
_CALLOUT = re.compile(r"^    (?P<text>\S.*?)\s{2,}<- (?P<note>.*)$", re.M)
_REASON = re.compile(r"(?:removed|to here|with the rest): (?P<id>[\w.-]+)$")


def test_readme_seed_walkthrough_names_the_reasons_clean_gives():
    """Each line the README's seed walkthrough annotates is kept, or removed
    for the reason it names, as `clean --explain` would say."""
    from cleaner import Cleaner

    from conftest import SEED

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("## What it does", 1)[1].split("\n## ", 1)[0]
    callouts = _CALLOUT.findall(section)
    assert len(callouts) >= 8, callouts
    decisions = Cleaner().analyze((SEED / "input.txt").read_text(encoding="utf-8")).decisions
    wrong = []
    for text, note in callouts:
        start = text.split("...")[0].strip()
        found = [d for d in decisions if d.block.text.strip().startswith(start)]
        assert found, f"no seed line starts with {start!r}"
        d = found[0]
        want = _REASON.search(note)
        if note.startswith("kept"):
            ok = d.kept
        elif want:
            ok = not d.kept and d.reason == want["id"]
        else:                       # "removed from here ...": the block's first line
            ok = not d.kept
        if not ok:
            wrong.append(f"{start!r}: README says {note!r}, clean says "
                         f"{'kept' if d.kept else d.reason}")
    assert not wrong, "\n".join(wrong)
