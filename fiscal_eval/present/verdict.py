"""What a page says first: a short verdict, every sentence computed from the data.

An official reads the top of a page and stops. So each page opens with what the detail
below it shows: on an agency page, how many of the report's figures were recomputed and
which disagree and by how much, whether the grade matches the score, and where the
money went; on a cross-year page, how the years compare; on a portfolio page, how the
scores, grades, execution rates and findings of the year are spread. No sentence here
is written in advance: each is built from the corpus, so a page can never say "almost
every report scores above 90" under a chart that spans 35 to 100.

A :class:`Verdict` is data (title, sentences, severity-marked points, notes);
:func:`fiscal_eval.present.charts.summary` shows it, escaped (agency names and flagged
sentences are document text).

>>> import fiscal_eval
>>> from fiscal_eval.present import views
>>> c = views.corpus_of(fiscal_eval.tables(fiscal_eval.parse_paths(["data/samples"])))
>>> v = agency_verdict(c, "中共保山市委网信办", 2019)
>>> v.sentences[0]
'重新计算了报告中的 2 个数字（执行率、到位率），1 个与报告不符；另有 1 处数值前后矛盾。'
>>> v.points[-1]
('info', '预算执行率报告为 84.61%，按 实际支出 600,651.81 ÷ 实际到位 710,000.00 计算应为 84.60%（相差 0.01 个百分点）')
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

import polars as pl

from fiscal_eval.present import findings as _findings
from fiscal_eval.present import views
from fiscal_eval.present.display import percent, wan
from fiscal_eval.present.labels import SEVERITIES, label, value_label

__all__ = ["Verdict", "agency_verdict", "cross_year_verdict", "portfolio_verdict", "scores_sentence",
           "execution_score_sentence", "execution_band", "MAX_POINTS"]

#: At most this many findings are listed in a verdict (the rest are in the page's table).
MAX_POINTS = 6

# Flag codes that are a figure recomputed and found different (the rest are not
# recomputations: a value stated two ways, a figure missing, a grade — said apart).
_RECOMPUTED = ("rate_mismatch", "sum_mismatch", "score_subtotal_mismatch", "score_total_mismatch",
               "score_over_max", "formula_error")
# What each of those recomputed, in the verdict's count ("小计 2 个").
_CHECK_NAMES = {"rate_mismatch": "比率", "sum_mismatch": "合计", "score_subtotal_mismatch": "小计",
                "score_total_mismatch": "总分", "score_over_max": "指标得分", "formula_error": "公式"}
# What the audit recomputes from a report's own amounts whenever the report states it.
_STATED_RATES = {"execution_rate_reported": "执行率", "arrival_rate_reported": "到位率"}


@dataclass(frozen=True)
class Verdict:
    """A page's opening summary: ``sentences`` in order, then ``points`` (severity,
    text: the findings, most severe first), then ``notes`` (smaller print)."""

    title: str
    sentences: tuple[str, ...]
    points: tuple[tuple[str, str], ...] = ()
    notes: tuple[str, ...] = ()

    def text(self) -> str:
        """The verdict as plain text, one line each (for a terminal or a test)."""
        lines = [self.title, *self.sentences]
        lines += [f"- [{SEVERITIES.get(s, s)}] {t}" for s, t in self.points]
        return "\n".join([*lines, *self.notes])


# --------------------------------------------------------------------------- words


def execution_band(rate: float | None) -> str | None:
    """Where an execution rate (spent ÷ budget) falls on PEFA PI-1's bands.

    >>> execution_band(0.97), execution_band(1.08), execution_band(0.846)
    ('A 档（95%–105%）', 'B 档（90%–110%）', 'D 档（85%–115% 之外）')
    """
    if rate is None:
        return None
    off = abs(rate - 1)
    for band, limit in (("A", 0.05), ("B", 0.10), ("C", 0.15)):
        if off <= limit + 1e-12:
            return f"{band} 档（{100 - limit * 100:g}%–{100 + limit * 100:g}%）"
    return "D 档（85%–115% 之外）"


def _severity_counts(severities: list[str]) -> str:
    counts = Counter(severities)
    return "、".join(f"{SEVERITIES[s]} {counts[s]} 处" for s in SEVERITIES if counts[s])


def _number(x: float) -> str:
    return f"{x:g}" if abs(x) < 1e6 else f"{x:,.0f}"


def _point(row: dict[str, Any]) -> tuple[str, str]:
    gap = f"（相差 {row['gap']}）" if row.get("gap") else ""
    return row["severity"], f"{row['message']}{gap}"


# --------------------------------------------------------------------------- one agency, one year


def agency_verdict(c: views.Corpus, agency: str, year: int) -> Verdict:
    """The agency page's verdict on its analysed report: the recomputed figures and
    those that disagree (with the gap), the grade check, the execution picture."""
    facts = views.facts(c, agency, year)
    mine = pl.col("report_id") == facts.report_id  # read from a store: only this report's rows
    report = views._agency_reports(c, agency).filter(mine).row(0, named=True)
    flags = _findings.graded(views._rows(c, "flags", mine))
    rows = flags.to_dicts()
    sentences = [_checks_sentence(report, rows)]
    if rows:
        sentences.append(f"审核共发现 {len(rows)} 处问题：{_severity_counts([r['severity'] for r in rows])}"
                         "（严重程度按差额大小判定，规则见“审核发现”一节）。")
    else:
        sentences.append("审核没有发现问题。")
    sentences.append(_grade_sentence(facts))
    sentences += _execution_sentences(facts)
    points = [_point(r) for r in rows[:MAX_POINTS]]
    notes = (f"其余 {len(rows) - MAX_POINTS} 处见“审核发现”一节。",) if len(rows) > MAX_POINTS else ()
    return Verdict("复核结论", tuple(sentences), tuple(points), notes)


def _checks_sentence(report: dict[str, Any], flags: list[dict[str, Any]]) -> str:
    """How many figures were recomputed, how many disagree, and what else was found."""
    checked: Counter[str] = Counter()
    amounts = {k: report.get(k) is not None for k in ("budget_yuan", "available_yuan", "spent_yuan")}
    if report.get("execution_rate_reported") is not None and amounts["spent_yuan"] and (
            amounts["budget_yuan"] or amounts["available_yuan"]):
        checked["执行率"] += 1
    if report.get("arrival_rate_reported") is not None and amounts["budget_yuan"] and amounts["available_yuan"]:
        checked["到位率"] += 1
    differ = 0
    for f in flags:
        if f["code"] not in _RECOMPUTED:
            continue
        differ += 1
        stated = _STATED_RATES.get(f.get("field") or "")
        if stated is None or not checked[stated]:
            checked[stated or _CHECK_NAMES.get(f["code"], label(f["code"]))] += 1
    others = Counter(f["code"] for f in flags if f["code"] not in _RECOMPUTED
                     and f["code"] not in ("grade_band_mismatch", "missing_field"))
    missing = [f for f in flags if f["code"] == "missing_field"]
    n = sum(checked.values())
    if n == 0:
        text = "报告没有写出可以用它自己的数字重新计算的比率、合计或小计"
    else:
        names = "、".join(k if v == 1 else f"{k} {v} 个" for k, v in checked.items())
        text = (f"重新计算了报告中的 {n} 个数字（{names}），"
                + (f"{differ} 个与报告不符" if differ else "全部与报告相符"))
    extra = [f"{v} 处{label(k)}" for k, v in others.items()]
    if missing:
        extra.append(f"报告缺少 {len(missing)} 项应写的数字")
    return text + ("；另有 " + "、".join(extra) if extra else "") + "。"


def _grade_sentence(f: views.Facts) -> str:
    if f.score is None and f.grade is None:
        return "报告没有写自评得分和等级，无法核对等级。"
    if f.score is None:
        return f"报告写了等级“{f.grade}”，但没有写自评得分，无法核对。"
    if f.grade is None:
        return f"报告自评 {_number(f.score)} 分，但没有写等级，无法核对。"
    word = f"“{f.grade}”" + (f"（{f.grade_class}档）" if f.grade_class and f.grade_class != f.grade else "")
    if f.grade_ok is False:
        return f"自评 {_number(f.score)} 分，等级写作{word}；按适用的等级表，这个得分应为“{f.grade_expected}”。"
    if f.grade_ok:
        return f"自评 {_number(f.score)} 分，等级{word}，与得分相符。"
    return f"自评 {_number(f.score)} 分，等级{word}；没有适用的等级表可以核对。"


def _execution_sentences(f: views.Facts) -> list[str]:
    # A report stating both budgets of its year: the 自评表's rate divides by the adjusted
    # one, PEFA PI-1's outturn by the year-start one (the originally approved budget).
    adjusted = f.budget_adjusted_yuan
    stages = [(w, v) for w, v in (("年初预算" if adjusted is not None else "预算", f.budget_yuan),
                                  ("调整后预算", adjusted), ("到位", f.available_yuan), ("支出", f.spent_yuan))
              if v is not None]
    if not stages:
        return ["报告没有写出预算、到位和支出金额，无法计算执行率。"]
    out = ["，".join(f"{w} {wan(v)} 万元" for w, v in stages) + "。"]
    rates = []
    if f.execution_rate_budget is not None and adjusted is not None:
        rates.append(f"执行率（支出÷调整后预算）{percent(f.execution_rate_budget)}")
        if f.budget_yuan and f.spent_yuan is not None:
            outturn = f.spent_yuan / f.budget_yuan
            rates.append(f"支出÷年初预算 {percent(outturn)}，落在 PEFA PI-1 的 {execution_band(outturn)}")
    elif f.execution_rate_budget is not None:
        rates.append(f"执行率（支出÷预算）{percent(f.execution_rate_budget)}，"
                     f"落在 PEFA PI-1 的 {execution_band(f.execution_rate_budget)}")
    if f.execution_rate_available is not None:
        points = (f"，执行率一项得 {f.mof_execution_points:.2f} 分（满分 10 分）"
                  if f.mof_execution_points is not None else "")
        rates.append(f"按财政部口径（支出÷到位）为 {percent(f.execution_rate_available)}{points}")
    if rates:
        out.append("；".join(rates) + "。")
    elif f.spent_yuan is None:
        out.append("报告没有写支出金额，无法计算执行率。")
    else:
        out.append("报告没有写预算或到位金额，无法计算执行率。")
    if f.spent_yuan is not None and f.available_yuan is not None:
        diff = f.available_yuan - f.spent_yuan
        if diff < -0.005:
            out.append(f"支出超过到位资金 {wan(-diff)} 万元。")
        elif diff > 0.005:
            out.append(f"到位资金中有 {wan(diff)} 万元没有支出。")
    return out


# --------------------------------------------------------------------------- one agency, its years


def cross_year_verdict(c: views.Corpus, agency: str) -> Verdict:
    """The cross-year page's verdict: the years covered, how budget, execution and
    score moved, the findings by year, PEFA, and recurring problems."""
    s = views.series(c, agency)
    years = s["year"].to_list()
    if len(years) < 2:
        only = f"只有 {years[0]} 年一个年度的报告" if years else "没有可用的报告"
        return Verdict("历年概况", (f"{agency}{only}，无法作跨年度比较。",))
    span = list(range(years[0], years[-1] + 1))
    gaps = [y for y in span if y not in years]
    sentences = [f"{years[0]}–{years[-1]} 年共 {len(years)} 个年度的报告"
                 + (f"（缺 {'、'.join(map(str, gaps))} 年）" if gaps else "") + "。"]
    first, last = s.row(0, named=True), s.row(-1, named=True)
    moves = []
    if first["budget_yuan"] is not None and last["budget_yuan"] is not None:
        moves.append(f"预算从 {wan(first['budget_yuan'])} 万元变为 {wan(last['budget_yuan'])} 万元")
    if first["execution_rate_budget"] is not None and last["execution_rate_budget"] is not None:
        moves.append(f"执行率（支出÷预算）从 {percent(first['execution_rate_budget'])} "
                     f"变为 {percent(last['execution_rate_budget'])}")
    if moves:
        sentences.append(f"{first['year']} 年到 {last['year']} 年，" + "，".join(moves) + "。")
    scored = s.filter(pl.col("score").is_not_null())
    if scored.height:
        classes = "、".join(f"{y} 年{g}" for y, g in scored.select("year", "grade_class").rows() if g)
        lo, hi = scored["score"].min(), scored["score"].max()
        spread = f"{_number(lo)} 分" if lo == hi else f"在 {_number(lo)}–{_number(hi)} 分之间"  # type: ignore[arg-type]
        sentences.append(f"自评得分{spread}" + (f"（等级档次：{classes}）" if classes else "") + "。")
    flags = views.flags_over_time(c, agency)
    if flags.height:
        total = int(flags["flags"].sum())
        by_year = flags.group_by("year").agg(pl.col("flags").sum()).sort("flags", "year", descending=[True, False])
        worst = by_year.row(0)
        severities = [sev for sev, n in flags.select("severity", "flags").rows() for _ in range(n)]
        sentences.append(f"历年审核共发现 {total} 处问题（{_severity_counts(severities)}），"
                         f"最多的是 {worst[0]} 年（{worst[1]} 处）。")
    else:
        sentences.append("历年审核都没有发现问题。")
    pefa = views.pefa(c, agency).row(0, named=True)
    if pefa["pefa_grade"] is not None:
        sentences.append(f"PEFA PI-1（总支出偏离）评级为 {pefa['pefa_grade']}"
                         f"（{min(pefa['pefa_years'])}–{max(pefa['pefa_years'])} 年）。")
    else:
        sentences.append(f"PEFA PI-1 无法评级：{pefa['pefa_reason']}。")
    recurring = views.recurring(c, agency)
    sentences.append(f"有 {recurring.height} 个问题在两个以上年度的报告中重复出现。" if recurring.height
                     else "没有在两个以上年度重复出现的问题。")
    return Verdict("历年概况", tuple(sentences))


# --------------------------------------------------------------------------- one year, all agencies


def _groups(rows: pl.DataFrame) -> list[tuple[str, pl.DataFrame]]:
    """Real and synthetic reports apart (named only when both are there)."""
    real, synthetic = rows.filter(~pl.col("synthetic")), rows.filter(pl.col("synthetic"))
    if real.height and synthetic.height:
        return [("真实报告", real), ("合成报告", synthetic)]
    return [("", real if real.height else synthetic)]


def scores_sentence(c: views.Corpus, year: int, region: str = "") -> str:
    """How the year's self-scores are spread: range, median, how many at 90 or more, and
    the grade classes (real and synthetic reports apart).

    >>> import fiscal_eval
    >>> c = views.corpus_of(fiscal_eval.tables(fiscal_eval.parse_paths(["data/samples"])))
    >>> scores_sentence(c, 2020)
    '共 2 份报告，1 份写了自评得分：88 分，90 分及以上 0 份；等级档次：良 1 份。'
    """
    rows = views.with_grade_class(views.portfolio_reports(c, year, region))
    if rows.height == 0:
        return f"{year} 年没有可用的报告。"
    parts = []
    for name, group in _groups(rows):
        scores = group["score"].drop_nulls()
        text = f"{name} {group.height} 份，" if name else f"共 {group.height} 份报告，"
        if scores.len() == 0:
            text += "都没有写自评得分"
        else:
            lo, hi, med = float(scores.min()), float(scores.max()), float(scores.median())  # type: ignore[arg-type]
            high = int((scores >= 90).sum())
            spread = (f"{_number(lo)} 分" if lo == hi
                      else f"最低 {_number(lo)} 分、最高 {_number(hi)} 分、中位数 {_number(round(med, 2))} 分")
            text += (f"{scores.len()} 份写了自评得分：{spread}，90 分及以上 {high} 份"
                     + (f"（占 {high / scores.len():.0%}）" if scores.len() > 1 else ""))
        classes = group["grade_class"].drop_nulls().value_counts()
        if classes.height:
            order = {g: i for i, g in enumerate(views.GRADE_ORDER)}
            counted = sorted(classes.rows(), key=lambda r: (order.get(r[0], len(order)), r[0]))
            text += "；等级档次：" + "、".join(f"{g} {n} 份" for g, n in counted)
        parts.append(text)
    return "；".join(parts) + "。"


#: Below this execution rate (spent ÷ budget) a report grading itself 优 is named.
LOW_EXECUTION = 0.85


NAMED_AT_MOST = 20
"""Reports a verdict sentence names one by one; beyond it, the lowest and a count."""


def execution_score_sentence(c: views.Corpus, year: int, region: str = "") -> str:
    """Execution against self-grade: the median execution rate, how many are low, and
    which reports grade themselves 优 with a low execution rate."""
    rows = views.with_grade_class(views.portfolio_reports(c, year, region))
    parts = []
    for name, group in _groups(rows):
        rates = group["execution_rate_budget"].drop_nulls()
        if rates.len() == 0:
            parts.append(f"{name}没有可以计算执行率的报告" if name else "没有可以计算执行率的报告")
            continue
        low = group.filter(pl.col("execution_rate_budget") < LOW_EXECUTION)
        text = ((f"{name}中 " if name else "") + f"{rates.len()} 份报告可以计算执行率（支出÷预算），中位数 "
                f"{percent(float(rates.median()))}，低于 {LOW_EXECUTION:.0%} 的 {low.height} 份")  # type: ignore[arg-type]
        top = low.filter(pl.col("grade_class") == "优")
        praised = top["agency"].to_list()
        if len(praised) > NAMED_AT_MOST:  # a national page names the worst few, not thousands
            worst = top.sort("execution_rate_budget", maintain_order=True).head(NAMED_AT_MOST)["agency"].to_list()
            shown = "、".join(worst) + f"等 {len(praised)} 份（列出执行率最低的 {NAMED_AT_MOST} 份）"
        else:
            shown = "、".join(praised)
        text += ("；其中自评为优档的：" + shown) if praised else "；其中没有自评为优档的"
        parts.append(text)
    return "；".join(parts) + "。"


def portfolio_verdict(c: views.Corpus, year: int, region: str = "") -> Verdict:
    """The portfolio page's verdict: scores and grades, execution, findings."""
    where = f"（{region}）" if region else ""
    sentences = [f"{year} 年{where}：" + scores_sentence(c, year, region), execution_score_sentence(c, year, region)]
    counts = views.flags_by_type(c, year, region)
    if counts.height:
        severities = [sev for sev, n in counts.select("severity", "flags").rows() for _ in range(n)]
        by_code = counts.group_by("code").agg(pl.col("flags").sum(), pl.col("reports").max()).sort(
            "flags", "code", descending=[True, False])
        top, top_n, _ = by_code.row(0)
        reports = views.portfolio_reports(c, year, region)
        flagged = int((reports["flag_count"] > 0).sum())
        sentences.append(f"审核共发现 {int(counts['flags'].sum())} 处问题（{_severity_counts(severities)}），"
                         f"涉及 {flagged} 份报告；最多的是“{value_label('code', top)}”（{top_n} 处）。")
    else:
        sentences.append("审核没有发现问题。")
    return Verdict("本年概况", tuple(sentences))
