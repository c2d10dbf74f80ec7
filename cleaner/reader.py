"""Bytes in, a Document out: decoded text and its detected format.

gzip input is unpacked first (recognised by its magic bytes, not its name).
HTML goes through trafilatura's main-content extraction, imported only here
and only then, so the plain-text path never pays for it. ``--encoding auto``
guesses with charset_normalizer (installed with trafilatura), also imported
only then.
"""
from __future__ import annotations

import codecs
import re
from typing import NamedTuple, Sequence

from .errors import InputError
from .programs import compiled

FORMATS = ("auto", "text", "html")
AUTO = "auto"
# JSON Lines are told by name, not by content: a scraped text may well open
# with a line of JSON (a page's JSON-LD), and read as records it would be an
# error on its second line.
JSONL_SUFFIXES = (".jsonl", ".ndjson", ".jsonl.gz", ".ndjson.gz")
GZIP_MAGIC = b"\x1f\x8b"
# Codecs that are not encodings of a text file: domain names, escapes of
# Python literals. They "decode" some inputs and fail on others in ways that
# say nothing useful, or yield lone surrogates that cannot be written out.
_NOT_FILE_ENCODINGS = {"idna", "punycode", "unicode-escape", "raw-unicode-escape"}
_SURROGATE = compiled("[\ud800-\udfff]")

# How far format detection looks; a page's preamble (comments, scripts,
# styles, PHP warnings) is rarely longer.
_SNIFF = 65536
_HTML_START = ("<!doctype html", "<html", "<?xml", "<head", "<body")
# What may come before the doctype or <html> on a real page: a BOM, blank
# space, comments (conditional ones too), whole script/style/noscript/title
# blocks, and tags without text between them (<meta>, <div>, </div>, <br />).
_PREAMBLE = compiled(
    r"\s+|\ufeff|<!--.*?-->|<!\[(?:if|endif)[^>]*>"
    r"|<(script|style|noscript|title)\b[^>]*>.*?</\1\s*>"
    r"|</?(?!(?:html|head|body)\b)[a-z][a-z0-9:-]*\b[^<>]*>",
    re.I | re.S)
# A line that starts with a tag: "<p>", "</div>", "<!-- x -->", "<br />".
_TAG_LINE = compiled(r"^\s*<(?:[a-z][a-z0-9:-]*|/[a-z][a-z0-9:-]*|!--)[\s>/]", re.I)
# A text is mostly markup when at least this share of its first non-blank
# lines start with a tag (and at least MIN_TAG_LINES do): no article reads so.
# (Documentation about HTML, with its code samples, stays below: MDN's
# <table> page has 57% tag lines.)
MARKUP_SHARE = 0.75
MIN_TAG_LINES = 3
_SNIFF_LINES = 400


# A NamedTuple, not a dataclass: its class is made at start-up (see blocks.Block).
class Document(NamedTuple):
    name: str
    text: str
    format: str      # "text" or "html"
    raw: str | None = None   # the decoded HTML source, for html documents
    encoding: str = "utf-8"  # the encoding used (the guess, with --encoding auto)
    gzip: bool = False       # the input was gzip-compressed
    why_html: str = ""       # how auto detection told HTML ("opens with <html", "mostly markup")


def check_encoding(encoding: str, name: str = "--encoding") -> str:
    """``encoding`` if it names a text encoding (or ``auto``), else an InputError."""
    if encoding == AUTO:
        return encoding
    try:
        info = codecs.lookup(encoding)
    except (LookupError, TypeError, ValueError):
        raise InputError(f"{name}: unknown encoding {encoding!r}") from None
    # _is_text_encoding is False for bytes-to-bytes codecs (rot13, base64, zlib, hex).
    if not getattr(info, "_is_text_encoding", True) or info.name in _NOT_FILE_ENCODINGS:
        raise InputError(f"{name}: {encoding!r} is not a text encoding")
    return encoding


def gunzip(data: bytes, name: str) -> bytes:
    """``data`` unpacked when it is gzip (by magic bytes), else unchanged."""
    if not data.startswith(GZIP_MAGIC):
        return data
    import gzip
    import zlib

    try:
        return gzip.decompress(data)
    except (OSError, EOFError, zlib.error) as e:
        raise InputError(f"{name}: looks gzip-compressed but cannot be unpacked: {e}") from None


def decode(data: bytes, name: str, encoding: str = "utf-8") -> str:
    """Decode strictly; an error names the input and the byte offset.

    ``encoding="auto"``: UTF-8 when the bytes are valid UTF-8, else a guess.
    """
    return decode_as(data, name, encoding)[0]


def decode_as(data: bytes, name: str, encoding: str = "utf-8") -> tuple[str, str]:
    """The decoded text and the encoding used (the guess, for ``auto``)."""
    if encoding == AUTO:
        encoding = _guess_encoding(data, name)
    else:
        check_encoding(encoding, f"{name}: --encoding")
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as e:
        raise InputError(f"{name}: not valid {encoding} at byte {e.start} "
                         f"(use --encoding to read another encoding)") from None
    except (UnicodeError, ValueError, TypeError, LookupError) as e:
        # Codecs that fail other than per byte (idna's label lengths, ...).
        raise InputError(f"{name}: cannot decode as {encoding}: {e}") from None
    if not _is_utf8(encoding) and _SURROGATE.search(text):
        # utf-7, utf-16 and friends can yield lone surrogates; UTF-8 output cannot hold them.
        raise InputError(f"{name}: decoding as {encoding} gives a lone surrogate "
                         f"at character {_SURROGATE.search(text).start()}")
    return text, encoding


def _guess_encoding(data: bytes, name: str) -> str:
    try:
        data.decode("utf-8")
        return "utf-8"     # valid UTF-8 is UTF-8: the guess cannot do better
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes  # lazy: only --encoding auto pays for it

    best = from_bytes(data).best()
    if best is None:
        raise InputError(f"{name}: --encoding auto found no text encoding that fits "
                         f"(binary data? name one with --encoding)")
    return best.encoding


def detect_format(data: bytes | str) -> str:
    """"html" or "text", from the content only (``why_html`` says how)."""
    return "html" if why_html(data) else "text"


def why_html(data: bytes | str) -> str:
    """How ``data`` reads as HTML: "opens with <!doctype html" (or <html, <head,
    <body, <?xml, after what pages put before them), "mostly markup", or "" (text)."""
    head = data[:_SNIFF]
    if isinstance(head, bytes):
        head = head.decode("utf-8", "replace")
    pos, n = 0, len(head)
    while pos < n:     # skip what pages put before <!doctype> or <html>
        m = _PREAMBLE.match(head, pos)
        if not m or m.end() == pos:
            break
        pos = m.end()
    start = head[pos:pos + 14].lower()
    for tag in _HTML_START:
        if start.startswith(tag):
            return f"opens with {tag}"
    lines = [ln for ln in head.splitlines()[:_SNIFF_LINES] if ln.strip()]
    tagged = sum(1 for ln in lines if _TAG_LINE.match(ln))
    if tagged >= MIN_TAG_LINES and tagged >= MARKUP_SHARE * len(lines):
        return "mostly markup"
    return ""


# <meta charset="x"> and <meta http-equiv="Content-Type" content="text/html; charset=x">
_META_CHARSET = compiled(rb"<meta\b[^>]*?charset\s*=\s*[\"']?\s*([A-Za-z0-9._:-]+)", re.I)
# Labels that browsers read as windows-1252 (WHATWG Encoding): pages that say
# latin-1 are written in it, curly quotes and all.
_WINDOWS_1252 = {"iso-8859-1", "iso8859-1", "latin1", "latin-1", "l1", "ascii", "us-ascii",
                 "iso_8859-1", "cp819", "ibm819", "windows-1252"}


def _is_utf8(encoding: str) -> bool:
    return encoding.replace("_", "-").lower() in ("utf-8", "utf8")


def declared_charset(data: bytes) -> str | None:
    """The text encoding an HTML page declares in a <meta> tag of its head, if any."""
    m = _META_CHARSET.search(data[:_SNIFF])
    if m is None:
        return None
    label = m.group(1).decode("ascii").lower()
    if label in _WINDOWS_1252:
        return "cp1252"
    try:
        check_encoding(label)
    except InputError:
        return None
    return None if _is_utf8(label) else label


def html_to_text(html: str) -> str:
    """Main-content text of an HTML page: the longer of trafilatura's two extractions.

    ``favor_recall`` usually finds more, but on some pages it settles on a
    smaller node than the default and loses whole paragraphs (wcxb article
    pages: 25 must-keep snippets the default keeps). Taking the longer text
    costs a second extraction; the text heuristics then remove what the longer
    one brought in. Measured on wcxb page.html.gz: F1 0.924 -> 0.933 on article
    pages, 0.526 -> 0.659 on forums (trafilatura's default: 0.915, 0.656).
    """
    texts = [_extract(html, favor_recall=recall) for recall in (True, False)]
    text = max(texts, key=len)      # ties: the recall extraction
    return text + ("\n" if text else "")


def _extract(html: str, favor_recall: bool) -> str:
    import trafilatura  # lazy: only HTML input pays for it

    from .prune import prune_xpath

    # Newsletter boxes, paywall overlays, donation modals and consent banners go
    # first, by class and id (cleaner/data/prune.yaml); if that left nothing,
    # the page's main text was inside one of them, so extract it unpruned.
    for prune in (list(prune_xpath()), None):
        text = trafilatura.extract(html, favor_recall=favor_recall, include_comments=False,
                                   include_tables=True, prune_xpath=prune)
        if text:
            return text
    return ""


def is_jsonl_name(name: str) -> bool:
    return name.lower().endswith(JSONL_SUFFIXES)


def format_by_name(names: Sequence[str | None]) -> str:
    """``auto``'s format for a run's inputs: "jsonl" when every input is named as
    JSON Lines, else "auto" (None: stdin without a name, which is text).

    A run that mixes the two is an InputError: records and text cannot go to
    one output, and treating a file of records as text would pass it through
    untouched."""
    jsonl = [n for n in names if n is not None and is_jsonl_name(n)]
    if not jsonl:
        return AUTO
    other = next((n for n in names if n is None or not is_jsonl_name(n)), False)
    if other is not False:
        raise InputError(f"{jsonl[0]} is JSON Lines and {other or '<stdin>'} is not: clean them "
                         f"in separate runs, or give --format")
    return "jsonl"


def read_bytes(data: bytes, name: str = "<stdin>", *, encoding: str = "utf-8",
               format: str = "auto") -> Document:
    """Unpack (gzip), decode and, for HTML, extract: one input as a Document."""
    if format not in FORMATS:
        raise InputError(f"{name}: unknown format {format!r} (expected one of {', '.join(FORMATS)})")
    packed = data.startswith(GZIP_MAGIC)
    data = gunzip(data, name)
    try:
        text, used = decode_as(data, name, encoding)
    except InputError as not_utf8:
        # An HTML page that is not UTF-8 is read in the charset it declares;
        # text stays strict (it declares nothing).
        declared = (declared_charset(data) if _is_utf8(encoding) and format != "text"
                    and (format == "html" or why_html(data)) else None)
        if declared is None:
            raise
        try:
            text, used = decode_as(data, name, declared)
        except InputError:
            raise InputError(f"{not_utf8} and not valid in the charset the page declares "
                             f"({declared})") from None
    how = why_html(text) if format == "auto" else ("forced" if format == "html" else "")
    if how:
        return Document(name, html_to_text(text), "html", raw=text, encoding=used,
                        gzip=packed, why_html=how)
    return Document(name, text, "text", encoding=used, gzip=packed)
