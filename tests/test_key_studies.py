"""The "Key Studies" sub-section: each leading direct study's design sentence and main result."""
from __future__ import annotations

from pathlib import Path

from evidex.eval.qa import build_store
from evidex.records import Record, Section
from evidex.query import parse_question
from evidex.resolve import resolve
from evidex.retrieve import retrieve
from evidex.synthesis import ask, violations
from evidex.synthesis.evidence import build_studies
from evidex.synthesis.key_studies import key_passages


def _rct(i: int, title: str, methods: str, results: str, conclusion: str) -> Record:
    return Record(id=f"pmid:7{i:06d}", title=title, pmid=f"7{i:06d}", year=2002, authors=(f"Trialist{i} C",),
                  publication_types=("Randomized Controlled Trial",),
                  sections=(Section("BACKGROUND", "Migraine is common and disabling in adolescents."),
                            Section("METHODS", methods), Section("RESULTS", results),
                            Section("CONCLUSIONS", conclusion)))


TRIALS = [
    _rct(1, "Zolmitriptan nasal spray for acute migraine in adolescents: a randomised placebo-controlled trial",
         "We aimed to study zolmitriptan in young people. In this multicentre, double-blind trial, 248 adolescents "
         "were randomised to zolmitriptan 5 mg nasal spray or placebo for one attack over 12 weeks.",
         "Baseline characteristics were similar. Pain relief at 2 hours was reported by 58% with zolmitriptan and "
         "43% with placebo (p = 0.02).",
         "Zolmitriptan nasal spray relieved migraine in adolescents."),
    _rct(2, "Oral zolmitriptan in adolescent migraine",
         "A double-blind, placebo-controlled crossover trial enrolled 171 adolescents, who took zolmitriptan 2.5 mg "
         "tablets or placebo for three attacks over 16 weeks.",
         "Headache response at 2 hours did not differ significantly between zolmitriptan and placebo (44% vs 40%).",
         "Oral zolmitriptan was no better than placebo in this trial."),
]


def _key_texts(store, question: str):
    """The answer to ``question`` and the texts of its Key Studies sub-section."""
    answer = ask(store, question)
    research = next(s for s in answer.sections if s.heading == "From the Research")
    key = next(sub for sub in research.subsections if sub.heading == "Key Studies")
    return answer, [st.text for st in key.statements]


def _told(records: list[Record], tmp_path: Path, question: str):
    """Build a store of ``records``, answer ``question`` (faithfully), close the store: the answer and
    its Key Studies texts."""
    store, _ = build_store(records, tmp_path / "told.db")
    try:
        answer, texts = _key_texts(store, question)
        assert violations(answer) == []
        return answer, texts
    finally:
        store.close()


def test_each_leading_study_is_told_by_its_design_and_its_result(tmp_path: Path):
    answer, texts = _told(list(TRIALS), tmp_path, "Is zolmitriptan effective for migraine in adolescents?")
    # the sentence stating design, size, dose and duration, not the aim beside it
    assert any(t.startswith("In this multicentre, double-blind trial, 248 adolescents") for t in texts), texts
    assert any(t.startswith("Pain relief at 2 hours was reported by 58%") for t in texts), texts
    assert any(t.startswith("Headache response at 2 hours did not differ") for t in texts), texts
    assert not any(t.startswith(("We aimed", "Baseline characteristics")) for t in texts), texts
    # every sentence is quoted once in the whole answer
    quoted = [st.text for sec in answer.sections for sub in sec.subsections for st in sub.statements] + \
        [st.text for sec in answer.sections for st in sec.key_points]
    assert len(quoted) == len(set(quoted))


PROTOCOL = Record(
    id="pmid:7000009", title="Zolmitriptan for menstrual migraine: protocol for a randomised placebo-controlled trial",
    pmid="7000009", year=2023, publication_types=("Clinical Trial Protocol",),
    sections=(Section("BACKGROUND", "Menstrual migraine is often severe and resistant to treatment."),
              Section("METHODS", "The study is a multicentre trial. Women with menstrual migraine are allocated 1:1 "
                                 "at random to zolmitriptan 2.5 mg twice a day or to placebo for 12 weeks. The primary "
                                 "outcome is the number of migraine days in the third cycle."),
              Section("DISCUSSION", "The trial will inform the use of short-term prevention.")))


def test_a_trial_in_progress_is_told_by_what_it_compares_and_measures(tmp_path: Path):
    store, _ = build_store([*TRIALS, PROTOCOL], tmp_path / "p.db")
    try:
        answer = ask(store, "Is zolmitriptan effective for migraine?")
        research = next(s for s in answer.sections if s.heading == "From the Research")
        planned = next(sub for sub in research.subsections if sub.heading == "Trials in Progress")
        texts = [st.text for st in planned.statements]
        assert texts[0].startswith("Women with menstrual migraine are allocated 1:1"), texts
        assert texts[1].startswith("The primary outcome is the number of migraine days"), texts
        # a drug named by its INN stem ("-triptan") is a treatment: its aims are no evidence either
        assert not any(st.text.startswith("We aimed") for sub in research.subsections for st in sub.statements)
        assert violations(answer) == []
    finally:
        store.close()


def test_a_design_sentence_may_count_its_people_in_words(tmp_path: Path):
    """"Thirty-one (31) women ... took part in a crossover study that was randomized": the design
    sentence of the study, though its count is written in words."""
    trial = _rct(3, "Low-dose naltrexone for fibromyalgia",
                 "Thirty-one (31) women with fibromyalgia took part in a crossover study that was randomized, "
                 "double-blind and placebo-controlled.",
                 "Pain fell further on low-dose naltrexone than on placebo (28.8% vs 18.0%, P = 0.016).",
                 "Low-dose naltrexone reduced fibromyalgia pain.")
    _, texts = _told([trial], tmp_path, "Does low-dose naltrexone help fibromyalgia pain?")
    assert any(t.startswith("Thirty-one (31) women") for t in texts), texts


def test_a_finding_that_gives_its_size_outranks_the_same_finding_without_it(tmp_path: Path):
    from evidex.query import parse_question
    from evidex.retrieve import retrieve
    from evidex.synthesis.evidence import build_studies
    from evidex.synthesis.select import score_studies
    said = "Pain relief at 2 hours was better with zolmitriptan than with placebo"
    trial = _rct(4, "Zolmitriptan for adolescent migraine", "A double-blind trial randomised 200 adolescents.",
                 f"{said}. {said} (58% vs 43%, p = 0.02).", "Zolmitriptan helped.")
    store, _ = build_store([trial], tmp_path / "z.db")
    try:
        query = parse_question("Does zolmitriptan relieve migraine pain in adolescents?")
        studies = build_studies(query, retrieve(store, query, 10))
        scored = {s.passage.text: s.relevance for s in score_studies(query, studies)[trial.id]}
        assert scored[f"{said} (58% vs 43%, p = 0.02)."] > scored[f"{said}."]
    finally:
        store.close()


def test_a_reviews_key_sentence_counts_the_studies_it_pooled(tmp_path: Path):
    """PRISMA item 16: how many studies a review took in, often written among its results."""
    review = Record(id="pmid:7000021", title="Zolmitriptan for adolescent migraine: a systematic review and meta-analysis",
                    pmid="7000021", year=2010, publication_types=("Meta-Analysis",),
                    sections=(Section("METHODS", "We searched MEDLINE and EMBASE to 2009."),
                              Section("RESULTS", "Of 412 articles screened, six randomised controlled trials of "
                                                 "zolmitriptan in adolescents were judged suitable. Pain relief at 2 "
                                                 "hours was more frequent with zolmitriptan than placebo (RR 1.31, "
                                                 "95% CI 1.10 to 1.56)."),
                              Section("CONCLUSIONS", "Zolmitriptan relieves migraine pain in adolescents.")))
    _, texts = _told([review, *TRIALS], tmp_path, "Is zolmitriptan effective for migraine in adolescents?")
    assert any(t.startswith("Of 412 articles screened, six randomised") for t in texts), texts
    assert any(t.startswith("Pain relief at 2 hours was more frequent") for t in texts), texts


def _study(*sentences: str, design: str = "rct"):
    """A study-like object with methods sentences only (what ``design_passage`` reads)."""
    from types import SimpleNamespace

    from evidex.records import Passage
    passages = tuple(Passage(record_id="pmid:1", seq=i, section="", start=0, end=len(t), text=t)
                     for i, t in enumerate(sentences, start=1))
    return SimpleNamespace(design=design, passages=passages, sentence_roles={p.seq: "methods" for p in passages})


def test_the_sentence_saying_how_many_took_part_is_preferred_to_one_of_design_and_duration():
    from evidex.synthesis.key_studies import design_passage
    study = _study("In this randomized, double-blind trial, patients were treated for 12 weeks.",
                   "A total of 220 patients were randomized to pantoprazole or nizatidine.")
    assert "220 patients" in design_passage(study).text


def test_a_sentence_of_neither_count_nor_design_is_no_design_sentence():
    from evidex.synthesis.key_studies import design_passage
    assert design_passage(_study("Blood was drawn at each visit.")) is None


def _key_of(tmp_path: Path, record: Record, question: str) -> tuple[list, list[str]]:
    """(studies, texts of the key passages) for ``question`` over a store holding ``record``."""
    store, _ = build_store([record], tmp_path / "one.db")
    try:
        query = resolve(store, parse_question(question))
        studies = build_studies(query, retrieve(store, query, 40))
        return studies, [p.text for _, p in key_passages(query, studies)]
    finally:
        store.close()


def _migraine():
    return _rct(9, "Zolmitriptan nasal spray for acute migraine in adults: a randomised placebo-controlled trial",
                "In this multicentre, double-blind trial, 412 adults were randomised to zolmitriptan 5 mg nasal "
                "spray or placebo for one attack over 12 weeks.",
                "Pain relief at 2 hours was reported by 66% with zolmitriptan and 35% with placebo (p < 0.001).",
                "Zolmitriptan nasal spray relieved migraine in adults.")


def test_with_no_direct_study_the_nearest_indirect_trial_is_told(tmp_path: Path):
    """Cluster headache asked, migraine studied: the trial is indirect (another population), and
    with nothing direct it is still the best evidence there is, told by its design and result."""
    studies, texts = _key_of(tmp_path, _migraine(), "Is zolmitriptan effective for cluster headache?")
    assert [s.relevance for s in studies] == ["indirect"]
    assert texts[0].startswith("In this multicentre, double-blind trial, 412 adults"), texts
    assert texts[1].startswith("Pain relief at 2 hours was reported by 66%"), texts


def test_an_indirect_study_the_ranker_puts_first_leads_the_direct_ones(tmp_path: Path):
    """Key studies go direct first; but the study the ranker puts first is the one the question is about, and
    leads even when it differs in a facet (another comparator, GRADE 5.2.4)."""
    from dataclasses import replace
    studies, _ = _key_of(tmp_path, _migraine(), "Is zolmitriptan effective for cluster headache?")
    query = parse_question("Is zolmitriptan effective for cluster headache?")
    indirect = studies[0]
    direct = replace(indirect, relevance="direct", differs=())        # the same trial, as if it were direct
    assert key_passages(query, [direct, indirect])[0][0] is direct           # the ranker's order: direct first
    assert key_passages(query, [indirect, direct])[0][0] is indirect         # the ranker's first leads


def test_a_review_the_ranker_puts_first_leads_though_no_trial_design(tmp_path: Path):
    """A review is told among the other sub-sections, not as a key study of its own design; but when the
    ranker puts it first or second it is a record the question is about, and is told at its rank (a protocol,
    with no result, never)."""
    from dataclasses import replace
    studies, _ = _key_of(tmp_path, _migraine(), "Is zolmitriptan effective for migraine in adults?")
    trial = studies[0]

    def as_design(design: str):
        stored = trial.candidate.stored
        return replace(trial, candidate=replace(trial.candidate, stored=replace(
            stored, appraisal=replace(stored.appraisal, design=design))))
    query = parse_question("Is zolmitriptan effective for migraine in adults?")
    review, protocol = as_design("narrative_review"), as_design("protocol")
    assert not review.clinical
    assert key_passages(query, [review, trial])[0][0] is review

    def another(study, n: int):         # the same text as another record
        stored = study.candidate.stored
        return replace(study, candidate=replace(study.candidate, stored=replace(
            stored, record=replace(stored.record, id=f"pmid:70000{n}"))))
    review, other = another(review, 98), another(trial, 99)
    told = lambda ranked: list(dict.fromkeys(s.record.id for s, _ in key_passages(query, ranked)))  # noqa: E731
    assert told([trial, review]) == [trial.record.id, review.record.id]         # second: told at its rank
    assert told([trial, other, review]) == [trial.record.id, other.record.id]   # third: among the sub-sections
    assert all(s is not protocol for s, _ in key_passages(query, [protocol, trial]))


def test_the_leading_study_is_told_with_its_results_most_relevant_to_the_question(tmp_path: Path):
    """The first key study (the one a clinician reads first) quotes up to three of its results
    that answer the question beside its main one; the others one each."""
    results = ["Pain relief at 2 hours was reported by 58% with zolmitriptan and 43% with placebo (p = 0.02).",
               "Pain-free response at 2 hours was 28% with zolmitriptan and 15% with placebo (p = 0.01).",
               "Sustained pain relief at 24 hours was 41% with zolmitriptan and 27% with placebo (p = 0.03).",
               "Relief of photophobia at 2 hours was 52% with zolmitriptan and 36% with placebo (p = 0.02).",
               "Relief of nausea at 2 hours was 61% with zolmitriptan and 45% with placebo (p = 0.04).",
               "Rescue medication was taken by 22% with zolmitriptan and 39% with placebo (p = 0.01)."]
    lead = _rct(12, "Zolmitriptan nasal spray in adolescent migraine: a randomised placebo-controlled trial",
                "In this multicentre, double-blind trial, 248 adolescents were randomised to zolmitriptan 5 mg "
                "nasal spray or placebo for one attack over 12 weeks.", " ".join(results),
                "Zolmitriptan nasal spray relieved migraine in adolescents.")
    _, texts = _told([lead], tmp_path, "Does zolmitriptan relieve migraine in adolescents?")
    assert sum(t in results for t in texts) >= 3, texts


def test_the_leading_study_is_told_with_its_next_design_sentence_too(tmp_path: Path):
    """Arms, doses and schedule often fill a second methods sentence: the leading study is told
    with both its design sentences (the others with one)."""
    lead = _rct(13, "Zolmitriptan nasal spray in adolescent migraine: a randomised placebo-controlled trial",
                "In this multicentre, double-blind trial, 248 adolescents were randomised to zolmitriptan or placebo. "
                "Each took zolmitriptan 5 mg nasal spray or placebo for one attack over 12 weeks.",
                "Pain relief at 2 hours was reported by 58% with zolmitriptan and 43% with placebo (p = 0.02).",
                "Zolmitriptan nasal spray relieved migraine in adolescents.")
    _, texts = _key_of(tmp_path, lead, "Does zolmitriptan relieve migraine in adolescents?")
    assert texts[0].startswith("In this multicentre, double-blind trial, 248 adolescents"), texts
    assert texts[1].startswith("Each took zolmitriptan 5 mg nasal spray"), texts


def test_the_study_that_studied_what_was_asked_leads_before_a_broader_review(tmp_path: Path):
    """Evidence level no longer orders the studies told: a meta-analysis of the drug in adults
    comes after the trial in the asked population (its level still counts in the certainty)."""
    review = Record(id="pmid:7100001", title="Celecoxib for osteoarthritis: a meta-analysis",
                    pmid="7100001", year=2004, authors=("Pooler P",), publication_types=("Meta-Analysis",),
                    sections=(Section("METHODS", "We pooled 31 randomised placebo-controlled trials of celecoxib "
                                                 "in 24,089 adults with osteoarthritis."),
                              Section("RESULTS", "Celecoxib reduced pain more than placebo (pooled standardised mean "
                                                 "difference -0.32, 95% CI -0.38 to -0.26)."),
                              Section("CONCLUSIONS", "Celecoxib is effective for osteoarthritis pain.")))
    trial = _rct(3, "Celecoxib for knee osteoarthritis in adults aged 75 and over: a randomised trial",
                 "In this double-blind trial, 312 older adults aged 75 or more with knee osteoarthritis were "
                 "randomised to celecoxib 200 mg daily or placebo for 6 weeks.",
                 "Pain on walking fell by 31 mm with celecoxib and 19 mm with placebo (p = 0.004).",
                 "Celecoxib relieved osteoarthritis pain in older adults.")
    answer, texts = _told([review, trial], tmp_path,
                          "Does celecoxib relieve osteoarthritis pain in older adults aged 75 and over?")
    assert [r.id for r in answer.references] == [trial.id, review.id]
    assert texts[0].startswith("Pain on walking fell by 31 mm"), texts
    assert any(t.startswith("We pooled 31") for t in texts), texts        # the review is still told


def test_a_case_series_that_is_the_evidence_on_the_question_is_told_as_a_key_study(tmp_path: Path):
    series = Record(id="pmid:7200001", title="Low-dose naltrexone for Hailey-Hailey disease: a case series",
                    pmid="7200001", year=2019, authors=("Derm D",), publication_types=("Case Reports",),
                    sections=(Section("BACKGROUND", "Hailey-Hailey disease is a rare blistering disorder."),
                              Section("METHODS", "We describe three patients with Hailey-Hailey disease given "
                                                 "low-dose naltrexone 4.5 mg nightly for 6 months."),
                              Section("RESULTS", "All three patients had fewer flares, and two had complete "
                                                 "clearance of their lesions by 8 weeks."),
                              Section("CONCLUSIONS", "Low-dose naltrexone may help Hailey-Hailey disease.")))
    answer, texts = _told([series], tmp_path, "Does low-dose naltrexone help Hailey-Hailey disease?")
    assert answer.references[0].design in ("case_series", "case_report")
    assert any(t.startswith("We describe three patients") for t in texts), texts


def test_case_reports_fill_only_the_places_controlled_studies_leave(tmp_path: Path):
    """Four case reports that fit the question well do not push its one trial out of Key Studies."""
    reports = [Record(id=f"pmid:73{i:05d}",
                      title=f"Low-dose naltrexone helps fibromyalgia pain in women: case report {i}",
                      pmid=f"73{i:05d}", year=2015, authors=(f"Case{i} C",), publication_types=("Case Reports",),
                      sections=(Section("BACKGROUND", "Fibromyalgia is a chronic pain disorder."),
                                Section("METHODS", f"We describe a woman with fibromyalgia given low-dose naltrexone "
                                                   f"4.5 mg nightly for {i + 2} months."),
                                Section("RESULTS", f"Her fibromyalgia pain fell from 8 to {i + 2} on a 10-point "
                                                   "scale."))) for i in range(4)]
    trial = _rct(4, "Naltrexone in fibromyalgia: a randomised crossover trial",
                 "In this double-blind crossover trial, 31 women with fibromyalgia were randomised to low-dose "
                 "naltrexone 4.5 mg or placebo for 12 weeks each.",
                 "Pain fell by 28.8% with low-dose naltrexone and 18.0% with placebo (p = 0.016).",
                 "Low-dose naltrexone reduced fibromyalgia pain.")
    _, texts = _told([*reports, trial], tmp_path, "Does low-dose naltrexone help fibromyalgia pain in women?")
    assert texts[0].startswith("In this double-blind crossover trial, 31 women"), texts


def test_the_leading_study_is_told_with_its_outcomes_one_by_one(tmp_path: Path):
    """A trial reports its outcomes sentence by sentence; the leading study's further results (up to
    five beyond its main one) are told, each quoted whole, as the answer's evidence on them."""
    results = ("Pain relief at 2 hours was reported by 58% with zolmitriptan and 43% with placebo (p = 0.02). "
               "Pain freedom at 2 hours was 29% with zolmitriptan and 16% with placebo (p = 0.01). "
               "Nausea at 2 hours was less frequent with zolmitriptan (12% vs 25%, p = 0.03). "
               "Photophobia resolved in 47% with zolmitriptan and 30% with placebo (p = 0.02). "
               "Sustained relief to 24 hours was reported by 41% with zolmitriptan and 27% with placebo (p = 0.04). "
               "Use of rescue medication was lower with zolmitriptan (20% vs 38%, p = 0.01).")
    lead = _rct(1, TRIALS[0].title, TRIALS[0].sections[1].text, results,
                "Zolmitriptan nasal spray relieved migraine in adolescents.")
    _, texts = _told([lead], tmp_path, "Is zolmitriptan effective for migraine in adolescents?")
    told = [t for t in texts if "with zolmitriptan" in t and "%" in t]
    assert len(told) == 6, texts          # its main result and five more


def test_a_result_filed_among_the_methods_is_told_but_a_description_is_not(tmp_path: Path):
    """A result written in the METHODS section (as many abstracts do) is a further result of the
    leading study when the sentence reader is sure it reports one; the outcome measures named
    beside it describe the study and are not told as results."""
    methods = (TRIALS[0].sections[1].text + " Outcome measures included pain relief, nausea and photophobia at 2 "
               "hours. At 2 hours, pain freedom was significantly more frequent with zolmitriptan than with placebo "
               "(29% vs 16%, p = 0.01).")
    lead = _rct(1, TRIALS[0].title, methods, TRIALS[0].sections[2].text, TRIALS[0].sections[3].text)
    _, texts = _told([lead], tmp_path, "Is zolmitriptan effective for migraine in adolescents?")
    assert any(t.startswith("At 2 hours, pain freedom was significantly more frequent") for t in texts), texts
    assert not any(t.startswith("Outcome measures included") for t in texts), texts


def test_the_leading_study_is_told_with_three_design_sentences(tmp_path: Path):
    """The leading study's design is told in up to three sentences (who was randomised to what, the
    schedule and doses, who took part), the next studies' in one."""
    methods = ("In this multicentre, double-blind trial, 248 adolescents were randomised to zolmitriptan 5 mg nasal "
               "spray or placebo. Zolmitriptan 5 mg or placebo was taken within 1 hour of onset for up to 3 attacks "
               "over 12 weeks. Adolescents aged 12 to 17 years with migraine for at least 1 year took part in a "
               "prospective trial at 40 centres.")
    lead = _rct(1, TRIALS[0].title, methods, TRIALS[0].sections[2].text, TRIALS[0].sections[3].text)
    answer, texts = _told([lead], tmp_path, "Is zolmitriptan effective for migraine in adolescents?")
    # (the first is quoted among the Key Points of a one-trial answer, and not told twice)
    told = texts + [st.text for sec in answer.sections for st in sec.key_points]
    assert all(any(t.startswith(s) for t in told) for s in ("In this multicentre", "Zolmitriptan 5 mg or placebo",
                                                             "Adolescents aged 12 to 17")), told


def test_a_question_naming_no_treatment_is_told_its_leading_studies_too(tmp_path: Path):
    """A question whose treatment the parser cannot name ("how often ... at 2 hours?") still gets the
    leading studies' designs and results: without a named treatment the Key Studies were left out, and
    the leading study's results went untold."""
    question = "How often do adolescents with migraine get pain relief within 2 hours?"
    assert parse_question(question).interventions == ()
    answer, texts = _told(list(TRIALS), tmp_path, question)
    assert any(t.startswith("In this multicentre, double-blind trial, 248 adolescents") for t in texts), texts


def test_a_direct_study_of_untyped_design_that_reports_results_is_a_key_study(tmp_path: Path):
    """A record the design reader cannot type (a bracketed translated title, no publication type) is
    told among the leading studies when it studied what was asked and reports a result; a comment
    on the drug is not."""
    untyped = Record(id="pmid:7000031", title="[Zolmitriptan and migraine attacks in adolescents]", pmid="7000031",
                     year=1994, sections=(Section("", "Forty adolescents with migraine took zolmitriptan 2.5 mg for "
                                                      "their attacks. Pain relief at 2 hours was reported for 62% of "
                                                      "attacks treated with zolmitriptan. Nausea was reported for 5% "
                                                      "of attacks."),))
    comment = Record(id="pmid:7000032", title="Zolmitriptan for adolescents: a comment", pmid="7000032", year=1995,
                     sections=(Section("", "Migraine in adolescents deserves attention. Zolmitriptan may have a place "
                                           "in it."),))
    store, _ = build_store([untyped, comment], tmp_path / "u.db")
    try:
        query = resolve(store, parse_question("Does zolmitriptan relieve migraine attacks in adolescents?"))
        studies = [s for s in build_studies(query, retrieve(store, query, 10)) if s.relevant]
        assert {s.record.id: s.design for s in studies} == {untyped.id: "other", comment.id: "other"}
        told = key_passages(query, studies)
        assert [s.record.id for s, _ in told] == [untyped.id]
        assert told[-1][1].text.startswith("Pain relief at 2 hours was reported for 62%")
    finally:
        store.close()


def test_a_retracted_untyped_study_is_never_a_key_study(tmp_path: Path):
    untyped = Record(id="pmid:7000033", title="RETRACTED: [Zolmitriptan and migraine attacks in adolescents]",
                     pmid="7000033", year=1994, publication_types=("Retracted Publication",),
                     sections=(Section("", "Forty adolescents with migraine took zolmitriptan 2.5 mg for their "
                                           "attacks. Pain relief at 2 hours was reported for 62% of attacks treated "
                                           "with zolmitriptan. Nausea was reported for 5% of attacks."),))
    store, _ = build_store([untyped], tmp_path / "r.db")
    try:
        query = resolve(store, parse_question("Does zolmitriptan relieve migraine attacks in adolescents?"))
        studies = [s for s in build_studies(query, retrieve(store, query, 10)) if s.relevant]
        assert [(s.record.id, s.design, s.appraisal.retracted) for s in studies] == [(untyped.id, "other", True)]
        assert key_passages(query, studies) == []
    finally:
        store.close()
