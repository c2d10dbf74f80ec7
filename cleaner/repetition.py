"""Lines that recur verbatim across many documents of one run are boilerplate.

A site's appeal or footer appears in every article scraped from it; an
article's own sentences do not. Counting is done on small stable keys (an
8-byte BLAKE2 digest of the whitespace-normalised, case-folded line), each
counted at most once per document, so memory is bounded by the number of
distinct lines and results do not depend on document order or worker count.

Near-duplicate documents count once. Five outlets carrying one wire story (or
one page scraped twice) would otherwise make the story's own sentences look
like a site's footer. Each document gets a MinHash signature over the word
shingles of its long lines, or of all its words when it has none
(one-permutation hashing: every shingle hashed once into one of ``BINS``
bins, the minimum kept per bin); documents whose
signatures agree in at least ``SIMILAR`` of the bins form a cluster (connected
components over candidate pairs found by banding, so the clusters depend only
on the set of documents, never on their order or on how they were split into
workers), and a line counts once per cluster.
"""
from __future__ import annotations

import hashlib
import heapq
import struct
import tempfile
from array import array
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING, Callable, Iterable, Iterator

from .blocks import line_texts
from .programs import compiled

if TYPE_CHECKING:
    import numpy as np

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

_SPACE = compiled(r"\s+")
_WORD = compiled(r"\w+")


def line_key(line: str) -> bytes | None:
    """The 8-byte key of a line, or None for a line too short to count."""
    norm = _SPACE.sub(" ", line).strip().casefold()
    if len(norm) < MIN_CHARS:
        return None
    return hashlib.blake2b(norm.encode("utf-8"), digest_size=8).digest()


def read_lines(text: str) -> Iterator[str]:
    """The lines of ``text`` as the cleaner reads them: split where it splits
    (``blocks.line_texts``: a line holding a form feed or NEL then has the key
    the cleaner looks up), and not those longer than a window
    (``api.WINDOW_CHARS``), which it keeps unread. Such a line is no evidence,
    and its words alone would take some 25 bytes a character."""
    from .api import WINDOW_CHARS    # at run time: tests shrink the window

    return (line for line in line_texts(text) if len(line) <= WINDOW_CHARS)


def document_keys(text: str) -> set[bytes]:
    """The distinct line keys of one document."""
    keys = {line_key(line) for line in read_lines(text)}
    keys.discard(None)
    return keys


def document_signature(text: str) -> bytes | None:
    """A MinHash signature of the document (``BINS`` 8-byte values).

    Built from the word shingles of its long lines; a document without a long
    line (a short notice, a list of headlines) is signed by the shingles of all
    its words, so that copies of it still count once. None for a text without
    words. Lines are read one at a time, and their words hashed in blocks:
    memory does not grow with the text.
    """
    signer = _MinHash(across_lines=False)
    for line in read_lines(text):
        words = _WORD.findall(line.casefold())
        if len(words) >= LONG_WORDS:
            signer.add(words)
    if not signer.words_seen:
        signer = _MinHash(across_lines=True)
        for line in read_lines(text):
            words = _WORD.findall(line.casefold())
            if words:
                signer.add(words)
    return signer.signature()


# A shingle's hash is computed from its words' hashes: a polynomial over the
# SHINGLE of them, in order, then mixed (splitmix64's finaliser, so that every
# bit of every word reaches every bit of the hash). Each distinct word is
# hashed once with BLAKE2 (stable across processes, unlike ``hash``) and
# remembered; the shingles of a document are then numpy arithmetic over its
# words' hashes, not a digest per shingle (signing takes half the time it did).
WORD_HASH_CACHE = 100_000          # distinct words remembered (about 130 bytes each)
_WORD_HASHES: dict[str, int] = {}
_POLY = 0x9E3779B97F4A7C15
_MIX = (0xBF58476D1CE4E5B9, 0x94D049BB133111EB)
_BLOCK = 1 << 16                   # words hashed into shingles at a time


def _word_hashes(words: list[str]) -> list[int]:
    """The 64-bit hash of each word (BLAKE2 of its UTF-8, remembered)."""
    cache = _WORD_HASHES
    hashes = list(map(cache.get, words))
    if None in hashes:
        if len(cache) > WORD_HASH_CACHE:
            cache.clear()
        blake = hashlib.blake2b
        for i, h in enumerate(hashes):
            if h is None:
                word = words[i]
                hashes[i] = cache[word] = int.from_bytes(
                    blake(word.encode(), digest_size=8).digest(), "little")
    return hashes


def _shingle_hashes(words: "np.ndarray", size: int = SHINGLE) -> "np.ndarray":
    """The hash of each run of ``size`` consecutive ``words`` (word hashes, uint64)."""
    import numpy as np

    n = len(words) - size + 1
    acc = words[:n].copy()
    poly = np.uint64(_POLY)
    for k in range(1, size):
        acc *= poly                  # uint64 arithmetic wraps: modulo 2**64
        acc += words[k:k + n]
    acc ^= acc >> np.uint64(30)
    acc *= np.uint64(_MIX[0])
    acc ^= acc >> np.uint64(27)
    acc *= np.uint64(_MIX[1])
    acc ^= acc >> np.uint64(31)
    return acc


class _MinHash:
    """The least shingle hash per bin, fed a line's words at a time.

    ``across_lines``: shingles run on over line ends (a document signed by all
    its words), and fewer than ``SHINGLE`` words in all make one shingle;
    otherwise each line's shingles stay within it.
    """

    def __init__(self, across_lines: bool) -> None:
        self.across = across_lines
        self.words = array("Q")      # word hashes waiting to be shingled
        self.ends: list[int] = []    # where each line's words end among them
        self.mins: "np.ndarray | None" = None
        self.words_seen = 0

    def add(self, words: list[str]) -> None:
        self.words.extend(_word_hashes(words))
        self.ends.append(len(self.words))
        self.words_seen += len(words)
        if len(self.words) >= _BLOCK:
            self._shingle()

    def _shingle(self, last: bool = False) -> None:
        """Hash the shingles of the words waiting into the bins (``last``: the
        document ends, and no shingle waits for more words)."""
        import numpy as np

        words = np.frombuffer(self.words, dtype=np.uint64)
        if not self.across:
            # No shingle starts among a line's last SHINGLE - 1 words (every
            # line has LONG_WORDS words or more).
            starts = np.ones(len(words), dtype=bool)
            ends = np.asarray(self.ends, dtype=np.intp)
            for k in range(1, SHINGLE):
                starts[ends - k] = False
            hashes = _shingle_hashes(words)[starts[:len(words) - SHINGLE + 1]]
            self.words = array("Q")
        elif last and self.words_seen < SHINGLE:     # fewer words in all: one shingle of them
            hashes = _shingle_hashes(words, len(words))
        else:
            hashes = _shingle_hashes(words) if len(words) >= SHINGLE else words[:0]
            # The last SHINGLE - 1 words start shingles that end in the next block.
            self.words = array("Q", self.words[-(SHINGLE - 1):])
        self.ends = []
        if self.mins is None:
            self.mins = np.full(BINS, _EMPTY, dtype=np.uint64)
        np.minimum.at(self.mins, hashes % np.uint64(BINS), hashes)

    def signature(self) -> bytes | None:
        if not self.words_seen:
            return None
        self._shingle(last=True)
        assert self.mins is not None
        mins = self.mins.tolist()
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
    """Two signatures agree in at least ``SIMILAR`` of their bins."""
    import numpy as np

    same = int(np.count_nonzero(np.frombuffer(a, dtype="<u8") == np.frombuffer(b, dtype="<u8")))
    return same >= SIMILAR * BINS


_SIG_BYTES = BINS * 8
_BAND_BYTES = ROWS * 8


def _band_hashes(sig: bytes) -> list[int]:
    """A 32-bit hash of each band of a signature: what finding candidate pairs keeps in memory.

    Two signatures with an equal band have equal hashes; unequal bands may collide,
    which costs a look at the signatures, never a wrong pair (see ``_components``).
    """
    return [hash(sig[o:o + _BAND_BYTES]) & 0xFFFFFFFF for o in range(0, _SIG_BYTES, _BAND_BYTES)]


def _components(count: int, bands: array, signature_of: Callable[[int], bytes]) -> array:
    """The near-duplicate clusters of ``count`` signed documents, as a root per document.

    ``bands``: ``BANDS`` band hashes per document, in document order;
    ``signature_of(i)``: the signature of document ``i``, read only for documents
    that share a band hash with another. The root of a cluster is its smallest
    index.

    Candidate pairs share one band of ``ROWS`` bins; a pair joins when its
    signatures agree in ``SIMILAR`` of the bins. The result depends on the set of
    signatures only (a pair already joined through others is not compared again,
    which cannot change the components). Buckets (one band, one value of it) are
    visited in the order of (their first document, band); in each, a member is
    compared with one representative of every cluster met so far in the bucket,
    not with every other member: a bucket of a thousand copies of one page costs a
    thousand comparisons, not half a million. Members go in the order of their
    signatures, so the result does not depend on the order of the documents. A
    bucket whose members are all in one cluster already is passed over unread.
    """
    import numpy as np

    parent = array("q", range(count))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    if count < 2:
        return parent
    table = np.frombuffer(bands, dtype=f"u{bands.itemsize}").reshape(count, BANDS)
    # Buckets of two or more documents by band hash, as runs of ``rows``: per
    # bucket its first member, its band and where its run starts (int32 arrays
    # that grow in place: at 10 copies of every document each one is in 32
    # buckets, and this is the largest thing counting holds).
    rows, firsts, band_of, starts = array("i"), array("i"), array("b"), array("i")
    for band in range(BANDS):
        column = table[:, band]
        order = np.argsort(column, kind="stable")     # equal hashes keep document order
        values = column[order]
        new_run = np.empty(count, dtype=bool)
        new_run[0] = True
        np.not_equal(values[1:], values[:-1], out=new_run[1:])
        run = np.cumsum(new_run) - 1
        shared = np.bincount(run)[run] >= 2
        if not shared.any():
            continue
        members = order[shared].astype(np.int32)
        heads = np.flatnonzero(new_run[shared]).astype(np.int32)
        starts.frombytes((heads + len(rows)).astype(np.int32).tobytes())
        firsts.frombytes(members[heads].tobytes())
        band_of.extend([band] * len(heads))
        rows.frombytes(members.tobytes())
        del order, values, new_run, run, shared, members, heads
    del table
    if not starts:
        return parent
    starts.append(len(rows))              # the end of the last run
    visit = np.lexsort((np.frombuffer(band_of, dtype=np.int8), np.frombuffer(firsts, dtype=np.int32)))

    deferred: list[tuple[int, int, list[int]]] = []   # true buckets split off a hash bucket

    def bucket(first: int, band: int, rows: list[int], checked: bool) -> None:
        if len({find(i) for i in rows}) == 1:
            return
        sigs = {i: signature_of(i) for i in rows}
        if not checked:
            # Unequal bands with equal hashes: each true bucket in its own turn.
            lo = band * _BAND_BYTES
            groups: dict[bytes, list[int]] = defaultdict(list)
            for i in rows:
                groups[sigs[i][lo:lo + _BAND_BYTES]].append(i)
            if len(groups) > 1:
                rows = groups.pop(sigs[first][lo:lo + _BAND_BYTES])
                for other in groups.values():
                    if len(other) > 1:
                        heapq.heappush(deferred, (other[0], band, other))
                if len(rows) < 2:
                    return
        reps: list[int] = []
        for i in sorted(rows, key=lambda m: (sigs[m], m)):
            joined = False
            for r in reps:
                ri, rr = find(i), find(r)
                if ri == rr:
                    joined = True
                elif _similar(sigs[i], sigs[r]):
                    parent[max(ri, rr)] = min(ri, rr)
                    joined = True
            if not joined:
                reps.append(i)

    for block in range(0, len(visit), 4096):
        for t in visit[block:block + 4096].tolist():
            first, band = firsts[t], band_of[t]
            while deferred and deferred[0][:2] < (first, band):
                bucket(*heapq.heappop(deferred), checked=True)
            bucket(first, band, rows[starts[t]:starts[t + 1]].tolist(), checked=False)
    while deferred:
        bucket(*heapq.heappop(deferred), checked=True)
    for i in range(count):
        parent[i] = find(i)
    return parent


def clusters(signatures: list[bytes | None]) -> list[int]:
    """A cluster label per document: near-duplicates share one label.

    A label is the smallest index in its cluster; a document without a
    signature is alone in its own. See ``_components`` for how pairs are found.
    """
    signed = [i for i, sig in enumerate(signatures) if sig is not None]
    bands = array("I")
    for i in signed:
        bands.extend(_band_hashes(signatures[i]))  # type: ignore[arg-type]
    roots = _components(len(signed), bands, lambda row: signatures[signed[row]])  # type: ignore[return-value]
    labels = list(range(len(signatures)))
    for row, i in enumerate(signed):
        labels[i] = signed[roots[row]]
    return labels


class LineTally:
    """Collects the documents of a run, then counts each line once per duplicate cluster.

    Add ``DocumentKeys`` in any order (from any number of workers); ``common()``
    gives the same ``CommonLines`` for the same set of documents.

    Memory holds about 140 bytes per document, not kilobytes: where its record
    sits in a temporary file and, for a document with a signature, its band
    hashes. The file holds the signature (1 KB) and the line keys (8 bytes a
    line); signatures are read back only for documents that share a band hash
    with another, and the keys once, when counting. Counting holds one count per
    distinct line.
    """

    # The temporary file stays in memory up to this size (a small batch never touches the disk).
    SPOOL_MEMORY = 1 << 20

    def __init__(self, spool: IO[bytes] | None = None) -> None:
        """``spool``: a file opened for reading and writing that this tally appends to
        and leaves open (many tallies can share one); by default its own temporary file."""
        self._spool: IO[bytes] | None = spool
        self._own_spool = spool is None
        self._offsets = array("Q")    # per document: where its record starts in the spool
        self._nkeys = array("I")      # ... how many line keys it has (after its signature, if any)
        self._signed = bytearray()    # ... 1 when its record starts with a signature
        self._bands = array("I")      # per document with a signature: its BANDS band hashes
        self._closed = False

    def add(self, doc: DocumentKeys) -> None:
        if self._closed:
            raise RuntimeError("LineTally: a document added after close()")
        sig = doc.signature
        if sig is not None and len(sig) != _SIG_BYTES:
            raise ValueError(f"signature of {len(sig)} bytes, expected {_SIG_BYTES}")
        if self._spool is None:
            self._spool = tempfile.SpooledTemporaryFile(max_size=self.SPOOL_MEMORY,
                                                        prefix="clean-tally-")
        self._offsets.append(self._spool.seek(0, 2))
        if sig is not None:
            self._spool.write(sig)
            self._bands.extend(_band_hashes(sig))
        self._spool.write(b"".join(doc.keys))
        self._nkeys.append(len(doc.keys))
        self._signed.append(sig is not None)

    def __len__(self) -> int:
        return len(self._offsets)

    def _read(self, doc: int, skip: int, size: int) -> bytes:
        assert self._spool is not None
        self._spool.seek(self._offsets[doc] + skip)
        return self._spool.read(size)

    def _keys(self, doc: int) -> list[bytes]:
        data = self._read(doc, _SIG_BYTES if self._signed[doc] else 0, 8 * self._nkeys[doc])
        return [data[i:i + 8] for i in range(0, len(data), 8)]

    def counts(self) -> tuple[Counter, int]:
        """Key counts with each duplicate cluster counted once, and the number of clusters."""
        if self._closed:
            raise RuntimeError("LineTally: counted after close()")
        import numpy as np

        n = len(self)
        labels = np.arange(n, dtype=np.int64)
        signed = np.flatnonzero(np.frombuffer(self._signed, dtype=np.uint8))
        if len(signed) > 1:
            roots = _components(len(signed), self._bands,
                                lambda row: self._read(int(signed[row]), 0, _SIG_BYTES))
            labels[signed] = signed[np.frombuffer(roots, dtype=np.int64)]
        order = np.argsort(labels, kind="stable")
        grouped = labels[order]
        starts = np.flatnonzero(np.r_[True, grouped[1:] != grouped[:-1]]) if n else grouped
        ends = np.r_[starts[1:], n]
        del labels, grouped
        counts: Counter = Counter()
        for start, end in zip(starts.tolist(), ends.tolist()):
            if end - start == 1:
                counts.update(self._keys(int(order[start])))
            else:
                union: set[bytes] = set()
                for doc in order[start:end].tolist():
                    union.update(self._keys(doc))
                counts.update(union)
        return counts, len(starts)

    def close(self) -> None:
        """Let go of the documents; remove the tally's own temporary file."""
        self._closed = True
        spool, self._spool = self._spool, None
        if spool is not None and self._own_spool:
            spool.close()
        self._offsets, self._nkeys, self._signed, self._bands = (array("Q"), array("I"),
                                                                 bytearray(), array("I"))

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
