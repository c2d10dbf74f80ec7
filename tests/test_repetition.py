"""Repetition across documents: common lines, near-duplicates counted once."""
from __future__ import annotations

import random
import tempfile
import tracemalloc
from collections import Counter

import pytest

from cleaner import repetition
from cleaner.repetition import (CommonLines, DocumentKeys, LineTally, clusters, document_keys,
                                document_signature, scan_document)

FOOTER = "Copyright 2024 Example Media Group. All rights reserved worldwide."
SIGNUP = "Get the best of our journalism in your inbox every single morning"


def _article(seed: int, sentences: int = 12) -> str:
    """A made-up article whose sentences are its own (no two seeds share a line)."""
    rng = random.Random(seed)
    words = [f"w{seed}x{i}" for i in range(400)] + "the a of to and in that was for".split()
    lines = [" ".join(rng.choice(words) for _ in range(rng.randint(14, 30))) + "."
             for _ in range(sentences)]
    return "\n\n".join(lines)


def _page(seed: int, body: str | None = None, head: str = "") -> str:
    return "\n".join([head or f"Headline of story {seed}", body or _article(seed), SIGNUP, FOOTER]) + "\n"


def test_a_footer_shared_by_many_different_documents_is_common():
    texts = [_page(i) for i in range(10)]
    common = CommonLines.from_texts(texts)
    assert FOOTER in common and SIGNUP in common
    assert common.documents == 10 and bool(common)
    assert "Headline of story 3" not in common


def test_copies_of_one_story_count_once():
    story = _article(99)
    copies = [_page(i, story, head=f"Wire story, version {i} by Reporter {i}") for i in range(5)]
    others = [_page(i) for i in range(100, 120)]
    common = CommonLines.from_texts(copies + others)
    assert common.documents == 21                      # five copies are one document
    for line in story.splitlines():
        assert line not in common                      # counted once, not five times
    assert FOOTER in common                            # the real boilerplate still is


def test_without_clustering_the_copies_would_look_common():
    # The same documents counted the old way (each copy on its own): the story's
    # lines reach the threshold. This is what the clustering prevents.
    story = _article(99)
    texts = [_page(i, story, head=f"Version {i}") for i in range(5)] + [_page(i) for i in range(100, 120)]
    counts: Counter = Counter()
    for t in texts:
        counts.update(document_keys(t))
    naive = CommonLines.from_counts(counts, len(texts))
    assert any(line in naive for line in story.splitlines() if line)


def test_different_articles_with_the_same_boilerplate_are_not_duplicates():
    sigs = [document_signature(_page(i)) for i in range(30)]
    assert clusters(sigs) == list(range(30))


def test_a_lightly_edited_copy_is_a_duplicate_and_a_half_copy_is_not():
    story = _article(7, sentences=20)
    lines = story.split("\n\n")
    edited = "\n\n".join(lines[:-1] + ["An editor's note added at the end of the copy by another outlet."])
    half = "\n\n".join(lines[:10] + _article(8, sentences=10).split("\n\n"))
    labels = clusters([document_signature(story), document_signature(edited), document_signature(half)])
    assert labels[0] == labels[1]
    assert labels[2] != labels[0]


def test_documents_without_long_lines_are_signed_by_all_their_words():
    # A short notice has no line of LONG_WORDS words; its copies must still
    # count once, or their shared short lines look like a site's boilerplate.
    notice = "Bridge reopens Monday\nCity crews finished repairs early\nTraffic resumes at noon\n"
    other = "Library hours change\nThe branch closes at six\nStory time moves to Friday\n"
    sigs = [document_signature(notice), document_signature(other), document_signature(notice)]
    assert all(s is not None and len(s) == 128 * 8 for s in sigs)
    assert clusters(sigs) == [0, 1, 0]
    assert document_signature("\n  \n") is None
    assert clusters([None, None, sigs[1]]) == [0, 1, 2]


def test_copies_of_a_short_page_are_not_emptied_by_repetition():
    # Three copies of a page without one long line among eight documents: the
    # copies are one document, so their lines are not common, and even where
    # repetition alone would remove every line the page keeps what the rules left.
    from cleaner import Cleaner

    notice = "Bridge reopens Monday\nCity crews finished repairs early\nTraffic resumes at noon\n"
    others = [f"Other page {i} about topic {i}\nA different line number {i} here\n" for i in range(5)]
    texts = [notice] * 3 + others
    assert not CommonLines.from_texts(texts)
    for cleaner in (Cleaner(), Cleaner(disable=["heuristic.boilerplate"])):
        assert cleaner.clean_many(texts) == texts


def test_repetition_alone_never_empties_a_document():
    # Ten different documents, each two of five short lines: every line is in
    # four documents, so all are common, yet no document is emptied on
    # repetition evidence; the guard says why the lines stayed.
    from itertools import combinations

    from cleaner import Cleaner

    lines = ["Council meets on Tuesdays", "Harbour tides this week",
             "Read the latest local news", "Weather radar and forecasts", "Sports scores tonight live"]
    texts = [f"{a}\n{b}\n" for a, b in combinations(lines, 2)]
    common = CommonLines.from_texts(texts)
    assert all(line in common for line in lines)
    cleaner = Cleaner(disable=["heuristic.boilerplate"])
    assert cleaner.clean_many(texts) == texts
    notes = [d.note for d in cleaner.analyze(texts[0], common=common).decisions if d.note]
    assert notes and "guard.never-empty" in notes[0]


def test_signature_is_stable_and_short_documents_still_match_their_copies():
    short = "Officials said the bridge would reopen to traffic next week after repairs.\n"
    assert document_signature(short) == document_signature("Other headline\n" + short)
    assert len(document_signature(short) or b"") == 128 * 8


def test_result_does_not_depend_on_order_or_on_how_documents_are_split():
    story = _article(555)
    texts = ([_page(i, story, head=f"Copy {i}") for i in range(4)] + [_page(i) for i in range(40)]
             + [_page(200 + i, _article(300 + i // 2)) for i in range(6)])   # three pairs of twins
    whole = CommonLines.from_texts(texts)
    for seed in range(5):
        shuffled = texts[:]
        random.Random(seed).shuffle(shuffled)
        # scanned in "workers" (any split), added to one tally in any order
        scans = [scan_document(t) for t in shuffled]
        tally = LineTally()
        for s in scans[1::2] + scans[0::2]:
            tally.add(s)
        again = tally.common()
        assert again.keys == whole.keys and again.documents == whole.documents
    assert whole.documents == 40 + 1 + 3


def test_from_counts_keeps_its_thresholds():
    k = document_keys(FOOTER)
    counts = Counter({next(iter(k)): 3})
    assert FOOTER in CommonLines.from_counts(counts, 30)
    assert FOOTER not in CommonLines.from_counts(counts, 31)    # 3 < 10% of 31
    assert not CommonLines.from_texts([])


def _twins_and_strangers() -> list[str]:
    story = _article(555)
    return ([_page(i, story, head=f"Copy {i}") for i in range(4)] + [_page(i) for i in range(30)]
            + [_page(200 + i, _article(300 + i // 2)) for i in range(6)])


def test_band_hash_collisions_cost_a_look_never_a_wrong_pair(monkeypatch):
    # Only the band hashes stay in memory; documents whose hashes collide without
    # their bands being equal must not become candidates. With every hash equal
    # (every pair collides in every band), the clusters and counts stay the same.
    texts = _twins_and_strangers()
    sigs = [document_signature(t) for t in texts]
    labels, common = clusters(sigs), CommonLines.from_texts(texts)
    assert len(set(labels)) == 30 + 1 + 3
    for squash in (lambda h: 0, lambda h: h & 1):
        real = repetition._band_hashes
        monkeypatch.setattr(repetition, "_band_hashes", lambda sig: [squash(h) for h in real(sig)])
        assert clusters(sigs) == labels
        again = CommonLines.from_texts(texts)
        assert again.keys == common.keys and again.documents == common.documents
        monkeypatch.setattr(repetition, "_band_hashes", real)


def test_tally_on_disk_or_sharing_a_file_counts_the_same():
    texts = _twins_and_strangers()
    scans = [scan_document(t) for t in texts]
    whole = LineTally()
    for s in scans:
        whole.add(s)
    expected = whole.counts()
    on_disk = LineTally()
    on_disk.SPOOL_MEMORY = 1          # the temporary file goes to disk at the second byte
    shared = tempfile.TemporaryFile()
    halves = LineTally(shared), LineTally(shared)
    for i, s in enumerate(scans):
        on_disk.add(s)
        halves[i % 2].add(s)          # two tallies' records interleave in one file
    assert on_disk.counts() == expected
    odd = LineTally()
    for s in scans[1::2]:
        odd.add(s)
    assert halves[1].counts() == odd.counts()
    halves[0].close()
    assert not shared.closed          # a shared file is its owner's to close
    with pytest.raises(RuntimeError):
        halves[0].add(scans[0])


def test_tally_keeps_bytes_per_document_not_kilobytes():
    # A signature is 1 KB and a document's line keys 8 bytes a line: neither may stay in
    # memory per document, or peak memory grows with the input (JSON Lines at scale).
    rng = random.Random(5)
    tally = LineTally()
    tally.SPOOL_MEMORY = 1            # on disk at once (0 would mean: never)
    tally.add(DocumentKeys(frozenset([rng.randbytes(8)]), rng.randbytes(1024)))
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for _ in range(3000):
            tally.add(DocumentKeys(frozenset(rng.randbytes(8) for _ in range(60)), rng.randbytes(1024)))
        per_doc = (tracemalloc.get_traced_memory()[0] - before) / 3000
    finally:
        tracemalloc.stop()
    assert per_doc < 300, per_doc
    counts, documents = tally.counts()
    assert documents == 3001 and len(counts) == 1 + 3000 * 60


def test_signature_memory_does_not_grow_with_the_text():
    # A long document of short lines (no long line: signed by all its words)
    # and one of long lines: lines are read one at a time, never all words at once.
    for line in ("Home News Sport\n", "word " * 12 + "\n"):
        text = line * 20_000
        tracemalloc.start()
        document_signature(text)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        assert peak < 2_000_000 + len(text) * 5, peak   # splitlines' list, not a word list


def test_a_line_longer_than_a_window_is_no_evidence(monkeypatch):
    """The cleaner keeps a line longer than a window unread (``limit.long-line``),
    so repetition neither counts nor signs it: its words alone would cost some
    25 bytes of memory a character (a batch run over a 21 MB one-line file
    peaked at 661 MB scanning it)."""
    from cleaner import api

    footer = "The Riverside Courier is published by Courier Media Group"
    article = "The council met on Tuesday and voted on the harbour plan, officials said."
    long = "The harbour plan was debated again and again by the council members. " * 5
    monkeypatch.setattr(api, "WINDOW_CHARS", 200)
    text = f"{footer}\n{article}\n{long}\n"
    assert len(long) > 200
    assert document_keys(text) == document_keys(f"{footer}\n{article}\n")
    assert repetition.line_key(long) not in document_keys(text)
    assert document_signature(text) == document_signature(f"{footer}\n{article}\n")
    monkeypatch.setattr(api, "WINDOW_CHARS", 1_000)
    assert repetition.line_key(long) in document_keys(text)
    assert document_signature(text) != document_signature(f"{footer}\n{article}\n")
    # At the real bound: 3 MB on one line, signed and keyed in the memory of a copy of it.
    monkeypatch.undo()
    text = f"{article}\n" + "word " * 600_000 + "\n"
    tracemalloc.start()
    document_signature(text)
    document_keys(text)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 2 * len(text), peak


def test_a_signature_does_not_depend_on_the_blocks_its_words_are_hashed_in(monkeypatch):
    """Shingles are hashed a block of words at a time; a shingle that spans two
    blocks (of a text signed by all its words) or a line end must come out as in
    one block. Blocks of 1 to 9 words against one block, on random texts of long
    lines, of short lines only (signed across line ends), and of fewer words than
    a shingle."""
    rng = random.Random(11)
    vocabulary = [f"w{i}" for i in range(40)]
    for _ in range(200):
        lines = []
        for _ in range(rng.randint(1, 12)):
            n = rng.choice([0, 1, 2, 3, 7, 8, 9, 15]) if rng.random() < 0.7 else rng.randint(0, 30)
            lines.append(" ".join(rng.choice(vocabulary) for _ in range(n)))
        text = "\n".join(lines)
        whole = document_signature(text)
        monkeypatch.setattr(repetition, "_BLOCK", rng.randint(1, 9))
        assert document_signature(text) == whole, text
        monkeypatch.undo()
    # Fewer words than a shingle in all: one shingle of them; no words: no signature.
    assert document_signature("Home News") != document_signature("News Home")
    assert document_signature("...\n\n--") is None


def test_a_line_is_keyed_as_the_cleaner_splits_it():
    """The cleaner's lines end at CR, LF or CRLF only. The scan split at every
    line end str.splitlines knows (a form feed, NEL, U+2028), so a shared line
    holding one (NEL is what a cp1252 ellipsis becomes when read as Latin-1)
    was never found common, whatever the number of documents sharing it."""
    shared = "The Riverside Courier\x85 is published by Courier Media Group"
    texts = [f"Story number {i} about the harbour plan and the council vote.\n{shared}\n"
             for i in range(6)]
    common = CommonLines.from_texts(texts)
    assert shared in common
    assert "The Riverside Courier" not in common
