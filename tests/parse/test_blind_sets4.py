"""Rules from the failure classes of the blind sets of the session of 2026-12-05 (sets
labelled outside the repository and measured before any rule; see docs/evaluation.md).
The sentences are our own, written after the way those reports state things; each rule
has a text where it must not give a value.
"""

from __future__ import annotations

import fiscal_eval
from fiscal_eval.metrics.audit import audit
from fiscal_eval.parse import parse_document
from fiscal_eval.sources.text import document_from_text


def _parse(text: str) -> fiscal_eval.Report:
    return audit(parse_document(document_from_text(text, "t.txt")))


# ------------------------------------------------------------------ which unit


def test_a_level_alone_takes_the_full_name_though_a_sentence_also_runs_into_it():
    text = ("县司法局2020年度法律顾问经费绩效自评报告\n"
            "根据有关文件精神,甲山县司法局对甲山县法律顾问经费进行了自评,现将情况汇报如下:\n"
            "2020年度甲山县财政划给甲山县司法局法律顾问经费,指标金额是110万元。\n")
    assert _parse(text).agency == "甲山县司法局"
    # two counties written out: the text does not say which one
    text = ("县司法局2020年度法律顾问经费绩效自评报告\n"
            "根据有关文件精神,甲山县司法局、乙水县司法局进行了自评。\n")
    assert _parse(text).agency == "县司法局"


def test_a_unit_named_by_its_township_takes_the_county_the_text_writes_before_it():
    text = ("2024年度城关镇社区卫生服务中心预算执行情况绩效自评报告\n一、基本情况\n(一)部门主要职能\n"
            "甲曲县城关镇社区卫生服务中心主要负责辖区内居民的基本医疗及公共卫生工作。\n")
    assert _parse(text).agency == "甲曲县城关镇社区卫生服务中心"
    # no county written before the name: it stays as the title gives it
    text = ("2024年度城关镇社区卫生服务中心预算执行情况绩效自评报告\n一、基本情况\n"
            "本中心服务于城关镇社区卫生服务中心辖区内居民。\n")
    assert _parse(text).agency == "城关镇社区卫生服务中心"


# ------------------------------------------------------------------ flattened forms

_GRID = ("部门整体支出绩效自评表\n(2021年度)\n预算单位名称\n某区林业局\n年度预\n算申请\n(万元)\n年初\n预算数\n"
         "全年预算数\n全年\n执行数\n分值\n执行率\n得分\n年度资金总额\n{}\n{}\n{}\n10\n100%\n10\n按收入性质分:\n")


def test_a_grid_row_whose_units_place_every_cell_is_read_though_its_rate_disagrees():
    r = _parse(_GRID.format("4753.66万元", "4753.66万元", "3824.26万元"))
    assert (r.budget_yuan, r.spent_yuan, r.execution_rate_reported) == (47536600.0, 38242600.0, 1.0)
    # the disagreement is the form's own, and the audit says so
    assert "rate_mismatch" in {f.code for f in r.flags}
    # cells without their units: the rate is all that could place them, and it refutes
    r = _parse(_GRID.format("4753.66", "4753.66", "3824.26"))
    assert (r.budget_yuan, r.spent_yuan, r.execution_rate_reported) == (None, None, None)


def test_a_school_writing_as_我校_on_its_bureaus_page_is_not_the_bureau():
    head = "索引号 | 01526405-X/20240325-00023 | 发布机构 | 某县教育体育局 |\n2023年度项目支出绩效自评报告(特殊教育公用经费)\n"
    r = _parse(head + "一、自评结论\n我校特殊教育公用经费项目自评得分为100分。\n")
    assert r.agency is None
    # the bureau's own report on its page, and one that speaks of its schools
    assert _parse(head + "一、自评结论\n我局特殊教育公用经费项目自评得分为100分。\n").agency == "某县教育体育局"
    assert _parse(head + "我局组织各校开展自评,我校…的表述见附件。\n").agency == "某县教育体育局"
    # a school's page publishing its own report
    head = "发布机构:某县第一中学\n2023年度项目支出绩效自评报告\n"
    assert _parse(head + "我校生均公用经费项目自评得分为100分。\n").agency == "某县第一中学"


# ------------------------------------------------------------------ which total


def test_one_batch_of_the_years_allocations_gives_way_to_the_total_allocated():
    text = ("2023年高龄补贴绩效评价报告\n一、基本情况\n各级财政共下达我县2023年老年人生活保健补贴资金4186.49万元,"
            "其中省级配套1165.84万元、市级配套1132.8万元、县级配套1887.85万元。\n二、资金下达情况\n"
            "3月14日下达省级第一批指标1080万元,12月26日下达省级第二批资金指标85.84万元。\n")
    assert _parse(text).budget_yuan == 41864900.0
    # a 资金指标 that is no batch still names the budget
    text = "2023年高龄补贴绩效自评报告\n一、基本情况\n县财政下达资金指标85.84万元,实际支出80万元。\n"
    assert _parse(text).budget_yuan == 858400.0
