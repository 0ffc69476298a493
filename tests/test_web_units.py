"""Pure parts of the web app: the spam rule set, case-report facts, citation links, accounts."""
from __future__ import annotations

import pytest

pytest.importorskip("fastapi", reason="the web app needs fastapi")

from evidex.records import Appraisal, Record, Section  # noqa: E402
from evidex.text import passages_of  # noqa: E402
from evidex.web import auth, casefacts, spam  # noqa: E402

from .test_web_support import SEED_004_SPAM, make_store  # noqa: E402

SEED_004_COMMENT = SEED_004_SPAM
TOPIC = spam.content_words(
    "Treatment of complex regional pain syndrome (CRPS) using low dose naltrexone (LDN). A 48-year-old man with "
    "CRPS and dystonia; pain on the numeric rating scale fell from 8 to 10 to 5 to 6 after starting naltrexone; "
    "ketamine infusions; no side effects.")
GENUINE = (
    "Thanks for this summary. I started LDN 1.5 mg at bedtime for CRPS in my left foot and titrated to 4.5 mg; "
    "my pain dropped a little within six weeks, with vivid dreams the first week.",
    "Only two patients and no control group - I would not change practice on this, but worth a trial in "
    "refractory dystonia.",
    "Did the man stay on ketamine infusions while taking naltrexone? That confounds the NRS change.",
    "Great article, thanks!",
    "My daughter has CRPS after an ankle fracture. Has anyone tried LDN for a child?",
)
SPAM = (
    SEED_004_COMMENT,
    "Buy cheap naltrexone online at www.pharma-deals.com, best price guaranteed!",
    "Great post! Check out my blog http://example.net/ldn for more.",
    "<a href='http://casino.example.com'>win big</a>",
    "Wonderful website, thank you so much, I have bookmarked your blog and will recommend this site to friends "
    "and family, keep up the good work!",
)


@pytest.mark.parametrize("text", SPAM)
def test_spam_is_held_with_reasons(text):
    verdict = spam.check(text, TOPIC)
    assert verdict.held, verdict
    assert verdict.score >= spam.HOLD_AT and verdict.reasons
    assert all(r.evidence for r in verdict.reasons)


@pytest.mark.parametrize("text", GENUINE)
def test_genuine_comments_pass(text):
    verdict = spam.check(text, TOPIC)
    assert not verdict.held, verdict


def test_seed_004_comment_is_explained():
    verdict = spam.check(SEED_004_COMMENT, TOPIC)
    rules = {r.rule: r for r in verdict.reasons}
    assert {"generic praise", "addresses the website, not the article", "off-topic"} <= set(rules)
    assert "magnificent" in rules["generic praise"].evidence
    assert verdict.to_json()["held"] is True


def test_markup_alone_is_not_held_but_scored():
    verdict = spam.check("<script>alert(1)</script>", TOPIC)
    assert not verdict.held and verdict.reasons[0].rule == "markup"


def _record(sections, design="case_report") -> tuple[Record, Appraisal]:
    rec = Record(id="test:1", title="A case", sections=tuple(Section(label, text) for label, text in sections))
    appr = Appraisal(record_id="test:1", design=design, design_source="text_cues", design_score=0.5, level=4,
                     conditions=("complex regional pain syndrome", "burning mouth syndrome"),
                     interventions=("low-dose naltrexone",))
    return rec, appr


def _shown(panel: casefacts.CasePanel) -> dict[str, casefacts.SentenceFacts]:
    """label -> the sentence group that shows it (first one)."""
    out: dict[str, casefacts.SentenceFacts] = {}
    for g in panel.groups:
        for label, _ in g.items:
            out.setdefault(label, g)
    return out


def _value(group: casefacts.SentenceFacts, label: str) -> str:
    return dict(group.items)[label]


def test_case_facts_each_with_its_sentence():
    rec, appr = _record([
        ("CASE 1", "A 52-year-old woman with CRPS had previously received gabapentin, amitriptyline and "
                   "sympathetic blocks. Her pain fell from 9 to 4 on the NRS within 6 weeks of starting LDN."),
        ("CASE 2", "A man in his 30s had refractory burning mouth syndrome."),
        ("ADVERSE EFFECTS", "Vivid dreams were the only side effect reported."),
    ])
    cases = {c.heading: c for c in casefacts.panels(rec, appr)}
    assert list(cases) == ["Case 1", "Case 2", "Whole report"]
    one = _shown(cases["Case 1"])
    assert _value(one["Age"], "Age") == "52 years" and _value(one["Sex"], "Sex") == "female"
    assert _value(one["Prior treatments"], "Prior treatments") == "gabapentin, amitriptyline and sympathetic blocks"
    assert _value(one["Score before → after"], "Score before → after") == "NRS 9 → 4"
    assert _value(one["Time to effect"], "Time to effect").startswith("within 6 weeks")
    passages = {p.seq: p.text for p in passages_of(rec)}
    for case in cases.values():
        for g in case.groups:
            assert passages[g.seq] == g.sentence      # every value carries the exact sentence it came from
    two = _shown(cases["Case 2"])
    assert _value(two["Age"], "Age") == "30s" and _value(two["Sex"], "Sex") == "male"
    assert "Vivid dreams" in _shown(cases["Whole report"])["Adverse effects"].sentence
    groups = cases["Case 1"].groups
    assert len(groups) == 2 and groups[0].items[0][0] == "Age"


def test_case_panel_renders_the_stored_facts(monkeypatch):
    """One-way flow: the page shows what enrich stored; it recomputes only facts stored by an older version."""
    from dataclasses import replace

    from evidex.enrich.case import case_facts
    rec, appr = _record([("CASE 1", "A 52-year-old woman had previously received gabapentin and opioids.")])
    fresh = casefacts.panels(rec, appr)
    stored = replace(appr, case_facts=case_facts(rec).to_json())
    monkeypatch.setattr(casefacts, "case_facts", lambda record: pytest.fail("stored facts were re-extracted"))
    assert casefacts.panels(rec, stored) == fresh
    monkeypatch.undo()
    old = replace(appr, case_facts={"patients": [{"label": "Case 1", "age": {"value": "52", "span": "x"}}]})
    assert casefacts.panels(rec, old) == fresh


def test_case_facts_on_the_starter_crps_report(tmp_path):
    from evidex.store import Store
    db = make_store(tmp_path)
    with Store(db) as store:
        found = store.get("doi:10.1007/s11481-013-9451-y")
    assert found.appraisal.case_facts["version"] == 2          # stored at ingest
    cases = {c.heading: _shown(c) for c in casefacts.panels(found.record, found.appraisal)}
    assert list(cases) == ["Case 1", "Case 2", "Whole report"]
    one, two, report = cases["Case 1"], cases["Case 2"], cases["Whole report"]
    assert _value(one["Age"], "Age") == "48 years" and _value(two["Age"], "Age") == "about 7 years"
    assert _value(one["Prior treatments"], "Prior treatments") == (
        "opioids, anticonvulsants, antidepressants, psychotherapy and physical therapy")
    assert _value(one["Score before → after"], "Score before → after") == "NRS 8–10 → 5–6"
    assert "from 8 to 10" in one["Score before → after"].sentence
    assert _value(two["Sex"], "Sex") == "female"
    assert _value(two["Time on treatment"], "Time on treatment") == "18 months"
    assert _value(report["Adverse effects"], "Adverse effects") == "none reported"
    assert _value(report["Intervention and dose"], "Intervention and dose") == (
        "low-dose naltrexone (no dose stated in the report)")


def test_citation_links_point_at_the_quoted_passage(tmp_path):
    from evidex.store import Store
    from evidex.synthesis import ask
    from evidex.web.views import citation_links
    db = make_store(tmp_path)
    with Store(db) as store:
        answer = ask(store, "Is low-dose naltrexone effective for fibromyalgia?")
    refs = {r.n: r for r in answer.references}
    statements = [s for sec in answer.sections for sub in sec.subsections for s in sub.statements]
    assert statements
    for s in statements:
        for link in citation_links(s, answer.references):
            seq = int(link.href.rsplit("#p", 1)[1])
            passage = next(p for p in refs[link.n].passages if p.seq == seq)
            # The quoted sentence, or the sentence a further source gave to the same statement.
            assert passage.text in s.text or (link.n, seq) in s.support
            assert link.quote == passage.text


def test_accounts_hashing_and_csrf(tmp_path):
    from evidex.web import create_user
    from evidex.web import db as webdb
    user = create_user(tmp_path / "a.db", "dr_who", "long-enough-pw", "rater", "Nurse")
    assert user.can_rate and not user.can_moderate
    with pytest.raises(auth.AuthError):
        create_user(tmp_path / "a.db", "dr_who", "long-enough-pw", "rater")
    with pytest.raises(auth.AuthError):
        create_user(tmp_path / "a.db", "x", "long-enough-pw", "rater")
    with pytest.raises(auth.AuthError):
        create_user(tmp_path / "a.db", "short_pw", "123", "admin")
    conn = webdb.connect(tmp_path / "a.db")
    stored = conn.execute("SELECT password_hash FROM web_users").fetchone()[0]
    assert stored.startswith("$argon2id$") and "long-enough-pw" not in stored
    assert auth.attempt_login(conn, "dr_who", "long-enough-pw", "1.2.3.4").user.username == "dr_who"
    assert auth.attempt_login(conn, "dr_who", "wrong", "1.2.3.4").user is None
    token = auth.start_session(conn, user)
    assert auth.session_user(conn, token) == user
    assert conn.execute("SELECT count(*) FROM web_sessions WHERE token_hash=?", (token,)).fetchone()[0] == 0
    auth.end_session(conn, token)
    assert auth.session_user(conn, token) is None
    secret = webdb.app_secret(conn)
    assert auth.csrf_ok(secret, "client-a", auth.csrf_token(secret, "client-a"))
    assert not auth.csrf_ok(secret, "client-b", auth.csrf_token(secret, "client-a"))
    assert not auth.csrf_ok(secret, None, None)


def test_comment_flood_limit(tmp_path):
    from fastapi.testclient import TestClient

    from evidex.web import create_app
    db = make_store(tmp_path)
    client = TestClient(create_app(db, comments_per_window=2))
    token = client.get("/api/csrf").json()["csrf_token"]
    codes = [client.post("/api/records/pmid:34213865/comments", json={"body": f"LDN note {i}"},
                         headers={"X-CSRF-Token": token}).status_code for i in range(3)]
    assert codes == [201, 201, 429]


def test_cli_commands(tmp_path):
    from click.testing import CliRunner

    from evidex.web import serve_command, users_command
    runner = CliRunner()
    db = str(tmp_path / "cli.db")
    r = runner.invoke(users_command, ["add", "ann_admin", "--role", "admin", "--password-stdin", "--db", db],
                      input="a-strong-password\n")
    assert r.exit_code == 0, r.output
    r = runner.invoke(users_command, ["list", "--db", db])
    assert "ann_admin\tadmin" in r.output
    r = runner.invoke(users_command, ["add", "weak", "--role", "rater", "--password-stdin", "--db", db], input="x\n")
    assert r.exit_code != 0 and "password" in r.output
    assert "--port" in runner.invoke(serve_command, ["--help"]).output
