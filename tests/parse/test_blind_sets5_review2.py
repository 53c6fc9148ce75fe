"""Counter-examples to the rules of the session of 2026-12-06 (万 for 万元 before 、 : 由 …,
straight and corner quotes as curly ones, the portal's chrome lines above a report, a
form's rows with tabs between cells). The sentences are our own; each failed before the
rule it tests was narrowed.
"""

from __future__ import annotations

import fiscal_eval
from fiscal_eval.metrics.audit import audit
from fiscal_eval.parse import parse_document
from fiscal_eval.sources.text import document_from_text


def _parse(text: str) -> fiscal_eval.Report:
    return audit(parse_document(document_from_text(text, "t.txt")))


_HEAD = "甲县乙局2023年度农村饮水安全项目绩效自评报告\n一、项目基本情况\n"


# ------------------------------------------------------------------ 万 that counts


def test_a_bare_wan_that_counts_people_is_no_money_before_a_list_comma_or_colon():
    # "惠及1.2万、" counts people though money words open its clause: no money spent
    text = _HEAD + "全年累计支出资金惠及1.2万、群众满意度98%。项目预算100万元。\n"
    report = _parse(text)
    assert report.budget_yuan == 1000000 and report.spent_yuan is None
    # a count between 支出 and its money does not take the money's place
    text = _HEAD + "2023年度项目预算资金80万元。全年实际支出受益人口达2万、覆盖5个乡镇,支出76万元。\n"
    assert _parse(text).spent_yuan == 760000
    text = _HEAD + "年度预算执行:带动就业1万:其中脱贫劳动力2000人,实际支出80万元。\n"
    assert _parse(text).spent_yuan == 800000


def test_a_bare_wan_of_money_before_a_list_comma_still_reads():
    # money listed by level or by town is still money (the rule it narrows)
    text = _HEAD + "项目下达资金80万元,其中中央资金50万、省级资金30万。\n"
    assert _parse(text).budget_yuan == 800000
    text = _HEAD + "县财政下达资金9779万由县水利局统筹使用。\n"
    assert _parse(text).budget_yuan == 97790000


# ------------------------------------------------------------------ straight quotes


def test_an_inch_mark_pairs_with_no_quote():
    # 86" is an inch mark: pairing it with the next quote hid the grade's quotes
    text = ("甲县教育局2022年度教育信息化项目绩效自评报告\n一、项目基本情况\n"
            "本项目年初预算120万元,采购86\"智慧黑板40台,评价等级为\"优\"。全年实际支出118万元。自评得分96分。\n")
    assert _parse(text).grade == "优"


def test_a_quote_split_over_two_lines_leaves_the_next_line_unpaired():
    # a PDF's line break inside "侨胞之家": the second line's first quote closes, not opens
    text = ("甲市侨务办公室2022年度国内侨务工作项目绩效自评报告\n一、项目基本情况\n"
            "本项目年初预算10万元,开展\"侨胞\n之家\"建设,全年实际支出9.5万元,自评得分95分,等级为\"优\"。\n")
    assert _parse(text).grade == "优"


# ------------------------------------------------------------------ the portal's lines


_RESULT = ("2021年度本专科生奖助学金项目自评结果\n一、自评结论\n(一)评价得分情况。\n"
           "对照本专科生奖助学金项目年初绩效目标,综合评价得分为99.8分。\n")
_FUND = ("一、中央自然灾害救灾资金(森林草原航空消防租机补助经费)\n(一)绩效目标分解下达情况\n"
         "2024年共投入森林草原航空消防租机补助经费预算14856.17万元。\n(二)绩效目标完成情况分析\n")
# A report's own first line holding a word a portal also uses (字号, 无障碍, 注册, 收藏,
# 打印, 搜索, 分享, 政府信息公开): the report's line, not the portal's.
_OWN_FIRST_LINES = ("甲市残联关于2021年无障碍设施建设工作的说明", "甲市商务局关于2021年老字号保护工作的说明",
                    "甲县市场监管局关于企业登记注册工作的说明", "甲县档案馆2021年文物收藏与保护工作说明",
                    "甲县教育局关于3D打印创客教室建设情况的说明", "甲县应急管理局搜索救援能力建设情况说明",
                    "甲市文旅局关于分享经济发展情况的说明", "甲省财政厅政府信息公开工作年度报告")


def test_a_report_line_with_a_portals_word_is_still_the_reports_first_line():
    for line in _OWN_FIRST_LINES:
        assert _parse(line + "\n" + _RESULT).project_name is None, line
        assert _parse(line + "\n" + _FUND).project_name is None, line


def test_the_portals_own_buttons_and_fields_still_read_as_its_lines():
    banner = "字号 大 中 小 【打印本页】 【关闭窗口】\n分享到: 微信 微博\n收藏本页\n无障碍浏览\n用户登录 | 注册\n站内搜索\n"
    assert _parse(banner + _RESULT).project_name == "本专科生奖助学金项目"
    assert _parse(banner + _FUND).project_name == "中央自然灾害救灾资金"


# ------------------------------------------------------------------ tabs between cells


def test_a_total_row_with_tabs_and_two_scores_is_no_score_of_100():
    # 100 possible, 95.5 self-scored, 96 reviewed: with pipes no score is read, nor with tabs
    text = (_HEAD + "本项目年初预算48万元,全年实际支出46.5万元。\n"
            "指标\t分值\t自评得分\t复核得分\n总分\t100\t95.5\t96\n")
    assert _parse(text).score is None
    assert _parse(text.replace("\t", " | ")).score is None
    text = _HEAD + "本项目年初预算48万元。\n总分\t100\t92\n"
    assert _parse(text).score == 92
