"""Counter-examples to session 10's rules (a text cut short, a run-on enumeration, a
portal's category field): realistic texts on which a rule lost a value the text states, or
chose a wrong one. The sentences are our own.
"""

from __future__ import annotations

from fiscal_eval import parse_text
from fiscal_eval.parse import parse_document
from fiscal_eval.sources.html import read_html

# ---------------------------------------------------------------- a run-on enumeration


def test_a_code_before_a_dunhao_is_no_enumeration():
    # H5、H7 (avian flu subtypes): a code's digits, not "N、" opening an item — the year's
    # budget in the same sentence is the project's, not one item's
    report = parse_text("甲县农业农村局2023年度项目支出绩效自评报告\n一、项目概况\n"
                        "重大动物疫病防控项目,下达中央资金30万元,县级配套资金15万元。项目对H5、H7亚型禽流感和口蹄疫"
                        "实施强制免疫,全年预算资金45万元,实际支出45万元,执行率100%。\n")
    assert report.budget_yuan == 450000.0


def test_pm10_is_no_enumeration():
    # PM10、PM2.5: the report's spending is not an item, one level's spending is not the total
    report = parse_text("甲县生态环境局2023年度项目支出绩效自评报告\n大气污染防治项目预算80万元。项目重点监测PM10、"
                        "PM2.5浓度,全年实际支出76万元,预算执行率95%。\n2023年该项目中央资金实际支出50万元。\n")
    assert report.spent_yuan in (None, 760000.0)
    assert report.budget_yuan == 800000.0


def test_a_numbered_series_of_names_is_no_enumeration():
    # 附件1、附件2: the word again, numbered — two annexes, not an item opened after 附件
    report = parse_text("甲县农业农村局2023年度项目支出绩效自评报告\n项目年初预算资金30万元。绩效目标详见附件1、附件2,"
                        "全年实际支出28万元,执行率93.33%。\n中央资金实际支出20万元。\n")
    assert report.spent_yuan in (None, 280000.0)


def test_a_count_before_its_measure_word_is_no_enumeration():
    # 乡镇12、行政村86个: a count (the measure word said once, at the end); an enumeration
    # counts from 1
    report = parse_text("甲县乡村振兴局2023年度项目支出绩效自评报告\n项目年初预算资金500万元,其中中央资金300万元,"
                        "县级资金200万元。项目覆盖全县乡镇12、行政村86个,全年实际支出480万元。\n"
                        "中央资金实际支出300万元。\n")
    assert report.spent_yuan in (None, 4800000.0)


def test_a_second_item_run_on_after_the_first_is_still_an_item():
    # the rule's own case, the second item run on after the first's last word
    text = ("甲市乙处2022年度项目支出绩效自评报告 一、项目绩效目标情况(一)乙处2022年度共有2个项目1、烈士纪念设施"
            "维修项目:预算35.3万元,2022年全年实际支付35.3万元2、专项资金项目:预算20万元,2022年全年"
            "实际支付20万元。")
    report = parse_text(text)
    assert report.budget_yuan is None and report.spent_yuan is None


# ---------------------------------------------------------------- a page read whole

_PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>甲县水利局2023年度农村饮水安全项目绩效自评报告</title></head>
<body>
<h1>甲县水利局2023年度农村饮水安全项目绩效自评报告</h1>
<p>一、项目基本情况</p>
<p>本项目年初预算资金120万元，全年实际支出118万元，预算执行率98.33%。</p>
<p>二、自评结论</p>
<table>
<tr><td>评价指标</td><td>分值</td><td>得分</td></tr>
<tr><td>预算执行率</td><td>10</td><td>9.83</td></tr>
<tr><td>产出指标</td><td>50</td><td>48</td></tr>
<tr><td>效益指标</td><td>30</td><td>28</td></tr>
<tr><td>总分</td><td>100</td><td>95.83</td></tr>
</table>
</body></html>
"""


def test_a_whole_page_ending_in_a_table_cell_is_not_cut():
    # the rendered text of a page ends where its last cell does, never in a line end: an
    # HTML file is read whole (its markup closes after the cell), not as a cut excerpt
    report = parse_document(read_html(_PAGE.encode("utf-8"), "a.html"))
    assert report.score == 95.83


# ---------------------------------------------------------------- a portal's category field

_BODY = ("一、项目基本情况\n本项目年初预算资金120万元,全年实际支出118万元,预算执行率98.33%。\n二、自评结论\n"
         "经自评,该项目得分96分,等级为优秀。\n")


def test_the_title_after_a_category_field_left_empty_is_the_title():
    # 文种's value is empty: the line after it is the report's own title (it states a year)
    for meta in ("索引号\n11532301MB0000000X/2024-00012\n发布机构\n甲县水利局\n发布日期\n2024-03-26\n文种\n\n",
                 "索引号:11532301MB0000000X/2024-00012\t发布机构:甲县水利局\n主题分类:财政\t发布日期:2024-03-26\n文种:\n",
                 "索引号\t11532301MB0000000X/2024-00012\t发布机构\t甲县水利局\n文种\t\n"):
        report = parse_text(meta + "甲县水利局2023年度农村饮水安全项目绩效自评报告\n" + _BODY)
        assert (report.agency, report.project_name) == ("甲县水利局", "农村饮水安全项目"), meta
