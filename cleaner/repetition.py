"""Lines that recur verbatim across many documents of one run are boilerplate.

A site's appeal or footer appears in every article scraped from it; an
article's own sentences do not. Counting is done on small stable keys (an
8-byte BLAKE2 digest of the whitespace-normalised, case-folded line), each
counted at most once per document, so memory is bounded by the number of
distinct lines and results do not depend on document order or worker count.

Near-duplicate documents count once. Five outlets carrying one wire story (or
one page scraped twice) would otherwise make the story's own sentences look
like a site's footer. Each document gets a MinHash signature over the word
shingles of its long lines (one-permutation hashing: every shingle hashed once
into one of ``BINS`` bins, the minimum kept per bin); documents whose
signatures agree in at least ``SIMILAR`` of the bins form a cluster (connected
components over candidate pairs found by banding, so the clusters depend only
on the set of documents, never on their order or on how they were split into
workers), and a line counts once per cluster.
"""
from __future__ import annotations

import hashlib
import re
import struct
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Iterable

# A line counts as common when it occurs in at least this many documents AND in
# at least this share of the documents of the run. Two conditions so that a
# small batch (3 files) cannot turn a line shared by two of them into
# boilerplate, and a big batch needs more than a handful of hits.
MIN_DOCS = 3
MIN_SHARE = 0.1
# Lines shorter than this (in characters, after normalising) are not counted:
# "Photo:", "Advertisement" are handled by rules, and very short lines like
# a lone "Yes." could recur by chance inside real articles.
MIN_CHARS = 12

# Near-duplicate signatures. Only lines of at least LONG_WORDS words feed the
# signature: menus and link lists are short lines, so two different articles of
# one site do not look alike because they share a navigation bar, while the
# long lines of a wire story are most of what its copies share.
LONG_WORDS = 8
SHINGLE = 5                  # words per shingle
BINS = 128                   # signature length
BANDS, ROWS = 32, 4          # banding for candidate pairs: BANDS * ROWS == BINS
SIMILAR = 0.7                # share of equal bins (estimated Jaccard) to join a cluster
_EMPTY = (1 << 64) - 1

_SPACE = re.compile(r"\s+")
_WORD = re.compile(r"\w+")


def line_key(line: str) -> bytes | None:
    """The 8-byte key of a line, or None for a line too short to count."""
    norm = _SPACE.sub(" ", line).strip().casefold()
    if len(norm) < MIN_CHARS:
        return None
    return hashlib.blake2b(norm.encode("utf-8"), digest_size=8).digest()


def document_keys(text: str) -> set[bytes]:
    """The distinct line keys of one document."""
    keys = {line_key(line) for line in text.splitlines()}
    keys.discard(None)
    return keys


def document_signature(text: str) -> bytes | None:
    """A MinHash signature of the document's long lines (``BINS`` 8-byte values).

    None when the document has no long line: such a document is never taken
    for a duplicate of another.
    """
    mins = [_EMPTY] * BINS
    seen = False
    blake = hashlib.blake2b
    for line in text.splitlines():
        words = _WORD.findall(line.casefold())
        if len(words) < LONG_WORDS:
            continue
        seen = True
        for i in range(len(words) - SHINGLE + 1):
            h = int.from_bytes(blake(" ".join(words[i:i + SHINGLE]).encode(), digest_size=8).digest(),
                               "little")
            b = h % BINS
            if h < mins[b]:
                mins[b] = h
    if not seen:
        return None
    _densify(mins)
    return struct.pack(f"<{BINS}Q", *mins)


def _densify(mins: list[int]) -> None:
    """Fill empty bins from the next filled one (rotation densification).

    A short document leaves bins empty; borrowing the next filled bin's value,
    tagged with the distance, keeps equal shingle sets giving equal signatures
    and lets two short copies of one story still agree bin for bin.
    """
    n = len(mins)
    original = list(mins)
    if all(v == _EMPTY for v in original):
        return
    for i in range(n):
        if original[i] == _EMPTY:
            d = 1
            while original[(i + d) % n] == _EMPTY:
                d += 1
            mins[i] = (original[(i + d) % n] + d * 0x9E3779B97F4A7C15) & _EMPTY


@dataclass(frozen=True, slots=True)
class DocumentKeys:
    """What the repetition count needs from one document: its line keys and signature."""
    keys: frozenset[bytes]
    signature: bytes | None


def scan_document(text: str) -> DocumentKeys:
    """The line keys and near-duplicate signature of one document."""
    return DocumentKeys(frozenset(document_keys(text)), document_signature(text))


def _similar(a: bytes, b: bytes) -> bool:
    same = sum(x == y for x, y in zip(struct.unpack(f"<{BINS}Q", a), struct.unpack(f"<{BINS}Q", b)))
    return same >= SIMILAR * BINS


def clusters(signatures: list[bytes | None]) -> list[int]:
    """A cluster label per document: near-duplicates share one label.

    Candidate pairs share one band of ``ROWS`` bins; a pair joins when its
    signatures agree in ``SIMILAR`` of the bins. Labels are connected
    components, so they depend on the set of signatures only (a pair already
    joined through others is not compared again, which cannot change the
    components). A label is the smallest index in its cluster.
    """
    parent = list(range(len(signatures)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    width = ROWS * 8
    buckets: dict[tuple[int, bytes], list[int]] = defaultdict(list)
    for i, sig in enumerate(signatures):
        if sig is None:
            continue
        for band in range(BANDS):
            buckets[band, sig[band * width:(band + 1) * width]].append(i)
    for members in buckets.values():
        # Each member is compared with one representative of every cluster met so
        # far in this bucket, not with every other member: a bucket of a thousand
        # copies of one page costs a thousand comparisons, not half a million.
        # Members go in the order of their signatures, so the result does not
        # depend on the order of the documents.
        reps: list[int] = []
        for i in sorted(members, key=lambda m: (signatures[m], m)):
            joined = False
            for r in reps:
                ri, rr = find(i), find(r)
                if ri == rr:
                    joined = True
                elif _similar(signatures[i], signatures[r]):  # type: ignore[arg-type]
                    parent[max(ri, rr)] = min(ri, rr)
                    joined = True
            if not joined:
                reps.append(i)
    return [find(i) for i in range(len(signatures))]


class LineTally:
    """Collects the documents of a run, then counts each line once per duplicate cluster.

    Add ``DocumentKeys`` in any order (from any number of workers); ``common()``
    gives the same ``CommonLines`` for the same set of documents. Memory: 8 bytes
    per distinct line of each document plus one signature (1 KB) per document.
    """

    def __init__(self) -> None:
        self._keys: list[bytes] = []              # each document's keys, packed
        self._signatures: list[bytes | None] = []

    def add(self, doc: DocumentKeys) -> None:
        self._keys.append(b"".join(sorted(doc.keys)))
        self._signatures.append(doc.signature)

    def __len__(self) -> int:
        return len(self._keys)

    def counts(self) -> tuple[Counter, int]:
        """Key counts with each duplicate cluster counted once, and the number of clusters."""
        labels = clusters(self._signatures)
        merged: dict[int, set[bytes]] = defaultdict(set)
        counts: Counter = Counter()
        for label, packed in zip(labels, self._keys):
            keys = (packed[i:i + 8] for i in range(0, len(packed), 8))
            merged[label].update(keys)
        for keys in merged.values():
            counts.update(keys)
        return counts, len(merged)

    def common(self, **kw) -> "CommonLines":
        counts, documents = self.counts()
        return CommonLines.from_counts(counts, documents, **kw)


@dataclass
class CommonLines:
    """Line keys seen in enough documents of a run to count as boilerplate.

    ``documents`` is the number of distinct documents of the run (near-duplicates
    counted once).
    """
    keys: frozenset[bytes] = field(default_factory=frozenset)
    documents: int = 0

    @classmethod
    def from_counts(cls, counts: Counter, documents: int, min_docs: int = MIN_DOCS,
                    min_share: float = MIN_SHARE) -> "CommonLines":
        """From key counts as they are (no duplicate clustering: see ``LineTally``)."""
        need = max(min_docs, min_share * documents)
        return cls(frozenset(k for k, c in counts.items() if c >= need), documents)

    @classmethod
    def from_texts(cls, texts: Iterable[str], **kw) -> "CommonLines":
        """From the texts of a run, near-duplicate documents counted once."""
        tally = LineTally()
        for t in texts:
            tally.add(scan_document(t))
        return tally.common(**kw)

    def __contains__(self, line: str) -> bool:
        key = line_key(line)
        return key is not None and key in self.keys

    def __bool__(self) -> bool:
        return bool(self.keys)
