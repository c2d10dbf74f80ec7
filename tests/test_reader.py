"""reader: strict decoding with errors that say where, format detection, HTML via trafilatura."""
from __future__ import annotations

import subprocess
import sys

import pytest

from cleaner.errors import CleanerError, InputError
from cleaner.reader import (check_encoding, decode, decode_as, detect_format, gunzip, html_to_text,
                            read_bytes, why_html)
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


# --- what comes before the doctype, and markup without one ------------------------------

@pytest.mark.parametrize("head", [
    b"\xef\xbb\xbf<!DOCTYPE html><html>",
    b"\n\n<!-- html-header: generated by X -->\n<!DOCTYPE html>\n<html>",
    b"<!--[if IE]><![endif]-->\n<html lang='de'>",
    b"<script type='text/javascript'>var a = '<div>' + x;</script>\n<!doctype html>",
    b"<style>\n  body { color: red }\n</style>\n<html>",
    b"<script>var s='x';</script><div><script>new Image();</script></div><html>\n<head>",
    b"<meta property='og:title' content='x'>\n<!DOCTYPE html>",
])
def test_html_is_detected_past_its_preamble(head):
    assert detect_format(head) == "html"
    assert detect_format(head.decode("utf-8")) == "html"


def test_markup_without_a_doctype_is_html():
    # PHP warnings before the page, as some servers send them.
    page = ("<br />\n<b>Warning</b>:  mysql_get_server_info(): Access denied in <b>x.php</b>\n"
            "<div class='post'>\n<h1>Title</h1>\n<p>First paragraph of the post.</p>\n"
            "<p>Second paragraph.</p>\n</div>\n")
    assert why_html(page) == "mostly markup"


def test_an_article_about_html_stays_text():
    # Half its lines are a code sample; the prose around it makes it text.
    prose = "The table element represents tabular data in rows and columns of cells.\n"
    sample = "<table>\n  <tr>\n    <td>22</td>\n  </tr>\n</table>\n"
    assert detect_format(prose * 5 + sample) == "text"
    assert detect_format("<b>Note</b>: the old API is gone.\nUse the new one.\n") == "text"


def test_read_bytes_reads_a_page_with_a_leading_comment_as_html():
    page = b"<!-- cached 2025-01-01 -->\n" + HTML_PAGE.read_bytes()
    doc = read_bytes(page, "page")
    assert doc.format == "html" and doc.why_html == "opens with <!doctype html"
    assert read_bytes(b"<html><body></body></html>", "e.html").why_html == "opens with <html"
    assert "Daring Fireball is written and produced by John Gruber." in doc.text


# --- gzip and encodings -----------------------------------------------------------------------

def test_gzip_is_read_by_magic_bytes():
    import gzip
    doc = read_bytes(gzip.compress("Zürich\nline two\n".encode()), "x.txt")
    assert (doc.text, doc.gzip, doc.format) == ("Zürich\nline two\n", True, "text")
    html = read_bytes(gzip.compress(HTML_PAGE.read_bytes()), "page.bin")
    assert html.format == "html" and "John Gruber" in html.text


def test_broken_gzip_is_an_input_error():
    import gzip
    data = gzip.compress(b"some text " * 100)[:20]
    with pytest.raises(InputError, match=r"^x\.gz: looks gzip-compressed but cannot be unpacked"):
        read_bytes(data, "x.gz")


def test_gunzip_leaves_other_bytes_alone():
    assert gunzip(b"plain", "x") == b"plain"


@pytest.mark.parametrize("enc", ["idna", "punycode", "rot13", "base64", "hex", "zlib",
                                 "unicode_escape", "klingon-8"])
def test_encodings_that_are_no_text_file_encoding_are_refused(enc):
    with pytest.raises(InputError) as e:
        check_encoding(enc)
    assert repr(enc) in str(e.value) and "\n" not in str(e.value)
    with pytest.raises(InputError):
        decode(b"www.example.com\n" + b"x" * 80, "f.txt", enc)


def test_lone_surrogate_from_a_codec_is_an_input_error():
    with pytest.raises(InputError, match="lone surrogate"):
        decode(b"ok +2AA- there", "f.txt", "utf-7")


def test_encoding_auto_keeps_utf8_and_guesses_others():
    assert decode_as("Grüße aus Zürich\n".encode(), "f", "auto") == ("Grüße aus Zürich\n", "utf-8")
    text = ("Le ministre a déclaré lundi que le budget régional serait équilibré d'ici à 2027, "
            "selon des responsables qui se sont exprimés à l'issue de la séance.\n") * 3
    got, enc = decode_as(text.encode("cp1252"), "f", "auto")
    assert got == text and enc != "utf-8"


def test_encoding_auto_only_imports_charset_normalizer_when_guessing():
    code = ("import sys\nfrom cleaner.reader import read_bytes\n"
            "read_bytes(b'plain text\\n', 'x', encoding='auto')\n"
            "print('charset_normalizer' in sys.modules)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "False"


# --- the corpus: every page is HTML, no scraped text is --------------------------------------

@pytest.mark.slow
def test_every_corpus_page_is_html_and_no_text_is(corpus):
    import gzip
    pages = sorted(corpus.glob("*/*/page.html.gz"))
    assert len(pages) > 100
    missed = [p for p in pages if detect_format(gzip.decompress(p.read_bytes())) != "html"]
    assert missed == []
    texts = sorted(corpus.glob("*/*/scraped-*.txt")) + sorted(corpus.glob("*/*/expected.txt"))
    taken = [p for p in texts if detect_format(p.read_bytes()) == "html"]
    assert taken == []


# --- HTML in the charset it declares ------------------------------------------------------

def _page(charset_tag: str, body: str, encoding: str) -> bytes:
    return (f"<!DOCTYPE html><html><head>{charset_tag}<title>t</title></head><body>"
            f"<article><p>{body}</p></article></body></html>").encode(encoding)


@pytest.mark.parametrize("tag,encoding,expect", [
    ('<meta charset="iso-8859-1">', "cp1252", "cp1252"),     # browsers read latin-1 as windows-1252
    ("<meta http-equiv='Content-Type' content='text/html; charset=windows-1251'>", "cp1251",
     "windows-1251"),
    ('<META CHARSET=shift_jis>', "shift_jis", "shift_jis"),
])
def test_html_that_is_not_utf8_is_read_in_its_declared_charset(tag, encoding, expect):
    body = {"cp1252": "Café “quoted” – naïve", "cp1251": "Привет, мир", "shift_jis": "日本語の記事"}[encoding]
    doc = read_bytes(_page(tag, body, encoding), "page.html", format="html")
    assert body in doc.raw and doc.encoding == expect
    auto = read_bytes(_page(tag, body, encoding), "page.html")      # format detected
    assert auto.format == "html" and body in auto.raw


def test_valid_utf8_wins_over_a_wrong_declaration():
    # Pages often keep a stale <meta charset> after moving to UTF-8.
    doc = read_bytes(_page('<meta charset="iso-8859-1">', "Café", "utf-8"), "page.html")
    assert "Café" in doc.raw and doc.encoding == "utf-8"


def test_text_and_undeclared_html_stay_strict():
    with pytest.raises(InputError, match=r"f\.txt: not valid utf-8"):
        read_bytes('<meta charset="latin-1"> Café'.encode("latin-1"), "f.txt", format="text")
    with pytest.raises(InputError, match=r"p\.html: not valid utf-8"):
        read_bytes(_page("", "Café", "latin-1"), "p.html")
    # an explicit other encoding is used as given, never replaced by the declaration
    with pytest.raises(InputError, match="ascii"):
        read_bytes(_page('<meta charset="latin-1">', "Café", "latin-1"), "p.html", encoding="ascii")


def test_html_invalid_in_its_declared_charset_says_both():
    data = _page('<meta charset="utf-16">', "x", "utf-8") + b"\xff\xfe\x00"
    with pytest.raises(InputError, match=r"p\.html: not valid utf-8 .* declares \(utf-16\)"):
        read_bytes(data, "p.html")


def test_html_to_text_keeps_what_the_recall_extraction_alone_loses(corpus):
    # wcxb 0183 (a 2025 article page): trafilatura's favor_recall settles on a
    # smaller node and loses four of the reference's must-keep paragraphs,
    # which the default extraction has; the longer of the two is taken.
    import gzip
    import json

    from cleaner.reader import _extract

    case = corpus / "wcxb" / "0183"
    if not case.is_dir():
        pytest.skip("wcxb case 0183 is not in this corpus")
    html = gzip.decompress((case / "page.html.gz").read_bytes()).decode("utf-8")
    must_keep = json.loads((case / "meta.json").read_text("utf-8"))["must_keep"]
    recall_only = " ".join(_extract(html, favor_recall=True).split())
    text = " ".join(html_to_text(html).split())
    lost_by_recall = [s for s in must_keep if " ".join(s.split()) not in recall_only]
    assert lost_by_recall
    assert [s for s in lost_by_recall if " ".join(s.split()) not in text] == []
