"""Write cleaner/data/rule_literals.json (and rule_parts.jsonl): what is derived from the shipped rule packs.

- ``needs``: for each pattern, its clauses of required literals (with their
  word edges) and, for a pattern that must match a whole line, bounds on the
  line's non-space characters and words (``cleaner.prefilter.analyze``).
  Deriving them through re's own parser costs ~100 ms, more than the
  start-up they save, so they ship as data keyed by the exact pattern text
  and flags.
  A pattern with a main alternation (``cleaner.alternatives``) also has
  ``parts``: where its alternatives are, and what each needs, so that a
  short input compiles only the alternatives its lines can match. They are
  written to rule_parts.jsonl, one line ``[key, parts]`` per pattern, and
  ``parts`` in the pattern's needs is its line (``cleaner.prefilter.shipped_parts``):
  read on every run, the JSON was half parts, which a document needs few of.
- ``packs``: each shipped pack file's YAML data as the safe loader reads it
  (lines as ``__line__``), with the sha256 of the file's bytes; used only
  while the file still has those bytes (``cleaner.rules.shipped_pack``).
- ``expanded``: every shipped pattern with ``{{fragments}}``, expanded, with a
  hash of the fragment files (``cleaner.fragments.pre_expanded``).

It also writes:

- cleaner/data/word_lists.json: cleaner/data/words.yaml as the safe loader
  reads it, with the sha256 of its bytes: used only while the file still has
  those bytes (``cleaner.features.word_data``), so the default path never
  imports yaml. A file of its own: the heuristics need it on every run, and
  rule_literals.json (~0.8 MB, 3-5 ms to parse) is then read only when the
  rules are built from their sources.
- cleaner/data/shipped_rules.pickle: the shipped rule set and its literal
  index, built from these files (``cleaner.snapshot``); a run reads it instead
  of building them, while the sources are the ones it was made from.
- cleaner/data/code_programs.pickle: the programs of the patterns the
  package's modules compile when imported (``cleaner.programs.compiled``):
  every module is imported, and what they asked for is stored. Run the
  script again after editing such a pattern (``--check`` says when).
- cleaner/data/stopword_index.bin: the stop-word lists of the
language guess's candidates (jusText's, as installed, and ours) as hashed keys,
with the size and CRC-32 of each list (``cleaner.language.upper_hits``): a
first guess then reads the lists of few candidates instead of all ~48,000
words. Used only while every list is still the one it was made from; after
installing another jusText, run this again.

Run after editing a rule pack or a fragment file:

    python scripts/rule_literals.py            # rewrite the files
    python scripts/rule_literals.py --check    # exit 1 if they are out of date (the tests do this)

A pattern missing from the file, or a pack or fragment file changed since,
is not an error at run time: it is derived, parsed or expanded from the
sources when the rule set is built (slower start-up, same rules).
"""
from __future__ import annotations

import argparse
import json
import sys

from cleaner import alternatives, fragments, language, prefilter, programs, safeyaml, snapshot
from cleaner.errors import RuleError
from cleaner.needs import analyze
from cleaner.prefilter import LITERALS_FILE, PARTS_FILE, literal_key
from cleaner.features import WORD_DATA_FILE
from cleaner.rules import build_rules, builtin_rules_dir, pack_digest, rule_files

WORDS_FILE = LITERALS_FILE.parent / "words.yaml"


def packs() -> dict:
    """Each shipped pack's data, read by the safe loader (never from this file)."""
    out = {}
    for f in rule_files(builtin_rules_dir()):
        data = safeyaml.load(f, lambda line, msg: RuleError(str(f), line, None, msg), with_lines=True)
        if json.loads(json.dumps(data)) != data:     # not plain JSON data: read from YAML
            continue
        out[f.name] = {"sha256": pack_digest(f.read_bytes()), "rules": data}
    return out


def words() -> dict:
    """cleaner/data/words.yaml (the heuristics' word lists) as the safe loader reads
    it, with the sha256 of its bytes (``cleaner.features.word_data``)."""
    import yaml

    path = WORDS_FILE
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {"sha256": pack_digest(path.read_bytes()), "data": data}


def expansions() -> dict:
    """Every shipped pattern that names fragments, expanded from the fragment files."""
    frags = fragments.load_fragments()
    raw: set[str] = set()
    for held in packs().values():
        data = held["rules"]
        items = (data.get("rules") or []) if isinstance(data, dict) else (data or [])
        for item in items if isinstance(items, list) else []:
            for key in ("pattern", "until"):
                value = item.get(key) if isinstance(item, dict) else None
                if isinstance(value, str) and "{{" in value:
                    raw.add(value)
    memo: dict = {}
    out = {}
    for pattern in sorted(raw):
        try:
            out[pattern] = fragments.expand(pattern, frags, memo=memo)
        except fragments.FragmentError:
            continue          # reported, with its rule, when the pack is loaded
    return {"fragments": fragments.digest(), "patterns": out}


def expected() -> dict:
    # Everything from the sources: not the packs and expansions of the file being written.
    real, prefilter.shipped_data = prefilter.shipped_data, lambda: {}
    try:
        built = build_rules([])
    finally:
        prefilter.shipped_data = real
    needs = {}
    for rule in built:
        p = rule.pattern
        if rule.timeout is None and p.reparseable:
            key = literal_key(p.pattern, p.source_flags)
            needs[key] = analyze(p.pattern, p.source_flags).to_json()
            parts = alternatives.parts_json(rule)
            if parts is not None:
                needs[key] = {**(needs[key] or {"clauses": []}), "parts": parts}
    return {"about": "generated by scripts/rule_literals.py: what the shipped rule patterns need "
                     "to match, required literals and size gates (cleaner/prefilter.py); the "
                     "packs as read from YAML and their patterns expanded, each with a hash of "
                     "its sources (cleaner/rules.py, cleaner/fragments.py)",
            "needs": dict(sorted(needs.items())),
            "packs": packs(),
            "expanded": expansions()}


def render(data: dict) -> tuple[str, str]:
    """The text of rule_literals.json and of rule_parts.jsonl: each pattern's
    ``parts`` go to a line of the latter, and its needs give that line. (A
    line's number, not its place in bytes: an edited rule then changes the
    numbers of the lines after its own only when it gains or loses parts.)"""
    needs = {}
    lines = []
    for key, held in data["needs"].items():
        if held and "parts" in held:
            lines.append(json.dumps([key, held["parts"]], ensure_ascii=True))
            held = {**held, "parts": len(lines) - 1}
        needs[key] = held
    # ASCII (\u escapes): a file of ASCII only parses a third faster (~4 ms
    # instead of ~6) whenever the rules are built from their sources.
    return json.dumps({**data, "needs": needs}, ensure_ascii=True, indent=1) + "\n", "\n".join(lines) + "\n"


def stopword_index() -> bytes:
    """The text of cleaner/data/stopword_index.bin, from the lists as installed."""
    candidates = language.CANDIDATES
    return language.index_bytes([language.stopwords(lang) for lang in candidates],
                                [language.list_stamp(lang) for lang in candidates])


def up_to_date(path, wanted: bytes, check: bool) -> bool:
    """Whether ``path`` holds ``wanted`` once this run is done: written unless
    ``check``, which reports a file out of date instead (False)."""
    if (path.read_bytes() if path.exists() else b"") == wanted:
        return True
    if check:
        print(f"{path} is out of date: run python scripts/rule_literals.py", file=sys.stderr)
        return False
    path.write_bytes(wanted)
    return True


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--check", action="store_true", help="exit 1 if the file is out of date")
    args = ap.parse_args()
    text, parts = render(expected())
    # Each file as bytes: what --check compares is what is written.
    files = ((LITERALS_FILE, text.encode()), (PARTS_FILE, parts.encode()),
             (WORD_DATA_FILE, (json.dumps(words(), ensure_ascii=True, indent=1) + "\n").encode()),
             (language.STOPWORD_INDEX, stopword_index()))
    for path, wanted in files:
        if not up_to_date(path, wanted, args.check):
            return 1
    # The snapshot is built from the files above as they now are.
    prefilter.shipped_data.cache_clear()
    prefilter._parts_file.cache_clear()
    prefilter._parts_lines.cache_clear()
    fragments.pre_expanded.cache_clear()
    stored = snapshot.SNAPSHOT_FILE
    elsewhere = snapshot.made_elsewhere(stored.read_bytes() if stored.exists() else b"")
    # The snapshot, and the programs of the modules' own patterns (every module
    # imported: programs.package_patterns).
    for path, make in ((stored, snapshot.dumps),
                       (programs.CODE_PROGRAMS,
                        lambda: programs.dump_code_programs(programs.package_patterns()))):
        if args.check and elsewhere:
            # A pickle is made for one Python, a program by one re: on another, runs
            # build the rules or compile their patterns (slower start-up, the same
            # rules), and there is nothing to compare.
            print(f"{path}: {elsewhere}; not checked", file=sys.stderr)
        elif not up_to_date(path, make(), args.check):
            return 1
    if args.check:
        return 0
    data = json.loads(text)
    needs = data["needs"]
    print(f"{LITERALS_FILE}: {len(data['packs'])} packs, "
          f"{len(data['expanded']['patterns'])} patterns with fragments, {len(needs)} patterns, "
          f"{sum(not (v or {}).get('clauses') for v in needs.values())} without literals, "
          f"{sum('gate' in (v or {}) for v in needs.values())} with a size gate, "
          f"{sum('heads' in (v or {}) for v in needs.values())} with heads, "
          f"{sum('parts' in (v or {}) for v in needs.values())} split into alternatives")
    return 0


if __name__ == "__main__":
    sys.exit(main())
