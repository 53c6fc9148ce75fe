"""An indicator's 执行率 (政府采购管理执行率, 计划执行率) is not the budget's."""

from __future__ import annotations

import pytest

from fiscal_eval import parse_text


@pytest.mark.parametrize("name", ["政府采购管理执行率", "计划执行率", "任务执行率", "管理执行率"])
def test_an_indicators_rate_is_not_the_execution_rate(name):
    report = parse_text(f"某县卫生院2021年度整体支出绩效自评表\n产出指标：{name}100%，得分5分。", source="r.txt")
    assert report.execution_rate_reported is None


def test_the_budgets_rate_is_still_read():
    report = parse_text("某县卫生院2021年度整体支出绩效自评表\n预算执行率95%，政府采购管理执行率100%。", source="r.txt")
    assert report.execution_rate_reported == pytest.approx(0.95)
