"""The `clean` command: a Unix filter around Cleaner, plus `clean rules ...`."""
from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import List, Optional

import typer

from .api import Cleaner
from .errors import CleanerError

app = typer.Typer(add_completion=False, no_args_is_help=False,
                  context_settings={"help_option_names": ["-h", "--help"]})
rules_app = typer.Typer(add_completion=False, help="List the rules, or run the examples of rule files.",
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
    explain: bool = typer.Option(False, "--explain", help="On stderr: each removed line, its number, reason and an excerpt."),
    diff: bool = typer.Option(False, "--diff", help="Print a unified diff of what would be removed instead of the text."),
    json_report: bool = typer.Option(False, "--json", help="Print a JSON report per input (one line each) instead of the text."),
    encoding: str = typer.Option("utf-8", "--encoding", help="Encoding of the input (output is always UTF-8)."),
    format: str = typer.Option("auto", "--format", help="Input format: auto, text or html."),
    no_builtin: bool = typer.Option(False, "--no-builtin-rules", help="Use only the rules given with --rules."),
) -> None:
    """Strip boilerplate from scraped news text; the article comes out as written.

    Reads FILEs (or stdin) and writes the cleaned text to stdout.
    Exit status: 0 success, 2 usage error, unreadable input or invalid rules.
    """
    try:
        cleaner = Cleaner(rules or (), disable or (), builtin=not no_builtin)
        for path in files or ["-"]:
            data, name = read_input(path)
            result = cleaner.analyze_bytes(data, name, encoding=encoding, format=format)
            if explain:
                for line in result.explain():
                    sys.stderr.write(line + "\n")
            if diff:
                write_out(result.diff())
            elif json_report:
                write_out(result.to_json() + "\n")
            else:
                write_out(result.text)
        sys.stdout.flush()
    except CleanerError as e:
        raise fail(str(e))


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
