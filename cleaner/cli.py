"""The `clean` command: a Unix filter around Cleaner, plus `clean rules ...`."""
# No "from __future__ import annotations": typer reads the commands' signatures
# at every start, and string annotations cost it an eval() each (~2 ms).

import atexit
import errno
import os
import sys
import threading
from collections import Counter
from pathlib import Path
from typing import List, NoReturn, Optional, Sequence

from . import collector

# Cycle collection off while what lives as long as the process is made, then
# set aside for good (gc.freeze): the imports below (typer, numpy, cleaner's
# modules: the collector went over them again and again while they loaded,
# and in every full collection after, at exit too: ~5% of a short `clean`
# run, bench/startup.py) and the Cleaner (the shipped rule data).
with collector.paused(freeze=True):
    import typer

    # numpy's BLAS starts a thread per core at import, which costs more CPU than
    # the whole cleaning of a short input; clean does no linear algebra worth a
    # thread (a batch runs in worker processes). A value set by the user stands.
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

    from . import __version__
    from .api import Cleaner
    from .config import Config, NestedSettings, find_config, load_config
    from .errors import CleanerError
    from .reader import check_encoding, read_bytes
    from .writer import counted, removed_kinds, stats_lines


app = typer.Typer(add_completion=False, no_args_is_help=False, rich_markup_mode=None,
                  pretty_exceptions_enable=False,
                  context_settings={"help_option_names": ["-h", "--help"]})
rules_app = typer.Typer(add_completion=False, rich_markup_mode=None, pretty_exceptions_enable=False,
                        no_args_is_help=True,
                        help="List the rules, or run the examples of rule files.",
                        context_settings={"help_option_names": ["-h", "--help"]})

EXIT_OK, EXIT_CHANGED, EXIT_ERROR = 0, 1, 2


def _settings_start(files: Sequence[str]) -> Path | None:
    """The folder the settings search starts in for ``files``: the deepest one
    holding them all (a folder given counts as its own); None for stdin."""
    paths = [f for f in files if f != "-"]
    if not paths:
        return None
    folders = [os.path.abspath(f) if os.path.isdir(f) else os.path.dirname(os.path.abspath(f))
               for f in paths]
    try:
        return Path(os.path.commonpath(folders))
    except ValueError:      # no common folder (other drives): the working directory
        return None


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


def note(message: str) -> None:
    """An informational line on stderr (-v/--verbose, --explain)."""
    sys.stderr.write(f"clean: {message}\n")


# Shown under the options by `clean --help` (\b keeps click from rewrapping).
EPILOG = """\b
Commands:
  clean rules list [--rules PATH]   every loaded rule: id, action, description
  clean rules test [PATH]...        run the drop/keep examples of rule files

\b
Examples:
  some-scraper | clean | wc -w            a filter: stdin to stdout
  clean article.txt page.html.gz          files: text, HTML, gzip-compressed
  clean --explain article.txt >/dev/null  why each line went
  clean --diff --color=always a.txt | less -R
  clean --check --diff articles/          what a batch run would change
  clean --in-place articles/              rewrite the files that need it
  clean --disable share --mode careful a.txt
"""


def _print_version(value: bool) -> None:
    if value:
        sys.stdout.write(f"clean {__version__}\n")
        raise typer.Exit(EXIT_OK)


@app.command(epilog=EPILOG)
def main_command(
    ctx: typer.Context,
    files: Optional[List[str]] = typer.Argument(None, metavar="[FILE]...",
                                                help="Files to clean ('-' or none: stdin)."),
    rules: Optional[List[Path]] = typer.Option(None, "--rules", metavar="PATH",
                                               help="Extra rule file or folder (repeatable)."),
    disable: Optional[List[str]] = typer.Option(None, "--disable", metavar="ID_OR_PACK",
                                                help="Turn off a rule id or a whole pack (repeatable)."),
    mode: Optional[str] = typer.Option(None, "--mode", metavar="MODE",
                             help="careful (keep when in doubt), balanced, or thorough (remove when in doubt; also reads each paragraph as its last sentence)."),
    no_heuristics: bool = typer.Option(False, "--no-heuristics", help="Apply the rules only."),
    no_repetition: bool = typer.Option(False, "--no-repetition",
                                       help="Lines repeated across the inputs of a run are no evidence (same as --disable heuristic.repeated)."),
    explain: bool = typer.Option(False, "--explain", help="On stderr: each removed line, its number, reason and an excerpt."),
    diff: bool = typer.Option(False, "--diff", help="Print a unified diff of what would be removed instead of the text."),
    json_report: bool = typer.Option(False, "--json", help="Print a JSON report per input (one line each) instead of the text."),
    encoding: str = typer.Option("utf-8", "--encoding", help="Encoding of the input (output is UTF-8; a batch run writes each file back in its own)."),
    format: str = typer.Option("auto", "--format", metavar="FORMAT",
                               help="Input format: auto (HTML told by its content, JSON Lines by a .jsonl or .ndjson name), text, html, or jsonl (one JSON object per line)."),
    text_field: str = typer.Option("text", "--text-field", metavar="KEY", help="jsonl: the field holding the text."),
    skip_bad: bool = typer.Option(False, "--skip-bad", help="jsonl: pass bad records (invalid JSON, no string text field) through unchanged and count them, instead of stopping."),
    annotate: bool = typer.Option(False, "--annotate", help='jsonl: add a field "clean" to each record: {"removed": [{"line", "reason", "text"}, ...]}.'),
    stats: bool = typer.Option(False, "--stats", help="On stderr at the end: lines removed per kind and reason."),
    no_builtin: bool = typer.Option(False, "--no-builtin-rules", help="Use only the rules given with --rules."),
    in_place: bool = typer.Option(False, "--in-place", "-i",
                                  help="Batch: rewrite FILEs and the text files in folders that need cleaning."),
    check: bool = typer.Option(False, "--check", help="Batch: write nothing; list the files that would change, exit 1 if any."),
    jobs: Optional[int] = typer.Option(None, "--jobs", "-j", min=1, metavar="N",
                                       help="Batch: worker processes (default: the number of cores)."),
    include: Optional[List[str]] = typer.Option(None, "--include", metavar="GLOB",
                                                help="Batch: files to take in folders (repeatable; default *.txt *.text *.md *.markdown)."),
    exclude: Optional[List[str]] = typer.Option(None, "--exclude", metavar="GLOB",
                                                help="Batch: files or folders to leave alone (repeatable; adds to the settings' exclude; VCS and virtualenv folders always are)."),
    exit_nonzero_on_fix: bool = typer.Option(False, "--exit-non-zero-on-fix",
                                             help="Batch: exit 1 when files were rewritten (for hooks)."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Batch: errors only; no warnings, per-file lines or summary."),
    no_ignore: bool = typer.Option(False, "--no-ignore",
                                   help="Batch: also walk files that .gitignore or .ignore files leave out."),
    output_dir: Optional[Path] = typer.Option(None, "--output-dir", "-o", metavar="DIR",
                                              help="Batch: write cleaned copies of all inputs under DIR, same relative paths; inputs are not touched."),
    files_from: Optional[str] = typer.Option(None, "--files-from", metavar="FILE",
                                             help="Read more FILEs from FILE, one path per line ('-': stdin); one run, so they share cross-file evidence."),
    config: Optional[Path] = typer.Option(None, "--config", metavar="PATH",
                                          help="Settings file (default: .clean.yaml or [tool.clean] in pyproject.toml, searched upward)."),
    no_config: bool = typer.Option(False, "--no-config", help="Ignore configuration files."),
    stdin_filename: Optional[str] = typer.Option(None, "--stdin-filename", metavar="NAME",
                                                 help="Name piped input: messages use it, settings are found from its folder and their excludes apply (an excluded input passes through unchanged)."),
    color: str = typer.Option("auto", "--color", metavar="WHEN",
                              help="Colour diffs: auto (on a terminal, unless NO_COLOR is set), always, never."),
    verbose: bool = typer.Option(False, "--verbose", "-v",
                                 help="On stderr: the settings file used, and how each input was read (format, encoding, gzip)."),
    version: bool = typer.Option(False, "--version", callback=_print_version, is_eager=True,
                                 help="Print the version and exit."),
    report: Optional[Path] = typer.Option(None, "--report", metavar="PAGE.html",
                                          help="Also write a review page: every input with its removed lines struck through and coloured by reason."),
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
    from .color import CHOICES, use_color
    from .options import build_cleaner, check_conflicts, merge, path_globs

    given = {p.opts[0] if p.opts[0].startswith("--") else p.opts[-1]
             for p in ctx.command.params
             if p.name and ctx.get_parameter_source(p.name).name == "COMMANDLINE"}
    if files_from is not None:
        # Paths from a list join the named ones in one run (xargs would split the batch).
        from .walk import read_path_list

        try:
            listed = read_path_list(files_from, sys.stdin.read() if files_from == "-" else None)
        except (OSError, UnicodeDecodeError) as e:
            raise fail(f"{files_from}: cannot read the list of files: "
                       f"{getattr(e, 'strerror', None) or e}")
        if not files and not listed:
            raise typer.Exit(EXIT_OK)      # an empty list: nothing to do, not stdin
        files = [*(files or ()), *listed]
        if files_from == "-" and "-" in files:
            # stdin is read whole for the list: as an input it would be empty.
            raise fail("--files-from - reads the list of files from stdin, "
                       "so '-' cannot also be an input")
    if output_dir is not None and (in_place or check):
        raise fail(f"--output-dir cannot be used with {'--in-place' if in_place else '--check'} "
                   f"(it writes copies and leaves the inputs alone)")
    # ruff and black take folders for --diff too: a batch that writes nothing.
    batch = in_place or check or output_dir is not None or (
        diff and any(os.path.isdir(f) for f in files or ()))
    # The option that made the run a batch, for messages.
    batch_by = ("--in-place" if in_place else "--check" if check else
                "--output-dir" if output_dir is not None else "--diff of a folder")
    reads_stdin = not files or "-" in files
    jsonl_by = "--format jsonl"     # how the run came to read JSON Lines, for messages
    try:
        if format == "auto" and not batch:
            from .reader import format_by_name

            format = format_by_name([stdin_filename if f == "-" else f for f in files or ["-"]])
            if format == "jsonl":
                jsonl_by = "JSON Lines input"
                if verbose:
                    note("inputs named as JSON Lines: read as JSON Lines (--format text reads them as text)")
        check_conflicts(given, stdin=reads_stdin, batch=batch, fmt=format)
        if color not in CHOICES:
            raise CleanerError(f"--color must be one of {', '.join(CHOICES)}, not {color!r}")
        check_encoding(encoding)
        # Settings are found from the folder the files lie in (as black and
        # ruff find theirs), from the folder piped input says it comes from,
        # else from the working directory.
        start = Path(stdin_filename).parent if stdin_filename and reads_stdin \
            else _settings_start(files or ())
        cfg = Config() if no_config else (load_config(config) if config else find_config(start))
        for warning in cfg.warnings:
            sys.stderr.write(f"clean: warning: {warning}\n")
        if verbose:
            note(f"settings: {cfg.path or 'none found'}")
        # Command-line options override the configuration; rule files and
        # disabled rules add up (a project's rules stay on when one more is given).
        switches = merge(cfg, rules=rules or (), disable=disable or (), mode=mode,
                         no_builtin=no_builtin, no_heuristics=no_heuristics,
                         no_repetition=no_repetition)
        with collector.paused(freeze=True):   # the rule set and the model live as long as the run
            cleaner = build_cleaner(cfg, switches, disable or ())
    except CleanerError as e:
        raise fail(str(e))
    paint = diff and use_color(color, sys.stdout)
    if report is not None and (batch or format == "jsonl"):
        raise fail(f"--report works with FILEs and stdin, not with "
                   f"{batch_by if batch else jsonl_by}")
    if batch:
        if format not in ("auto", "text"):
            raise fail(f"--format {format} cannot be used with {batch_by}")
        if json_report or explain:
            raise fail(f"--json and --explain cannot be used with {batch_by}")
        if not files or "-" in files:
            raise fail(f"{batch_by} needs files or folders to work on (not stdin)")
        if output_dir is not None and output_dir.exists() and not output_dir.is_dir():
            # else each file fails on its own: "DIR/a.txt: cannot write: File exists"
            raise fail(f"--output-dir {output_dir}: is a file, not a folder")
        from .batch import run_batch  # lazy: the filter path does not need it

        include_globs, exclude_globs = path_globs(cfg, include, exclude)
        # Settings files below the run's keep their exclude there (config.NestedSettings);
        # settings named (--config) or turned off (--no-config) are the only ones.
        nested = None if no_config or config else NestedSettings(cfg.path)
        status = run_batch(cleaner, files, write=in_place, check=check, diff=diff,
                           jobs=jobs or cfg.jobs, include=include_globs,
                           exclude=exclude_globs, nested=nested, encoding=encoding,
                           exit_nonzero_on_fix=exit_nonzero_on_fix, quiet=quiet,
                           ignore=not no_ignore, stats=stats,
                           output_dir=str(output_dir) if output_dir is not None else None)
        raise typer.Exit(status)
    if format == "jsonl":
        if diff or json_report:
            raise fail(f"{'--diff' if diff else '--json'} cannot be used with {jsonl_by} "
                       f"(--annotate adds the removed lines to each record)")
        from .jsonl import run_jsonl  # lazy: the plain-text path does not need it

        raise typer.Exit(run_jsonl(cleaner, files or ["-"], field=text_field, encoding=encoding,
                                   jobs=jobs or cfg.jobs, skip_bad=skip_bad, explain=explain,
                                   stats=stats, annotate=annotate, quiet=quiet))
    if skip_bad or annotate:
        raise fail(f"{'--skip-bad' if skip_bad else '--annotate'} needs --format jsonl")
    try:
        page = _open_report(report)   # before the work: a path that cannot be written fails fast
    except CleanerError as e:
        raise fail(str(e))
    status = EXIT_OK
    docs = []
    # Plain text out (--stats counts as it goes): cleaned window by window.
    plain = not (explain or diff or json_report or page is not None or stdin_filename)
    removed: Counter = Counter()     # (kind, reason) -> lines, for --stats
    tally = removed if stats else None
    inputs = files or ["-"]
    read_already: dict[str, tuple[bytes, str]] = {}
    if plain and len(inputs) == 1 and encoding != "auto" and format in ("auto", "text"):
        try:
            whole = _stream_plain(cleaner, inputs[0], encoding, format, tally)
        except CleanerError as e:
            raise fail(str(e))
        if whole is None:
            sys.stdout.flush()
            raise typer.Exit(EXIT_OK)
        read_already[inputs[0]] = whole
    for path in inputs:
        try:
            data, name = read_already.pop(path) if path in read_already else read_input(path)
            if path == "-" and stdin_filename:
                name = stdin_filename
                from .walk import excluded

                if excluded(path_globs(cfg, include, exclude)[1], name):
                    # Excluded, as the file itself would be in a batch: pass it
                    # through (ruff's --force-exclude does the same for stdin).
                    if verbose:
                        note(f"{name}: excluded by the settings, passed through unchanged")
                    if not diff and not json_report:
                        sys.stdout.buffer.write(data)
                    continue
            doc = read_bytes(data, name, encoding=encoding, format=format)
            _describe(doc, verbose, explain or verbose and encoding == "auto", encoding)
            docs.append(doc)
        except CleanerError as e:
            # Report and go on: one bad file must not cost the others their output.
            sys.stderr.write(f"clean: error: {e}\n")
            status = EXIT_ERROR
    common = _common_lines([d.text for d in docs]) if switches.repetition else None
    try:
        while docs:
            doc = docs.pop(0)    # let each text go once it is written
            if plain:
                # Window by window: a huge input never holds all its decisions at once.
                for piece in cleaner.iter_clean(doc.text, doc.name, common=common, removed=tally):
                    write_out(piece)
                continue
            result = cleaner.analyze(doc.text, doc.name, common=common)
            _emit(result, explain, diff, json_report, paint)
            if stats:
                removed.update(removed_kinds(result.decisions))
            if page is not None:
                page.add(result)
        sys.stdout.flush()
        if page is not None:
            page.close()
    except CleanerError as e:
        raise fail(str(e))
    finally:
        if page is not None:
            page.discard()   # no-op after close; after a failure, no half-written page is left
    if stats:
        sys.stderr.write(f"clean: {counted(len(inputs), 'input')}, "
                         f"{counted(sum(removed.values()), 'line')} removed\n")
        for line in stats_lines(removed):
            sys.stderr.write(f"clean:   {line}\n")
    raise typer.Exit(status)


# A single input bigger than this is read, decoded and cleaned as a stream,
# window by window (``Cleaner.iter_clean``): memory stays bounded by a window
# however big the input. Smaller inputs are read whole, so that a decoding
# error comes before any output.
STREAM_AFTER = 16 * 2**20
_CHUNK = 4 * 2**20


def _stream_plain(cleaner: Cleaner, path: str, encoding: str, format: str,
                  removed: Counter | None = None) -> tuple[bytes, str] | None:
    """Clean one big plain-text input as a stream (None); or, when it is small,
    gzip or HTML, write nothing and return its bytes and name for the whole-text path.
    ``removed``: counts the lines removed (``Cleaner.iter_clean``)."""
    import codecs

    from .reader import GZIP_MAGIC, detect_format

    if path == "-":
        stream, name = sys.stdin.buffer, "<stdin>"
    else:
        try:
            stream, name = open(path, "rb"), path
        except IsADirectoryError:
            raise CleanerError(f"{path}: is a folder (use --in-place to clean folders)") from None
        except OSError as e:
            raise CleanerError(f"{path}: cannot read: {e.strerror or e}") from None
    head = stream.read(STREAM_AFTER)
    if len(head) < STREAM_AFTER or head.startswith(GZIP_MAGIC) or (
            format == "auto" and detect_format(head[:65536]) == "html"):
        rest = stream.read()
        if path != "-":
            stream.close()
        return head + rest, name
    decoder = codecs.getincrementaldecoder(check_encoding(encoding))()

    def chunks():
        data, offset = head, 0
        while data:
            try:
                yield decoder.decode(data)
            except UnicodeDecodeError as e:
                raise CleanerError(f"{name}: not valid {encoding} at byte {offset + e.start} "
                                   f"(use --encoding to read another encoding)") from None
            offset += len(data)
            data = stream.read(_CHUNK)
        yield decoder.decode(b"", final=True)

    try:
        for piece in cleaner.iter_clean(chunks(), name, removed=removed):
            write_out(piece)
    finally:
        if path != "-":
            stream.close()
    return None


def _common_lines(texts: list[str]):
    """Lines shared across the run's documents (None for a single document)."""
    if len(texts) < 2:
        return None
    from .repetition import CommonLines  # imported here: one document never needs it

    return CommonLines.from_texts(texts)


def _open_report(path: Optional[Path]):
    """The --report page writer, or None (imported lazily: most runs write no page)."""
    if path is None:
        return None
    from .report import ReportWriter

    return ReportWriter(path)


def _describe(doc, verbose: bool, guess: bool, encoding: str) -> None:
    """Say how an input was read (-v), the encoding guessed (auto), and warn
    when HTML gave no text: an empty output must never pass unremarked."""
    if verbose:
        how = f"html ({doc.why_html})" if doc.format == "html" else "text"
        packed = ", gzip" if doc.gzip else ""
        note(f"{doc.name}: read as {how}, encoding {doc.encoding}{packed}")
    elif guess and encoding == "auto":
        note(f"{doc.name}: encoding guessed: {doc.encoding}")
    if doc.format == "html" and not doc.text.strip() and doc.raw and doc.raw.strip():
        sys.stderr.write(f"clean: warning: {doc.name}: read as HTML ({doc.why_html}), "
                         f"but no main text was found in it\n")


def _emit(result, explain: bool, diff: bool, json_report: bool, paint: bool = False) -> None:
    if explain:
        for line in result.explain():
            sys.stderr.write(line + "\n")
    if diff:
        if paint:
            from .color import colorize_diff

            write_out(colorize_diff(result.diff()))
        else:
            write_out(result.diff())
    elif json_report:
        write_out(result.to_json() + "\n")
    else:
        write_out(result.text)


@rules_app.command("list")
def rules_list(
    rules: Optional[List[Path]] = typer.Option(None, "--rules", metavar="PATH", help="Extra rule file or folder."),
    no_builtin: bool = typer.Option(False, "--no-builtin-rules", help="List only the rules given with --rules."),
    expanded: bool = typer.Option(False, "--expanded",
                                  help="Also show each rule's kind, languages and pattern "
                                       "with its {{fragments}} expanded."),
) -> None:
    """List rules: id, action and description, one per line."""
    try:
        ruleset = Cleaner(rules or (), builtin=not no_builtin).rules
    except CleanerError as e:
        raise fail(str(e))
    for r in ruleset:
        write_out(f"{r.id}\t{r.action}\t{r.description}\n")
        if expanded:
            write_out(f"  kind: {r.kind}  langs: {' '.join(r.langs) or '-'}  source: {r.source}\n")
            write_out(f"  pattern: {r.pattern.pattern}\n")
            if r.until is not None:
                write_out(f"  until: {r.until.pattern}\n")
            if r.takes is not None:
                write_out(f"  takes: {r.takes}\n")


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
    if paths:
        # Tested alone, a file may reuse a built-in rule's id, which `clean
        # --rules` refuses (and --no-builtin-rules allows): say so here.
        builtin = {r.id: r.source for r in Cleaner(heuristics=False).rules}
        failures += [f"{r.source}: rule {r.id}: the id of a built-in rule ({builtin[r.id]}): "
                     f"`clean --rules` refuses it unless --no-builtin-rules"
                     for r in ruleset if r.id in builtin]
    for f in failures:
        sys.stderr.write(f + "\n")
    n = sum(len(r.examples_drop) + len(r.examples_keep) for r in ruleset)
    sys.stderr.write(f"{len(ruleset)} rules, {n} examples, {len(failures)} failed\n")
    raise typer.Exit(EXIT_CHANGED if failures else EXIT_OK)


def _invoke(typer_app: typer.Typer, args: list[str], prog_name: str) -> int:
    """Run a command and return its exit status.

    Typer's own runner is bypassed on purpose: it prints usage errors on
    three or four lines with hints, and turns a closed pipe into exit 1
    before we can see it. Here every exception reaches main().
    """
    command = typer.main.get_command(typer_app)
    try:
        with command.make_context(prog_name, args) as ctx:
            command.invoke(ctx)
    except typer.Exit as e:
        return e.exit_code
    return EXIT_OK


def _usage_error(e: Exception) -> str:
    """Click's message for a usage error, on one line, with a "did you mean"
    only when an option is close (click's own list of "possible options" is
    whatever shares a few letters)."""
    option, possible = getattr(e, "option_name", None), getattr(e, "possibilities", None)
    if possible is None and hasattr(e, "format_message"):   # names the parameter
        message = e.format_message()
    else:
        message = getattr(e, "message", None) or str(e)
    if option and possible:
        import difflib

        close = difflib.get_close_matches(option, sorted(possible), n=1, cutoff=0.7)
        if close:
            message += f" (did you mean {close[0]}?)"
    message = " ".join(message.split())
    return message[:1].lower() + message[1:]


class _ClosedStream:
    """Stands in for a standard stream the process was started without
    (``clean <&-``, ``clean file >&-``), which Python sets to None: its first
    use would be an AttributeError and a traceback. Reading stdin is an error
    naming it, as an unreadable file's is; writing stdout is the write error
    that ``run`` reports for a full disk; what goes to a closed stderr is lost,
    and the exit status still says what happened."""

    def __init__(self, name: str) -> None:
        self._name = name

    def isatty(self) -> bool:
        return False

    def flush(self) -> None:
        pass

    def write(self, text: str) -> int:
        if self._name == "<stderr>":
            return len(text)
        raise self._error()

    def __getattr__(self, attribute: str):
        raise self._error()

    def _error(self) -> Exception:
        if self._name == "<stdin>":
            return CleanerError("<stdin>: cannot read: standard input is closed")
        which = "output" if self._name == "<stdout>" else "error"
        return OSError(errno.EBADF, f"standard {which} is closed")


def _stand_in_for_closed_streams() -> None:
    for attribute in ("stdin", "stdout", "stderr"):
        if getattr(sys, attribute) is None:
            setattr(sys, attribute, _ClosedStream(f"<{attribute}>"))


def _quiet_stdout() -> None:
    """Point stdout at /dev/null, so the interpreter's last flush of what is
    still buffered cannot fail again (and print "Exception ignored")."""
    if isinstance(sys.stdout, _ClosedStream):
        return      # nothing was buffered: there was no stream to buffer for
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


def main() -> None:
    """Entry point of the `clean` console script: runs the command, then ends the process."""
    _end(run(sys.argv[1:]))


def run(argv: list[str]) -> int:
    """Run `clean` with the arguments ``argv`` and return its exit status."""
    _stand_in_for_closed_streams()
    try:
        if argv[:1] == ["rules"]:
            # `clean rules` alone shows what the subcommands are.
            status = _invoke(rules_app, argv[1:] or ["--help"], "clean rules")
        else:
            status = _invoke(app, argv, "clean")
        sys.stdout.flush()
    except typer.TyperException as e:   # click's UsageError and friends
        sys.stderr.write(f"clean: error: {_usage_error(e)}\n")
        status = EXIT_ERROR
    except BrokenPipeError:
        # The reader downstream went away (`clean big.txt | head -1`): leave quietly.
        _quiet_stdout()
        status = EXIT_OK
    except OSError as e:
        if e.filename is not None:   # not stdout: a file the command could not handle
            raise
        # Writing the output failed: a full disk, /dev/full, a quota.
        _quiet_stdout()
        sys.stderr.write(f"clean: error: <stdout>: cannot write: {e.strerror or e}\n")
        status = EXIT_ERROR
    except CleanerError as e:
        sys.stderr.write(f"clean: error: {e}\n")
        status = EXIT_ERROR
    except (KeyboardInterrupt, typer.Abort):
        status = 130
    return status


def _end(status: int) -> NoReturn:
    """Exit with ``status``, without the interpreter's teardown when nothing needs it.

    At exit Python frees, one by one, every object still alive: numpy's,
    typer's, the rule data: 10-20 ms of CPU, 5-8% of `clean < seed`
    (bench/startup.py), that no output depends on. So once the atexit
    functions have run and stdout and stderr are flushed, the process ends
    at once, unless a thread the shutdown would wait for is still running.
    """
    if any(not t.daemon for t in threading.enumerate() if t is not threading.main_thread()):
        sys.exit(status)
    atexit._run_exitfuncs()       # as the usual exit does first (it clears them)
    try:
        for stream in (sys.stdout, sys.stderr):
            if stream is not None:    # None: started with it closed (2>&-)
                stream.flush()
    except (OSError, ValueError):     # the usual exit reports it, and exits 120
        sys.exit(status)
    os._exit(status)


if __name__ == "__main__":
    main()
