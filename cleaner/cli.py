"""The `clean` command: a Unix filter around Cleaner, plus `clean rules ...`."""
from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import List, Optional

import typer

from .api import MODES, Cleaner
from .config import Config, find_config, load_config
from .errors import CleanerError
from .reader import read_bytes

app = typer.Typer(add_completion=False, no_args_is_help=False, rich_markup_mode=None,
                  pretty_exceptions_enable=False,
                  context_settings={"help_option_names": ["-h", "--help"]})
rules_app = typer.Typer(add_completion=False, rich_markup_mode=None, pretty_exceptions_enable=False,
                        help="List the rules, or run the examples of rule files.",
                        context_settings={"help_option_names": ["-h", "--help"]})

EXIT_OK, EXIT_CHANGED, EXIT_ERROR = 0, 1, 2


def fail(message: str) -> "typer.Exit":
    """Print one line on stderr and return the exit to raise (status 2)."""
    sys.stderr.write(f"clean: error: {message}\n")
    return typer.Exit(EXIT_ERROR)


def read_input(path: str) -> tuple[bytes, str]:
    if path == "-":
        return sys.stdin.buffer.read(), "<stdin>"
    try:
        return Path(path).read_bytes(), path
    except IsADirectoryError:
        raise CleanerError(f"{path}: is a folder (use --in-place to clean folders)") from None
    except OSError as e:
        raise CleanerError(f"{path}: cannot read: {e.strerror or e}") from None


def write_out(text: str) -> None:
    sys.stdout.buffer.write(text.encode("utf-8"))


@app.command()
def main_command(
    files: Optional[List[str]] = typer.Argument(None, metavar="[FILE]...",
                                                help="Files to clean ('-' or none: stdin)."),
    rules: Optional[List[Path]] = typer.Option(None, "--rules", metavar="PATH",
                                               help="Extra rule file or folder (repeatable)."),
    disable: Optional[List[str]] = typer.Option(None, "--disable", metavar="ID_OR_PACK",
                                                help="Turn off a rule id or a whole pack (repeatable)."),
    mode: Optional[str] = typer.Option(None, "--mode", metavar="MODE",
                             help="careful (keep when in doubt), balanced, or thorough (remove when in doubt)."),
    no_heuristics: bool = typer.Option(False, "--no-heuristics", help="Apply the rules only."),
    explain: bool = typer.Option(False, "--explain", help="On stderr: each removed line, its number, reason and an excerpt."),
    diff: bool = typer.Option(False, "--diff", help="Print a unified diff of what would be removed instead of the text."),
    json_report: bool = typer.Option(False, "--json", help="Print a JSON report per input (one line each) instead of the text."),
    encoding: str = typer.Option("utf-8", "--encoding", help="Encoding of the input (output is always UTF-8)."),
    format: str = typer.Option("auto", "--format", metavar="FORMAT",
                               help="Input format: auto, text, html, or jsonl (one JSON object per line)."),
    text_field: str = typer.Option("text", "--text-field", metavar="KEY", help="jsonl: the field holding the text."),
    skip_bad: bool = typer.Option(False, "--skip-bad", help="jsonl: pass bad records (invalid JSON, no string text field) through unchanged and count them, instead of stopping."),
    annotate: bool = typer.Option(False, "--annotate", help='jsonl: add a field "clean" to each record: {"removed": [{"line", "reason", "text"}, ...]}.'),
    stats: bool = typer.Option(False, "--stats", help="jsonl: on stderr at the end, records changed and lines removed per kind and reason."),
    no_builtin: bool = typer.Option(False, "--no-builtin-rules", help="Use only the rules given with --rules."),
    in_place: bool = typer.Option(False, "--in-place", "-i",
                                  help="Batch: rewrite FILEs and the text files in folders that need cleaning."),
    check: bool = typer.Option(False, "--check", help="Batch: write nothing; list the files that would change, exit 1 if any."),
    jobs: Optional[int] = typer.Option(None, "--jobs", "-j", min=1, metavar="N",
                                       help="Batch: worker processes (default: the number of cores)."),
    include: Optional[List[str]] = typer.Option(None, "--include", metavar="GLOB",
                                                help="Batch: files to take in folders (repeatable; default *.txt *.text *.md *.markdown)."),
    exclude: Optional[List[str]] = typer.Option(None, "--exclude", metavar="GLOB",
                                                help="Batch: files or folders to leave alone (repeatable; VCS and virtualenv folders always are)."),
    exit_nonzero_on_fix: bool = typer.Option(False, "--exit-non-zero-on-fix",
                                             help="Batch: exit 1 when files were rewritten (for hooks)."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Batch: errors only; no warnings, per-file lines or summary."),
    config: Optional[Path] = typer.Option(None, "--config", metavar="PATH",
                                          help="Settings file (default: .clean.yaml or [tool.clean] in pyproject.toml, searched upward)."),
    no_config: bool = typer.Option(False, "--no-config", help="Ignore configuration files."),
) -> None:
    """Strip boilerplate from scraped news text; the article comes out as written.

    Reads FILEs (or stdin) and writes the cleaned text to stdout. Several
    inputs in one run are cleaned together: lines they share count as
    boilerplate evidence.

    With --in-place or --check, FILEs may be folders: a batch run rewrites
    (or checks) every text file whose cleaned text differs, in parallel.

    Exit status: 0 success, 1 files would change (--check) or were rewritten
    (--exit-non-zero-on-fix), 2 usage error, unreadable input, invalid rules
    or configuration.
    """
    try:
        cfg = Config() if no_config else (load_config(config) if config else find_config())
        for note in cfg.warnings:
            sys.stderr.write(f"clean: warning: {note}\n")
        # Command-line options override the configuration; rule files and
        # disabled rules add up (a project's rules stay on when one more is given).
        mode = mode or cfg.mode or "balanced"
        if mode not in MODES:
            raise CleanerError(f"--mode must be one of {', '.join(MODES)}, not {mode!r}")
        builtin = not no_builtin and cfg.builtin_rules is not False
        heuristics = not no_heuristics and cfg.heuristics is not False
        cleaner = Cleaner([*cfg.rules, *(rules or ())], [*cfg.disable, *(disable or ())],
                          builtin=builtin, mode=mode, heuristics=heuristics)
    except CleanerError as e:
        raise fail(str(e))
    if in_place or check:
        if format not in ("auto", "text"):
            raise fail(f"--format {format} cannot be used with --in-place or --check")
        if json_report or explain:
            raise fail("--json and --explain cannot be used with --in-place or --check")
        if not files or "-" in files:
            raise fail("--in-place and --check need files or folders to work on (not stdin)")
        from .batch import run_batch  # lazy: the filter path does not need it

        status = run_batch(cleaner, files, write=in_place, check=check, diff=diff,
                           jobs=jobs or cfg.jobs, include=include or cfg.include,
                           exclude=exclude or cfg.exclude, encoding=encoding,
                           exit_nonzero_on_fix=exit_nonzero_on_fix, quiet=quiet)
        raise typer.Exit(status)
    if format == "jsonl":
        if diff or json_report:
            raise fail(f"{'--diff' if diff else '--json'} cannot be used with --format jsonl "
                       f"(--annotate adds the removed lines to each record)")
        from .jsonl import run_jsonl  # lazy: the plain-text path does not need it

        raise typer.Exit(run_jsonl(cleaner, files or ["-"], field=text_field, encoding=encoding,
                                   jobs=jobs or cfg.jobs, skip_bad=skip_bad, explain=explain,
                                   stats=stats, annotate=annotate, quiet=quiet))
    if skip_bad or annotate or stats:
        raise fail(f"{'--skip-bad' if skip_bad else '--annotate' if annotate else '--stats'} "
                   f"needs --format jsonl")
    status = EXIT_OK
    docs = []
    for path in files or ["-"]:
        try:
            data, name = read_input(path)
            docs.append(read_bytes(data, name, encoding=encoding, format=format))
        except CleanerError as e:
            # Report and go on: one bad file must not cost the others their output.
            sys.stderr.write(f"clean: error: {e}\n")
            status = EXIT_ERROR
    common = _common_lines([d.text for d in docs])
    try:
        for doc in docs:
            result = cleaner.analyze(doc.text, doc.name, common=common)
            _emit(result, explain, diff, json_report)
        sys.stdout.flush()
    except CleanerError as e:
        raise fail(str(e))
    raise typer.Exit(status)


def _common_lines(texts: list[str]):
    """Lines shared across the run's documents (None for a single document)."""
    if len(texts) < 2:
        return None
    from .repetition import CommonLines  # imported here: one document never needs it

    return CommonLines.from_texts(texts)


def _emit(result, explain: bool, diff: bool, json_report: bool) -> None:
    if explain:
        for line in result.explain():
            sys.stderr.write(line + "\n")
    if diff:
        write_out(result.diff())
    elif json_report:
        write_out(result.to_json() + "\n")
    else:
        write_out(result.text)


@rules_app.command("list")
def rules_list(
    rules: Optional[List[Path]] = typer.Option(None, "--rules", metavar="PATH", help="Extra rule file or folder."),
    no_builtin: bool = typer.Option(False, "--no-builtin-rules", help="List only the rules given with --rules."),
) -> None:
    """List rules: id, action and description, one per line."""
    try:
        ruleset = Cleaner(rules or (), builtin=not no_builtin).rules
    except CleanerError as e:
        raise fail(str(e))
    for r in ruleset:
        write_out(f"{r.id}\t{r.action}\t{r.description}\n")


@rules_app.command("test")
def rules_test(
    paths: Optional[List[Path]] = typer.Argument(None, metavar="[PATH]...",
                                                 help="Rule files or folders (default: the built-in packs)."),
) -> None:
    """Run every rule's drop and keep examples; exit 1 if any fails."""
    from .examples import check_examples

    try:
        if paths:
            ruleset = Cleaner(paths, builtin=False).rules
        else:
            ruleset = Cleaner().rules
    except CleanerError as e:
        raise fail(str(e))
    failures = check_examples(ruleset)
    for f in failures:
        sys.stderr.write(f + "\n")
    n = sum(len(r.examples_drop) + len(r.examples_keep) for r in ruleset)
    sys.stderr.write(f"{len(ruleset)} rules, {n} examples, {len(failures)} failed\n")
    raise typer.Exit(EXIT_CHANGED if failures else EXIT_OK)


def main() -> None:
    """Entry point of the `clean` console script."""
    argv = sys.argv[1:]
    try:
        if argv[:1] == ["rules"]:
            rules_app(args=argv[1:], prog_name="clean rules")
        else:
            app(args=argv, prog_name="clean")
    except BrokenPipeError:
        # The reader downstream went away (`clean big.txt | head -1`): leave quietly.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(EXIT_OK)
    except KeyboardInterrupt:
        sys.exit(130)


if __name__ == "__main__":
    main()
