"""Agency, kind and project name: the rules for form fields, a unit's two spellings,
titles carrying unit and fund, names holding quotes, one project enumerated — each on
short texts written for these tests, with the cases where the rule must abstain."""

from __future__ import annotations

import pytest

from fiscal_eval.parse import parse_document
from fiscal_eval.parse.metadata import _balanced, _same_org
from fiscal_eval.sources.text import document_from_text


def _parse(text: str):
    return parse_document(document_from_text(text, "t.txt"))


def _evidence(r, field: str) -> str:
    lo, hi = r.evidence[field].span
    return r.text[lo:hi]


class TestFormFields:
    def test_unit_cell_run_together_with_the_next_cell(self):
        # "部门(单位)名称 X预算编码302001": the code is the next cell, not part of the name.
        r = _parse("某某区2022年度部门(单位)整体支出绩效评价自评报告部门(单位)名称某某市某某区发展和改革局"
                   "预算编码302001报告日期:2023年5月10日某某区财政局(制)")
        assert (r.agency, r.kind, r.year) == ("某某市某某区发展和改革局", "department", 2022)
        assert _evidence(r, "agency") == "某某市某某区发展和改革局"

    def test_fund_user_of_the_transfer_form_over_its_supervisors(self):
        # The MoF 转移支付 form: 中央主管部门 and 地方主管部门 supervise; 资金使用单位 spends.
        r = _parse("项目支出绩效目标自评表(2024年度)\n转移支付(项目)名称2024年某某防灾减灾(某某防疫补助)"
                   "中央主管部门某某部地方主管部门省某某厅资金使用单位某某市某某局资金投入情况(万元)"
                   "全年预算数(A)全年执行数(B)")
        assert r.agency == "某某市某某局"
        assert r.project_name == "2024年某某防灾减灾(某某防疫补助)"
        lost = {c.value: c.lost for c in r.candidates["agency"] if not c.chosen}
        assert lost["省某某厅"].startswith("不及")

    def test_template_heading_is_no_project(self):
        # "中央支付地方发展项目绩效目标自评表" is the form's template, not a project: the
        # 转移支付(项目)名称 cell names it.
        r = _parse("中央支付地方发展项目绩效目标自评表\n(2020年度)\n"
                   "转移支付(项目)名称 | 社会办某某机构运营补贴 | 联系人及电话 | 某某 |\n"
                   "中央主管部门 | 某某部 |\n地方主管部门 | 某某市某某局 | 实施单位 | 某某区某某局 |\n")
        assert (r.project_name, r.agency, r.year) == ("社会办某某机构运营补贴", "某某区某某局", 2020)

    def test_project_field_agrees_with_a_title_without_its_project_word(self):
        r = _parse("2021年中央某某防疫等补助经费项目支出绩效自评报告\n一、项目概况\n"
                   "项目名称:2021年中央某某防疫等补助经费项目。\n项目主管部门:某某县农业农村局。\n"
                   "项目实施单位:某某乡人民政府。\n")
        assert (r.project_name, r.agency) == ("2021年中央某某防疫等补助经费项目", "某某乡人民政府")
        # "…项目支出" in the cell (the line broke before 绩效自评报告): the project
        r = _parse("某某县某某局2023年某某造林补助资金项目支出绩效自评报告\n项目名称: 2023年某某造林补助资金项目支出\n"
                   "绩效自评报告\n")
        assert r.project_name == "2023年某某造林补助资金项目"

    def test_project_field_contradicting_the_title_abstains(self):
        r = _parse("某某县某某局2022年度某某道路建设项目绩效自评报告\n项目名称: 某某学校维修改造项目\n实施单位: 某某县某某局\n")
        assert r.project_name is None
        assert {c.value for c in r.candidates["project_name"]} >= {"某某学校维修改造项目"}


class TestOneUnitTwoSpellings:
    def test_autonomous_county_short_form_and_a_division(self):
        r = _parse("某某县林业和草原局2023年某某补助资金项目支出绩效自评报告\n"
                   "部门名称(公章):某某彝族自治县林业和草原局\n项目单位:某某彝族自治县林业和草原局资源管理科\n"
                   "主管部门: 某某彝族自治县林业和草原局\n")
        assert r.agency == "某某彝族自治县林业和草原局"  # the fuller name, not the division
        assert all("不一致" not in c.lost for c in r.candidates["agency"])

    @pytest.mark.parametrize(("a", "b", "same"), [
        ("寻甸县林业和草原局", "寻甸回族彝族自治县林业和草原局", True),
        ("峨边县教育局", "峨边彝族自治县教育局", True),
        ("红河州财政局", "红河哈尼族彝族自治州财政局", True),
        ("宣州区应急管理局", "宣城市宣州区应急管理局", True),
        ("峨边县教育局", "峨边彝族自治县卫生健康局", False),
        ("某某县教育局", "某某新区教育局", False),
        ("寻甸县林业和草原局", "寻甸回族彝族自治县林业和草原局资源管理科", False),
    ])
    def test_same_org(self, a, b, same):
        assert _same_org(a, b) is same

    def test_division_of_a_unit_without_a_place_is_kept_out(self):
        # a division alone (财务股) is no unit; "X局资源管理科" only becomes X局 when X局 names its place
        r = _parse("项目支出绩效自评表\n项目名称 某某经费\n实施单位 财务股\n")
        assert r.agency is None


class TestBareDepartmentWords:
    @pytest.mark.parametrize("source", ["发布单位:林业局", "来源: 扶贫办", "信息来源:教育局"])
    def test_department_word_alone_names_no_unit(self, source):
        r = _parse(f"某某县2022年度中央财政某某发展资金转移支付绩效自评报告\n{source} 发布时间: 2023-06-12\n"
                   "一、绩效目标分解下达情况\n下达我局资金30万元。")
        assert r.agency is None
        assert "部门类别" in r.candidates["agency"][0].lost

    def test_department_with_its_place_is_a_unit(self):
        r = _parse("2023年某某县某某仓储基地建设项目绩效自评报告\n来源: 某某县林业局 时间: 2023-12-26\n"
                   "一、绩效目标分解下达情况\n下达我局资金80万元。")
        assert r.agency == "某某县林业局"


class TestTitles:
    def test_unit_short_name_then_fund_in_brackets(self):
        r = _parse("某某区残联中央转移支付2023年度绩效自评报告(残疾人事业发展补助资金)\n一、绩效目标分解下达情况\n"
                   "2023年下达某某区中央转移支付资金(残疾人事业发展补助资金)29.6万元。")
        assert (r.agency, r.year, r.kind, r.project_name) == ("某某区残联", 2023, "project", "残疾人事业发展补助资金")

    def test_bracket_after_the_title_keeps_its_year(self):
        r = _parse("某某市某某区某某镇2021年度部门预算项目支出绩效自评报告 (2021年城乡临时救助备用金)\n"
                   "一、项目概况\n")
        assert (r.year, r.kind, r.project_name) == (2021, "project", "2021年城乡临时救助备用金")

    @pytest.mark.parametrize("title", ["**河县2023年度中央某某发展资金\n绩效自评报告",
                                       "某某网_官网-【平台】2023年度中央某某发展资金绩效自评报告"])
    def test_masked_or_spam_place_before_the_year(self, title):
        r = _parse(f"{title}\n一、基本情况\n下达资金2263万元。")
        assert (r.agency, r.year, r.project_name) == (None, 2023, "中央某某发展资金")

    def test_programme_named_in_the_announcing_sentence(self):
        r = _parse("根据有关通知,我市高度重视,现将我市2021年涉农资金统筹整合绩效自评报告如下:\n一、组织实施情况\n")
        assert (r.agency, r.year, r.project_name) == (None, 2021, "涉农资金统筹整合")

    def test_unmasked_subject_before_the_year_is_not_dropped(self):
        # an ordinary place keeps today's reading: the project is not taken from a spam rule
        r = _parse("某某县2022年度某某河道治理项目绩效自评报告\n一、基本情况\n")
        assert r.project_name == "某某河道治理项目"


class TestQuotesAndBrackets:
    def test_quoted_phrase_inside_a_name(self):
        r = _parse("某某市转移支付区域(项目)绩效目标自评表(2023年度)\n"
                   "转移支付(项目)名称中央某某防灾减灾(某某防疫补助)及省级某某高质量发展(“两强一增”行动)"
                   "中央主管部门某某部地方主管部门省某某厅资金使用单位某某市某某局资金投入情况(万元)")
        assert r.project_name == "中央某某防灾减灾(某某防疫补助)及省级某某高质量发展(“两强一增”行动)"
        assert _evidence(r, "project_name") == r.project_name

    @pytest.mark.parametrize(("cut", "name"), [
        ("某某发展(", "某某发展"),
        ("某某发展(“两强", "某某发展"),
        ("某某补助(第一批)", "某某补助(第一批)"),
    ])
    def test_open_brackets_are_closed_by_cutting(self, cut, name):
        assert _balanced(cut) == name


class TestOneProject:
    def test_text_says_there_is_one_project(self):
        r = _parse("某某市第四中学专项资金绩效自评价报告一、基本情况(一)项目基本概况我校2022年项目为一个:"
                   "生均公用经费项目(二)资金及项目绩效目标我校2022年按生均1000元安排")
        assert (r.kind, r.project_name) == ("project", "生均公用经费项目")

    def test_the_only_project_the_fund_paid_for(self):
        text = ("某某市某某区水务局2022年衔接资金项目绩效自评报告\n一、绩效目标分解下达情况\n"
                "(一)某某区水务局2022年衔接资金共下达105万元,用于实施某某镇某某村蔬菜园产业项目。\n"
                "2.项目资金执行情况分析\n实施某某镇某某村蔬菜园产业项目,资金已按合同支付。\n")
        r = _parse(text)
        assert r.project_name == "某某镇某某村蔬菜园产业项目"

    @pytest.mark.parametrize("body", [
        # named once only
        "衔接资金共下达105万元,用于实施某某镇某某村蔬菜园产业项目。\n",
        # two projects paid for
        "衔接资金共下达105万元,用于实施某某村蔬菜园产业项目。另下达50万元,用于实施某某村道路硬化项目。"
        "某某村蔬菜园产业项目和某某村道路硬化项目均已完工。\n",
        # "项目1个" counting an output, no name given after a colon
        "完成年度建设项目1个,主要建设内容为新建水塔1座,配套某某管网项目完工。\n",
    ])
    def test_no_single_project_stated(self, body):
        r = _parse(f"某某市某某区水务局2022年衔接资金项目绩效自评报告\n一、绩效目标分解下达情况\n{body}")
        assert r.project_name is None


class TestSubjectKindAndFundNames:
    def test_unit_opening_the_report_with_what_it_spends(self):
        r = _parse("项目绩效自评报告\n一、项目基本情况\n(一)绩效目标情况\n"
                   "  某某市科学技术局主要有部门预算项目支出、专项预算支出二类支出,项目资金总预算为2455.5万元。\n")
        assert r.agency == "某某市科学技术局"
        r = _parse("项目绩效自评报告\n一、项目基本情况\n  某某市主要有三类支出,总预算为2455.5万元。\n")
        assert r.agency is None  # a place, not a unit

    def test_kind_from_the_sentence_naming_what_was_evaluated(self):
        r = _parse("根据绩效管理相关文件要求,对2023年城乡某某补助经费项目实施情况开展了自评,现将自评情况报告如下:\n"
                   "一、基本情况\n全年下达城乡某某补助经费6153.46万元。\n")
        assert (r.kind, r.year, r.project_name) == ("project", 2023, "城乡某某补助经费")

    def test_transfer_named_with_its_fund_word(self):
        # "X专项转移支付" where the text also writes "X资金": the fund's name
        r = _parse("一、绩效目标分解下达情况\n中央以文件下达我区某某生产发展专项转移支付预算4631万元;"
                   "2021年某某生产发展资金合计6710万元。\n")
        assert r.project_name == "某某生产发展资金"
        assert _evidence(r, "project_name") == "某某生产发展资金"
        # no "X资金" in the text: the transfer is the name
        r = _parse("一、绩效目标分解下达情况\n2022年中央下达中央某某监管专项转移支付预算资金6万元,由我局实施。\n")
        assert r.project_name == "中央某某监管专项转移支付"

    def test_channel_words_inside_a_funds_name(self):
        r = _parse("某某市民政局 关于2021年度困难群众某某补助专项转移支付资金绩效自评报告\n一、绩效目标分解下达情况\n"
                   "2021年我局共收到中央下达困难群众某某补助资金9056万元。\n")
        assert (r.agency, r.project_name) == ("某某市民政局", "困难群众某某补助资金")


class TestYear:
    def test_year_from_the_years_end_the_money_was_spent_by(self):
        # No year but in dates: the money "spent before 31 December 2022" is FY2022's.
        r = _parse("某某奖励资金项目支出绩效评价自评报告\n一、项目基本情况\n项目资金28.6万元于2022年10月30日下达某某镇。"
                   "我镇于2022年12月31日之前全部支出。")
        assert r.year == 2022
        # a date alone (the day money arrived) states no fiscal year
        r = _parse("某某奖励资金项目支出绩效评价自评报告\n一、项目基本情况\n项目资金28.6万元于2022年10月30日下达某某镇。")
        assert r.year is None
