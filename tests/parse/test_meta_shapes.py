"""Agency and project name: title shapes, body sentences and flattened forms met on real
pages (a fund's name split by the year, a bracket left open, the channel in brackets, words
a mirror masked, the fund the body says it evaluates, a unit by its province's short name,
a title's short form of the unit, a form's displaced 实施单位 cell) — each on short texts
written for these tests, with the cases where the rule must abstain."""

from __future__ import annotations

from fiscal_eval.parse import parse_document
from fiscal_eval.parse.metadata import _abbreviates, _same_project
from fiscal_eval.sources.text import document_from_text


def _parse(text: str):
    return parse_document(document_from_text(text, "t.txt"))


def _evidence(r, field: str) -> str:
    lo, hi = r.evidence[field].span
    return r.text[lo:hi]


class TestTitleShapes:
    def test_year_splitting_the_fund_name(self):
        # the region receives the fund; its subject before the year, its fund word after
        r = _parse("某某市文物保护2020年度专项资金绩效自评报告\n一、绩效目标分解下达情况\n共下达某某市文物保护专项经费80万元。\n")
        assert (r.project_name, r.year, r.kind) == ("文物保护专项资金", 2020, "project")
        assert "2020年度" in _evidence(r, "project_name")
        # a region alone before the year names no fund
        r = _parse("某某县2020年度专项资金绩效自评报告\n一、基本情况\n我县高度重视。\n")
        assert r.project_name is None

    def test_bracket_left_open_at_the_title_end(self):
        r = _parse("某某市图书馆2022年度项目支出绩效自评报告(2022年某某文化服务建设补助资金\n一、自评结论\n")
        assert (r.project_name, r.agency) == ("2022年某某文化服务建设补助资金", "某某市图书馆")
        # an open caption is no name
        r = _parse("某某市图书馆项目支出绩效自评报告(2022年度\n一、自评结论\n")
        assert r.project_name is None

    def test_channel_in_brackets_and_the_genre_project_word(self):
        r = _parse("某某省某某事业发展补助资金(省对下转移支付)项目2018年度绩效自评报告\n一、项目基本情况\n")
        assert (r.project_name, r.year) == ("某某省某某事业发展补助资金(省对下转移支付)", 2018)
        # the channel alone is no project
        r = _parse("某某县某某局2018年度绩效自评报告(省对下转移支付)\n一、项目基本情况\n")
        assert r.project_name is None

    def test_fund_paid_as_a_transfer_agrees_with_the_form_cell(self):
        r = _parse("某某救助补助资金转移支付项目绩效目标自评表 | |\n(2024年度) | |\n"
                   "转移支付(项目)名称 | 某某救助补助资金 | |\n地方主管部门 | 某某局 | 资金使用单位 | 某某县某某局 |\n")
        assert (r.project_name, r.agency, r.year) == ("某某救助补助资金", "某某县某某局", 2024)
        # a cell naming another fund still contradicts the title: none chosen
        r = _parse("某某救助补助资金转移支付项目绩效目标自评表 | |\n(2024年度) | |\n"
                   "转移支付(项目)名称 | 某某养老服务补助资金 | |\n资金使用单位 | 某某县某某局 |\n")
        assert r.project_name is None and "project_name" in r.candidates

    def test_masked_words_before_a_title(self):
        r = _parse("某某市某某局2021年度中央对地方转移支付预算执行情况绩效自评报告\n"
                   "(略) 分 某某改革发展资金绩效自评\n一、绩效目标分解下达情况\n")
        assert r.project_name == "某某改革发展资金"
        assert r.agency == "某某市某某局"

    def test_project_funds_title_and_the_body_naming_the_project(self):
        text = "关于2021年度某某灾害群测群防项目资金绩效评价报告\n一、项目基本情况\n"
        r = _parse(text + "(一)某某灾害群测群防项目概况:我县隐患点共571处。\n")
        assert r.project_name == "某某灾害群测群防项目"
        # the body does not name it otherwise: the title's words are kept
        r = _parse(text + "我局会同各乡镇开展巡查。\n")
        assert r.project_name == "某某灾害群测群防项目资金"


class TestBodySentences:
    def test_recipient_and_all_projects_are_no_names(self):
        r = _parse("根据某某文件,下达给我单位资金1.53万元,其中造林补助2.42万元。\n")
        assert r.project_name is None
        r = _parse("我们对2023年度某某文化服务建设专项资金支持所有项目进行绩效自评,现将自评情况报告如下:\n")
        assert r.project_name is None or "所有项目" not in r.project_name

    def test_national_name_and_bare_name_are_one_fund(self):
        assert _same_project("中央支持地方某某文化服务体系建设专项资金", "某某文化服务体系建设专项资金")
        assert not _same_project("中央支持地方某某文化服务体系建设专项资金", "某某图书馆免费开放专项资金")
        r = _parse("某某市2023年度中央支持地方某某文化服务体系建设专项资金绩效自评情况\n"
                   "一、绩效目标分解下达情况\n省级下达某某文化服务体系建设专项资金3020万元。\n"
                   "下达某某文化服务体系建设专项资金的文件两份。\n")
        assert r.project_name == "中央支持地方某某文化服务体系建设专项资金"

    def test_fund_evaluated_over_a_component_allocated(self):
        r = _parse("根据有关规定,某某厅、财政厅认真组织开展了2024年度中央财政某某安居工程补助资金绩效自评工作,"
                   "自评情况如下:\n一、绩效目标分解下达情况\n2024年,财政部下达某某某某安居工程住房保障财政补助资金40957万元。\n")
        assert r.project_name == "中央财政某某安居工程补助资金"
        # with a title naming the fund, the title's name stays the report's
        r = _parse("某某省2024年度某某安居工程补助资金绩效自评报告\n开展了2024年度某某安居工程住房保障补助资金绩效自评工作。\n")
        assert r.project_name == "某某安居工程补助资金"

    def test_unit_and_year_before_the_project_evaluated(self):
        r = _parse("根据某某局通知文件精神,我单位对某某监测站2021年度某某大气监测专项项目使用管理情况认真开展了自评。"
                   "现将项目绩效自评情况报告如下:\n一、基本情况\n")
        assert (r.agency, r.project_name, r.year) == ("某某监测站", "某某大气监测专项", 2021)


class TestAgencyInTheBody:
    def test_unit_named_by_its_province_short_name(self):
        r = _parse("根据有关规定,湖北某某人联合会(以下简称“省某联”)成立绩效自评工作专班,对某某补助资金进行绩效自评。\n")
        assert r.agency == "湖北某某人联合会"
        # no place at all: a kind of unit, not one unit
        r = _parse("根据有关规定,某某人联合会(以下简称“某联”)成立绩效自评工作专班,对某某补助资金进行绩效自评。\n")
        assert r.agency is None

    def test_unit_as_subject_after_the_year(self):
        r = _parse("一、自评结论\n2022年,某某市民政局较好的完成了年初制定的以下工作目标:一是精准精细。\n")
        assert r.agency == "某某市民政局"
        # the finance bureau that allocates is not the unit evaluated; a place alone is no unit
        r = _parse("一、自评结论\n2022年,某某市财政局较好的完成了资金下达。\n2022年,某某市全面完成了目标。\n")
        assert r.agency is None


class TestAgencyInForms:
    def test_title_short_form_and_the_unit_cell(self):
        assert _abbreviates("福彩中心", "宁夏福利彩票发行中心")
        assert not _abbreviates("彩票中心", "宁夏福利彩票发行站") and not _abbreviates("某某局", "某某县某某局")
        r = _parse("2023年某彩中心绩效项目支出自评表\n专项(项目)名称某某系统改版升级\n"
                   "自治区主管部门某某自治区民政厅资金使用单位宁夏某利彩票发行中心\n")
        assert r.agency == "宁夏某利彩票发行中心"
        # a title naming another unit than the form's: none chosen
        r = _parse("2023年某某服务中心绩效项目支出自评表\n专项(项目)名称某某系统改版升级\n"
                   "资金使用单位宁夏某利彩票发行中心\n")
        assert r.agency is None and "agency" in r.candidates

    def test_displaced_unit_cell_of_a_flattened_form(self):
        form = ("某某县项目支出绩效自评表 (2020年度) 项目名称 某某配套资金 主管部门 某某县医疗保障局 项目资金 "
                "年初预算数 (万元) 年度资金总额 实施单位 全年预算数 全年执行数 分值 执行率 得分 65.66 65.07 10 99% 9 "
                "年度总 体目标 一级 指标 绩 效 指 标 {units} 产出 指标 (50分 ) 实际 指标值 完成值 8755 总分")
        r = _parse(form.format(units="某某县医疗保险服务中心"))
        assert r.agency == "某某县医疗保险服务中心"
        assert r.evidence["agency"].label == "实施单位"
        # two other units of the county in the form: which one is the 实施单位 is unknown,
        # the 主管部门 stays the candidate chosen (as without the rule)
        r = _parse(form.format(units="某某县医疗保险服务中心 某某县人民医院"))
        assert r.agency == "某某县医疗保障局"
