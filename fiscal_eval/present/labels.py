"""Display labels and display column names, defined once.

What a reader sees for a column, a role, a flag code, a report kind or a chart is looked
up here; :mod:`~fiscal_eval.present.charts`, :mod:`~fiscal_eval.present.views`,
:mod:`~fiscal_eval.present.explore` and :mod:`fiscal_eval.render.batch` import these
rather than writing their own. Data columns keep the names of :mod:`fiscal_eval.model`
and the metric schemas; only display turns them into these words.

>>> label("execution_rate_budget")
'执行率（支出÷预算）spent/budget'
>>> label("no_such_column")
'no_such_column'
"""

from __future__ import annotations

__all__ = [
    "LABELS", "label", "ITEM", "VALUE", "KIND_TITLES", "CHART_TITLES", "NO_DATA",
    "SYNTHETIC_MARK", "SYNTHETIC_NOTE", "YES", "NO", "NOT_AVAILABLE",
]

#: Chinese names (with the English key term) of the columns, roles, rates, flag codes and
#: statement sections the views return; anything not here is shown as it is.
LABELS: dict[str, str] = {
    # columns
    "agency": "单位 agency", "region": "地区 region", "year": "年度 year", "kind": "类型 kind",
    "project_name": "项目 project", "source": "来源文件 source", "status": "解析状态 status",
    "synthetic": "合成 synthetic", "analysed": "本页分析 analysed", "is_self": "本单位 self",
    "budget_yuan": "预算 budget（万元）", "available_yuan": "到位 available（万元）",
    "spent_yuan": "支出 spent（万元）",
    "arrival_rate": "到位率 arrival rate",
    "execution_rate_budget": "执行率（支出÷预算）spent/budget",
    "execution_rate_available": "预算执行率（支出÷到位）spent/available",
    "execution_rate_reported": "报告所述执行率 stated rate",
    "mof_execution_points": "财政部执行率得分 MoF points (of 10)",
    "score": "自评得分 score", "grade": "自评等级 grade", "grade_level": "等级档次 grade level",
    "grade_expected": "按得分应为 grade by score", "grade_ok": "等级与得分相符 grade consistent",
    "pefa_pi1": "PEFA PI-1 总支出偏离 aggregate outturn", "pefa_pi2_1": "PEFA PI-2.1 支出结构偏离 composition",
    "score_rank": "得分排名 score rank", "execution_rate_rank": "执行率排名 execution rank",
    "flag_count": "审核发现 flags", "flags": "审核发现 flags", "reports": "报告数 reports",
    "severity": "严重程度 severity", "code": "类型 code", "field": "字段 field",
    "reported": "报告所述 reported", "expected": "重新计算 expected", "message": "说明 message",
    "figure": "原文数字 figure", "sentence": "原文句子 sentence",
    "level1": "一级指标 level1", "indicator": "指标 indicator", "max_points": "分值 max", "points": "得分 points",
    "section": "部分 section", "position": "序号 #", "text": "原文 text",
    "sentences": "句子数 sentences", "template_share": "模板句占比 template share",
    "specificity": "含数字句子占比 specificity", "no_problems": "未写问题 no problems",
    "no_improvements": "未写措施 no measures",
    "pefa_indicator": "PEFA 指标", "pefa_years": "年度 years", "pefa_values": "数值 values",
    "pefa_grade": "评级 grade", "pefa_status": "状态 status", "pefa_reason": "原因 reason",
    "problem": "问题 problem", "years": "出现年度 years", "count": "次数 count",
    # roles (model.Role) and statement sections
    "budget": "预算 budget", "available": "到位 available", "spent": "支出 spent",
    "problems": "问题 problems", "improvements": "措施 improvements",
    # flag codes (docs/flags.md)
    "rate_mismatch": "比率不符 rate_mismatch", "sum_mismatch": "合计不符 sum_mismatch",
    "score_subtotal_mismatch": "小计不符 score_subtotal_mismatch",
    "score_total_mismatch": "总分不符 score_total_mismatch", "score_over_max": "得分超分值 score_over_max",
    "grade_band_mismatch": "等级与得分不符 grade_band_mismatch", "formula_error": "公式错误 formula_error",
    "conflicting_values": "数值前后矛盾 conflicting_values", "missing_field": "缺少字段 missing_field",
    "undecided_value": "数值未能确定 undecided_value",
    # a parse scored against labels (fiscal_eval.evaluation): outcomes, their counts, a case
    "stated": "文中写明 stated", "found": "找到 found", "missed": "漏掉 missed", "wrong": "错误 wrong",
    "nulls": "未写明 nulls", "invented": "臆造 invented", "null_ok": "正确留空 null ok",
    "found_rate": "找到率 found %", "invented_rate": "臆造率 invented %", "outcome": "结果 outcome",
    "label": "标注 label", "returned": "返回 returned", "label_sentence": "标注值所在句 label's sentence",
    "note": "说明 note",
}


def label(name: str) -> str:
    """The display name of a column, role, rate or flag code (itself if unknown)."""
    return LABELS.get(name, name)


#: The two columns of a key-figures table (:meth:`fiscal_eval.present.views.Facts.table`).
ITEM, VALUE = "项目", "数值"
YES, NO = "是", "否"
NOT_AVAILABLE = "无 n/a"  # a figure the data do not allow (followed by the reason)

#: Report kinds of ``batch.yml``, as the index page names its sections.
KIND_TITLES: dict[str, str] = {
    "agency_report": "单位年度报告 agency reports",
    "cross_year": "跨年度报告 cross-year reports",
    "portfolio": "总览 portfolio",
    "lesson": "教学讲义 lessons",
}

#: Chart titles, by chart builder (:mod:`fiscal_eval.present.charts`).
CHART_TITLES: dict[str, str] = {
    "funds_flow": "资金流向 Funds: 预算 → 到位 → 支出",
    "execution_bands": "执行率与 PEFA PI-1 区间 Execution vs PEFA bands",
    "indicator_points": "指标得分与分值 Points vs max",
    "peers": "同年同地区比较 Peers (same year, region)",
    "series": "历年变化 Over the years",
    "flags_over_time": "历年审核发现 Flags over time",
    "score_distribution": "自评得分分布 Self-scores",
    "grade_distribution": "等级分布 Grades (grade inflation)",
    "flags_by_type": "审核发现 Flags by type",
    "template_share": "模板化程度 Template share",
}
NO_DATA = "（无数据 no data for this chart）"

#: The mark on everything synthetic (a badge, a banner's first words).
SYNTHETIC_MARK = "合成数据 SYNTHETIC"
#: The banner of a page whose data are all synthetic.
SYNTHETIC_NOTE = f"{SYNTHETIC_MARK}：以下数据由 fiscal_eval 合成生成，仅供演示与教学，不是任何真实机构的数据。"
