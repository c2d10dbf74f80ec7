"""blocks.split_lines: every line keeps its exact span and end-of-line bytes."""
from __future__ import annotations

import pytest

from cleaner.blocks import split_lines


def rebuild(text: str) -> str:
    return "".join(b.text + b.eol for b in split_lines(text))


def test_empty_text_has_no_blocks():
    assert split_lines("") == []


def test_lf_lines_and_spans():
    text = "Title\n\nFirst paragraph.\n"
    blocks = split_lines(text)
    assert [(b.index, b.start, b.text, b.eol) for b in blocks] == [
        (0, 0, "Title", "\n"),
        (1, 6, "", "\n"),
        (2, 7, "First paragraph.", "\n"),
    ]
    for b in blocks:
        assert text[b.start:b.end] == b.text
        assert text[b.end:b.end + len(b.eol)] == b.eol
    assert [b.line_no for b in blocks] == [1, 2, 3]


def test_crlf_is_one_line_end():
    text = "one\r\ntwo\r\n\r\nthree\r\n"
    blocks = split_lines(text)
    assert [b.text for b in blocks] == ["one", "two", "", "three"]
    assert [b.eol for b in blocks] == ["\r\n"] * 4
    assert rebuild(text) == text


def test_lone_cr_ends_a_line():
    text = "old mac\rline two\rlast"
    blocks = split_lines(text)
    assert [(b.text, b.eol) for b in blocks] == [("old mac", "\r"), ("line two", "\r"), ("last", "")]
    assert rebuild(text) == text


def test_mixed_line_ends_round_trip():
    text = "a\nb\r\nc\rd\n\re"
    blocks = split_lines(text)
    # "\n\r" is two line ends (LF, then a lone CR), not one.
    assert [(b.text, b.eol) for b in blocks] == [
        ("a", "\n"), ("b", "\r\n"), ("c", "\r"), ("d", "\n"), ("", "\r"), ("e", "")]
    assert rebuild(text) == text


def test_last_line_without_newline():
    blocks = split_lines("first\nsecond")
    assert blocks[-1].text == "second"
    assert blocks[-1].eol == ""
    assert len(blocks) == 2


def test_text_ending_in_newline_has_no_empty_last_block():
    assert len(split_lines("only\n")) == 1
    assert len(split_lines("only\n\n")) == 2


@pytest.mark.parametrize("text", ["\n", "\r\n", "   ", " \t \n\u00a0\n"])
def test_blank_lines(text):
    blocks = split_lines(text)
    assert blocks and all(b.blank for b in blocks)
    assert rebuild(text) == text


def test_unicode_line_separators_do_not_split():
    # Only \r and \n end lines; U+2028, U+0085 and form feeds are line content.
    text = "a\u2028b\u0085c\x0cd\n"
    blocks = split_lines(text)
    assert len(blocks) == 1
    assert blocks[0].text == "a\u2028b\u0085c\x0cd"


def test_stripped_and_words():
    b = split_lines("  Hello, wörld – 42!  \n")[0]
    assert b.stripped == "Hello, wörld – 42!"
    assert b.words() == ["Hello", "wörld", "42"]
    assert not b.blank


def test_round_trip_of_a_real_fixture(seed_input):
    text = seed_input.decode("utf-8")
    assert rebuild(text) == text
    blocks = split_lines(text)
    assert blocks[0].text == "Support The Moscow Times!"
    assert blocks[-1].text == "Read more" and blocks[-1].eol == ""


@pytest.mark.parametrize("seed", range(20))
def test_random_texts_round_trip(seed):
    import random

    rnd = random.Random(seed)
    alphabet = ["a", "b", " ", "\t", "é", "\u2028", "\r", "\n", "\r\n", "\x00", "—"]
    text = "".join(rnd.choice(alphabet) for _ in range(rnd.randrange(0, 300)))
    blocks = split_lines(text)
    assert rebuild(text) == text
    pos = 0
    for i, b in enumerate(blocks):
        assert b.index == i and b.start == pos
        assert "\r" not in b.text and "\n" not in b.text
        assert b.eol in ("\n", "\r\n", "\r") or (b.eol == "" and i == len(blocks) - 1)
        pos = b.end + len(b.eol)
    assert pos == len(text)
