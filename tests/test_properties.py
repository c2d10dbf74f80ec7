"""Properties that hold for any text, checked with hypothesis on generated documents.

- cleaning never raises;
- the output is the input with whole lines or rule-matched spans removed, in order;
- cleaning is deterministic (another Cleaner, another process, any --jobs, any
  order of a batch's documents) and idempotent (a second pass changes nothing).

The examples are built from lines that look like scraped pages (article
sentences, menu labels, share bars, newsletter prompts, code, blank lines) and
from arbitrary text, at most 40 lines of at most 60 characters a document.

Batches (several documents cleaned together, lines they share counting as
evidence) are idempotent with the run's evidence: cleaning a batch's cleaned
documents with the evidence counted on the batch changes nothing. A second
batch run counts the cleaned documents afresh; that changes nothing either as
long as cleaning left the same documents near-duplicates of each other. It can
change them: near-duplicates are found on lines of 8 or more words (on all
words only when a document has none; ``repetition``), so pages whose only long
line was the same boilerplate are one document before cleaning and several
after, and their shared short lines then count once per page (the
``@example`` below). A document is never emptied by the run: it keeps at
least what the rules alone leave. Those batches are only checked with the first run's evidence, and
the `clean --check` that follows `clean --in-place` is only expected to pass
when cleaning kept the clusters.

How many examples: ``CLEAN_FUZZ_EXAMPLES`` (default 150) is the count of each
single-document property, run in-process on Cleaners built once per module
(building one loads every rule pack, ~20 ms, and its first document builds the
prefilter, ~8 ms: ten times the cleaning of a document). The batch property
runs a twentieth of that (at least 10; each example builds a fresh Cleaner),
the `clean` subprocess property one per thousand (at least 2; each example
starts the CLI three times, so it is marked slow); ``CLEAN_FUZZ_CLI_EXAMPLES``
overrides the latter.

The long run (at least 100,000 examples of each single-document property) is
split over two processes with distinct seeds, each running half; the total is
the sum of the shards' passing examples, which ``--hypothesis-show-statistics``
prints per test:

    for seed in 1 2; do
      CLEAN_FUZZ_EXAMPLES=50000 nice python -m pytest -q -p no:cacheprovider \\
        tests/test_properties.py --hypothesis-seed=$seed --hypothesis-show-statistics &
    done; wait

or in one process: ``CLEAN_FUZZ_EXAMPLES=100000 python -m pytest -q
tests/test_properties.py -p no:cacheprovider``. Measured: a shard takes about
14 minutes of CPU; the two shards ended in 18 minutes on two cores (35 minutes
while other jobs held most of the CPU). With a seed given, hypothesis keeps no
example database, so a failure is only in the shard's output. Up to 1,000 examples the run is
derandomized (the suite is reproducible); above, hypothesis draws from the seed.
"""
from __future__ import annotations

import os
import pickle
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from cleaner import Cleaner
from cleaner.blocks import split_lines
from cleaner.reader import detect_format
from cleaner.repetition import CommonLines, clusters, scan_document
from conftest import find_clean

EXAMPLES = int(os.environ.get("CLEAN_FUZZ_EXAMPLES", "150"))
BATCH_EXAMPLES = max(10, EXAMPLES // 20)
CLI_EXAMPLES = int(os.environ.get("CLEAN_FUZZ_CLI_EXAMPLES", str(max(2, EXAMPLES // 1000))))

CLEANER = Cleaner()
# A second Cleaner that only ever sees the generated inputs, never a cleaned
# text: its line cache has another history, which must not matter.
OTHER = Cleaner()
# A Cleaner as a worker process receives it (no line cache, no prefilter, the
# model not loaded yet), unpickled afresh for each batch (~1 ms) instead of
# built from the rule files.
FRESH = pickle.dumps(Cleaner())


def fresh_cleaner() -> Cleaner:
    return pickle.loads(FRESH)


# The rules alone: what a document keeps at the least (the never-empty guard).
RULES_ONLY = Cleaner(heuristics=False)


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
    # Markdown scrapes (two links make a document Markdown: cleaner.markup)
    "* [Share on Facebook](https://facebook.com/sharer?u=x \"Share\")", "[Subscribe](/subscribe)",
    "The plan, _officials said_, relies on [new taxes](https://example.com/t). **Share this:**",
    "![](https://example.com/photo.jpg)", "[![Logo](/logo.png)](/)", "**](https://amzn.to/x)",
    "`__init__` and snake_case and 5 * 3 \\- done",
]

line = st.one_of(st.sampled_from(SCRAPED_LINES), st.text(max_size=60))
eol = st.sampled_from(["\n", "\n", "\n", "\r\n", "\r"])
document = st.lists(st.tuples(line, eol), max_size=40).map(
    lambda parts: "".join(text.replace("\r", " ").replace("\n", " ") + end for text, end in parts))
# Batches draw their lines mostly from the scraped ones, so that lines recur
# across documents (the repetition evidence) and some documents are copies.
batch_line = st.one_of(st.sampled_from(SCRAPED_LINES), st.sampled_from(SCRAPED_LINES),
                       st.text(max_size=60))
batch_document = st.lists(st.tuples(batch_line, eol), max_size=30).map(
    lambda parts: "".join(text.replace("\r", " ").replace("\n", " ") + end for text, end in parts))


@st.composite
def batches(draw, min_size: int, max_size: int) -> list[str]:
    docs = draw(st.lists(batch_document, min_size=1, max_size=max_size))
    copies = draw(st.lists(st.integers(0, len(docs) - 1), max_size=max_size))
    docs += [docs[i] for i in copies]
    while len(docs) < min_size:
        docs.append(docs[len(docs) % max(1, len(docs))])
    return docs


def _settings(n: int) -> settings:
    return settings(max_examples=n, deadline=None, derandomize=EXAMPLES <= 1000,
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


@_settings(EXAMPLES)
@given(document)
def test_cleaning_never_raises_and_only_removes(text: str):
    out = CLEANER.clean(text)
    assert _is_lines_and_spans_removed(text, out)


@_settings(EXAMPLES)
@given(document)
# Found by the long run: the language was guessed on the whole text, the lines
# the rules remove included, so without "* Home" the guess (English) became
# Italian or Polish and the stop-word features of the short lines moved.
@example("* Home\n* News\n* News\n| a | b |\n1. First step of the recipe.\nÈ©\nÈ©\n")
@example("* Home\n|---|---|\n:::A\x1bb:j\n|---|---|\n0\n\ud7fc\n\ud7fc\n")
# ... and: front matter was found only on the text's first line, so once the
# rules took "* Home" a second pass read "---" as front matter (test_units).
@example("* Home\n---\n```\n---\n* Home\n")
# ... and: removing "* Home" put an empty LF line after a lone CR; the two read
# back as one CRLF, and the blank line was gone on the next pass (test_writer).
@example("| a | b |\r* Home\n\n    return x + 1\n\n<\nAA\n* News\n* Sport\n\U00018cd6\n\U00018cd6\n")
# ... and: front matter was looked for at the first line the rules keep, here
# the "---" under a removed line, which decide then removed as its underline:
# "* Home" was front matter on the first pass and a menu item on the second.
@example("Share this article\n---\n* Home\n---\n")
# ... and: a text without prose measured its tail zone on its words, and once
# "Share this article" went the zone began above "Related stories", which then
# cut the fences below it (evidence.tail_start).
@example("    return x + 1\n```\nRelated stories\n```\n```\n```\nShare this article\n")
# ... and: "Related stories" in a code block cut the prose after the block once
# a second pass moved the tail zone above it (evidence.protect_structures).
@example("The council approved the budget on Tuesday after a long debate, officials said.\n```\n"
         "Related stories\n```\n"
         "The council approved the budget on Tuesday after a long debate, officials said.\n"
         "Related stories\n"
         "The council approved the budget on Tuesday after a long debate, officials said.\n")
def test_cleaning_is_idempotent_and_deterministic(text: str):
    once = CLEANER.clean(text)
    assert CLEANER.clean(once) == once
    assert OTHER.clean(text) == once


@_settings(BATCH_EXAMPLES)
@given(batches(2, 12))
@example(["We use cookies to improve your experience. Accept\n    return x + 1\n"] * 3)
# Found by the long run: three copies of a page without a line of 8 words
# among 8 documents were counted three times and came out empty.
@example(["Bridge reopens Monday\nCity crews finished repairs early\n"] * 3
         + [f"Other page {i}\nA different line number {i}\n" for i in range(5)])
# ... and: a line a rule trimmed ("**Share this:**") in every document was no
# repetition evidence, but what was left of it was in a second run.
@example(["The council approved the budget on Tuesday after a long debate, officials said.\n"
          "The plan, _officials said_, relies on [new taxes](https://example.com/t). **Share this:**\n",
          "Opponents said the plan relied on optimistic forecasts, and warned of a shortfall next year.\n"
          "The plan, _officials said_, relies on [new taxes](https://example.com/t). **Share this:**\n",
          "The plan, _officials said_, relies on [new taxes](https://example.com/t). **Share this:**\n"])
# ... and: the never-empty guard judged a document before the underline of a
# removed heading went with it, so "---" alone counted as text, and then went.
@example(["The council approved the budget on Tuesday after a long debate, officials said.\n"
          "1. First step of the recipe.\n",
          "Share this article\n---\n1. First step of the recipe.\n", "1. First step of the recipe.\n"])
def test_batch_is_idempotent_deterministic_and_order_free(texts: list[str]):
    once = CLEANER.clean_many(texts)
    for text, out in zip(texts, once):
        assert _is_lines_and_spans_removed(text, out)
        # never emptied by what the run shares: at least what the rules leave
        assert out.strip() or not RULES_ONLY.clean(text).strip()
    assert fresh_cleaner().clean_many(texts[::-1]) == once[::-1]
    # A second pass with the run's evidence changes nothing ...
    common = CommonLines.from_texts(texts)
    assert [CLEANER.clean(t, common=common) for t in once] == once
    # ... and neither does a second batch run, which counts the cleaned texts
    # again, as long as cleaning left the same documents duplicates of each
    # other (see the module docstring for when it does not).
    same_clusters = _clusters(once) == _clusters(texts)
    event(f"cleaning kept the duplicate clusters: {same_clusters}")
    if same_clusters:
        assert CLEANER.clean_many(once) == once


def _clusters(texts: list[str]) -> list[int]:
    return clusters([scan_document(t).signature for t in texts])


def _write(folder: Path, texts: list[str]) -> None:
    folder.mkdir()
    for i, text in enumerate(texts):
        # newline="": the line ends as generated (\r, \r\n), not translated.
        (folder / f"d{i:03}.txt").write_text(text, encoding="utf-8", newline="")


def _run(*args) -> subprocess.CompletedProcess:
    exe = find_clean()
    if exe is None:
        pytest.skip("the `clean` executable is not installed")
    return subprocess.run([exe, "--no-config", *map(str, args)], capture_output=True, timeout=300)


@pytest.mark.slow
@_settings(CLI_EXAMPLES)
@given(batches(33, 40))
def test_cli_batch_same_for_any_job_count_as_in_process(tmp_path_factory, texts: list[str]):
    # A batch leaves binary files and HTML alone (tested elsewhere); here every
    # file is text, and 33+ files make --jobs 2 start two workers.
    texts = [t for t in texts if "\0" not in t and detect_format(t) == "text"]
    expected = CLEANER.clean_many(texts)
    base = tmp_path_factory.mktemp("batch")
    one, two = base / "one", base / "two"
    _write(one, texts)
    _write(two, texts)
    try:
        r1 = _run("--in-place", "--jobs", "1", one)
        r2 = _run("--in-place", "--jobs", "2", two)
        assert r1.returncode == r2.returncode == 0, (r1.stderr, r2.stderr)
        for i, want in enumerate(expected):
            name = f"d{i:03}.txt"
            got = (one / name).read_bytes()
            assert got == (two / name).read_bytes(), name
            assert got == want.encode("utf-8"), name
        if _clusters(expected) == _clusters(texts):   # see the module docstring
            r = _run("--check", one)
            assert (r.returncode, r.stdout) == (0, b""), r.stdout.decode()[:2000]
    finally:
        shutil.rmtree(base, ignore_errors=True)
