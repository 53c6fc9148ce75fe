"""Counter-examples to the two rules of fc07f98 (the twenty-sixth blind set): a level's
grant to the writer (省级拨付我区…) is money issued, and bond money secured
(争取债券资金…) is money issued too. Each text is our own, written the way reports
write; each failed before the rule it tests was narrowed. Label conventions: a field is
null unless the text states it, and a budget the text does not state is invented.
"""

from __future__ import annotations

import fiscal_eval
from fiscal_eval.metrics.audit import audit
from fiscal_eval.parse import parse_document
from fiscal_eval.sources.text import document_from_text


def _parse(text: str) -> fiscal_eval.Report:
    return audit(parse_document(document_from_text(text, "t.txt")))


_FARM = "某县农业农村局2023年度农机购置补贴项目绩效自评报告\n"
_BOND = "2024年度新增地方政府专项债券项目绩效自评报告\n"


# ------------------------------------------------------------------ 拨付 to the writer


def test_money_the_writer_pays_on_to_its_county_is_no_grant_to_it():
    # 本县/我县 after 拨付 names where the money went (the county's farmers, townships,
    # schools), not a level granting it to the writer: no grantor stands before 拨付.
    for text in (_FARM + "一、资金使用情况\n2023年我局共拨付本县购机农户补贴资金120万元。\n",
                 _FARM + "一、资金使用情况\n2023年拨付我县各乡镇农机补贴资金120万元。\n",
                 "某县教育局2023年度学生资助项目绩效自评报告\n一、资金使用情况\n"
                 "本年度拨付给我县各中小学资助资金85万元。\n",
                 # a level paying within its own area pays on: the county's finance to farmers
                 _FARM + "一、资金使用情况\n县财政拨付本县购机农户补贴资金120万元。\n"):
        assert _parse(text).budget_yuan is None, text
    # a level granting it is (the rule's own case)
    text = _FARM + "一、资金情况\n2023年度县财政拨付我局农机购置补贴资金62万元。\n"
    assert _parse(text).budget_yuan == 620000.0
    text = ("某乡人民政府2023年度人居环境整治项目绩效自评报告\n一、资金情况\n"
            "2023年县财政局拨付我乡人居环境整治资金30万元。\n")
    assert _parse(text).budget_yuan == 300000.0
    text = _FARM.replace("某县", "某区") + "一、资金情况\n2023年度自治区财政拨付我区农机购置补贴资金62万元。\n"
    assert _parse(text).budget_yuan == 620000.0


def test_a_grant_the_writer_applied_for_is_no_money_issued():
    # 申请拨付我局: asked for, not granted (and here said not to have arrived)
    text = _FARM + "三、存在问题\n已向县财政申请拨付我局剩余补贴资金20万元,目前尚未到位。\n"
    assert _parse(text).budget_yuan is None


def test_money_secured_then_paid_on_is_no_grant_to_the_writer():
    # 争取 elsewhere in the words made any 拨付 a grant to the writer: here the money
    # secured was paid on to the townships (a payment, not the budget)
    text = _FARM + "一、资金使用情况\n本年度争取的上级资金已拨付各乡镇60万元。\n"
    assert _parse(text).budget_yuan is None


def test_a_grant_or_bond_money_of_another_year_is_not_this_years_budget():
    # last year's grant, told as the project's background: not the 2023 report's money
    text = _FARM + "一、项目基本情况\n2022年度省级拨付我局农机购置补贴资金50万元,已于当年使用完毕。\n"
    assert _parse(text).budget_yuan is None
    text = _BOND + "一、项目概况\n该项目2023年争取债券资金1亿元,已建成主体工程。\n"
    assert _parse(text).budget_yuan is None
    # the year's own bond money beside last year's is
    text = _BOND + "一、项目概况\n2023年争取债券资金1亿元,2024年争取债券资金2.62亿元。\n"
    assert _parse(text).budget_yuan == 262000000.0


# ------------------------------------------------------------------ 争取债券资金


def test_bond_money_to_be_secured_in_the_next_steps_is_no_budget():
    # the plan word is in the clause before, or only in the section's title
    for text in (_BOND + "四、下一步工作\n继续做好项目储备,争取债券资金2亿元。\n",
                 _BOND + "四、下一步工作计划\n2025年全区争取债券资金3亿元以上。\n",
                 _BOND + "二、绩效目标\n年度目标:争取债券资金3亿元。\n"):
        assert _parse(text).budget_yuan is None, text


def test_bond_money_secured_over_several_years_is_no_years_budget():
    for text in (_BOND + "2020年以来我区累计争取债券资金15亿元,2024年新增专项债券项目1个。\n",
                 _BOND + "2021-2024年我区共争取债券资金15亿元。\n",
                 _BOND + "近三年我区争取债券资金15亿元。\n",
                 # a project's bonds over its life
                 _BOND + "一、项目概况\n该项目累计争取债券资金5亿元。\n"):
        assert _parse(text).budget_yuan is None, text


def test_bond_money_still_needed_applied_for_or_not_secured_is_no_budget():
    for text in (_BOND + "项目总投资5亿元,尚需争取债券资金3亿元。\n",
                 _BOND + "三、存在问题\n部分项目收益不足,未能争取到的债券资金1.2亿元需另行筹措。\n",
                 _BOND + "我单位申请争取债券资金5亿元,实际发行2.62亿元。\n"):
        assert _parse(text).budget_yuan is None, text
    # bond money applied for with a figure of its own: what was secured after it is issued
    text = _BOND + "我单位申报债券资金5亿元,争取到位债券资金2.62亿元。\n"
    assert _parse(text).budget_yuan == 262000000.0


def test_bond_money_a_department_secured_for_its_region_is_not_its_budget():
    # a development commission's whole-spending report: the bonds it won are its work,
    # not the money it was given to spend
    text = ("某县发展和改革局2024年度部门整体支出绩效自评报告\n一、部门基本情况\n(二)履职情况\n"
            "全年共争取地方政府专项债券资金12亿元,支持重点项目建设。\n")
    assert _parse(text).budget_yuan is None
