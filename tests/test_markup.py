"""Markdown scrapes: the rules and the model judge each line as it reads, the
output keeps it as written (``cleaner.markup``).

The end-to-end cases in fixtures/markdown/ are corpus pages converted to
full-page Markdown scrapes (bench/markdown.py's ``to_markdown``); each lists the
article's lines as written (must-keep.md) and boilerplate lines picked by hand
(must-drop.md). Before the markup was read, 15 of the 20 must-drop lines stayed.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from cleaner import Cleaner
from cleaner.blocks import split_lines
from cleaner.markup import _MARKUP, _markup, read, written_spans
from conftest import FIXTURES

MARKDOWN_CASES = sorted(p for p in (FIXTURES / "markdown").iterdir() if p.is_dir())


def reading(text: str) -> list[str]:
    """Each line of ``text`` as the cleaner reads it."""
    blocks = split_lines(text)
    r = read(blocks, text)
    return [b.text for b in (r.blocks if r else blocks)]


def test_text_without_markup_is_its_own_reading():
    text = "* Home\n* News\nThe plan costs 5 * 3 million, officials said.\n"
    assert read(split_lines(text), text) is None


def test_each_line_reads_the_same_in_any_document():
    # what a line reads as depends on the line alone: a second pass over
    # the lines a first pass kept reads them as the first pass did
    line = "**Support us.** [Donate](https://example.com/donate)"
    alone = reading(line + "\n")
    assert alone == ["Support us. Donate"]
    assert reading("Intro.\n" + line + "\n* [Home](/)\n")[1] == alone[0]


def test_a_byte_order_mark_opening_the_text_is_not_read():
    """Strict UTF-8 reads a file's BOM as U+FEFF opening its first line, and
    rules anchored at a line's start missed that line ("Share this article"
    stayed); written out, the mark stays where it was."""
    assert reading("\ufeffShare this article\nStory.\n") == ["Share this article", "Story."]
    story = "The council met on Tuesday and voted on the harbour plan, officials said.\n"
    result = Cleaner(heuristics=False).analyze("\ufeffShare this article\n" + story)
    assert [d.reason for d in result.removed] == ["share.label"]
    assert result.text == "\ufeff" + story
    kept = Cleaner(heuristics=False).analyze("\ufeff" + story + "Share this article\n")
    assert kept.text == "\ufeff" + story


def test_characters_no_reader_sees_are_not_read_anywhere():
    """Zero-width spaces and joiners, soft hyphens, direction marks and U+FEFF
    inside the text render as nothing; CMS editors leave them in scraped text.
    Read as written, "\u200bSubscribe now" escaped every rule anchored at a
    line's start (534 of 960 mission lines stayed with one in front), and
    "Neu\u00adzeit" was no word the lexicon knows."""
    assert reading("\u200bSubscribe now\nGeschichte der Neu\u00adzeit\n"
                   "\u200eCookie\u2060 settings\nStory.\n\ufeffShare\n") == [
        "Subscribe now", "Geschichte der Neuzeit", "Cookie settings", "Story.", "Share"]
    text = "\ufeffShare this article\nStory.\n"     # a later window: read the same
    assert [b.text for b in read(split_lines(text, 0, 40), text, 40).blocks] == [
        "Share this article", "Story."]
    # a line of nothing but such characters is no blank line: it stays a line of its own
    assert read(split_lines("\u200c \u200c\n"), "\u200c \u200c\n") is None


def test_invisible_characters_do_not_hide_a_line_from_the_rules_and_are_written_as_they_were():
    story = ("Der Stadt\u00adrat stimmte am Dienstag \u00fcber den Hafen\u00adplan ab, "
             "wie die Verwaltung mitteilte.\n")
    text = f"{story}\n\u200bJetzt Newsletter abonnieren\n\nSubscribe\u200b now\n\n{story}"
    result = Cleaner().analyze(text)
    assert [d.reason.split(".")[0] for d in result.removed] == ["newsletter", "paywall"]
    assert result.text == f"{story}\n{story}"      # the soft hyphens written as they were


def test_links_read_as_their_text_images_as_their_alt_text():
    text = (
        "* [Share on Facebook](https://facebook.com/sharer?u=https://example.com/a \"Share\")\n"
        "[Email](mailto:?subject=a 'Send')\n"
        "[![Logo](https://example.com/logo.png)Example News](https://example.com/)\n"
        "![](https://example.com/photo.jpg)\n"
        "See [Paris (France)](https://en.wikipedia.org/wiki/Paris_(France)) for more.\n")
    assert reading(text) == ["* Share on Facebook", "Email", "LogoExample News", "",
                                 "See Paris (France) for more."]


def test_emphasis_and_escapes_are_set_aside_but_not_what_only_looks_like_them():
    text = (
        "**Sign up** for our _free_ newsletter\n"
        "* snake_case and 5 * 3 stay, as does a rule: ****\n"
        "app = Flask( __name__ ) calls f(*args, **kwargs)\n"
        "Prices* are in euros\n"
        "1\\. Not a list \\- really, 5 \\* 3 \\*\n")
    assert reading(text) == ["Sign up for our free newsletter",
                                 "* snake_case and 5 * 3 stay, as does a rule: ****",
                                 "app = Flask( __name__ ) calls f(*args, **kwargs)",
                                 "Prices* are in euros",
                                 "1. Not a list - really, 5 * 3 *"]


def test_an_empty_emphasis_at_a_line_edge_is_markup():
    # html2text prints an icon (an empty <i>) as "__"
    text = "* [ __Tweet](javascript:;)\nSections __\n__init__ and __name__\n*\n"
    assert reading(text) == ["*  Tweet", "Sections ", "__init__ and __name__", "*"]


def test_code_is_read_as_written():
    text = "```python\nf(**kwargs)  # _private_\n```\nCall `__init__` or **this**\n"
    assert reading(text) == ["```python", "f(**kwargs)  # _private_", "```",
                                 "Call `__init__` or this"]


def test_a_link_target_alone_on_its_line_goes():
    # html2text and markdownify wrap a link's text over two lines
    text = "[**http://amzn.to/2iJFhRj\n**](http://amzn.to/2iJFhRj) Buy it\n"
    assert reading(text) == ["[**http://amzn.to/2iJFhRj", "** Buy it"]


@pytest.mark.parametrize("line, span, written", [
    # a span over a whole link takes its brackets and target along
    ("Great story. [Subscribe now](https://x.com/s) for $1.", "Subscribe now for $1.",
     "[Subscribe now](https://x.com/s) for $1."),
    ("**Read more:** [Story](/a)", "Read more:", "**Read more:**"),
    ("Text _then_ more", "then", "_then_"),
    # ...but not the closing markup of what stays before it
    ("Read the **council minutes** (Advertisement) first", " (Advertisement)", " (Advertisement)"),
    ("Read [the minutes](https://x.com/a_b) (Advertisement) first", " (Advertisement)",
     " (Advertisement)"),
])
def test_spans_of_a_reading_map_back_to_the_line_as_written(line, span, written):
    text = line + "\n"
    r = read(split_lines(text), text)
    assert r is not None and 0 in r.kept
    read_line = r.blocks[0].text
    s = read_line.index(span)
    (a, b), = written_spans(r.kept[0], line, ((s, s + len(span)),))
    assert line[a:b] == written


def test_a_markdown_scrape_keeps_its_lines_as_written():
    text = (
        "# Council approves bike lanes\n\n"
        "The city council voted 7-2 on Tuesday to approve [protected bike lanes](https://example.com/lanes) "
        "along Main Street, ending a two-year debate.\n\n"
        "* [Share on Facebook](https://facebook.com/sharer)\n"
        "* [Share on X](https://x.com/intent)\n\n"
        "_This article is for subscribers only. [Subscribe now](https://example.com/subscribe) for $1 a week._\n\n"
        "Opponents, mostly shop owners, argued that removing 40 parking spaces would hurt business.\n")
    result = Cleaner().analyze(text)
    gone = {d.block.text: d.reason for d in result.decisions if not d.kept}
    assert set(gone) == {"* [Share on Facebook](https://facebook.com/sharer)",
                         "* [Share on X](https://x.com/intent)",
                         "_This article is for subscribers only. [Subscribe now](https://example.com/subscribe) "
                         "for $1 a week._"}
    assert gone["* [Share on X](https://x.com/intent)"].startswith("share.")
    out = result.text
    assert "[protected bike lanes](https://example.com/lanes)" in out
    assert Cleaner().clean(out) == out          # idempotent


def test_a_span_removed_after_emphasis_leaves_the_emphasis_closed():
    # ads.inline-label trims "(Advertisement)"; the bold before it keeps its "**"
    line = "Read the **council minutes** (Advertisement) before the vote, the mayor said."
    d = Cleaner(heuristics=False).analyze(line + "\n").decisions[0]
    assert d.kept and d.reason is not None
    assert d.text == "Read the **council minutes** before the vote, the mayor said."


def test_a_span_removed_from_a_reading_is_removed_with_its_markup():
    # share.trailing-share trims "Share this:" from a paragraph's end
    line = "The council will vote again in June. [**Share this:**](https://example.com/share)"
    d = Cleaner(heuristics=False).analyze(line + "\n").decisions[0]
    assert d.kept and d.reason == "share.trailing-share"
    assert d.block.text == line
    assert d.text == "The council will vote again in June."


def test_there_are_markdown_cases():
    assert len(MARKDOWN_CASES) >= 2
    for case in MARKDOWN_CASES:
        assert {p.name for p in case.iterdir()} >= {"input.md", "must-keep.md", "must-drop.md", "meta.json"}


@pytest.mark.parametrize("case", MARKDOWN_CASES, ids=lambda p: p.name)
def test_markdown_scrapes_of_real_pages_through_the_cli(case: Path, run_clean):
    done = run_clean(case / "input.md")
    assert done.returncode == 0, done.stderr
    out = done.stdout.decode("utf-8").split("\n")
    keep = (case / "must-keep.md").read_text(encoding="utf-8").splitlines()
    # the article's lines, as written and in order
    at = 0
    for line in keep:
        assert line in out[at:], f"lost: {line[:80]!r}"
        at = out.index(line, at) + 1
    stripped = {line.strip() for line in out}
    left = [line for line in (case / "must-drop.md").read_text(encoding="utf-8").splitlines()
            if line in stripped]
    assert not left


def test_markup_is_found_where_a_search_finds_it():
    """``_markup`` tries the pattern only at its start characters; the matches
    must be a search's: the same spans and kinds, the lookbehinds reading the
    text before each start, runs taken whole, and the next match looked for
    after the last one's end."""
    text = ("a*b* c **bold** x_y_z __init__ [link](http://x.org) ![img](y.png)\n"
            "\\*escaped\\_ snake_case_ * _ _ *** ____\n"
            "Sections __\n"
            "[ __Tweet](https://t.co/x) **a** b**")
    found = [(m.span(), m.lastgroup) for m in _markup(text)]
    assert found == [(m.span(), m.lastgroup) for m in _MARKUP.finditer(text)]
    kinds = {kind for _, kind in found}
    assert kinds == {"target", "emph", "escape"}
    starts = {span[0] for span, _ in found}
    # The lookbehind reads the character before the start: "a*" may open or
    # close emphasis, a "*" between spaces is a bullet or a product.
    assert text.index("a*b") + 1 in starts and text.index(" * ") + 1 not in starts
