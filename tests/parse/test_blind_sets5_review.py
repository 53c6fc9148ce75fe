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


# ------------------------------------------------------------------ which total


def test_last_years_outturn_beside_this_years_plan_is_not_money_spent():
    head = "甲县乙局2024年度部门整体支出绩效自评报告\n一、预算批复及资金基本情况\n"
    # the year compared with: no money spent in 2024 is stated
    report = _parse(head + "2024年乙局年初预算数为800万元,较2023年支出决算数650万元增加150万元。\n")
    assert report.budget_yuan == 8000000 and report.spent_yuan is None
    # an actual figure of another year than the title's, in the budget's section
    report = _parse(head + "乙局2024年支出预算800万元。2023年支出决算650万元。\n")
    assert report.spent_yuan is None
    report = _parse(head + "乙局2024年支出预算800万元。2023年实际支出650万元。\n")
    assert report.spent_yuan is None
    # the year's own outturn there is still spent
    report = _parse(head + "乙局2024年支出预算800万元。2024年度总支出决算数为783.5万元。\n")
    assert report.spent_yuan == 7835000
    # and the year compared with does not stand against this year's spending
    report = _parse("甲县乙局2024年度部门整体支出绩效自评报告\n一、部门基本情况\n乙局为县政府工作部门。\n"
                    "二、预算执行情况\n2024年乙局年初预算800万元,全年支出760万元,较2023年支出决算数650万元增加110万元。\n")
    assert report.spent_yuan == 7600000


def test_a_budget_adjusted_in_the_course_of_the_year_is_no_budget_carried_out():
    head = "甲县乙项目2024年度绩效自评报告\n一、项目基本情况\n"
    report = _parse(head + "项目年初预算500万元,根据实际执行情况调整后预算450万元,当年实际支出440万元。\n")
    assert (report.budget_yuan, report.budget_adjusted_yuan, report.spent_yuan) == (5000000, 4500000, 4400000)
    report = _parse(head + "结合实际执行情况调整预算为450万元。\n二、项目执行情况\n截至年底已支出440万元。\n")
    assert report.budget_yuan == 4500000 and report.spent_yuan == 4400000


def test_a_unit_or_project_named_for_those_it_serves_has_income_of_its_own():
    # 农民, 村民 open the name of the project or unit whose income it is: not the income of
    # those a project serves
    report = _parse("甲县农业农村局2024年高素质农民培育项目绩效自评报告\n一、项目资金情况\n"
                    "2024年高素质农民培育项目收入合计80万元,支出合计78万元。\n")
    assert report.available_yuan == 800000
    report = _parse("甲县农广校2024年度部门整体支出绩效自评报告\n一、部门收支情况\n"
                    "2024年农民培训学校本年收入合计320万元,本年支出合计310万元。\n")
    assert report.available_yuan == 3200000
    report = _parse("甲县乙村村民委员会2024年度部门整体支出绩效自评报告\n一、收支情况\n"
                    "乙村村民委员会2024年收入合计80万元,支出合计75万元。\n")
    assert report.available_yuan == 800000
    # the villagers' own income stays an outcome
    report = _parse("甲县乙村村民委员会2024年度部门整体支出绩效自评报告\n一、收支情况\n"
                    "乙村村民委员会2024年收入合计80万元。\n二、绩效目标完成情况\n村民人均收入1.2万元。\n")
    assert report.available_yuan == 800000


def test_a_money_unit_declared_with_the_rates_unit_is_the_tables_money_unit():
    # 单位:万元/% — money in 万元, rates in %: not a rate's unit (元/亩)
    text = ("甲县2024年乙项目绩效自评表\n单位:万元/%\n| 项目 | 年初预算数 | 全年预算数 | 全年执行数 | 执行率 |\n"
            "| 年度资金总额 | 500 | 480 | 450 | 93.75 |\n")
    report = _parse(text)
    assert (report.budget_yuan, report.budget_adjusted_yuan, report.spent_yuan) == (5000000, 4800000, 4500000)
