"""Display labels and display column names, defined once.

What a reader sees for a column, a value (a report kind, a severity, a status …), a flag
code, a report kind of the batch or a chart is looked up here;
:mod:`~fiscal_eval.present.charts`, :mod:`~fiscal_eval.present.views`,
:mod:`~fiscal_eval.present.findings`, :mod:`~fiscal_eval.present.verdict`,
:mod:`~fiscal_eval.present.explore` and :mod:`fiscal_eval.render.batch` import these
rather than writing their own. Data columns keep the names of :mod:`fiscal_eval.model`
and the metric schemas (and values their codes: ``project``, ``error``); only display
turns them into these words, in Chinese: the pages are read by finance-bureau analysts
and the officials they brief.

>>> label("execution_rate_budget")
'执行率（支出÷预算）'
>>> value_label("kind", "department"), value_label("severity", "info"), value_label("kind", "其他")
('部门整体', '提示', '其他')
>>> label("no_such_column")
'no_such_column'
"""

from __future__ import annotations

__all__ = [
    "LABELS", "label", "VALUE_LABELS", "value_label", "ITEM", "VALUE", "KIND_TITLES", "CHART_TITLES",
    "NO_DATA", "SYNTHETIC_MARK", "SYNTHETIC_NOTE", "YES", "NO", "NOT_AVAILABLE", "SEVERITIES",
    "GRADE_CLASSES", "grade_class", "MATRIX_TITLES", "INDEX_TITLE", "PAGE_TITLES", "page_title",
    "SUMMARY_MARK", "SUMMARY_NOTES", "REST_ROW",
]

#: Chinese names of the columns, roles, rates, flag codes and statement sections the
#: views return; anything not here is shown as it is.
LABELS: dict[str, str] = {
    # columns
    "agency": "单位", "region": "地区", "year": "年度", "kind": "报告类型",
    "project_name": "项目名称", "source": "来源文件", "status": "解析情况",
    "synthetic": "合成数据", "analysed": "本页分析", "is_self": "本单位",
    "budget_yuan": "预算（万元）", "budget_adjusted_yuan": "调整后预算（万元）",
    "available_yuan": "到位（万元）", "spent_yuan": "支出（万元）",
    "balance_computed_yuan": "结余（万元）",
    "arrival_rate": "到位率（到位÷预算）",
    "execution_rate_budget": "执行率（支出÷预算）",
    "execution_rate_available": "预算执行率（支出÷到位）",
    "execution_rate_reported": "报告所写执行率",
    "mof_execution_points": "执行率得分（满分 10 分）",
    "score": "自评得分", "grade": "自评等级", "grade_class": "等级档次", "grade_level": "等级档次",
    "grade_word": "报告原文等级",
    "grade_expected": "按得分应为", "grade_ok": "等级与得分相符",
    "pefa_pi1": "PEFA PI-1 总支出偏离", "pefa_pi2_1": "PEFA PI-2.1 支出结构偏离",
    "score_rank": "得分排名", "execution_rate_rank": "执行率排名",
    "flag_count": "审核发现", "flags": "审核发现", "reports": "报告数",
    "severity": "严重程度", "code": "问题类型", "field": "字段",
    "reported": "报告所写", "expected": "重新计算", "message": "说明", "gap": "差额",
    "figure": "原文数字", "sentence": "原文句子",
    "level1": "一级指标", "indicator": "指标", "max_points": "分值", "points": "得分",
    "section": "部分", "position": "序号", "text": "原文",
    "sentences": "句子数", "template_share": "模板句占比",
    "specificity": "含数字句子占比", "no_problems": "未写问题", "no_improvements": "未写措施",
    "pefa_indicator": "PEFA 指标", "pefa_years": "年度", "pefa_values": "数值",
    "pefa_grade": "评级", "pefa_status": "状态", "pefa_reason": "说明",
    "problem": "问题", "years": "出现年度", "count": "次数",
    "check": "核对项目", "verdict": "结论",
    "serious": "严重", "moderate": "一般", "minor": "提示",
    # roles (model.Role) and statement sections
    "budget": "预算", "available": "到位", "spent": "支出",
    "problems": "问题", "improvements": "措施",
    # flag codes (docs/flags.md)
    "rate_mismatch": "比率不符", "sum_mismatch": "合计不符",
    "score_subtotal_mismatch": "小计不符",
    "score_total_mismatch": "总分不符", "score_over_max": "得分超过分值",
    "grade_band_mismatch": "等级与得分不符", "formula_error": "公式错误",
    "conflicting_values": "数值前后矛盾", "missing_field": "缺少数字",
    "undecided_value": "数值未能确定", "ocr_read": "扫描件识别的数字",
    # a parse scored against labels (fiscal_eval.evaluation, the `fiscal-eval eval` table):
    # outcomes, their counts, a case
    "stated": "文中写明 stated", "found": "找到 found", "missed": "漏掉 missed", "wrong": "错误 wrong",
    "nulls": "未写明 nulls", "invented": "臆造 invented", "null_ok": "正确留空 null ok",
    "found_rate": "找到率 found %", "invented_rate": "臆造率 invented %", "outcome": "结果 outcome",
    "label": "标注 label", "returned": "返回 returned", "label_sentence": "标注值所在句 label's sentence",
    "note": "说明 note", "basis": "依据 basis", "right_rate": "正确率 right %",
}


def label(name: str) -> str:
    """The display name of a column, role, rate or flag code (itself if unknown)."""
    return LABELS.get(name, name)


#: The audit's severities as a reader sees them, most severe first.
SEVERITIES: dict[str, str] = {"error": "严重", "warning": "一般", "info": "提示"}

#: What a column's *values* are shown as (columns whose values are codes).
VALUE_LABELS: dict[str, dict[str, str]] = {
    "kind": {"project": "项目", "department": "部门整体"},
    "severity": SEVERITIES,
    "status": {"ok": "完整", "partial": "部分读出", "failed": "未能读出"},
    "section": {"problems": "问题", "improvements": "措施"},
    "pefa_status": {"ok": "已评级", "insufficient_data": "年度不足"},
}
# Columns whose values are column names, roles or flag codes: shown by label().
for _column in ("role", "metric", "code"):
    VALUE_LABELS[_column] = LABELS


def value_label(column: str, value: str) -> str:
    """How a value of ``column`` is shown (itself when it has no label)."""
    return VALUE_LABELS.get(column, {}).get(value, value)


#: The two columns of a key-figures table (:meth:`fiscal_eval.present.views.Facts.table`).
ITEM, VALUE = "项目", "数值"
YES, NO = "是", "否"
NOT_AVAILABLE = "无"  # a figure the data do not allow (followed by the reason)

#: One grade class per grade level (:func:`fiscal_eval.metrics.grading.grade_level`, 1 差 …
#: 5 优): 优/优秀, 良/良好, 中/中等/及格/合格/一般, 差/较差/不及格/不合格 are one class
#: each in every chart and table; the report's own word is kept in its detail.
GRADE_CLASSES: dict[int, str] = {5: "优", 4: "良", 3: "中", 2: "中", 1: "差"}


def grade_class(level: int | None) -> str | None:
    """The grade class of a grade level (None for an unknown word).

    >>> grade_class(5), grade_class(3), grade_class(2), grade_class(None)
    ('优', '中', '中', None)
    """
    return None if level is None else GRADE_CLASSES.get(int(level))


#: Report kinds of ``batch.yml``, as the index page names its sections.
KIND_TITLES: dict[str, str] = {
    "agency_report": "单位年度报告",
    "cross_year": "单位历年报告",
    "portfolio": "年度总览",
    "lesson": "教学讲义",
}

#: Matrix values of ``batch.yml`` as people name them (the lessons' two handouts).
MATRIX_TITLES: dict[str, dict[object, str]] = {
    "show_solutions": {False: "学生版", True: "教师版"},
}

INDEX_TITLE = "绩效自评报告复核 · 目录"

#: Each report page's title (its first line, naming the agency and year it is about);
#: ``batch.yml`` gives the pages the same titles.
PAGE_TITLES: dict[str, str] = {
    "agency_report": "{agency} {year} 年度绩效自评复核",
    "cross_year": "{agency} 历年绩效自评复核",
    "portfolio": "{year} 年度绩效自评总览",
}


def page_title(kind: str, **values: object) -> str:
    """A report page's title.

    >>> page_title("agency_report", agency="中共保山市委网信办", year=2019)
    '中共保山市委网信办 2019 年度绩效自评复核'
    >>> page_title("portfolio", year=2020, region="保山市")
    '2020 年度绩效自评总览（保山市）'
    """
    title = PAGE_TITLES[kind].format(**values)
    region = values.get("region")
    return f"{title}（{region}）" if region else title

#: Chart titles, by chart builder (:mod:`fiscal_eval.present.charts`).
CHART_TITLES: dict[str, str] = {
    "funds_flow": "资金流向：预算 → 到位 → 支出",
    "execution_bands": "执行率与 PEFA PI-1 区间",
    "indicator_points": "指标得分与分值",
    "peers": "同年同地区比较",
    "series": "历年变化",
    "flags_over_time": "历年审核发现",
    "score_distribution": "自评得分分布",
    "grade_distribution": "等级分布",
    "execution_vs_score": "执行率与自评得分",
    "flags_by_type": "审核发现类型",
    "template_share": "模板化程度",
}
NO_DATA = "（无数据，不绘制此图）"

#: The mark on everything synthetic (a badge, a banner's first words).
SYNTHETIC_MARK = "合成数据 SYNTHETIC"
#: The banner of a page whose data are all synthetic.
SYNTHETIC_NOTE = f"{SYNTHETIC_MARK}：以下数据由程序合成，仅供演示与教学，不是任何真实机构的数据。"

#: What a portfolio page says under a chart or table it summarised (its year has more
#: reports than :data:`fiscal_eval.present.views.SUMMARISE_ABOVE`): how many reports the
#: page and the chart hold, and how they were grouped. Every note holds SUMMARY_MARK.
#: Counts (``{reports}``, ``{total}``, ``{limit}``) are written with thousands separators.
SUMMARY_MARK = "汇总显示"
_SUMMARY_HEAD = "本页共 {reports} 份报告（超过 {limit} 份时" + SUMMARY_MARK + "）："
SUMMARY_NOTES: dict[str, str] = {
    "score_distribution": _SUMMARY_HEAD + "图中 {total} 份写了自评得分的报告按得分每 {step} 分分组计数，未逐份显示。",
    "execution_vs_score": _SUMMARY_HEAD + "图中 {total} 份可以计算执行率并写了自评得分的报告按执行率每 {rate_step} "
                          "个百分点、得分每 {score_step} 分分组计数，颜色越深报告越多"
                          "（执行率 {rate_max} 及以上的计入最右一列），未逐点显示。",
    "template_share": _SUMMARY_HEAD + "图中 {total} 份报告按模板句占比每 {step} 个百分点分组计数，未逐份列出单位。",
    "rankings": _SUMMARY_HEAD + "表中{groups}列出排名前 {n} 的报告，其余的合为一行（只合计审核发现）。",
}
#: The row that stands for the reports a summarised table does not list.
REST_ROW = "其余 {n} 份报告"
