"""The review report (`clean --report PAGE.html`).

The page is built by the library (`cleaner.report`) and written by the real
`clean` executable; the browser test opens it in Debian's headless Chromium
(driven by Selenium through /usr/bin/chromedriver), checks what a reviewer
sees against `clean --json` for the same inputs, uses the reason filter and
saves screenshots under the test's tmp_path.
"""
from __future__ import annotations

import json
import shutil
import tempfile
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import pytest

from cleaner import Cleaner
from cleaner.errors import CleanerError
from cleaner.report import DATA, ReportWriter, colour_of, kind_of, render_report
from conftest import FIXTURES, SEED

TELEGRAPH = FIXTURES / "readability-telegraph" / "input.txt"
# A line the shipped ads.inline-label rule trims ("drop-span") but keeps.
TRIMMED = ("The regional parliament met on Monday to debate the spending plan for next year.\n\n"
           "The market opened higher. (Advertisement) Prices then fell sharply after the report.\n\n"
           "Opposition deputies said the plan relied on optimistic forecasts for tax revenue.\n")
NASTY = '<script>alert("x")</script> & \'quotes\' <b>bold</b>'


class _Tags(HTMLParser):
    """Tags, attributes and text of a page, as a browser's tokenizer sees them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _parse(page: str) -> _Tags:
    p = _Tags()
    p.feed(page)
    return p


def _rgb(hex_colour: str) -> str:
    h = hex_colour.lstrip("#")
    return "rgb({}, {}, {})".format(*(int(h[i:i + 2], 16) for i in (0, 2, 4)))


# --- the page, built by the library -------------------------------------------------------

def test_everything_is_escaped_and_nothing_is_fetched():
    cleaner = Cleaner(heuristics=False)
    result = cleaner.analyze(f"Share this article\n{NASTY}\n", name=f"{NASTY}.txt")
    page = render_report([result])
    tags = _parse(page)
    # Our one script and two styles; the document's markup stays text.
    assert [t for t, _ in tags.tags if t == "script"] == ["script"]
    assert not [a for t, a in tags.tags if t == "b" and "class" not in a]   # NASTY's <b> is text
    assert sum(NASTY in chunk for chunk in tags.text) >= 2   # the name and the line, as text
    # Self-contained: nothing loaded from anywhere.
    assert not [a for _, a in tags.tags if "src" in a or a.get("rel") == "stylesheet"]
    assert "url(" not in page and "@import" not in page and "<link" not in page


def test_removed_lines_trimmed_spans_and_counts():
    cleaner = Cleaner(heuristics=False)
    seed = cleaner.analyze((SEED / "input.txt").read_text(encoding="utf-8"), name="seed.txt")
    trimmed = cleaner.analyze(TRIMMED, name="trimmed.txt")
    assert [d.spans for d in trimmed.decisions if d.kept and d.reason], "fixture lost its span"
    page = render_report([seed, trimmed])
    tags = _parse(page)
    struck = [a for t, a in tags.tags if t == "p" and "x" in a.get("class", "").split()]
    assert len(struck) == sum(1 for d in seed.decisions if not d.kept and not d.block.blank)
    first = next(d for d in seed.decisions if not d.kept)
    assert first.reason == "donation.support-banner" and struck[0]["title"] == first.detail
    dels = [a for t, a in tags.tags if t == "del"]
    span = next(d for d in trimmed.decisions if d.spans)
    assert len(dels) == 1 and dels[0]["title"] == span.detail and "r" in dels[0]["class"]
    assert "(Advertisement)</del>" in page
    sections = [a for t, a in tags.tags if t == "section"]
    assert [(s["id"], s["data-removed"], s["data-trimmed"]) for s in sections] == [
        ("d1", str(len(struck)), "0"), ("d2", "0", "1")]
    assert 'href="#d1"' in page and 'href="#d2"' in page


def test_colour_by_kind_or_pack():
    cleaner = Cleaner(heuristics=False)
    d = next(d for d in cleaner.analyze("Share this article\n").decisions if d.reason)
    assert kind_of(d) == d.reason.split(".")[0]

    class WithKind:          # the lead may give Decision a kind: it wins over the pack
        reason, kind = "house.thing", "promo"
    assert kind_of(WithKind()) == "promo"
    palette = json.loads((DATA / "palette.json").read_text(encoding="utf-8"))
    assert colour_of("donation", palette["kinds"], palette["other"]) == palette["kinds"]["donation"]
    # An unknown pack gets a spare colour, the same one every run.
    assert colour_of("house", palette["kinds"], palette["other"]) in palette["other"]

    class OtherKind:         # "other" (a rule that declares no kind) says less than its pack
        reason, kind = "house.thing", "other"
    assert kind_of(OtherKind()) == "house"


def test_writer_puts_the_page_in_place_or_leaves_the_old_one(tmp_path):
    cleaner = Cleaner(heuristics=False)
    target = tmp_path / "r.html"
    target.write_text("old", encoding="utf-8")
    w = ReportWriter(target)
    w.add(cleaner.analyze("Share this article\nText.\n", name="a"))
    w.discard()
    assert target.read_text(encoding="utf-8") == "old"
    with ReportWriter(target) as w:
        w.add(cleaner.analyze("Share this article\nText.\n", name="a"))
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.html"]   # no temporary left
    with pytest.raises(CleanerError, match="cannot write the report"):
        ReportWriter(tmp_path / "missing" / "r.html")
    with pytest.raises(CleanerError, match="is a folder"):
        ReportWriter(tmp_path)


# --- the real executable ----------------------------------------------------------------

@pytest.mark.slow
def test_cli_report_is_extra_and_errors_are_one_line(run_clean, tmp_path):
    plain = run_clean(SEED / "input.txt", cwd=tmp_path)
    with_page = run_clean("--report", "page.html", SEED / "input.txt", cwd=tmp_path)
    assert with_page.returncode == 0, with_page.stderr
    assert with_page.stdout == plain.stdout and with_page.stderr == b""
    assert (tmp_path / "page.html").read_text(encoding="utf-8").count("<section ") == 1
    piped = run_clean("--report", "stdin.html", input=TRIMMED.encode(), cwd=tmp_path)
    assert piped.returncode == 0 and "&lt;stdin&gt;" in (tmp_path / "stdin.html").read_text("utf-8")
    for args, message in [
        (("--report", "nowhere/page.html", SEED / "input.txt"), b"nowhere/page.html: cannot write the report"),
        (("--report", ".", SEED / "input.txt"), b".: is a folder"),
        (("--report", "p.html", "--check", "."), b"--report works with FILEs and stdin"),
    ]:
        r = run_clean(*args, cwd=tmp_path)
        assert r.returncode == 2 and r.stderr.startswith(b"clean: error: ") and message in r.stderr
        assert r.stderr.count(b"\n") == 1, r.stderr
    assert not (tmp_path / "p.html").exists()


# --- in a real browser ------------------------------------------------------------------

def _browser_paths() -> tuple[str, str]:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    if not chromium or not driver:
        pytest.skip("headless Chromium is not installed (apt-get install chromium chromium-driver; .ci/run does)")
    return chromium, driver


@pytest.fixture
def browser(tmp_path):
    chromium, driver_path = _browser_paths()
    webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is a test dependency")
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    profile = tempfile.mkdtemp(prefix="chromium-profile-", dir=tmp_path)
    # No network here: without these, Chromium waits on lookups and updates.
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-dev-shm-usage", "--window-size=1280,1400", f"--user-data-dir={profile}"):
        options.add_argument(flag)
    # An explicit driver path: Selenium must not go looking for (downloading) one.
    driver = webdriver.Chrome(options=options, service=Service(driver_path))
    try:
        yield driver
    finally:
        driver.quit()


@pytest.mark.slow
def test_report_in_headless_chromium(run_clean, browser, tmp_path):
    from selenium.webdriver.common.by import By

    (tmp_path / "trimmed.txt").write_text(TRIMMED, encoding="utf-8")
    inputs = [str(SEED / "input.txt"), str(TELEGRAPH), "trimmed.txt"]
    run = run_clean("--report", "report.html", *inputs, cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert run.stdout == run_clean(*inputs, cwd=tmp_path).stdout   # the cleaned text, as usual
    reports = [json.loads(line) for line in run_clean("--json", *inputs, cwd=tmp_path).stdout.splitlines()]

    browser.get((tmp_path / "report.html").as_uri())
    js = browser.execute_script

    # Counts per document, as the summary table shows them, match `clean --json`.
    rows = browser.find_elements(By.CSS_SELECTOR, "#summary tbody tr")
    assert len(rows) == len(reports)
    for row, rep in zip(rows, reports):
        cells = [c.text for c in row.find_elements(By.TAG_NAME, "td")]
        trimmed = len(rep["removed"]) - rep["removed_lines"]
        assert cells[1:5] == [rep["input"], str(rep["lines"]), str(rep["removed_lines"]), str(trimmed)]
    assert reports[0]["removed_lines"] > 10 and len(reports[2]["removed"]) == 1
    total = sum(r["removed_lines"] for r in reports)
    assert browser.find_element(By.ID, "total-removed").text == str(total)
    # Counts per reason, in the legend, too.
    per_reason = Counter(item["reason"] for r in reports for item in r["removed"])
    shown = {tr.get_attribute("data-reason"): int(tr.find_element(By.CSS_SELECTOR, "td.c-lines").text)
             for tr in browser.find_elements(By.CSS_SELECTOR, "#reasons tr.reason")}
    assert shown == dict(per_reason)

    # The summary links to each document.
    browser.find_element(By.CSS_SELECTOR, '#summary a[href="#d2"]').click()
    assert js("return location.hash") == "#d2"
    assert js("return document.getElementById('d2').getBoundingClientRect().top") < 50

    # A removed line: struck through, in its pack's colour, with its reason written on it.
    palette = json.loads((DATA / "palette.json").read_text(encoding="utf-8"))["kinds"]
    first = reports[0]["removed"][0]
    line = browser.find_element(By.CSS_SELECTOR, "#d1 p.x")
    assert line.find_element(By.TAG_NAME, "i").text == str(first["line"])
    assert line.find_element(By.TAG_NAME, "s").text == first["text"]
    assert line.find_element(By.CSS_SELECTOR, "b.why").text == first["reason"]
    assert first["detail"] in line.get_attribute("title")
    style = js("var s = getComputedStyle(arguments[0].querySelector('s'));"
               "return [s.color, s.textDecorationLine]", line)
    kind = first.get("kind") or first["reason"].split(".")[0]   # --json names the kind, where it can
    assert style == [_rgb(palette[kind]), "line-through"]
    # The trimmed span is marked inside its kept line.
    span = browser.find_element(By.CSS_SELECTOR, "#d3 p.tr del")
    assert span.text.strip() == "(Advertisement)"
    assert js("return getComputedStyle(arguments[0]).color", span) == _rgb(palette["ads"])

    def displayed(selector: str) -> list[bool]:
        return js("return Array.from(document.querySelectorAll(arguments[0]))"
                  ".map(e => getComputedStyle(e).display !== 'none')", selector)

    def reason_lines(reason: str) -> str:
        box = browser.find_element(By.CSS_SELECTOR, f'#reasons tr[data-reason="{reason}"] input')
        return f"p.x.{box.get_attribute('data-r')}"

    # The filter: unticking a reason hides its lines, and only them.
    appeal = "donation.message-from-appeal"
    assert per_reason[appeal] > 5
    browser.find_element(By.CSS_SELECTOR, f'#reasons tr[data-reason="{appeal}"] input').click()
    assert displayed(reason_lines(appeal)) == [False] * per_reason[appeal]
    assert all(displayed(reason_lines("donation.support-banner")))
    # A kind's box hides all of its reasons; "show all" brings everything back.
    browser.find_element(By.CSS_SELECTOR, "#reasons tr.kind input[aria-label='newsletter']").click()
    newsletter = [r for r in per_reason if r.startswith("newsletter.")]
    assert newsletter and not any(any(displayed(reason_lines(r))) for r in newsletter)
    browser.save_screenshot(str(tmp_path / "report-filtered.png"))
    browser.find_element(By.ID, "all").click()
    assert all(displayed("p.x"))
    # "kept lines" off: only what was removed or trimmed is left to read.
    browser.find_element(By.ID, "show-kept").click()
    assert not any(displayed("p.k:not(.tr)")) and all(displayed("p.x")) and all(displayed("p.tr"))
    browser.find_element(By.ID, "show-kept").click()

    js("window.scrollTo(0, 0)")
    assert browser.save_screenshot(str(tmp_path / "report-top.png"))
    js("document.getElementById('d1').scrollIntoView()")
    assert browser.save_screenshot(str(tmp_path / "report.png"))
    assert (tmp_path / "report.png").stat().st_size > 10_000
