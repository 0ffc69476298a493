"""The web app in real headless Chromium (Debian's /usr/bin/chromium, driven by Playwright)
against a real uvicorn server on a free loopback port. Screenshots go to test-artifacts/.
"""
from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from .test_web_support import ADMIN, ARTIFACTS, RATER, RATER2, SEED_004_SPAM, make_store, start_server

CHROMIUM = "/usr/bin/chromium"
if not Path(CHROMIUM).exists():
    pytest.skip(f"browser tests need Debian's chromium at {CHROMIUM} "
                "(apt-get install -y chromium chromium-driver)", allow_module_level=True)
playwright_api = pytest.importorskip("playwright.sync_api", reason="browser tests need playwright (pip install playwright)")

CRPS_Q = "Is low-dose naltrexone effective for complex regional pain syndrome?"
REVIEW_ID = "pmid:34213865"
CASE_ID = "doi:10.1007/s11481-013-9451-y"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    db = make_store(tmp_path_factory.mktemp("web-browser"))
    srv = start_server(db, comments_per_window=1000)
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def browser():
    with playwright_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, server):
    """A fresh browser context (no cookies) whose page fails the test on any JS dialog."""
    ctx = browser.new_context(base_url=server.url, viewport={"width": 1280, "height": 900})
    pg = ctx.new_page()
    dialogs: list[str] = []
    pg.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    pg.dialogs = dialogs
    yield pg
    ctx.close()
    assert not dialogs, f"a script ran in the page: {dialogs}"


def shot(pg, name: str, full: bool = True) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    pg.screenshot(path=str(path), full_page=full)
    return path


def login(pg, username: str, password: str) -> None:
    pg.goto("/login")
    pg.fill("#username", username)
    pg.fill("#password", password)
    pg.click("form[action='/login'] button[type=submit]")
    pg.wait_for_load_state()
    assert pg.locator(".account .who").inner_text().startswith(username)


def post_comment(pg, record_id: str, body: str, author: str = "") -> None:
    pg.goto(f"/records/{record_id}")
    if author:
        pg.fill("#author", author)
    pg.fill("#body", body)
    pg.click("form.commentform button[type=submit]")
    pg.wait_for_load_state()


def test_ask_then_click_citation_highlights_the_passage(page):
    page.goto("/")
    shot(page, "01-home")
    page.fill("#q", CRPS_Q)
    page.click("form.askbox button[type=submit]")
    page.wait_for_selector("article.answer h1")
    assert page.locator("article.answer h1").inner_text() == CRPS_Q
    headings = page.locator("article.answer h2").all_inner_texts()
    for expected in ("Verdict", "From the Guidelines", "From the Research", "Evidence table", "References"):
        assert expected in headings
    assert "Key Points" in page.locator(".keypoints h3").inner_text()
    assert re.search(r"Certainty: (very low|low)", page.locator(".verdict").inner_text())
    assert "Indirectness" in page.locator(".verdict").inner_text()
    assert page.locator("table.evidence tbody tr").count() >= 3
    shot(page, "02-answer-crps")

    # A citation in the research section: its link names the passage; clicking opens the record there.
    link = page.locator("#sec-2 a.cite").first
    href, quoted = link.get_attribute("href"), link.get_attribute("title")
    assert "?hl=" in href and "#p" in href and quoted
    seq = int(href.rsplit("#p", 1)[1])
    record_id = unquote(urlsplit(href).path.split("/records/", 1)[1])
    link.click()
    page.wait_for_load_state()
    assert urlsplit(page.url).path.startswith("/records/")
    target = page.locator(f"#p{seq}")
    assert "hl" in target.get_attribute("class")
    assert target.inner_text().strip() == quoted.strip()
    assert target.is_visible()
    background = target.evaluate("e => getComputedStyle(e).backgroundColor")
    assert background not in ("rgba(0, 0, 0, 0)", "transparent"), "the cited passage must be highlighted"
    # Only the cited passage is highlighted.
    assert page.locator(".passage.hl").count() == 1
    assert page.locator("h1").first.inner_text()
    shot(page, "03-record-cited-passage", full=False)
    assert record_id


def test_every_answer_citation_points_at_a_passage_of_its_record(page, server):
    page.goto(f"/ask?q={CRPS_Q}")
    hrefs = page.eval_on_selector_all("a.cite", "els => els.map(e => [e.getAttribute('href'), e.title])")
    assert len(hrefs) >= 5
    checked = 0
    for href, quoted in hrefs[:12]:
        page.goto(href)
        seq = href.rsplit("#p", 1)[1]
        assert page.locator(f"#p{seq}.hl").inner_text().strip() == quoted.strip()
        checked += 1
    assert checked


def test_browse_by_condition_as_in_seed_002(page):
    page.goto("/browse")
    shot(page, "04-browse")
    page.click("a:text-is('fibromyalgia')")
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Fibromyalgia"
    chips = page.locator("nav.designs a")
    assert chips.count() >= 3
    entries = page.locator("ol.library > li")
    n = entries.count()
    assert n >= 8
    years = [int(y) for y in re.findall(r"\((\d{4})\)", " ".join(page.locator(".entry-title .year").all_inner_texts()))]
    assert years == sorted(years, reverse=True), "newest first"
    first = entries.first
    assert first.locator(".tag").inner_text() and first.locator(".summary").inner_text()
    assert first.locator(".citation").inner_text() and first.locator("a").first.get_attribute("href").startswith("/records/")
    shot(page, "05-topic-fibromyalgia")
    page.click("nav.designs a:has(.design-rct)")
    page.wait_for_load_state()
    tags = page.locator("ol.library .entry-title .tag").all_inner_texts()
    assert tags and set(tags) == {"Randomised controlled trial"}


def test_rater_signs_in_and_rates_per_discipline(browser, server):
    for (user, password, discipline), scores in ((RATER, (4, 5)), (RATER2, (6, 3))):
        ctx = browser.new_context(base_url=server.url, viewport={"width": 1280, "height": 900})
        pg = ctx.new_page()
        login(pg, user, password)
        pg.goto(f"/records/{REVIEW_ID}")
        pg.check(f"form.rateform input[name=relevance][value='{scores[0]}']")
        pg.check(f"form.rateform input[name=newsworthiness][value='{scores[1]}']")
        pg.fill("#rcomment", f"Mostly fibromyalgia studies, not CRPS ({discipline}).")
        pg.click("form.rateform button[type=submit]")
        pg.wait_for_load_state()
        assert "Your rating was saved" in pg.locator(".notice").inner_text()
        row = pg.locator("table.ratings tr", has_text=discipline)
        assert f"{scores[0]}.0 / 7" in row.inner_text() and f"{scores[1]}.0 / 7" in row.inner_text()
        if discipline == "Pharmacist":
            shot(pg, "06-record-rated")
        ctx.close()


def test_readers_cannot_rate(page, server):
    page.goto(f"/records/{REVIEW_ID}")
    assert page.locator("form.rateform").count() == 0
    token = page.locator("form.commentform input[name=csrf_token]").get_attribute("value")
    r = page.request.post(f"/records/{REVIEW_ID}/rate",
                          form={"csrf_token": token, "relevance": "7", "newsworthiness": "7"}, max_redirects=0)
    assert r.status == 401


def test_script_comment_is_shown_as_text(page):
    payloads = ["<script>alert(1)</script>", '<img src=x onerror="alert(2)"> LDN 4.5 mg helped my CRPS pain']
    for body in payloads:
        post_comment(page, CASE_ID, body, author="<b>Reader</b>")
        assert "published" in page.locator(".notice").inner_text()
        shown = page.locator("article.comment.reader .body").all_inner_texts()
        assert body in shown
    assert page.locator("#comments script, #comments img").count() == 0
    assert "<b>Reader</b>" in page.locator("article.comment.reader .meta").first.inner_text()
    page.locator("#comments").scroll_into_view_if_needed()
    shot(page, "07-record-comments-escaped")
    assert page.dialogs == []


def test_seed_004_spam_is_held_then_moderated(page, browser, server):
    post_comment(page, CASE_ID, SEED_004_SPAM)
    assert "waiting for a moderator" in page.locator(".notice").inner_text()
    assert SEED_004_SPAM not in page.locator("#comments").inner_text()
    post_comment(page, CASE_ID, "Cheap naltrexone, best price: visit www.ldn-pharma-deals.com today!")
    assert "waiting for a moderator" in page.locator(".notice").inner_text()

    # A rater is not an admin: the moderation queue is closed to them.
    ctx = browser.new_context(base_url=server.url)
    rater = ctx.new_page()
    login(rater, RATER[0], RATER[1])
    assert rater.goto("/moderation").status == 403
    ctx.close()

    ctx = browser.new_context(base_url=server.url, viewport={"width": 1280, "height": 900})
    admin = ctx.new_page()
    login(admin, *ADMIN)
    admin.goto("/moderation")
    held = admin.locator("article.comment.held")
    spam = held.filter(has_text="magnificent tricks")
    assert spam.count() == 1
    reasons = spam.locator("ul.reasons").inner_text()
    assert "generic praise" in reasons and "off-topic" in reasons
    shot(admin, "08-moderation-queue")
    # The admin rejects the link spam and (for the test) approves the seed-004 comment.
    held.filter(has_text="ldn-pharma-deals").locator("button.reject").click()
    admin.wait_for_load_state()
    assert admin.locator("article.comment.held", has_text="ldn-pharma-deals").count() == 0
    admin.locator("article.comment.held", has_text="magnificent tricks").locator("button.approve").click()
    admin.wait_for_load_state()
    admin.goto(f"/records/{CASE_ID}")
    comments = admin.locator("#comments").inner_text()
    assert "magnificent tricks" in comments and "ldn-pharma-deals" not in comments
    ctx.close()


def test_post_without_csrf_token_is_rejected(page):
    page.goto(f"/records/{CASE_ID}")
    r = page.request.post(f"/records/{CASE_ID}/comments", form={"body": "no token here"}, max_redirects=0)
    assert r.status == 403
    r = page.request.post(f"/records/{CASE_ID}/comments", form={"body": "bad token", "csrf_token": "0" * 64},
                          max_redirects=0)
    assert r.status == 403
    assert "security token" in r.text()
    page.goto(f"/records/{CASE_ID}")
    assert "no token here" not in page.locator("#comments").inner_text()


def test_login_is_rate_limited(page, server):
    from evidex.web import create_user
    create_user(server.db, "locked_rater", "right-password-1", "rater")
    for _ in range(5):
        page.goto("/login")
        page.fill("#username", "locked_rater")
        page.fill("#password", "wrong-password")
        page.click("form[action='/login'] button[type=submit]")
        assert "Wrong user name or password" in page.locator(".error").inner_text()
    page.goto("/login")
    page.fill("#username", "locked_rater")
    page.fill("#password", "right-password-1")
    page.click("form[action='/login'] button[type=submit]")
    assert "Too many failed sign-in attempts" in page.locator(".error").inner_text()


def test_pages_work_without_javascript(browser, server):
    ctx = browser.new_context(base_url=server.url, java_script_enabled=False)
    pg = ctx.new_page()
    pg.goto("/")
    pg.fill("#q", "Is low-dose naltrexone effective for fibromyalgia?")
    pg.click("form.askbox button[type=submit]")
    pg.wait_for_load_state()
    assert pg.locator("#references li").count() >= 3
    pg.locator("a.cite").first.click()
    pg.wait_for_load_state()
    assert pg.locator(".passage.hl").count() == 1
    ctx.close()


def test_case_report_facts_panel(page):
    page.goto(f"/records/{CASE_ID}")
    panel = page.locator("section.casefacts")
    text = panel.inner_text()
    for expected in ("Case 1", "Case 2", "48 years", "male", "NRS 8–10 → 5–6", "Within 4 weeks", "none reported",
                     "opioids, anticonvulsants"):
        assert expected in text, expected
    # Each value shows the sentence it was read from, and links to it.
    fact = panel.locator(".fact", has_text="NRS 8–10 → 5–6")
    assert "went from 8 to 10 before treatment down to 5 to 6" in fact.locator("q").inner_text()
    href = fact.locator("a.src").get_attribute("href")
    page.goto(href)
    assert "8 to 10" in page.locator(".passage.hl").inner_text()
    page.goto(f"/records/{CASE_ID}#case-h")
    shot(page, "09-case-report-facts")


def test_api_page_and_openapi(page):
    page.goto("/api")
    assert page.locator("table.endpoints tbody tr").count() >= 8
    r = page.request.get("/openapi.json")
    assert r.ok and "/api/ask" in r.json()["paths"]

