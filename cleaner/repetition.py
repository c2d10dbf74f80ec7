"""Lines that recur verbatim across many documents of one run are boilerplate.

A site's appeal or footer appears in every article scraped from it; an
article's own sentences do not. Counting is done on small stable keys (an
8-byte BLAKE2 digest of the whitespace-normalised, case-folded line), each
counted at most once per document, so memory is bounded by the number of
distinct lines and results do not depend on document order or worker count.
"""
from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable

import re

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

_SPACE = re.compile(r"\s+")


def line_key(line: str) -> bytes | None:
    norm = _SPACE.sub(" ", line).strip().casefold()
    if len(norm) < MIN_CHARS:
        return None
    return hashlib.blake2b(norm.encode("utf-8"), digest_size=8).digest()


def document_keys(text: str) -> set[bytes]:
    """The distinct line keys of one document."""
    keys = {line_key(line) for line in text.splitlines()}
    keys.discard(None)
    return keys


@dataclass
class CommonLines:
    """Line keys seen in enough documents of a run to count as boilerplate."""
    keys: frozenset[bytes] = field(default_factory=frozenset)
    documents: int = 0

    @classmethod
    def from_counts(cls, counts: Counter, documents: int, min_docs: int = MIN_DOCS,
                    min_share: float = MIN_SHARE) -> "CommonLines":
        need = max(min_docs, min_share * documents)
        return cls(frozenset(k for k, c in counts.items() if c >= need), documents)

    @classmethod
    def from_texts(cls, texts: Iterable[str], **kw) -> "CommonLines":
        counts: Counter = Counter()
        n = 0
        for t in texts:
            counts.update(document_keys(t))
            n += 1
        return cls.from_counts(counts, n, **kw)

    def __contains__(self, line: str) -> bool:
        key = line_key(line)
        return key is not None and key in self.keys

    def __bool__(self) -> bool:
        return bool(self.keys)
