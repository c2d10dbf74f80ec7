"""Bytes in, a Document out: decoded text and its detected format.

HTML goes through trafilatura's main-content extraction, imported only here
and only then, so the plain-text path never pays for it.
"""
from __future__ import annotations

from dataclasses import dataclass

from .errors import InputError

FORMATS = ("auto", "text", "html")
_HTML_START = (b"<!doctype html", b"<html", b"<?xml", b"<head", b"<body")


@dataclass(frozen=True, slots=True)
class Document:
    name: str
    text: str
    format: str      # "text" or "html"
    raw: str | None = None   # the decoded HTML source, for html documents


def decode(data: bytes, name: str, encoding: str = "utf-8") -> str:
    """Decode strictly; an error names the input and the byte offset."""
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as e:
        raise InputError(f"{name}: not valid {encoding} at byte {e.start} "
                         f"(use --encoding to read another encoding)") from None
    except LookupError:
        raise InputError(f"{name}: unknown encoding {encoding!r}") from None


def detect_format(data: bytes) -> str:
    head = data[:512].lstrip().lower()
    return "html" if head.startswith(_HTML_START) else "text"


def html_to_text(html: str) -> str:
    """Main-content text of an HTML page (trafilatura, recall-oriented)."""
    import trafilatura  # lazy: only HTML input pays for it

    text = trafilatura.extract(html, favor_recall=True, include_comments=False,
                               include_tables=True)
    return (text or "") + ("\n" if text else "")


def read_bytes(data: bytes, name: str = "<stdin>", *, encoding: str = "utf-8",
               format: str = "auto") -> Document:
    if format not in FORMATS:
        raise InputError(f"{name}: unknown format {format!r}")
    text = decode(data, name, encoding)
    fmt = detect_format(data) if format == "auto" else format
    if fmt == "html":
        return Document(name, html_to_text(text), "html", raw=text)
    return Document(name, text, "text")
