"""Rules of the fourteenth session, each from failures on real pages kept outside the
repository, written as short texts in the style of the templates (no real report is
copied here): each with the value the rule must give and the cases where it must not.
"""

from __future__ import annotations

import pytest

import fiscal_eval
from fiscal_eval.parse import parse_document
from fiscal_eval.sources.text import document_from_text


def _parse(text: str) -> fiscal_eval.Report:
    return parse_document(document_from_text(text, "t.txt"))


# A page with no title and no heading of either kind: a fund's words throughout and no
# word of a unit's whole make it a fund's (project) report.
UNTITLED_FUND = ("根据相关文件规定,现将上级转移支付资金使用情况报告如下:\n"
                 "一、资金基本情况\n"
                 "2021年中央财政困难群众救助补助资金下达我区111万元,已全额划转各街道。\n"
                 "二、资金使用范围\n资金要求专款专用。\n")


def test_an_untitled_page_about_one_fund_is_a_project_report():
    report = _parse(UNTITLED_FUND)
    assert report.kind == "project"
    assert report.evidence["kind"].span[0] == UNTITLED_FUND.index("转移支付")


@pytest.mark.parametrize("text", [
    # a unit's remit, staff or budget named: the text does not say which kind it is
    UNTITLED_FUND + "本局主要职能:负责全区社会救助工作。\n",
    UNTITLED_FUND + "核定编制数6名,在职人员6人。\n",
    UNTITLED_FUND.replace("现将", "现将部门预算及"),
    # fewer than three words of money or projects: too little to say
    "现将有关情况报告如下:\n一、基本情况\n全年下达资金111万元。\n",
])
def test_a_page_with_a_units_words_or_too_few_fund_words_keeps_its_kind_open(text):
    assert _parse(text).kind is None


# A unit named as the subject of "贯彻落实…" (carrying out a policy) speaks for itself, as
# "X高度重视" and "X组织开展" do.
def test_a_unit_carrying_out_a_policy_is_the_subject_of_the_report():
    text = ("一、基本情况\n根据《关于印发医疗救助实施方案的通知》文件精神,甲县医疗保障局贯彻落实"
            "医疗救助制度,进一步完善我局社会救助体系。\n")
    report = _parse(text)
    assert report.agency == "甲县医疗保障局"
    assert text[slice(*report.evidence["agency"].span)] == "甲县医疗保障局"


@pytest.mark.parametrize("subject", [
    "县人民政府办公室",  # the government's office: it leads, it is not the unit evaluated
    "甲县财政局",  # the finance bureau passes the money on
])
def test_a_governing_or_finance_body_carrying_out_a_policy_is_not_the_unit(subject):
    text = f"一、基本情况\n根据文件精神,{subject}贯彻落实医疗救助制度,进一步完善社会救助体系。\n"
    assert _parse(text).agency is None


# An allocation naming a works project's money ("下达…建设项目预算资金1465万元") names the
# project; a fund named as such (…专项资金, …项目资金 of a programme) keeps its words.
@pytest.mark.parametrize("sentence, name", [
    ("2023年中央下达水稻集中育秧设施建设项目预算资金1465万元。", "水稻集中育秧设施建设项目"),
    ("2023年下达城区供水管网改造项目资金300万元。", "城区供水管网改造项目"),
    ("2023年下达中央支持地方公共文化项目资金300万元。", "中央支持地方公共文化项目资金"),
])
def test_an_allocation_of_a_works_projects_money_names_the_project(sentence, name):
    text = "一、绩效目标分解下达情况\n" + sentence + "\n二、绩效目标完成情况\n"
    assert _parse(text).project_name == name


# "得分合计100" closing a form glued into prose: the sum of the indicators' points, the
# report's total (as 总得分 is); a section's 得分合计 stays a section's.
@pytest.mark.parametrize("tail, score", [
    ("满意度指标 服务对象满意度≥80% 100% 5% 5 得分合计100。", 100),
    ("合计得分:96.5分。", 96.5),
    ("产出指标得分合计45分,效益指标得分合计30分。", None),
])
def test_the_sum_of_points_closing_a_form_is_the_score(tail, score):
    assert _parse("甲县专项资金绩效自评表\n一级指标 二级指标 三级指标 指标值 完成值 权重 得分\n" + tail + "\n").score == score
