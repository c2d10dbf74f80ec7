"""features: the registry of named unit features, computed for a whole document at once."""
from __future__ import annotations

import json
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner.blocks import WORD, split_lines
from cleaner.features import (DATA, FEATURES, DocView, feature, lexicon, lexicon_json, lexicon_keys, read_lexicon,
                              unit_table)
from cleaner.language import guess_language, stopwords
from cleaner.units import group


def view_of(text: str) -> DocView:
    blocks = split_lines(text)
    units = group(blocks)
    return DocView(blocks, units.of_line, units.count)


def column(text: str, name: str) -> np.ndarray:
    return FEATURES[name](view_of(text))


def first(text: str, name: str) -> float:
    return float(column(text, name)[0])


def test_every_registered_feature_gives_one_value_per_unit():
    text = ("Home | News | Sport\n\nA Headline\n\nThe council met on Monday, and it agreed. "
            "Then it adjourned.\n* one\n* two\n\n```\ncode here;\n```\n")
    view = view_of(text)
    table = unit_table(view, tuple(FEATURES))
    assert table.shape == (view.n, len(FEATURES))
    assert np.isfinite(table).all()


def test_an_empty_document_has_no_units_and_no_errors():
    view = view_of("")
    assert unit_table(view, tuple(FEATURES)).shape == (0, len(FEATURES))
    assert unit_table(view_of("\n\n  \n"), tuple(FEATURES)).shape == (0, len(FEATURES))


def test_adding_a_feature_is_one_function_and_one_entry():
    @feature("test_question_mark")
    def _question(d: DocView) -> np.ndarray:
        return d.unit_any(__import__("re").compile(r"\?"))

    try:
        assert list(column("Is it true?\n\nIt is.\n", "test_question_mark")) == [1.0, 0.0]
        with pytest.raises(ValueError, match="registered twice"):
            feature("test_question_mark")(_question)
    finally:
        del FEATURES["test_question_mark"]


def test_call_to_action_money_and_list_features():
    assert first("Subscribe now for full access", "cta_opener") == 1.0
    assert first("* Subscribe: it is free", "cta_opener") == 1.0
    assert first("Subscribers were angry when the price doubled.", "cta_opener") == 0.0
    assert first("Jetzt abonnieren und weiterlesen", "cta_opener") == 1.0
    assert first("Give $5 a month", "money") == 1.0
    assert first("It cost 20 euro in the end.", "money") == 1.0
    assert first("* Weather", "list_marker") == 1.0
    assert first("Name      Age      Town", "table_columns") == 1.0
    assert first("    Indented text only", "table_columns") == 0.0


def test_dates_with_digits_or_month_names():
    assert first("Updated 12:45, 3 May", "date") == 1.0
    assert first("Published on 2024-05-03", "date") == 1.0
    assert first("March 3 2021", "date") == 1.0
    assert first("In May the council met again.", "date") == 0.0


def test_list_runs_tell_a_nested_menu_from_a_list_of_sentences():
    menu = ("* Rund ums Fahrzeug\n  + Elektromobilität\n  + Autonomes Fahren\n"
            "  + Motorrad & Roller\n* Verkehr\n  + Routenplaner\n")
    steps = ("- Preheat the oven and grease a tin.\n- mix the flour with the sugar.\n"
             "- bake for forty minutes, then let it cool.\n")
    view = view_of(menu + "\nTo make the cake:\n" + steps)
    run, title, nested = (FEATURES[n](view) for n in ("list_run", "list_run_title", "list_run_nested"))
    first_menu, first_step = 0, 7
    assert run[first_menu] == pytest.approx(math.log1p(6))
    assert nested[first_menu] == 1.0
    assert run[first_step] == pytest.approx(math.log1p(3))
    assert nested[first_step] == 0.0
    # Title-case labels weigh their run; mostly lower-case sentences barely do.
    assert title[first_menu] > 2 * title[first_step]
    assert first("A paragraph, not a list item.", "list_run") == 0.0


def test_prose_vocabulary_tells_the_article_from_the_headline_of_another_story():
    one = "The harbour board approved the ferries budget on Tuesday, and the board will meet again in May.\n"
    two = "The ferries budget was approved by the harbour board on Tuesday, after a debate of many hours.\n"
    rest = "Celebrity chef opens restaurant in Paris\n\n12 | 34\n\nHarbour ferries budget\n"
    vocabulary = column(f"{one}\n{two}\n{rest}", "prose_vocabulary")
    assert (vocabulary[:2] > 0).all()     # the paragraphs share "harbour", "ferries", "budget" ...
    assert vocabulary[2] == -1.0          # the other story shares none of its words
    assert vocabulary[3] == 0.0           # no content word: nothing to tell
    assert vocabulary[4] == 1.0           # a heading of the article's own words
    # With one prose unit there is no other to share words with.
    assert not column(f"{one}\n{rest}", "prose_vocabulary").any()


def test_rules_near_counts_the_rule_removed_lines_among_a_lines_neighbours():
    from cleaner.evidence import rules_near

    blocks = split_lines("a\n\nb\nc\n\nd\ne\nf\n")      # non-blank: a b c d e f
    removed = np.array([b.text in ("b", "d") for b in blocks])
    filled = np.array([not b.blank for b in blocks])
    near = rules_near(filled, removed, radius=1)
    by_text = dict(zip((b.text for b in blocks), near))
    assert by_text["a"] == 1.0          # its one neighbour, b (blank lines are no neighbours)
    assert by_text["c"] == 1.0          # b and d
    assert by_text["e"] == 0.5          # d and f
    assert by_text["f"] == 0.0          # e
    assert near[1] == 0.0               # a blank line
    assert rules_near(filled, removed, radius=5)[0] == 2 / 5


def test_rules_near_marks_what_stands_among_removed_lines_and_is_0_on_cleaned_text():
    """A teaser between a photo credit, an ad label and a "read more" link the
    rules remove scores high; the article's paragraphs, away from them, 0; and the cleaned
    text, which has none of those lines, 0 everywhere (the feature can only raise
    a unit's log-odds on a second pass)."""
    from cleaner import Cleaner
    from cleaner.evidence import gather

    article = "".join(f"Paragraph {k}: the harbour board met on Tuesday and approved the ferries "
                      f"budget after a long debate, officials said.\n\n" for k in range(8))
    teaser = ("Getty Images\n\nCouncil approves new ferry timetable\n\n"
              "Advertisement\n\nRead more: Ferries to run later in summer\n\n")
    cleaner = Cleaner()
    ev = gather(split_lines(article + teaser), cleaner.rules, None)
    near = FEATURES["rules_near"](ev.view)
    heading = [i for i in range(ev.view.n)
               if ev.view.texts[int(ev.view.first_line[i])].startswith("Council approves")]
    # Within five non-blank lines on either side: the last four paragraphs and the
    # credit before it, the ad label and the link after it; three of seven removed.
    assert heading and near[heading[0]] == 3 / 7
    assert not near[:3].any()           # the paragraphs more than five lines away
    assert 0 < near[3] < near[7] < near[heading[0]]
    cleaned = cleaner.clean(article + teaser)
    again = gather(split_lines(cleaned), cleaner.rules, None)
    assert not FEATURES["rules_near"](again.view).any()


def test_lexicon_knows_boilerplate_words_not_site_names():
    table = lexicon()
    # Words of what the rules leave to the model: menus, footers, shop widgets.
    assert table["sitemap"] < -1 and table["breadcrumb"] < -1 and table["cookies"] < -1
    sub = view_of("Sitemap | Cookies | Classifieds\n\nThe council said the budget would be debated again.\n")
    scores = FEATURES["lexicon"](sub)
    assert scores[0] < scores[1]
    assert lexicon_keys(["Updated", "12", "PM", "May", "3rd"]) == ["updated", "#", "pm", "may", "#"]


def test_lexicon_file_reads_back_as_the_table_it_was_written_from(tmp_path):
    """The shipped lexicon is in ``lexicon_json``'s format, and a file written
    with it reads back as the very table it was given (words and values)."""
    path = DATA / "lexicon.json"
    shipped = lexicon()
    assert len(shipped) > 1000
    comment = json.loads(path.read_bytes())["_comment"]
    assert path.read_text(encoding="utf-8") == lexicon_json(shipped, comment)
    table = {"subscribe": -1.5, "council": 2.0, "#": -0.31, "über": 0.07, "newsletter": -1.5}
    out = tmp_path / "lexicon.json"
    out.write_text(lexicon_json(table, "a test"), encoding="utf-8")
    back = read_lexicon(out)
    assert back == table and all(type(v) is float for v in back.values())


def test_code_lines_and_their_block_are_marked():
    view = view_of("Run this query:\n\n    SELECT\n       name\n    FROM\n       users;\n")
    code, near = view.code_line, FEATURES["near_code"](view)
    assert list(code) == [0.0, 1.0, 0.0, 1.0, 1.0]   # "name" itself is no code...
    assert near[2] > 0                                 # ...but sits in a code block
    assert view_of("Select your plan below").code_line[0] == 0.0
    assert view_of("if you want to know more, read on.").code_line[0] == 0.0


def test_wrapped_paragraph_counts_its_words_once():
    text = ("The committee met on Monday and agreed that the new rules would apply\n"
            "from next year, after a consultation with the industry.\n")
    view = view_of(text)
    assert view.n == 1
    assert view.n_words[0] == len(WORD.findall(text))
    assert first(text, "terminal_punct") == 1.0


def test_character_shares_count_unicode_letters_as_letters():
    view = view_of("Élan über Straße 123 — ok!\n")
    counts = view.char_counts
    assert counts["letters"][0] == len("ÉlanüberStraßeok")
    assert counts["digits"][0] == 3
    assert counts["symbols"][0] == 2   # the dash and the '!'


def test_language_guess_uses_justext_stop_words():
    assert "the" in stopwords("English")
    assert guess_language("der die und das ist nicht mit dem".split()) == "German"
    assert guess_language("the of and to in is that it was".split()) == "English"
    assert guess_language([]) == "English"


def test_chinese_and_japanese_characters_count_as_words():
    # A Chinese sentence has no spaces: as one \\w+ run it would look like a
    # one-word label. Han and kana count one word each; spaced scripts are unchanged.
    assert WORD.findall("谷歌在2014年收购的公司") == ["谷", "歌", "在", "2014", "年", "收", "购", "的", "公", "司"]
    assert WORD.findall("お知らせ ist über 한국어 단어") == ["お", "知", "ら", "せ", "ist", "über", "한국어", "단어"]
    view = view_of("谷歌在2014年收购的公司\n")
    assert view.n_words[0] == 10


def test_language_guess_knows_chinese_and_japanese():
    zh = "这款产品具有极其重要的意义，因为这意味着未来的人工智能技术可能不需要人类来教它"
    ja = "東京都は新しい計画を発表しました。市民の生活を支えるための取り組みです"
    assert guess_language(w for w in WORD.findall(zh)) == "Chinese"
    assert guess_language(w for w in WORD.findall(ja)) == "Japanese"
    assert "的" in stopwords("Chinese") and "の" in stopwords("Japanese")
    assert not any(w.startswith("#") for w in stopwords("Chinese"))   # comment lines skipped


def test_stop_words_are_the_lists_read_line_by_line():
    # language._listed splits a list without comment lines in one call; the
    # same words as reading every line and skipping the "#" ones.
    from cleaner import language

    for lang in language.CANDIDATES:
        path = language._stoplist_path(lang)
        text = path.read_text(encoding="utf-8").casefold() if path is not None and path.is_file() else ""
        by_line = {w for line in text.splitlines() if not line.lstrip().startswith("#")
                   for w in line.split()}
        assert stopwords(lang) == by_line, lang


@pytest.mark.parametrize("text", ["a\n# b\nc", "  #x\n", "a#b\nc #d\n#e", "a\r\n\t# b", "a\u2028#b\x85c",
                                  "a #b", "#a#b\n#c", ""])
def test_a_comment_line_is_a_hash_after_white_space_only(text):
    from cleaner.language import _without_comment_lines

    assert _without_comment_lines(text).split() == [
        w for line in text.splitlines() if not line.lstrip().startswith("#") for w in line.split()]



@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_a_text_without_the_held_strings_has_no_match_of_the_pattern(data):
    """``lines_of`` skips a pattern's search on a text holding none of the
    strings in ``_HELD_BY_EVERY_MATCH``: every match must hold one of them."""
    from cleaner.features import _HELD_BY_EVERY_MATCH

    for pattern, held in _HELD_BY_EVERY_MATCH.items():
        match = data.draw(st.from_regex(pattern, fullmatch=True))
        assert any(s in match for s in held), (pattern.pattern, match)


@settings(max_examples=300, deadline=None)
@given(lines=st.lists(st.text(alphabet=st.characters(blacklist_characters="\n\r",
                                                     blacklist_categories=("Cs",))), max_size=6))
@pytest.mark.parametrize("extra", ["", "\ud800 a_b\U0001d7d8 ß ǰ x\u0301 \u2028 ٣٤ 〇 _", "東京 ab_c"])
def test_the_words_of_lines_are_what_the_word_pattern_finds_in_each(lines, extra):
    """``_line_tokens`` splits a text made of spaces and word characters
    instead of searching each line for its words (``TOKEN``): the same words."""
    from cleaner.blocks import TOKEN
    from cleaner.features import _line_tokens

    lines = [*lines, extra]
    words, line = _line_tokens(lines)
    expected = [(w, i) for i, t in enumerate(lines) for w in TOKEN.findall(t)]
    assert list(zip(words, line.tolist())) == expected
    assert line.dtype == np.int64


def test_cleaning_a_page_imports_no_more_of_numpy_than_its_import_did():
    """numpy loads some of its parts on first use: ``np.unique`` imports
    numpy.ma (~13 ms of a short `clean` run). Cleaning a page in a fresh
    interpreter must not load any part of numpy that ``import numpy`` did not."""
    import subprocess
    import sys
    from pathlib import Path

    code = (
        "import sys, numpy\n"
        "before = {m for m in sys.modules if m.startswith('numpy')}\n"
        "from cleaner import Cleaner\n"
        "Cleaner().clean(sys.stdin.read())\n"
        "print(' '.join(sorted(m for m in sys.modules if m.startswith('numpy') and m not in before)))\n")
    seed = Path(__file__).resolve().parents[1] / "fixtures" / "seed-moscowtimes-bout" / "input.txt"
    out = subprocess.run([sys.executable, "-c", code], input=seed.read_text(encoding="utf-8"),
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == ""
