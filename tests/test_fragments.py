"""Named fragments ({{name}}) in rule patterns: expansion, errors, and the shipped vocabulary."""
from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

from cleaner import Cleaner
from cleaner.errors import RuleError
from cleaner.fragments import (FragmentError, expand, fragments_dir, load_fragments,
                               parse_file, references)
from cleaner.rules import load_rules

LANGS = ("en", "de", "fr", "es", "it", "pt", "nl", "pl")
# The families of the mission: every one of these exists in all eight languages.
CORE = ("subscribe_verb", "newsletter_noun", "inbox", "donate_verb", "pay_period",
        "signin", "register", "follow_verb", "cookie_noun", "site_uses", "price",
        "subscription_noun", "continue_reading", "invalid_email", "your_support",
        # paywall notices and offers
        "subscribers", "exclusive_word", "this_piece", "read_on_purpose", "read_on_call",
        "limit_reached", "free_articles", "trial_period", "first_month_free", "first_month",
        "free_of_charge", "trial_verb", "meter_opening", "unlimited_access", "price_from",
        # newsletter boxes, donation and payment forms, cookie banners
        "thanks_signup", "never_miss", "support_journalism", "card_field", "pay_button",
        "payment_method_label", "pay_with", "if_you_value", "please", "donation_frequency", "other_amount", "we_use_cookies",
        "change_consent", "policy_pointer", "tip_jar",
        # sign-in widgets and social profiles
        "social_signin", "forgot_password", "social_networks", "we_respect_privacy", "piece_noun",
        "email_address", "opt_in_wish", "newsletter_does", "data_promise", "signup_promise",
        "forward_to_friend", "signin_required", "start_trial", "not_logged_in", "free_issues",
        "need_support", "gift_article", "premium_part", "raised_goal", "first_appeared_newsletter",
        "manage_newsletter", "do_not_sell", "accept_essential", "sent_every", "tcf_purpose", "all_newsletters", "access_all", "register_free", "external_content", "ad_free_read", "trial_for", "special_offer", "session_expired",
        # page furniture: ad walls and slots, prompts, corrections links, time-stamps
        "adblock_notice", "continue_after_ad", "notifications_call", "report_error",
        "time_label", "time_ago", "load_more", "notifications_ask", "browser_notice", "comments_moderated",
        "social_media")

FRAGS = {"verb": {"en": ("subscribe", r"sign\s+up"), "de": ("abonnieren",)},
         "noun": {"en": ("newsletters?",)},
         "both": {"en": ("{{verb}} {{noun}}",)}}


def write(tmp_path: Path, name: str, body: str) -> Path:
    p = tmp_path / name
    p.write_text(textwrap.dedent(body).lstrip("\n"), encoding="utf-8")
    return p


def test_expand_all_languages_and_one_language():
    assert expand("^{{verb}}$", FRAGS) == r"^(?:subscribe|sign\s+up|abonnieren)$"
    assert expand("^{{verb.de}}$", FRAGS) == "^(?:abonnieren)$"


def test_fragments_may_name_fragments():
    assert expand("{{both}}", FRAGS) == r"(?:(?:subscribe|sign\s+up|abonnieren) (?:newsletters?))"


@pytest.mark.parametrize("pattern", [r"^\d{2,3}$", r"(?:payment){e<=1}", r"a{2}", r"\{{verb}}"])
def test_regex_braces_are_not_fragments(pattern):
    assert expand(pattern, FRAGS) == pattern


@pytest.mark.parametrize("pattern, message", [
    ("{{nope}}", "unknown fragment {{nope}}"),
    ("{{verb.fr}}", "has no 'fr' entry"),
    ("{{Verb}}", "malformed fragment reference"),
])
def test_bad_references_are_errors(pattern, message):
    with pytest.raises(FragmentError, match=re.escape(message)):
        expand(pattern, FRAGS)


def test_fragments_referring_to_each_other_in_a_loop_are_an_error():
    with pytest.raises(FragmentError, match="loop"):
        expand("{{a}}", {"a": {"en": ("{{b}}",)}, "b": {"en": ("{{a}}",)}})


def test_references_lists_names():
    assert references("^{{verb}} x {{noun.en}}") == ["verb", "noun.en"]


def test_a_space_in_a_fragment_matches_any_whitespace_and_block_scalars_give_one_per_line():
    parsed = parse_file("verb: |\n  sign up\n  opt in ?now\n", "x.yaml")
    assert parsed == {"verb": (r"sign\s+up", r"opt\s+in ?now")}


@pytest.mark.parametrize("body, message", [
    ("- a\n- b\n", "expected a mapping"),
    ("Bad-Name: [x]\n", "must be lower-case"),
    ("verb: []\n", "non-empty list"),
    ("verb: [a\n", "YAML error"),
])
def test_bad_fragment_files(body, message):
    with pytest.raises(FragmentError, match=message):
        parse_file(body, "x.yaml")


def test_a_yaml_error_names_the_file_and_line():
    # A quote left single in a single-quoted alternative, as in "l'articolo".
    body = "verb: |\n  subscribe\nnoun:\n  - 'a|l'articolo|b'\n"
    with pytest.raises(FragmentError, match=r"^x\.yaml:4: YAML error: "):
        parse_file(body, "x.yaml")


def test_load_fragments_reads_one_file_per_language(tmp_path, monkeypatch):
    monkeypatch.setenv("CLEAN_CACHE_DIR", "")
    write(tmp_path, "en.yaml", "verb: |\n  subscribe\n")
    write(tmp_path, "de.yaml", "verb: |\n  abonnieren\n")
    assert load_fragments(tmp_path) == {"verb": {"de": ("abonnieren",), "en": ("subscribe",)}}


def test_shipped_fragments_cover_the_core_families_in_eight_languages():
    frags = load_fragments(fragments_dir())
    missing = [(name, lang) for name in CORE for lang in LANGS if lang not in frags.get(name, {})]
    assert not missing, f"core fragments missing: {missing}"


def test_every_shipped_fragment_compiles_with_re():
    frags = load_fragments(fragments_dir())
    for name in frags:
        re.compile(expand("{{%s}}" % name, frags))   # the shipped packs must stay `re`-readable


def test_a_user_rule_file_may_use_the_shipped_fragments(tmp_path):
    p = write(tmp_path, "mine.yaml", """
        - id: mine.signup
          description: newsletter call to action
          pattern: '^{{subscribe_verb}}\\b.{0,40}{{newsletter_noun}}$'
          examples:
            drop: ["Schrijf je in voor onze nieuwsbrief"]
            keep: ["The newsletter was late."]
    """)
    cleaner = Cleaner([p], builtin=False, heuristics=False)
    assert cleaner.clean("Schrijf je in voor onze nieuwsbrief\nThe newsletter was late.\n") \
        == "The newsletter was late.\n"


def test_an_unknown_fragment_names_file_line_and_rule(tmp_path):
    p = write(tmp_path, "mine.yaml", """
        - id: mine.ok
          pattern: '^ok$'
        - id: mine.bad
          pattern: '^{{no_such_fragment}} now$'
    """)
    with pytest.raises(RuleError) as e:
        load_rules([p], builtin=False)
    msg = str(e.value)
    assert f"{p}:3" in msg and "mine.bad" in msg and "{{no_such_fragment}}" in msg
    assert "\n" not in msg


def test_cli_unknown_fragment_is_one_line_exit_2(tmp_path, run_clean):
    p = write(tmp_path, "mine.yaml", "- id: mine.bad\n  pattern: '{{nope}}'\n")
    r = run_clean("--rules", p, "-", input=b"hello\n")
    err = r.stderr.decode()
    assert r.returncode == 2
    assert err.startswith("clean: error: ") and err.count("\n") == 1 and "Traceback" not in err
    assert f"{p}:1" in err and "mine.bad" in err


def test_rules_list_expanded_shows_the_expanded_pattern(tmp_path, run_clean):
    p = write(tmp_path, "mine.yaml", """
        - id: mine.signup
          kind: newsletter
          langs: [en, de]
          pattern: '^{{subscribe_verb.de}} newsletter$'
    """)
    r = run_clean("rules", "list", "--no-builtin-rules", "--rules", p, "--expanded")
    out = r.stdout.decode()
    assert r.returncode == 0
    assert "mine.signup" in out and "kind: newsletter" in out and "langs: en de" in out
    assert "{{" not in out and "abonnieren" in out
    plain = run_clean("rules", "list", "--no-builtin-rules", "--rules", p).stdout.decode()
    assert "abonnieren" not in plain
