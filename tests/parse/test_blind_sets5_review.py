"""Counter-examples to the rules of tests/parse/test_blind_sets5.py, found in review: texts
of our own where a rule gave a wrong value or a span or sentence not in the original text.
"""

from __future__ import annotations

import fiscal_eval
from fiscal_eval.metrics.audit import audit
from fiscal_eval.parse import parse_document
from fiscal_eval.sources.text import document_from_text


def _parse(text: str) -> fiscal_eval.Report:
    return audit(parse_document(document_from_text(text, "t.txt")))


def _sentences_in_original(report: fiscal_eval.Report) -> None:
    for field, ev in report.evidence.items():
        assert ev.sentence in report.text, (field, ev.sentence)


# ------------------------------------------------------------------ spans and sentences


def test_an_evidence_sentence_is_the_originals_in_a_traditional_text():
    # no edit moves an offset, but every character was converted: the sentence kept from
    # the normalised text is not the original's
    text = ("甲縣乙局2023年度部門整體支出績效自評報告\n一、預算執行情況\n"
            "乙局年初預算800萬元,全年支出760萬元,預算執行率95%。\n自評得分92分。\n")
    report = _parse(text)
    assert report.budget_yuan == 8000000 and report.score == 92
    _sentences_in_original(report)
    assert report.evidence["budget_yuan"].sentence == "乙局年初預算800萬元,全年支出760萬元,預算執行率95%。"


def test_an_evidence_sentence_is_the_originals_where_masked_figures_were_widened():
    text = ("甲县乙局2023年度部门整体支出绩效自评报告\n一、预算执行情况\n"
            "乙局年初预算8**万元,全年支出760万元,执行率9*%。\n")
    report = _parse(text)
    assert report.spent_yuan == 7600000
    _sentences_in_original(report)
