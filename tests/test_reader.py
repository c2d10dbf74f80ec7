"""reader: strict decoding with errors that say where, format detection, HTML via trafilatura."""
from __future__ import annotations

import subprocess
import sys

import pytest

from cleaner.errors import CleanerError, InputError
from cleaner.reader import decode, detect_format, html_to_text, read_bytes
from conftest import FIXTURES, REPO

HTML_PAGE = FIXTURES / "html" / "readability-daringfireball-1" / "page.html"


# --- decoding ------------------------------------------------------------------------------

def test_utf8_decodes_exactly():
    data = "Zürich – “quoted” 東京\r\n".encode("utf-8")
    assert decode(data, "x") == "Zürich – “quoted” 東京\r\n"


def test_invalid_utf8_names_input_and_byte_offset():
    data = b"Caf\xc3\xa9 ok\nbad \xff here\n"   # \xff is byte 13: "Caf" 3 + é 2 + " ok" 3 + newline 1 + "bad " 4
    with pytest.raises(InputError) as e:
        decode(data, "news/story.txt")
    msg = str(e.value)
    assert "news/story.txt" in msg
    assert "byte 13" in msg
    assert "\n" not in msg


def test_truncated_multibyte_sequence_offset():
    data = "abc".encode() + "é".encode("utf-8")[:1]     # cut in the middle of é
    with pytest.raises(InputError, match=r"byte 3\b"):
        decode(data, "<stdin>")


def test_invalid_utf8_is_a_cleaner_error():
    # The CLI turns CleanerError into one line and exit 2; InputError must be one.
    with pytest.raises(CleanerError):
        read_bytes(b"\x80", "f.txt")


def test_declared_latin1_fallback():
    assert decode("Café".encode("latin-1"), "f", "latin-1") == "Café"


def test_unknown_encoding_is_an_input_error():
    with pytest.raises(InputError, match="f.txt"):
        decode(b"abc", "f.txt", "no-such-codec")


def test_utf8_bom_is_not_silently_kept_as_text_start():
    # Strict UTF-8 keeps a BOM as U+FEFF; the text round-trips byte for byte.
    data = b"\xef\xbb\xbfTitle\n"
    assert decode(data, "f").encode("utf-8") == data


# --- format detection ----------------------------------------------------------------------

@pytest.mark.parametrize("head", [
    b"<!DOCTYPE html><html><body><p>x</p></body></html>",
    b"<!doctype HTML>\n<html>",
    b"   \n\t<html lang='en'>",
    b"<html>",
    b"<head><title>t</title></head>",
    b"<body><p>x</p></body>",
])
def test_html_is_detected(head):
    assert detect_format(head) == "html"


@pytest.mark.parametrize("text", [
    b"Plain news text.\nSecond line.\n",
    b"",
    b"The <html> tag is mentioned in this sentence.\n",
    b"# A markdown heading\n\nText.\n",
    b"a < b and c > d\n",
])
def test_text_is_not_mistaken_for_html(text):
    assert detect_format(text) == "text"


def test_real_page_is_detected_as_html():
    assert detect_format(HTML_PAGE.read_bytes()) == "html"


def test_text_path_returns_text_unchanged():
    data = "Line one\r\n\r\nLine two".encode()
    doc = read_bytes(data, "a.txt")
    assert doc.format == "text"
    assert doc.text == "Line one\r\n\r\nLine two"
    assert doc.raw is None


def test_forced_text_format_keeps_markup():
    doc = read_bytes(b"<html><body><p>Hi</p></body></html>", "a", format="text")
    assert doc.format == "text"
    assert doc.text == "<html><body><p>Hi</p></body></html>"


def test_unknown_format_is_an_input_error():
    with pytest.raises(InputError, match="a.txt"):
        read_bytes(b"x", "a.txt", format="pdf")


# --- HTML through real trafilatura -----------------------------------------------------------

def test_html_to_text_on_a_real_page():
    text = html_to_text(HTML_PAGE.read_text(encoding="utf-8"))
    lines = [line.strip() for line in text.splitlines()]
    # main content in
    assert "Daring Fireball is written and produced by John Gruber." in lines
    assert "The Daring Fireball website is hosted by Joyent." in lines
    assert any(line.startswith("Web standards are important, and Daring Fireball adheres") for line in lines)
    # markup, head, navigation and footer out
    assert "<" not in text and "stylesheet" not in text
    assert "Copyright © 2002–2015 The Daring Fireball Company LLC." not in lines
    assert "Vesper: Now for iPad" not in text
    assert text.endswith("\n") and not text.endswith("\n\n")


def test_read_bytes_auto_detects_real_html():
    doc = read_bytes(HTML_PAGE.read_bytes(), "page.html")
    assert doc.format == "html"
    assert doc.raw is not None and doc.raw.startswith("<!DOCTYPE html")
    assert "Daring Fireball is written and produced by John Gruber." in doc.text


def test_html_without_content_gives_empty_text():
    assert html_to_text("<html><head><title>t</title></head><body></body></html>") == ""


def test_plain_text_path_does_not_import_trafilatura():
    """The plain-text path must never pay for trafilatura or lxml (run in a fresh interpreter)."""
    code = (
        "import sys\n"
        "from cleaner import Cleaner\n"
        "from cleaner.reader import read_bytes\n"
        "doc = read_bytes(b'Some text\\nmore\\n', 'x')\n"
        "Cleaner().analyze_bytes(b'Some text\\nRead more\\n', 'x')\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('trafilatura', 'lxml', 'justext'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == ""
