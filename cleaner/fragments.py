"""Named vocabulary for rule patterns: ``{{subscribe_verb}}`` expanded at load time.

Fragments live in ``rules/fragments/<lang>.yaml``, one file per language, each
a mapping from a fragment name to its alternatives, one a line (a YAML block
scalar, so nothing needs quoting) or a list of strings::

    # rules/fragments/de.yaml
    subscribe_verb: |
      abonnieren
      melden sie sich (?:jetzt )?an

A rule pattern names a fragment in double braces. ``{{subscribe_verb}}``
becomes one non-capturing group of that name's alternatives in every
language; ``{{subscribe_verb.de}}`` only the German ones. Double braces cannot
be read as a regex repeat (``{2,3}``) or a fuzzy constraint (``{e<=1}``), and
an escaped ``\\{{`` is left alone. Alternatives are regular expressions in
which a plain space matches any run of whitespace (``sign up`` reads
``sign\\s+up``); they may name other fragments. Adding a language is adding
its file.
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Mapping

from .programs import compiled


# Fragment reference: {{name}} or {{name.lang}}, not after a backslash.
REF = compiled(r"(?<!\\)\{\{\s*([a-z][a-z0-9_]*)(?:\.([a-z]{2,3}))?\s*\}\}")
_LEFT = compiled(r"(?<!\\)\{\{")
NAME = compiled(r"[a-z][a-z0-9_]*")
_MAX_DEPTH = 8

# name -> lang -> alternatives (regex strings, spaces already turned into \s+)
Fragments = Mapping[str, Mapping[str, tuple[str, ...]]]


class FragmentError(ValueError):
    """A fragment file or reference is wrong; the caller names the file and rule."""


@lru_cache(maxsize=1)
def fragments_dir() -> Path:
    """The shipped fragment files (inside the wheel, or beside the package in a checkout)."""
    from .rules import builtin_fragments_dir

    return builtin_fragments_dir()


def _phrase(alt: str) -> str:
    """A written alternative as a regex: a plain space matches any run of whitespace."""
    # A space before a quantifier (" ?") is left as written.
    return re.sub(r"(?<!\\) +(?![?*+{])", r"\\s+", alt.strip())


def parse_file(text: str, name: str) -> dict[str, tuple[str, ...]]:
    """One language file's fragments: name -> alternatives."""
    import yaml   # here: the shipped packs' expansions come from the shipped data

    from .safeyaml import UniqueKeyLoader, error_at

    try:
        data = yaml.load(text, Loader=UniqueKeyLoader)
    except yaml.YAMLError as e:       # where the parser stopped, as for a rule file
        line, message = error_at(e)
        raise FragmentError(f"{name}:{line}: {message}" if line else f"{name}: {message}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise FragmentError(f"{name}: expected a mapping of fragment names to lists")
    out: dict[str, tuple[str, ...]] = {}
    for key, alts in data.items():
        if not isinstance(key, str) or not NAME.fullmatch(key):
            raise FragmentError(f"{name}: fragment name {key!r} must be lower-case letters, "
                                "digits and '_'")
        if isinstance(alts, str):   # a block scalar: one alternative a line
            alts = [a for a in alts.splitlines() if a.strip()]
            _no_comment_lines(text, name, key, alts)
        if not isinstance(alts, list) or not alts or not all(isinstance(a, str) and a.strip()
                                                             for a in alts):
            raise FragmentError(f"{name}: fragment {key!r} must be a non-empty list of strings")
        out[key] = tuple(_phrase(a) for a in alts)
    return out


def _no_comment_lines(text: str, name: str, key: str, alts: list[str]) -> None:
    """Refuse a block scalar's line that reads as a YAML comment ("# ..."): inside
    the block it is an alternative, a pattern that would match its own words."""
    for alt in alts:
        if alt.lstrip().startswith("# "):
            # A block's lines are indented; a real comment with the same words
            # at the margin (above a name) is not the line to name.
            at = next((i for i, line in enumerate(text.splitlines(), 1)
                       if line[:1].isspace() and line.strip() == alt.strip()), 0)
            raise FragmentError(f"{name}:{at}: fragment {key!r}: {alt.strip()[:40]!r} is a line of the "
                                "block, so an alternative, not a comment: put comments above the "
                                "fragment's name (for a pattern that opens with '#', write '\\#')")


def load_fragments(folder: Path | None = None) -> dict[str, dict[str, tuple[str, ...]]]:
    """All fragments of a folder of ``<lang>.yaml`` files: name -> lang -> alternatives.

    Parsed afresh on every run, like the rule files: nothing read from a
    cache may change what a rule matches.
    """
    from .rules import fragment_files

    files = fragment_files(folder or fragments_dir())
    merged: dict[str, dict[str, tuple[str, ...]]] = {}
    for f in files:
        for key, alts in parse_file(f.read_text(encoding="utf-8"), str(f)).items():
            merged.setdefault(key, {})[f.stem] = alts
    return merged


def _group(name: str, lang: str | None, frags: Fragments, depth: int,
           memo: dict | None) -> str:
    if memo is not None and (name, lang) in memo:
        return memo[(name, lang)]
    if name not in frags:
        raise FragmentError(f"unknown fragment {{{{{name}}}}}")
    langs = frags[name]
    if lang is not None:
        if lang not in langs:
            raise FragmentError(f"fragment {{{{{name}}}}} has no {lang!r} entry "
                                f"(it has {', '.join(sorted(langs))})")
        alts = list(langs[lang])
    else:
        alts = [a for lg in sorted(langs, key=lambda x: (x != "en", x)) for a in langs[lg]]
    seen: dict[str, None] = {}
    for a in alts:
        seen.setdefault(expand(a, frags, depth + 1, memo), None)
    group = "(?:" + "|".join(seen) + ")"
    if memo is not None:
        memo[(name, lang)] = group
    return group


def expand(pattern: str, frags: Fragments, depth: int = 0, memo: dict | None = None) -> str:
    """``pattern`` with every ``{{name}}`` / ``{{name.lang}}`` replaced by its group.

    ``memo`` (optional) keeps each fragment's group for the next pattern.
    """
    if "{{" not in pattern:
        return pattern
    if depth > _MAX_DEPTH:
        raise FragmentError("fragments refer to each other in a loop")
    out = REF.sub(lambda m: _group(m.group(1), m.group(2), frags, depth, memo), pattern)
    bad = _LEFT.search(REF.sub("", pattern))
    if bad:
        raise FragmentError(f"malformed fragment reference near {pattern[bad.start():bad.start() + 20]!r}"
                            " (write {{name}} or {{name.lang}}; a literal '{{' is '\\{{')")
    return out


@lru_cache(maxsize=8)
def shipped() -> dict[str, dict[str, tuple[str, ...]]]:
    """The shipped fragments, loaded once per process."""
    return load_fragments()


_SHIPPED_GROUPS: dict = {}


def digest(folder: Path | None = None) -> str:
    """What the shipped data records of the fragment files to know they are unchanged:
    a hash of every ``<lang>.yaml`` file's name and bytes."""
    from .rules import fragment_files, pack_digest

    files = fragment_files(folder or fragments_dir())
    return pack_digest(b"".join(f.name.encode() + b"\0" + f.read_bytes() + b"\0" for f in files))


@lru_cache(maxsize=1)
def pre_expanded() -> dict[str, str]:
    """Shipped patterns with their fragments expanded, from the shipped data
    (``data/rule_literals.json``), when the fragment files are the ones it was
    made from; else {} (everything is expanded from the files)."""
    from .prefilter import shipped_data

    held = shipped_data().get("expanded")
    if not isinstance(held, dict) or not isinstance(held.get("patterns"), dict):
        return {}
    try:
        return held["patterns"] if held.get("fragments") == digest() else {}
    except OSError:
        return {}


def expand_shipped(pattern: str) -> str:
    """``expand`` with the shipped fragments; each fragment's group is built once per process.

    Loading and expanding the fragments took ~20 ms of start-up: a pattern the
    shipped data holds (for these very fragment files) is taken from it.
    """
    if "{{" not in pattern:
        return pattern
    done = pre_expanded().get(pattern)
    if done is not None:
        return done
    return expand(pattern, shipped(), memo=_SHIPPED_GROUPS)


def references(pattern: str) -> list[str]:
    """The fragment names a pattern uses, in order (``name`` or ``name.lang``)."""
    return [m.group(1) + (f".{m.group(2)}" if m.group(2) else "") for m in REF.finditer(pattern)]
