"""The audit (DESIGN §6): the real discrepancies of the five samples and the absence of
false ones, and every flag code true and false on small constructed reports."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from fiscal_eval.metrics.audit import CHECKS, CODES, audit, check, matches_stated
from fiscal_eval.model import (
    Arithmetic,
    Document,
    Evidence,
    FundLine,
    GradeBand,
    GradeScale,
    Indicator,
    Quantity,
    RateStatement,
    Report,
    Section,
    Subtotal,
)
from fiscal_eval.parse import parse_document
from fiscal_eval.sources.text import document_from_text, read_text

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "samples"


# --------------------------------------------------------------------------- helpers


def _report(**fields) -> Report:
    """A fully stated project report (so no missing_field noise) with ``fields`` changed."""
    base = dict(
        source="t.txt", report_id="t", source_format="text", status="ok", errors=(), text="x" * 200,
        kind="project", budget_yuan=1_000_000.0, available_yuan=1_000_000.0, spent_yuan=900_000.0,
        score=92.0, grade="优秀",
    )
    base.update(fields)
    return Report(**base)


def _parsed(text: str) -> Report:
    return parse_document(Document(source="t.txt", text=text, format="text"))


def _flags(report: Report, code: str):
    return [f for f in audit(report).flags if f.code == code]


def _rate(label: str, concept: str, value: float, decimals: int = 2, **kw) -> RateStatement:
    return RateStatement(label=label, concept=concept, value=value, decimals=decimals, span=(10, 16), **kw)


def _line(label: str, role: str, amount: float, span: tuple[int, int], **kw) -> FundLine:
    return FundLine(label=label, role=role, amount_yuan=amount, span=span, **kw)


def _ind(level1: str, points: float | None, max_points: float | None = None, origin: str = "table",
         span: tuple[int, int] = (50, 51)) -> Indicator:
    return Indicator(level1=level1, level2=None, level3=f"{level1}{points}", max_points=max_points,
                     points=points, span=span, origin=origin)


# --------------------------------------------------------------------------- the five samples


@pytest.fixture(scope="module")
def audited() -> dict[str, Report]:
    """The five samples, parsed and audited once: {"000": Report, ...}."""
    return {
        p.name[:3]: audit(parse_document(read_text(p.read_bytes(), str(p))))
        for p in sorted(SAMPLES.glob("*.txt"))
    }


EXPECTED_CODES = {
    # 预算执行率 84.61% vs 600,651.81 ÷ 710,000 = 84.5988%; 覆盖733个单位 vs 覆盖707个单位.
    "000": {"rate_mismatch", "conflicting_values"},
    "001": set(),
    # A department-wide report with no score and no grade: two missing_field flags at
    # severity "info" (DESIGN §6: a field its kind should state; department reports often
    # leave them out, hence info, not warning). Its amounts are all stated.
    "002": {"missing_field"},
    # 实际到位率 printed as (6)=(3)÷(2): 实际到位 ÷ 实际投入, should be 实际到位 ÷ 预算安排.
    "003": {"formula_error"},
    # 投入 items 6+4+3+4 = 17 (stated 13); 产出及效率 items 8+6+6 = 20 (stated 26).
    "004": {"score_subtotal_mismatch"},
}


def test_samples_get_exactly_the_expected_codes(audited):
    assert {k: {f.code for f in r.flags} for k, r in audited.items()} == EXPECTED_CODES


def test_000_execution_rate_mismatch(audited):
    (flag,) = [f for f in audited["000"].flags if f.code == "rate_mismatch"]
    assert (flag.field, flag.reported, flag.expected, flag.severity) == (
        "execution_rate_reported", "84.61%", "84.60%", "error")
    assert "600,651.81" in flag.message and "710,000.00" in flag.message
    assert audited["000"].text[flag.span[0]:flag.span[1]].replace(" ", "") == "84.61%"


def test_000_conflicting_unit_counts(audited):
    (flag,) = [f for f in audited["000"].flags if f.code == "conflicting_values"]
    assert (flag.reported, flag.expected, flag.severity) == ("733个单位", "707个单位", "warning")
    assert "733" in audited["000"].text[flag.span[0]:flag.span[1]]


def test_003_formula_error_on_arrival_rate_only(audited):
    (flag,) = [f for f in audited["003"].flags if f.code == "formula_error"]
    assert (flag.field, flag.reported, flag.expected) == ("rate:实际到位率", "(3)÷(2)", "(3)÷(1)")
    assert "实际投入" in flag.message


def test_004_subtotal_mismatches(audited):
    got = {(f.field, f.reported, f.expected) for f in audited["004"].flags if f.code == "score_subtotal_mismatch"}
    assert got == {("subtotal:投入", "13", "17"), ("subtotal:产出及效率", "26", "20")}


def test_002_missing_score_and_grade_are_info(audited):
    got = {(f.field, f.severity) for f in audited["002"].flags}
    assert got == {("score", "info"), ("grade", "info")}


@pytest.mark.parametrize(("sample", "absent"), [
    ("000", "sum_mismatch"), ("002", "sum_mismatch"),  # 579,380 + 135 + 21,136.81 = 600,651.81 …
    ("001", "rate_mismatch"), ("004", "rate_mismatch"),  # 004's 99.26% is 99.2657% truncated
    ("003", "score_total_mismatch"), ("003", "score_subtotal_mismatch"), ("003", "score_over_max"),
    *[(s, "grade_band_mismatch") for s in ("000", "001", "002", "003", "004")],
])
def test_no_false_flags_on_samples(audited, sample, absent):
    assert absent not in {f.code for f in audited[sample].flags}


def test_sample_flags_are_complete_records(audited):
    for key, r in audited.items():
        for f in r.flags:
            assert f.code in CODES and f.severity in ("error", "warning", "info") and f.field and f.message
            if f.span is not None:
                assert 0 <= f.span[0] < f.span[1] <= len(r.text), key


# --------------------------------------------------------------------------- registry, audit()


def test_every_code_has_a_check_and_codes_are_design_6():
    assert set(CODES) == {c.code for c in CHECKS}
    assert CODES == ("rate_mismatch", "sum_mismatch", "score_subtotal_mismatch", "score_total_mismatch",
                     "score_over_max", "grade_band_mismatch", "formula_error", "conflicting_values",
                     "missing_field", "ocr_read", "undecided_value")


def test_check_rejects_unknown_code():
    with pytest.raises(ValueError, match="rate_mismatch"):
        check("not_a_code")


def test_audit_returns_a_copy_and_failed_reports_get_no_flags():
    r = _report(score=None, grade=None, spent_yuan=None)
    out = audit(r)
    assert out is not r and r.flags == () and out.flags
    assert replace(out, flags=()) == r
    assert audit(replace(r, status="failed")).flags == ()


# --------------------------------------------------------------------------- rate_mismatch


@pytest.mark.parametrize(("stated", "decimals", "computed", "ok"), [
    (0.9926, 2, 0.992657, True),    # truncated (004's 预算完成率)
    (0.9927, 2, 0.992657, True),    # rounded
    (0.9925, 2, 0.992657, False),
    (0.8461, 2, 0.845988, False),   # 000: neither rounded (84.60) nor truncated (84.59)
    (0.8460, 2, 0.845988, True),
    (0.846, 1, 0.845988, True),     # 84.6% at one decimal
    (0.85, 0, 0.845988, True),
    (-0.2149, 2, -0.214869, True),  # 004's 预算控制率, rounded
    (-0.2148, 2, -0.214869, True),  # truncated toward zero
    (-0.2150, 2, -0.214869, False),
    (1.0, 2, 1.0, True),
])
def test_matches_stated_rounding_or_truncation(stated, decimals, computed, ok):
    assert matches_stated(stated, decimals, computed) is ok


def test_matches_stated_plain_numbers_and_slack():
    assert matches_stated(54.54, 2, 54.5454, percent=False)
    assert not matches_stated(54.56, 2, 54.5454, percent=False)
    assert not matches_stated(0.8437, 2, 0.84)
    assert matches_stated(0.8437, 2, 0.84, rel_slack=0.02)


@pytest.mark.parametrize(("stated", "flagged"), [
    (0.7884, True),   # 99.2657% would truncate to 99.26 — here the rate simply is wrong
    (0.9926, False),  # truncated: consistent
    (0.9927, False),  # rounded: consistent
])
def test_truncation_rule_on_a_report(stated, flagged):
    r = _report(budget_yuan=1_000_000.0, available_yuan=1_000_000.0, spent_yuan=992_657.0,
                rates=(_rate("预算执行率", "execution", stated),))
    assert bool(_flags(r, "rate_mismatch")) is flagged


def test_one_decimal_rate_passes_where_two_decimals_fail():
    # 600,651.81 ÷ 710,000 = 84.5988%: "84.6%" holds, "84.61%" does not.
    base = dict(budget_yuan=710_000.0, available_yuan=710_000.0, spent_yuan=600_651.81)
    assert not _flags(_report(**base, rates=(_rate("预算执行率", "execution", 0.846, 1),)), "rate_mismatch")
    assert _flags(_report(**base, rates=(_rate("预算执行率", "execution", 0.8461, 2),)), "rate_mismatch")


def test_execution_rate_two_definitions():
    # spent ÷ budget = 76.00%, spent ÷ available = 95.00%: a stated 76.00% follows the
    # 自评表's definition and passes; 80.00% follows neither and is flagged against the
    # definition its words name (预算执行率: 财预〔2020〕10号, spent ÷ available).
    base = dict(budget_yuan=1_000_000.0, available_yuan=800_000.0, spent_yuan=760_000.0)
    assert not _flags(_report(**base, rates=(_rate("预算执行率", "execution", 0.76),)), "rate_mismatch")
    assert not _flags(_report(**base, rates=(_rate("预算执行率", "execution", 0.95),)), "rate_mismatch")
    (flag,) = _flags(_report(**base, rates=(_rate("预算执行率", "execution", 0.80),)), "rate_mismatch")
    assert (flag.reported, flag.expected) == ("80.00%", "95.00%")
    assert "实际到位" in flag.message and "预算数" in flag.message  # both definitions shown
    # A bare 执行率 is the 自评表's column: spent ÷ budget comes first.
    (flag,) = _flags(_report(**base, rates=(_rate("执行率", "execution", 0.80),)), "rate_mismatch")
    assert flag.expected == "76.00%"


def test_execution_rate_parsed_from_prose():
    text = ("某局2021年度项目绩效自评报告\n预算安排100万元，实际到位80万元，实际支出76万元，"
            "预算执行率为{}。自评得分92分，自评结果：优秀。")
    assert not _flags(_parsed(text.format("76.00%")), "rate_mismatch")
    # 76万元 ÷ 80万元 = 95.00%, give or take the amounts' rounding to whole 万元 (±1.3%).
    assert not _flags(_parsed(text.format("96.00%")), "rate_mismatch")
    (flag,) = _flags(_parsed(text.format("99.00%")), "rate_mismatch")
    assert flag.field == "execution_rate_reported" and flag.expected == "95.00%"


def test_arrival_and_completion_rates():
    base = dict(budget_yuan=1_000_000.0, available_yuan=900_000.0, spent_yuan=850_000.0)
    ok = (_rate("资金到位率", "arrival", 0.90), _rate("预算完成率", "completion", 0.85))
    assert not _flags(_report(**base, rates=ok), "rate_mismatch")
    bad = (_rate("资金到位率", "arrival", 1.0), _rate("预算完成率", "completion", 0.9444))
    got = {(f.field, f.expected) for f in _flags(_report(**base, rates=bad), "rate_mismatch")}
    assert got == {("rate:资金到位率", "90.00%"), ("rate:预算完成率", "85.00%")}


def test_rounded_amounts_widen_the_recomputed_rate():
    # 42万元 ÷ 50万元 = 84.00%, but 41.5–42.5 over 49.5–50.5 allows 82.2%–85.9%: a stated
    # 84.37% (computed from the exact yuan) is consistent; 90.00% is not.
    text = "某局2021年度项目绩效自评报告\n预算安排50万元，实际支出42万元，执行率为{}。"
    assert not _flags(_parsed(text.format("84.37%")), "rate_mismatch")
    assert _flags(_parsed(text.format("90.00%")), "rate_mismatch")


FORM = (
    "某县某局2021年度项目支出绩效自评表\n"
    "项目资金(万元)\t年初预算数\t全年预算数\t全年执行数\t分值\t执行率\t得分\n"
    "年度资金总额\t100\t100\t95\t10\t95.00%\t9.5\n"
    "其中：当年财政拨款\t80\t80\t80\t—\t100.00%\t—\n"
    "其他资金\t20\t20\t15\t—\t{}\t—\n"
    "自评得分92分，自评结果：优秀。\n"
)


def test_form_row_rates_are_each_rows_own_ratio():
    # Every 执行率 of a 自评表 is its own row's 全年执行数 ÷ 全年预算数 (75% for 15 of 20),
    # not the report's total (95%).
    r = parse_document(document_from_text(FORM.format("75.00%"), "form.txt"))
    assert len(r.rates) == 3 and not _flags(r, "rate_mismatch")
    r = parse_document(document_from_text(FORM.format("70.00%"), "form.txt"))
    (flag,) = _flags(r, "rate_mismatch")
    assert (flag.reported, flag.expected) == ("70.00%", "75.00%")


def test_rate_of_a_part_of_the_money_is_not_checked_against_totals():
    r = _report(rates=(_rate("基本支出执行率", "execution", 0.5),))
    assert not _flags(r, "rate_mismatch")


def test_rate_with_form_formula_is_checked_by_its_formula():
    # 003: 实际到位率 100.60% = (3)÷(2) = 2,700,000 ÷ 2,683,950 holds arithmetically, though
    # the formula is the wrong one (formula_error, not rate_mismatch).
    refs = {"1": "预算安排", "2": "实际投入", "3": "实际到位", "4": "实际支出", "6": "实际到位率"}
    lines = (_line("预算安排", "budget", 2_700_000.0, (100, 107)), _line("实际投入", "spent", 2_683_950.0, (110, 117)),
             _line("实际到位", "available", 2_700_000.0, (120, 127)), _line("实际支出", "spent", 2_683_950.0, (130, 137)))
    base = dict(budget_yuan=2_700_000.0, available_yuan=2_700_000.0, spent_yuan=2_683_950.0, fund_lines=lines)
    ok = _rate("实际到位率", "arrival", 1.006, formula="(3)÷(2)", refs=refs)
    assert not _flags(_report(**base, rates=(ok,)), "rate_mismatch")
    bad = replace(ok, value=1.0)  # true by the definition, false by its own formula
    (flag,) = _flags(_report(**base, rates=(bad,)), "rate_mismatch")
    assert flag.expected == "100.60%" and "实际投入" in flag.message


def test_written_calculations():
    def arith(expr: str, result: float, decimals: int = 2, percent: bool = True) -> Arithmetic:
        return Arithmetic(label="在职人员控制率", expression=expr, result=result, decimals=decimals,
                          percent=percent, span=(20, 40))

    ok = (arith("(6/11)×100%", 0.5454),  # 54.5454…% truncated
          arith("(15.8+335.46-72.08-2.05)/(15.8+335.46-72.08)×100%", 0.9926),
          arith("(-72.08/335.46)×100%", -0.2149),
          arith("(1-1)/1×100%", 0.0, 0, False),
          arith("(6/11)×100%", 54.55, 2, False))  # "=54.55" without its % sign
    assert not _flags(_report(arithmetic=ok), "rate_mismatch")
    (flag,) = _flags(_report(arithmetic=(arith("(6/11)×100%", 0.5456),)), "rate_mismatch")
    assert (flag.field, flag.reported, flag.expected) == ("arithmetic:在职人员控制率", "54.56%", "54.55%")


def test_a_rate_inside_a_written_calculation_is_checked_once():
    r = _parsed("某局2020年度部门整体支出绩效自评报告\n在职人员控制率＝（6/11）×100%= 54.56%。")
    assert len(r.rates) == 1 and len(r.arithmetic) == 1
    (flag,) = _flags(r, "rate_mismatch")
    assert r.text[flag.span[0]:flag.span[1]] == "54.56%"  # the stated result, not the whole sum


# --------------------------------------------------------------------------- sum_mismatch


def _itemised(total: float, items: list[float], *, complete: bool = True, unit: str = "元",
              decimals: int = 2) -> Report:
    lines = [_line("实际支出", "spent", total, (10, 20), unit=unit, decimals=decimals)]
    lines += [_line(f"项{i}", "line_item", x, (30 + 10 * i, 38 + 10 * i), parent=0, complete=complete,
                    unit=unit, decimals=decimals) for i, x in enumerate(items)]
    return _report(fund_lines=tuple(lines))


def test_sum_mismatch():
    assert not _flags(_itemised(600_651.81, [579_380.0, 135.0, 21_136.81]), "sum_mismatch")
    (flag,) = _flags(_itemised(600_651.81, [579_380.0, 135.0, 21_000.0]), "sum_mismatch")
    assert (flag.field, flag.reported, flag.expected, flag.severity) == (
        "fund:实际支出", "600,651.81", "600,515.00", "error")
    assert flag.span == (10, 20)


def test_sum_mismatch_tolerates_rounding_and_skips_partial_lists():
    # 1.00万元 = 0.33 + 0.33 + 0.33 万元 (each rounded): within half a unit each.
    assert not _flags(_itemised(10_000.0, [3_300.0] * 3, unit="万元"), "sum_mismatch")
    assert _flags(_itemised(10_000.0, [3_000.0] * 3, unit="万元"), "sum_mismatch")
    assert not _flags(_itemised(100.0, [50.0, 20.0], complete=False), "sum_mismatch")  # "…等"
    assert not _flags(_itemised(100.0, [50.0]), "sum_mismatch")  # one item is no sum


def test_sum_mismatch_on_parsed_prose():
    text = "某局2021年度项目绩效自评报告\n实际支出100万元，其中：设备费60万元，服务费{}万元。"
    assert not _flags(_parsed(text.format(40)), "sum_mismatch")
    assert _flags(_parsed(text.format(30)), "sum_mismatch")


# --------------------------------------------------------------------------- scores


def test_score_subtotal_mismatch():
    inds = (_ind("产出指标", 20), _ind("产出指标", 25), _ind("投入", 6), _ind("投入", 4))
    subs = (Subtotal("产出", 45.0, (60, 62)), Subtotal("投入绩效", 10.0, (70, 72)))
    assert not _flags(_report(indicators=inds, subtotals=subs, score=55.0, grade="差"), "score_subtotal_mismatch")
    subs = (Subtotal("产出", 40.0, (60, 62)), Subtotal("投入绩效", 10.0, (70, 72)))
    (flag,) = _flags(_report(indicators=inds, subtotals=subs, score=50.0, grade="差"), "score_subtotal_mismatch")
    assert (flag.field, flag.reported, flag.expected, flag.span) == ("subtotal:产出", "40", "45", (60, 62))
    assert "20 + 25" in flag.message


PROSE_SCORES = (
    "某县某局2019年度部门整体支出绩效自评报告\n三、绩效评价情况\n（一）投入\n1.目标设定\n"
    "（1）本部门制定了全年工作计划，根据评分标准该项得分6分。\n"
    "（2）绩效指标细化，根据评分标准该项得分4分。\n四、评价结论\n"
    "根据评分体系测算，本部门2019年部门整体支出绩效评价得分是：投入绩效为{}分，总得分为{}分。\n"
)


def test_score_subtotal_and_total_from_prose_points():
    # 004's wording: "根据评分标准该项得分6分" items under （一）投入, "投入绩效为13分" subtotal.
    r = _parsed(PROSE_SCORES.format(10, 10))
    assert [i.points for i in r.indicators] == [6.0, 4.0] and r.subtotals[0].label == "投入"
    assert not {"score_subtotal_mismatch", "score_total_mismatch"} & {f.code for f in audit(r).flags}
    (flag,) = _flags(_parsed(PROSE_SCORES.format(13, 13)), "score_subtotal_mismatch")
    assert (flag.reported, flag.expected) == ("13", "10")
    (flag,) = _flags(_parsed(PROSE_SCORES.format(10, 12)), "score_total_mismatch")
    assert (flag.reported, flag.expected) == ("12", "10")


def test_score_total_mismatch_from_subtotals():
    inds = (_ind("投入", 10), _ind("产出", 80))
    subs = (Subtotal("投入", 10.0, (60, 62)), Subtotal("产出", 80.0, (70, 72)))
    assert not _flags(_report(indicators=inds, subtotals=subs, score=90.0), "score_total_mismatch")
    (flag,) = _flags(_report(indicators=inds, subtotals=subs, score=95.0), "score_total_mismatch")
    assert (flag.field, flag.reported, flag.expected) == ("score", "95", "90")


def test_score_total_mismatch_from_points():
    inds = (_ind("投入", 10), _ind("产出", 30), _ind("效益", 48), _ind("效益", None))  # blank: not scored
    assert not _flags(_report(indicators=inds, score=88.0, grade="良好"), "score_total_mismatch")
    assert _flags(_report(indicators=inds, score=90.0), "score_total_mismatch")
    # Prose restating a table's points is not counted twice.
    twice = inds + (_ind("产出", 30, origin="prose"),)
    assert not _flags(_report(indicators=twice, score=88.0, grade="良好"), "score_total_mismatch")
    assert not _flags(_report(indicators=inds, score=None, grade=None), "score_total_mismatch")


def test_score_over_max():
    assert not _flags(_report(indicators=(_ind("投入", 5, 5),)), "score_over_max")
    (flag,) = _flags(_report(indicators=(_ind("投入", 6, 5, span=(80, 81)),)), "score_over_max")
    assert (flag.reported, flag.expected, flag.span) == ("6", "≤ 5", (80, 81))


def test_grade_band_mismatch_default_scale():
    (flag,) = _flags(_report(score=85.0, grade="优", evidence={"grade": Evidence((5, 6), "优")}),
                     "grade_band_mismatch")
    assert (flag.reported, flag.expected, flag.span) == ("优", "良", (5, 6))
    assert not _flags(_report(score=92.0, grade="优"), "grade_band_mismatch")
    assert not _flags(_report(score=88.0, grade="良好"), "grade_band_mismatch")
    assert not _flags(_report(score=None, grade="优"), "grade_band_mismatch")


def test_grade_band_printed_scale_beats_default():
    printed = GradeScale("printed", (GradeBand(85, "优秀"), GradeBand(70, "良好"), GradeBand(0, "一般")))
    assert not _flags(_report(score=86.0, grade="优秀", grade_scale=printed), "grade_band_mismatch")
    assert _flags(_report(score=86.0, grade="优秀"), "grade_band_mismatch")  # five_band: 良好
    assert _flags(_report(score=80.0, grade="优秀", grade_scale=printed), "grade_band_mismatch")


# --------------------------------------------------------------------------- formula_error

REFS = {"1": "预算安排", "2": "实际投入", "3": "实际到位", "4": "实际支出", "5": "资金结余",
        "6": "实际到位率", "7": "支出实现率", "8": "预算完成率"}


@pytest.mark.parametrize(("label", "concept", "formula", "expected"), [
    ("实际到位率", "arrival", "(3)÷(2)", "(3)÷(1)"),   # 003's error
    ("实际到位率", "arrival", "(3)÷(1)", None),
    ("支出实现率", "execution", "(4)÷(3)", None),       # spent ÷ available
    ("预算完成率", "completion", "(4)÷(1)", None),
    ("支出实现率", "execution", "(4)÷(1)", None),       # spent ÷ budget: the 自评表's definition
    ("支出实现率", "execution", "(3)÷(4)", "(4)÷(3)"),
    ("预算完成率", "completion", "(2)÷(1)", None),      # 实际投入 is spent (rank 2): accepted
    ("预算完成率", "completion", "(4)÷(3)", "(4)÷(1)"),
    ("实际到位率", "arrival", "(3)÷(5)", None),         # 资金结余 is no amount a rate is defined on
])
def test_formula_error(label, concept, formula, expected):
    r = _report(rates=(_rate(label, concept, 1.0, formula=formula, refs=REFS),))
    flags = _flags(r, "formula_error")
    assert [f.expected for f in flags] == ([expected] if expected else [])
    if flags:
        assert flags[0].reported == formula and flags[0].severity == "error"


def test_formula_error_needs_refs():
    assert not _flags(_report(rates=(_rate("实际到位率", "arrival", 1.0, formula="(3)÷(2)"),)), "formula_error")


# --------------------------------------------------------------------------- conflicting_values


def _qty(value: float, unit: str, context: str, at: int) -> Quantity:
    return Quantity(value=value, unit=unit, context=context, span=(at, at + 3))


def test_conflicting_quantities():
    same = (_qty(733, "个单位", "乡镇电子政务网覆盖", 10), _qty(733, "个单位", "乡镇电子政务网 覆盖", 50))
    assert not _flags(_report(quantities=same), "conflicting_values")
    differ = (_qty(733, "个单位", "乡镇电子政务网覆盖", 10), _qty(707, "个单位", "乡镇电子政务网覆盖", 50),
              _qty(700, "个单位", "乡镇电子政务网覆盖", 90))
    (flag,) = _flags(_report(quantities=differ), "conflicting_values")
    assert (flag.reported, flag.expected, flag.span, flag.severity) == (
        "733个单位", "707个单位, 700个单位", (10, 13), "warning")


@pytest.mark.parametrize("other", [
    _qty(707, "个", "乡镇电子政务网覆盖", 50),        # another unit
    _qty(707, "个单位", "乡镇政务网覆盖", 50),          # another noun phrase
])
def test_no_conflict_between_different_quantities(other):
    r = _report(quantities=(_qty(733, "个单位", "乡镇电子政务网覆盖", 10), other))
    assert not _flags(r, "conflicting_values")


def test_no_conflict_on_short_noun_phrases():
    r = _report(quantities=(_qty(12, "个部门", "建成", 10), _qty(8, "个部门", "建成", 50)))
    assert not _flags(r, "conflicting_values")


def test_conflicting_quantities_parsed():
    r = _parsed("某局2020年度项目绩效自评报告\n共为全县乡镇单位提供服务12个单位。"
                "全年共为全县乡镇单位提供服务15个单位。")
    assert not _flags(r, "conflicting_values")  # different noun phrases (全年…)
    r = _parsed("某局2020年度项目绩效自评报告\n共为全县乡镇单位提供服务12个单位。"
                "此外，共为全县乡镇单位提供服务15个单位。")
    assert _flags(r, "conflicting_values")


def test_conflicting_totals():
    text = ("某局2020年度部门整体支出绩效自评报告\n一、部门决算情况\n决算总收入{}万元，全年总支出400万元。\n"
            "二、收支执行情况\n决算总收入4,331,899.35元。")
    assert not _flags(_parsed(text.format("433.19")), "conflicting_values")  # equal within rounding
    (flag,) = _flags(_parsed(text.format("450.00")), "conflicting_values")
    assert (flag.field, flag.reported, flag.expected) == ("fund:决算总收入", "4,500,000.00", "4,331,899.35")


def test_no_conflict_for_different_roles_labels_or_plan_sections():
    sections = (Section("一", "预算安排情况", 1, (0, 100), ""), Section("二", "预算执行情况", 1, (100, 200), ""))

    def lines(*specs):
        return _report(sections=sections, fund_lines=tuple(
            _line(label, role, amount, (10 * i, 10 * i + 5), context=ctx)
            for i, (label, role, amount, ctx) in enumerate(specs)))

    assert _flags(lines(("全年总支出", "spent", 1e6, "二"), ("全年总支出", "spent", 2e6, "二")), "conflicting_values")
    assert not _flags(lines(("全年总支出", "spent", 1e6, "二"), ("全年总支出", "budget", 2e6, "二")), "conflicting_values")
    assert not _flags(lines(("全年总支出", "spent", 1e6, "二"), ("全年支出", "spent", 2e6, "二")), "conflicting_values")
    assert not _flags(lines(("总预算", "budget", 1e6, "一"), ("总预算", "budget", 2e6, "一")), "conflicting_values")
    # Bare labels repeat per project in department reports: not a conflict.
    assert not _flags(lines(("预算数", "budget", 1e6, "二"), ("预算数", "budget", 2e6, "二")), "conflicting_values")


# --------------------------------------------------------------------------- missing_field


def test_missing_field_project():
    r = _report(budget_yuan=None, available_yuan=None, spent_yuan=None, score=None, grade=None)
    got = {(f.field, f.severity) for f in _flags(r, "missing_field")}
    assert got == {("budget_yuan", "warning"), ("spent_yuan", "warning"), ("score", "info"), ("grade", "info")}
    assert not _flags(_report(), "missing_field")
    assert not _flags(_report(budget_yuan=None), "missing_field")  # available stands in


def test_missing_field_department():
    r = _report(kind="department", score=None, grade=None)
    assert {(f.field, f.severity) for f in _flags(r, "missing_field")} == {("score", "info"), ("grade", "info")}
    (flag,) = _flags(_report(kind="department", spent_yuan=None), "missing_field")
    assert (flag.field, flag.severity, flag.span) == ("spent_yuan", "warning", None)
    assert "department" in flag.message
