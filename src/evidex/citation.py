"""Vancouver (ICMJE/NLM) reference strings, e.g.

Soin A, Soin Y, Dann T, et al. Low-dose naltrexone use for patients with chronic
regional pain syndrome: a systematic literature review. Pain Physician.
2021;24(4):E393-E406. doi:10.xxxx. PMID: 34213865.

NLM's "Citing Medicine" lists up to six authors, then "et al."; we follow that.
"""
from __future__ import annotations

from .records import Record


def vancouver(record: Record) -> str:
    authors = list(record.authors)
    if len(authors) > 6:
        names = ", ".join(authors[:6]) + ", et al"
    else:
        names = ", ".join(authors)
    parts = []
    if names:
        parts.append(names.rstrip(".") + ".")
    title = record.title.strip()
    if title:
        parts.append(title if title.endswith((".", "?", "!")) else title + ".")
    if record.journal:
        parts.append(record.journal.rstrip(".") + ".")
    where = str(record.year) if record.year else ""
    if record.volume:
        where += f";{record.volume}"
        if record.issue:
            where += f"({record.issue})"
    if record.pages:
        where += f":{record.pages}"
    if where:
        parts.append(where + ".")
    if record.doi:
        parts.append(f"doi:{record.doi}.")
    if record.pmid:
        parts.append(f"PMID: {record.pmid}.")
    return " ".join(parts)


def link(record: Record) -> str:
    if record.pmid:
        return f"https://pubmed.ncbi.nlm.nih.gov/{record.pmid}/"
    if record.doi:
        return f"https://doi.org/{record.doi}"
    return record.url
