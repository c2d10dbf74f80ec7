"""Properties that hold for any text, checked with hypothesis on generated documents.

- cleaning never raises;
- the output is the input with whole lines or rule-matched spans removed, in order;
- cleaning is deterministic and idempotent (a second pass changes nothing).

The examples are built from lines that look like scraped pages (article
sentences, menu labels, share bars, newsletter prompts, code, blank lines) and
from arbitrary text. A bounded number of examples runs in the suite; for a
long run:

    CLEAN_FUZZ_EXAMPLES=100000 python -m pytest -q tests/test_properties.py -p no:cacheprovider
"""
from __future__ import annotations

import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cleaner import Cleaner
from cleaner.blocks import split_lines

EXAMPLES = int(os.environ.get("CLEAN_FUZZ_EXAMPLES", "150"))
CLEANER = Cleaner()

SCRAPED_LINES = [
    "The council approved the budget on Tuesday after a long debate, officials said.",
    "Opponents said the plan relied on optimistic forecasts, and warned of a shortfall next year.",
    "“We will review spending again in the autumn,” the mayor said in a statement.",
    "* Home", "* News", "* Sport", "  + Local", "Share this article", "Facebook Twitter Email",
    "Sign up for our free weekly newsletter", "Subscribers agree to the Privacy Policy",
    "Read more", "Related stories", "Advertisement", "© 2024 Example Media. All rights reserved.",
    "Support our journalism. Donate $5 a month.", "Monthly", "Once", "Continue", "Remind me later.",
    "We use cookies to improve your experience. Accept", "```", "def f(x):", "    return x + 1",
    "| a | b |", "|---|---|", "| 1 | 2 |", "---", "title: x", "",
    "   ", "Photo: Jane Doe / Agency", "Updated 12:45 PM, May 3, 2024", "1. First step of the recipe.",
    "谷歌在2014年收购的公司具有极其重要的意义。", "Der Rat hat den Haushalt am Dienstag beschlossen.",
]

line = st.one_of(st.sampled_from(SCRAPED_LINES), st.text(max_size=60))
eol = st.sampled_from(["\n", "\n", "\n", "\r\n", "\r"])
document = st.lists(st.tuples(line, eol), max_size=40).map(
    lambda parts: "".join(text.replace("\r", " ").replace("\n", " ") + end for text, end in parts))

SETTINGS = settings(max_examples=EXAMPLES, deadline=None, derandomize=EXAMPLES <= 1000,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def _is_lines_and_spans_removed(original: str, cleaned: str) -> bool:
    """Each output line is an input line (in order), possibly with parts removed."""
    source = [b.text for b in split_lines(original)]
    i = 0
    for out in (b.text for b in split_lines(cleaned)):
        while i < len(source) and not _subsequence(out, source[i]):
            i += 1
        if i == len(source):
            return False
        i += 1
    return True


def _subsequence(short: str, long: str) -> bool:
    it = iter(long)
    return all(ch in it for ch in short)


@SETTINGS
@given(document)
def test_cleaning_never_raises_and_only_removes(text: str):
    out = CLEANER.clean(text)
    assert _is_lines_and_spans_removed(text, out)


@SETTINGS
@given(document)
def test_cleaning_is_idempotent_and_deterministic(text: str):
    once = CLEANER.clean(text)
    assert CLEANER.clean(once) == once
    assert Cleaner().clean(text) == once
