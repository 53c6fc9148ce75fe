"""Counter-examples to session 10's rules (a text cut short, a run-on enumeration, a
portal's category field): realistic texts on which a rule lost a value the text states, or
chose a wrong one. The sentences are our own.
"""

from __future__ import annotations

from fiscal_eval import parse_text
from fiscal_eval.parse import parse_document
from fiscal_eval.sources.html import read_html

_LOST_AT_CUT = "文本在此中断，所读数字或名称可能不全"

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
