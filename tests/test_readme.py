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
