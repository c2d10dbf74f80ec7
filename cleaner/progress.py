"""What a batch run shows on a terminal while it works: phase, count, rate, ETA.

``View`` is the quiet version (pipes, ``-q``, small runs in tests): messages
go straight to the stream. ``view_for`` returns a rich progress display only
when stderr is a terminal; rich is imported only then (typer already
installs it).
"""
from __future__ import annotations

from typing import TextIO


class View:
    """No progress display: notes are written as they come."""

    def __init__(self, err: TextIO, out: TextIO):
        self.err, self.out = err, out

    def phase(self, label: str, total: int | None = None) -> None:
        """Start a phase ("collecting", "scanning", "cleaning"); ``total`` None while unknown."""

    def advance(self, n: int = 1) -> None:
        """``n`` more files done in this phase."""

    def note(self, text: str) -> None:
        """A line for stderr (warning, error, "cleaned ...")."""
        self.err.write(text + "\n")

    def emit(self, text: str) -> None:
        """Output for stdout (a diff, a path)."""
        self.out.write(text)

    def close(self) -> None:
        """Remove the display."""


class RichView(View):
    """rich's progress bar on stderr; lines printed above it, the bar cleared at the end."""

    def __init__(self, err: TextIO, out: TextIO):
        super().__init__(err, out)
        from rich.console import Console
        from rich.progress import (BarColumn, MofNCompleteColumn, Progress, ProgressColumn,
                                   SpinnerColumn, TextColumn, TimeElapsedColumn,
                                   TimeRemainingColumn)
        from rich.text import Text

        class Rate(ProgressColumn):
            def render(self, task):  # type: ignore[no-untyped-def]
                speed = task.finished_speed or task.speed
                return Text(f"{speed:,.0f} files/s" if speed else "", style="progress.data.speed")

        self._text = Text
        self.console = Console(file=err, highlight=False)
        self.bar = Progress(SpinnerColumn(), TextColumn("clean: {task.description}"), BarColumn(),
                            MofNCompleteColumn(), Rate(), TimeElapsedColumn(), TextColumn("ETA"),
                            TimeRemainingColumn(), console=self.console, transient=True,
                            redirect_stdout=False, redirect_stderr=False, refresh_per_second=8)
        self.task = None
        self.bar.start()
        self._out_tty = _isatty(out)

    def phase(self, label: str, total: int | None = None) -> None:
        if self.task is not None:
            self.bar.remove_task(self.task)
        self.task = self.bar.add_task(label, total=total)

    def advance(self, n: int = 1) -> None:
        if self.task is not None:
            self.bar.advance(self.task, n)

    def note(self, text: str) -> None:
        self.console.print(self._text(text), soft_wrap=True)

    def emit(self, text: str) -> None:
        if self._out_tty:
            # stdout is the same screen: print above the bar instead of through it.
            self.console.print(self._text(text.rstrip("\n")), soft_wrap=True)
        else:
            self.out.write(text)

    def close(self) -> None:
        self.bar.stop()


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def view_for(err: TextIO, out: TextIO, quiet: bool) -> View:
    if quiet or not _isatty(err):
        return View(err, out)
    return RichView(err, out)
