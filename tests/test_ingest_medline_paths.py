"""The child-index lookups of the MEDLINE parser return what lxml's find/findall return."""
from lxml import etree

from evidex.ingest.medline_xml import _all, _child, _children, _one, _under

XML = b"""<MedlineCitation><!-- a comment --><?pi x?>
  <PMID>1</PMID><PMID>2</PMID>
  <KeywordList Owner="NOTNLM"><Keyword>a</Keyword><!-- c --><Keyword>b</Keyword></KeywordList>
  <KeywordList Owner="NLM"><Other>x</Other><Keyword>c</Keyword></KeywordList>
  <MedlineJournalInfo><Country>X</Country></MedlineJournalInfo>
  <MedlineJournalInfo><MedlineTA>J A</MedlineTA><MedlineTA>J B</MedlineTA></MedlineJournalInfo>
  <x:PMID xmlns:x="urn:x">3</x:PMID>
</MedlineCitation>"""


def test_lookups_equal_find_and_findall():
    root = etree.fromstring(XML)
    kids = _children(root)
    for tag in ("PMID", "KeywordList", "Missing", "MedlineJournalInfo"):
        assert _one(kids, tag) is root.find(tag)
        assert _child(root, tag) is root.find(tag)
        assert kids.get(tag, []) == root.findall(tag)
    for parent, tag in (("KeywordList", "Keyword"), ("MedlineJournalInfo", "MedlineTA"), ("KeywordList", "Nope"),
                        ("Missing", "Keyword")):
        assert _all(kids, parent, tag) == root.findall(f"{parent}/{tag}")
        assert _under(kids, parent, tag) is root.find(f"{parent}/{tag}")
