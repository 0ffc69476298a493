"""Several reports of one trial are one study (synthesis/reports.py): the rules, on records
shaped like the cohen2006 reports of GISSI-3 and of two unrelated trials that share a size."""
from __future__ import annotations

from evidex.records import Appraisal, Record, Section
from evidex.store import StoredRecord
from evidex.synthesis.reports import asked_trials, main_reports


def _stored(pmid: str, title: str, text: str, n: int | None, authors: tuple[str, ...] = ()) -> StoredRecord:
    record = Record(id=f"pmid:{pmid}", title=title, pmid=pmid, authors=authors, sections=(Section("", text),))
    return StoredRecord(record, Appraisal(record_id=record.id, design="rct", design_source="title",
                                          design_score=1.0, level=2, n=n))


def test_reports_of_a_named_trial_with_one_size_are_merged_without_shared_authors():
    main = _stored("7910229", "GISSI-3: effects of lisinopril and transdermal glyceryl trinitrate on 6-week mortality",
                   "19394 patients were randomised. Overall 6-week mortality was 6.7%.", 19394, ("Gruppo Italiano",))
    cost = _stored("10178659", "Cost-effectiveness analysis of early lisinopril use in acute myocardial infarction",
                   "Data came from the GISSI-3 trial, in which 19394 patients were randomised.", 19394, ("Franzosi MG",))
    assert main_reports([main, cost]) == {"pmid:10178659": "pmid:7910229"}


def test_a_shared_abbreviation_or_a_small_shared_size_is_no_trial_name():
    # Two different trials: each reports the YMRS and randomised 120 patients; neither names a trial.
    a = _stored("1", "Divalproex versus olanzapine in acute mania", "120 patients; YMRS scores fell in both arms.", 120)
    b = _stored("2", "Quetiapine in acute mania", "120 patients; YMRS scores fell more with quetiapine.", 120)
    assert main_reports([a, b]) == {}
    # A named trial, but of another size: a sub-study of some of its patients stays a study of its own.
    c = _stored("3", "GISSI-3 substudy of aspirin", "Of the GISSI-3 trial patients, 18895 were studied.", 18895)
    d = _stored("4", "GISSI-3: effects of lisinopril", "19394 patients were randomised.", 19394)
    assert main_reports([c, d]) == {}
    # Below 100 participants, two trials of one size and one shared name in their titles are not merged.
    e = _stored("5", "PILOT-1 trial of drug A", "40 patients.", 40)
    f = _stored("6", "PILOT-1 trial of drug A, second report", "40 patients.", 40)
    assert main_reports([e, f]) == {}


def test_a_sub_analysis_gives_way_to_the_trial_s_main_report_whichever_is_found_first():
    # NORDIL as cohen2006 holds it: a later sub-analysis (one size, shared authors, a title of other words)
    sub = _stored("12023696", "Influence of age, sex and blood pressure on the principal endpoints of the NORDIL study",
                  "To assess the influence of age and sex on treatment effects, in a sub-analysis. 10 881 patients.",
                  10881, ("Kjeldsen SE", "Hedner T"))
    main = _stored("10972367", "Randomised trial of calcium antagonists compared with diuretics and beta-blockers: "
                   "the Nordic Diltiazem (NORDIL) study", "We enrolled 10,881 patients.", 10881, ("Hansson L", "Hedner T"))
    assert main_reports([sub, main]) == {"pmid:12023696": "pmid:10972367"}


def test_the_trials_a_question_names():
    assert asked_trials("What did the PREVENT trial show for Norvasc?") == {"PREVENT"}
    assert asked_trials("Does real-world data from the SOHO study favour olanzapine?") == {"SOHO"}
    assert asked_trials("In the INNOVA phase III protocol, what pain level was needed?") == {"INNOVA"}
    # a drug's abbreviation before "trial" names no trial; nor does a question in lower case
    assert asked_trials("If we run an LDN trial in Crohn's, how is remission defined?") == set()
    assert asked_trials("Did the trial of olanzapine show benefit?") == set()
    # a trial's number is part of its name; a drug class's abbreviation names no trial
    assert asked_trials("What did the CIBIS II trial show?") == {"CIBIS II"}
    assert asked_trials("Is there any NSAID trial in gout?") == set()


def test_a_trial_named_with_its_number_is_found_however_the_record_joins_them():
    from evidex.synthesis.reports import reports_trial
    a = _stored("1", "The Cardiac Insufficiency Bisoprolol Study II (CIBIS-II): a randomised trial", "...", 2647)
    b = _stored("2", "Design of the cardiac insufficiency bisoprolol study II (CIBIS II)", "...", None)
    c = _stored("3", "The CIBIS trial of bisoprolol", "...", 641)
    assert [reports_trial(s.record, {"CIBIS II"}) for s in (a, b, c)] == [True, True, False]
