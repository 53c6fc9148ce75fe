"""A synthetic corpus of self-evaluation reports whose truth is known.

Real users hold thousands of reports over many years; the repository holds five. The
generator writes multi-year series per (invented) agency in the template styles of the
samples — the Yunnan prose of 000/001, the Guangdong form of 003, the Hunan written
formulas of 004, the department-wide accounts of 002 — with the layout noise real pages
have, and injects known discrepancies into a share of them. ``truth.jsonl`` holds, per
report, every contract field the report states and the flags the audit should raise.

Every synthetic report says it is synthetic, in its first line (【合成数据 SYNTHETIC】), so
the store marks it (``synthetic`` column) and nobody mistakes it for an agency's data.
Deterministic: the same arguments give byte-identical files.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

__all__ = ["generate", "SynthSummary", "STYLES", "BANNER", "MAX_AGENCIES"]

BANNER = "【合成数据 SYNTHETIC】本报告由 fiscal_eval 合成生成，仅供测试与教学，不是任何真实机构的数据。"

# Invented place names: 20 × 20 first/second characters (a third for large corpora), so
# up to 4,000 regions never repeat.
_FIRST = "云青石临丰望清安东南北西金玉长白红黄宁永"
_SECOND = "岭川门溪安江河平阳屏山坪沙泉乐水湖城源林"
_THIRD = "丰和兴隆盛泰顺康宁昌"
_SUFFIX = "市县县区"
_PLACES = len(_FIRST) * len(_SECOND) * (1 + len(_THIRD))


def _region(i: int) -> str:
    n, grid = len(_SECOND), len(_FIRST) * len(_SECOND)
    third = "" if i < grid else _THIRD[(i // grid - 1) % len(_THIRD)]
    return f"{_FIRST[(i // n) % len(_FIRST)]}{_SECOND[i % n]}{third}{_SUFFIX[i % len(_SUFFIX)]}"

_AGENCY_TYPES = [
    ("政务服务数据管理局", ["电子政务外网运维项目", "政务云平台租赁项目", "数据共享交换平台建设项目"]),
    ("交通运输局", ["农村公路养护项目", "客运站改造项目", "公路安全生命防护工程"]),
    ("教育局", ["义务教育薄弱环节改善项目", "学生营养改善计划项目", "教师培训项目"]),
    ("卫生健康局", ["基本公共卫生服务项目", "疫情防控物资储备项目", "家庭医生签约服务项目"]),
    ("农业农村局", ["高标准农田建设项目", "农机购置补贴项目", "动物防疫项目"]),
    ("民政局", ["特困人员供养项目", "养老服务体系建设项目", "社区服务中心运行项目"]),
    ("水利局", ["农村饮水安全巩固提升项目", "河道清淤整治项目", "小型水库维修养护项目"]),
    ("自然资源局", ["国土空间规划编制项目", "不动产登记信息化项目", "地质灾害防治项目"]),
]
_ITEMS = ["委托业务费", "网络通讯费", "维修维护费", "专用材料费", "劳务费", "印刷费", "设备购置费"]
_GRADES = [(90, "优秀"), (80, "良好"), (70, "中等"), (60, "及格"), (0, "不及格")]
_CHROME = ["首页 > 政务公开 > 财政预决算 > 绩效自评", "欢迎访问{region}人民政府门户网站",
           "字号：大 中 小  打印本页  关闭窗口"]
_FULL = str.maketrans("0123456789.%", "０１２３４５６７８９．％")

# Discrepancies a style can carry, and the flag each should raise.
_INJECTABLE = {
    "prose_project": ["rate_mismatch", "sum_mismatch", "conflicting_values", "grade_band_mismatch"],
    "form_project": ["formula_error", "score_total_mismatch", "score_over_max", "grade_band_mismatch"],
    "formula_department": ["score_subtotal_mismatch", "rate_mismatch", "sum_mismatch"],
    "department_prose": ["sum_mismatch"],
}


@dataclass(frozen=True)
class SynthSummary:
    """What :func:`generate` wrote."""

    reports: int
    agencies: int
    years: tuple[int, ...]
    flagged: int
    out: Path


@dataclass
class _Facts:
    """The figures of one report before it is written."""

    agency: str
    region: str
    year: int
    project: str
    budget: Decimal
    available: Decimal
    spent: Decimal
    score: Decimal
    units: int
    inject: list[str] = field(default_factory=list)


def _d(x: float | Decimal, places: str = "0.01") -> Decimal:
    return Decimal(str(x)).quantize(Decimal(places), rounding=ROUND_HALF_UP)


def _pct(num: Decimal, den: Decimal) -> Decimal:
    """A rate in percent at 2 decimals, rounded as reports print it."""
    return _d(num / den * 100) if den else Decimal(0)


def _grade(score: Decimal) -> str:
    return next(g for lo, g in _GRADES if score >= lo)


def _wrong_grade(score: Decimal) -> str:
    right = _grade(score)
    return "优秀" if right != "优秀" else "良好"


def _yuan(x: Decimal, style: int) -> str:
    """An amount in 元 as reports write it: plain, 2 decimals, or thousands separators."""
    return [f"{x:.2f}元", f"{x:,.2f}元", f"{x:.0f}元" if x == x.to_integral() else f"{x:.2f}元"][style]


def _wan(x: Decimal) -> str:
    return f"{x / 10000:.2f}万元"


def _pub_date(rng: random.Random, year: int) -> str:
    return f"{year + 1}-{rng.randint(3, 7):02d}-{rng.randint(1, 28):02d}"


def _chrome(rng: random.Random, region: str) -> list[str]:
    return [c.format(region=region) for c in rng.sample(_CHROME, rng.randint(0, 2))]


def _items(rng: random.Random, total: Decimal, n: int) -> list[tuple[str, Decimal]]:
    """n line items that add up to total exactly."""
    names = rng.sample(_ITEMS, n)
    cuts = sorted(rng.random() for _ in range(n - 1))
    shares = [b - a for a, b in zip([0.0, *cuts], [*cuts, 1.0])]
    amounts = [_d(total * Decimal(str(round(s, 4)))) for s in shares[:-1]]
    amounts.append(total - sum(amounts, Decimal(0)))
    return list(zip(names, amounts))


# ------------------------------------------------------------------------------ styles


def _prose_project(f: _Facts, rng: random.Random) -> tuple[str, dict[str, Any]]:
    """The Yunnan prose style of samples 000/001."""
    amount_style = rng.randint(0, 2)
    rate = _pct(f.spent, f.available)
    stated_rate = rate + Decimal("1.37") if "rate_mismatch" in f.inject else rate
    arrival = _pct(f.available, f.budget)
    items = _items(rng, f.spent, rng.randint(2, 3))
    if "sum_mismatch" in f.inject:
        items[0] = (items[0][0], items[0][1] + Decimal(1000))
    grade = _wrong_grade(f.score) if "grade_band_mismatch" in f.inject else _grade(f.score)
    units2 = f.units + 26 if "conflicting_values" in f.inject else f.units
    rate_text = f"{stated_rate:.2f}%"
    if rng.random() < 0.25:
        rate_text = rate_text.translate(_FULL)  # full-width digits, as some portals print
    item_text = "，".join(f"{name}{_yuan(x, amount_style)}" for name, x in items)
    pub = _pub_date(rng, f.year)
    arrived = (f"项目资金到位率为{arrival:.2f}%" if f.available == f.budget else
               f"实际到位资金{_yuan(f.available, amount_style)}，项目资金到位率为{arrival:.2f}%")
    lines = [
        BANNER, *_chrome(rng, f.region), "",
        f"{f.agency}{f.year}年度项目绩效自评报告 ({f.project})", "", f"{pub} 09:30", "",
        "一、项目基本情况", "",
        f"{f.project}是{f.agency}的年度重点工作，资金按照“钱随事走”的原则安排，用于保障项目正常运行。", "",
        "二、项目绩效自评工作开展情况", "",
        f"根据{f.region}财政局《关于{f.year + 1}年财政支出绩效评价工作有关事项的通知》文件精神，我局领导高度重视，"
        f"组织相关人员，对{f.year}年度{f.project}的整个实施过程进行了全面、科学、细致评价。", "",
        "三、项目绩效实现情况", "", "(一)项目资金情况", "", "1.项目资金到位情况。", "",
        f"{f.year}年，下达项目预算资金—{f.project}{_yuan(f.budget, amount_style)}，{arrived}。", "",
        "2.项目资金执行情况。", "",
        f"{f.year}年，实际使用项目资金—{f.project}{_yuan(f.spent, amount_style)}，其中：{item_text}，预算执行率为{rate_text}。", "",
        "(二)项目绩效指标完成情况", "", "1.产出指标完成情况。", "",
        f"项目按计划实施，全年服务覆盖{f.units}个单位，各项工作有序开展。", "",
        "2.效益指标完成情况。", "",
        f"项目有效提升了服务能力，全年服务覆盖{units2}个单位，效益指标完成较好。", "",
        "3.满意度指标完成情况。", "", "按照项目调查问卷的结果，满意度指标达到95%。", "",
        "四、绩效目标未完成原因和下一步改进措施", "",
        "项目资金支出进度有待加快。下一步将加强项目管理，加快资金支付进度。", "",
        "五、绩效自评结果", "",
        f"通过此次绩效评价，经逐项对照自评，自评得分{f.score}分，本次绩效评价各项工作自评结果：{grade}。", "",
        f"{f.agency}", "", f"{f.year + 1}年{rng.randint(1, 6)}月{rng.randint(1, 28)}日",
    ]
    truth = {
        "kind": "project", "project_name": f.project, "published_date": pub,
        "budget_yuan": float(f.budget), "available_yuan": float(f.available),
        "spent_yuan": float(f.spent), "execution_rate_reported": float(stated_rate / 100),
        "score": float(f.score), "grade": grade, "indicators": [],
    }
    return "\n".join(lines) + "\n", truth


def _form_project(f: _Facts, rng: random.Random) -> tuple[str, dict[str, Any]]:
    """The Guangdong form of sample 003: numbered rows (1)–(8), an indicator table, a
    printed five-band scale."""
    budget, avail, spent = f.budget.quantize(Decimal(1)), f.available.quantize(Decimal(1)), f.spent.quantize(Decimal(1))
    wrong_formula = "formula_error" in f.inject
    arrival = _pct(avail, spent if wrong_formula else budget)
    realised = _pct(spent, avail)
    complete = _pct(spent, budget)

    def pct(x: Decimal) -> str:
        s = f"{x:.2f}%"
        return s.replace(".", ". ") if rng.random() < 0.3 else s  # 003's "100. 60%"

    spec = [("决策", "项目立项", "立项依据充分性", 5), ("决策", "项目立项", "立项程序规范性", 5),
            ("决策", "绩效目标", "绩效目标合理性", 10), ("过程", "资金管理", "资金到位率", 10),
            ("过程", "资金管理", "预算执行率", 10), ("过程", "组织实施", "管理制度健全性", 10),
            ("产出", "产出数量", "实际完成率", 15), ("产出", "产出质量", "质量达标率", 10),
            ("效益", "社会效益", "社会效益实现程度", 15), ("效益", "满意度", "服务对象满意度", 10)]
    target_loss = int(100 - f.score)
    points = [m for *_, m in spec]
    for i in rng.sample(range(len(spec)), len(spec)):
        take = min(points[i] - 1, target_loss)
        points[i] -= take
        target_loss -= take
    score = Decimal(sum(points))
    if "score_over_max" in f.inject:
        i = rng.randrange(len(spec))
        points[i] = spec[i][3] + 2
        score = Decimal(sum(points))
    stated_total = score + 3 if "score_total_mismatch" in f.inject else score
    grade = _wrong_grade(stated_total) if "grade_band_mismatch" in f.inject else _grade(stated_total)
    rows, last = [], (None, None)
    for (l1, l2, l3, mx), pts in zip(spec, points):
        c1 = f"{l1}" if l1 != last[0] else ""
        c2 = f"{l2}" if (l1, l2) != last else ""
        rows.append(f"{c1}\t{c2}\t{l3} ({mx}分)\t{pts}\t按计划完成")
        last = (l1, l2)
    pub = _pub_date(rng, f.year)
    y, m, d = pub.split("-")
    lines = [
        BANNER, *_chrome(rng, f.region), "",
        f"{f.region} {f.year} 年财政支出 绩效自评报告", "",
        f"项目名称：{f.project}", "", f"本级项目主管部门：（公章）{f.agency}", "",
        f"填报日期：{y} 年 {int(m)} 月 {int(d)} 日", "", "一、项目概况", "",
        f"项目名称\t{f.project}\t\t资金安排年份\t{f.year}年",
        f"项目主管部门\t{f.agency}\t联系人\t张三",
        "项目资金安排和使用情况\t投入指标\t行次\t合 计\t上级财政资金\t本级财政资金",
        f"\t预算安排\t(1)\t{budget}\t\t{budget}",
        f"\t实际投入\t(2)\t{spent}\t\t{spent}",
        f"\t实际到位\t(3)\t{avail}\t\t{avail}",
        f"\t实际支出\t(4)\t{spent}\t\t{spent}",
        f"\t资金结余\t(5)=(3)-(4)\t{avail - spent}\t\t{avail - spent}",
        f"\t实际到位率\t(6)=(3) ÷ ({2 if wrong_formula else 1})\t{pct(arrival)}\t\t{pct(arrival)}",
        f"\t支出实现率\t(7)=(4) ÷ (3)\t{pct(realised)}\t\t{pct(realised)}",
        f"\t预算完成率\t(8)=(4) ÷ (1)\t{pct(complete)}\t\t{pct(complete)}",
        "", "二、自评得分及情况说明", "",
        "一级指标\t二级指标\t三级指标\t自评得分\t自评情况说明", *rows,
        f"合计\t\t{stated_total}\t自评等次\t{grade}", "",
        "备注：1. 可另附详细补充说明。", "",
        "2. 自评得分：90-100 优秀、80-89 良好、70-79 中等、60-69 及格、59 及以下不及格。", "",
        "三、存在问题及改进意见", "",
        "序号\t主要问题及原因\t改进计划或建议", "1\t项目前期论证不够充分\t加强项目前期论证", "",
    ]
    truth = {
        "kind": "project", "project_name": f.project, "published_date": pub,
        "budget_yuan": float(budget), "available_yuan": float(avail), "spent_yuan": float(spent),
        "execution_rate_reported": float(realised / 100), "score": float(stated_total), "grade": grade,
        "indicators": [{"level1": l1, "level2": l2, "level3": l3, "max_points": float(mx), "points": float(p)}
                       for (l1, l2, l3, mx), p in zip(spec, points)],
    }
    return "\n".join(lines) + "\n", truth


def _formula_department(f: _Facts, rng: random.Random) -> tuple[str, dict[str, Any]]:
    """The Hunan department-wide style of sample 004: 万元 throughout, written formulas,
    points in prose, section subtotals beside the total."""
    budget, avail, spent = (_d(x / 10000) * 10000 for x in (f.budget, f.available, f.spent))
    complete = _pct(spent, budget)
    stated_complete = complete - Decimal("2.10") if "rate_mismatch" in f.inject else complete
    basic = _d(spent * Decimal("0.3") / 10000) * 10000
    project_part = spent - basic
    if "sum_mismatch" in f.inject:
        basic += 10000
    spec = {"投入": [("目标设定", "绩效目标合理性", 6), ("目标设定", "绩效指标明确性", 4), ("预算配置", "在职人员控制率", 5)],
            "过程": [("预算执行", "预算完成率", 5), ("预算管理", "公用经费控制率", 8), ("预算管理", "政府采购执行率", 6)],
            "产出及效率": [("职责履行", "重点工作完成率", 8), ("履职效益", "社会公众满意度", 6)]}
    loss = 4 + rng.randint(0, 6)
    pts = {k: [m for *_, m in v] for k, v in spec.items()}
    for k in rng.sample(list(spec), len(spec)):
        for i in range(len(pts[k])):
            take = min(pts[k][i] - 1, loss)
            pts[k][i] -= take
            loss -= take
    subtotals = {k: sum(v) for k, v in pts.items()}
    stated = dict(subtotals)
    if "score_subtotal_mismatch" in f.inject:
        stated["投入"] += 3
    total = sum(stated.values())
    grade = "优" if total >= 90 else "良" if total >= 80 else "中" if total >= 60 else "差"
    body = []
    for n1, (k, items) in zip("一二三", spec.items()):
        body.append(f"（{n1}）{k}")
        last2 = None
        n2 = 0
        for (l2, l3, _), p in zip(items, pts[k]):
            if l2 != last2:
                n2 += 1
                body.append(f"{n2}、{l2}")
                last2 = l2
            body.append(f"（{len([b for b in body if b.startswith('（') and '）' in b[:4]]) % 9 + 1}）{l3}："
                        f"经对照评分标准，{l3}指标完成情况良好，根据评分标准该项得分{p}分。")
    lines = [
        BANNER, *_chrome(rng, f.region),
        f"为加强财政预算资金管理，根据{f.region}财政局的通知，我局对{f.year}年度本单位财政性资金整体支出进行了绩效自评，现将具体绩效评价情况报告如下：",
        "一、部门概况", f"{f.agency}为{f.region}人民政府工作部门，内设机构5个。",
        "二、年度预算与年度决算情况", f"（一）{f.year}年预算情况",
        f"{f.agency}{f.year}年预算总收入{_wan(budget)}，其中一般公共预算拨款收入{_wan(budget)}。",
        f"（二）{f.year}年度收支及结余决算情况",
        f"{f.year}年度总收入{_wan(avail)}。",
        f"{f.year}年度总支出{_wan(spent)}：其中基本支出{_wan(basic)}，项目支出{_wan(project_part)}。",
        "三、部门整体支出绩效情况", *body,
        f"预算完成率＝{spent / 10000:.2f}/{budget / 10000:.2f}×100%={stated_complete:.2f}%。",
        "四、绩效评价总结论",
        f"根据绩效评价体系评分体系测算，{f.agency}{f.year}年部门整体支出绩效评价得分是："
        f"投入绩效为{stated['投入']}分，过程绩效为{stated['过程']}分，产出及效率绩效为{stated['产出及效率']}分，"
        f"总得分{total}分。评价等为“{grade}”。",
        "五、存在的主要问题", "年初预算的编制不够精细。",
        "六、改进措施和建议", "1、细化预算编制工作，认真做好预算的编制。",
    ]
    indicators = [{"level1": k, "level2": l2, "level3": l3, "max_points": None, "points": float(p)}
                  for k, items in spec.items() for (l2, l3, _), p in zip(items, pts[k])]
    truth = {
        "kind": "department", "project_name": None, "published_date": None,
        "budget_yuan": float(budget), "available_yuan": float(avail), "spent_yuan": float(spent),
        "execution_rate_reported": float(stated_complete / 100), "score": float(total), "grade": grade,
        "indicators": indicators,
    }
    return "\n".join(lines) + "\n", truth


def _department_prose(f: _Facts, rng: random.Random) -> tuple[str, dict[str, Any]]:
    """The department-wide accounts of sample 002: budget in 万元, final accounts in 元
    with thousands separators and budget classification codes; no score, no grade."""
    budget = _d(f.budget / 10000) * 10000
    codes = [("2010302", "一般行政管理事务"), ("2080505", "机关事业单位基本养老保险缴费支出"),
             ("2101102", "事业单位医疗"), ("2210201", "住房公积金")]
    parts = _items(rng, f.available, len(codes))
    if "sum_mismatch" in f.inject:
        parts[1] = (parts[1][0], parts[1][1] + Decimal(500))
    basic = _d(f.spent * Decimal("0.45"))
    proj = f.spent - basic
    item_text = "，".join(f"{code}  {name}{x:,.2f}元" for (code, name), (_, x) in zip(codes, parts))
    pub = _pub_date(rng, f.year)
    lines = [
        BANNER, *_chrome(rng, f.region),
        "  • 发布日期", f"    {pub}", "",
        f"{f.agency}{f.year}年绩效自评报告", "", "一、部门概况", "", "(一)部门基本情况", "",
        f"{f.agency}核定编制12名，内设机构4个。", "",
        "二、部门整体收入支出情况", "", "(一)财政拨款收入", "",
        f"{f.year}年初预算收入{_wan(budget)}，与上年对比增加{_wan(budget * Decimal('0.1'))}。", "",
        f"{f.year}年度决算总收入为{f.available:,.2f}元，分别为{item_text}。", "",
        "(二)一般公共预算财政拨款支出", "",
        f"全年总支出为: {f.spent:,.2f}元，其中：基本支出{basic:,.2f}元，项目支出{proj:,.2f}元。", "",
        "三、部门整体支出绩效自评情况", "", "本年预算配置控制较好、严格按预算执行。", "",
        "四、存在的主要问题", "", "预算编制时对单位情况考虑不全面。", "",
        "五、改进措施", "", "1、将全年工作任务细化分解。", "",
        f"              {f.agency}", "", f"                        {f.year + 1}年5月20日",
    ]
    truth = {
        "kind": "department", "project_name": None, "published_date": pub,
        "budget_yuan": float(budget), "available_yuan": float(f.available), "spent_yuan": float(f.spent),
        "execution_rate_reported": None, "score": None, "grade": None, "indicators": [],
    }
    return "\n".join(lines) + "\n", truth


STYLES: dict[str, Callable[[_Facts, random.Random], tuple[str, dict[str, Any]]]] = {
    "prose_project": _prose_project,
    "form_project": _form_project,
    "formula_department": _formula_department,
    "department_prose": _department_prose,
}

# Flags a clean report of a style raises anyway (department accounts state no score).
_INHERENT = {"department_prose": [("missing_field", "score"), ("missing_field", "grade")]}
_FLAG_FIELD = {"rate_mismatch": None, "sum_mismatch": None, "conflicting_values": None,
               "grade_band_mismatch": "grade", "formula_error": None, "score_total_mismatch": None,
               "score_over_max": None, "score_subtotal_mismatch": None}


def _slug(text: str) -> str:
    return re.sub(r"[^\w]+", "_", text).strip("_")


#: The most agencies :func:`generate` can name (places × agency types); more reports take more years.
MAX_AGENCIES = _PLACES * len(_AGENCY_TYPES)


def generate(agencies: int = 20, years: int = 3, seed: int = 0, out: str | Path = "data/synthetic",
             *, first_year: int = 2019, flag_share: float = 0.25) -> SynthSummary:
    """Write a synthetic multi-year corpus (``out/reports/*.txt``) and ``out/truth.jsonl``
    (``source`` relative to ``out``, every contract field the report states, the flags).

    Parameters
    ----------
    agencies, years : int
        How many agencies, and how many consecutive fiscal years each reports.
    seed : int
        Same seed, same corpus (byte for byte).
    out : str or Path
        Folder to write into (created; existing synthetic files are replaced).
    flag_share : float
        Share of reports that carry one injected discrepancy.

    Examples
    --------
    >>> import tempfile
    >>> s = generate(agencies=2, years=2, seed=1, out=tempfile.mkdtemp())
    >>> s.reports, s.years
    (4, (2019, 2020))
    """
    out = Path(out)
    # Reports go to out/reports/ and the truth beside it, so that ingesting the reports
    # folder reads reports only.
    folder = out / "reports"
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    styles = list(STYLES)
    truths: list[dict[str, Any]] = []
    flagged = 0
    kinds = len(_AGENCY_TYPES)
    if agencies > MAX_AGENCIES:
        raise ValueError(f"at most {MAX_AGENCIES} synthetic agencies")
    for a in range(agencies):
        # Several agencies share a region (one of each kind), so regions can be compared;
        # the first 400 regions are spread over the grid, later ones take a third character.
        r = a // kinds
        region = _region(r * 7 % 400 if r < 400 else r)
        agency_type, projects = _AGENCY_TYPES[a % kinds]
        agency = f"{region}{agency_type}"
        style = styles[(a + a // kinds) % len(styles)]
        project = projects[a % len(projects)]
        budget = _d(rng.uniform(30, 900) * 10000, "100")
        for y in range(years):
            year = first_year + y
            r = random.Random(f"{seed}/{agency}/{year}")
            budget = _d(budget * Decimal(str(r.uniform(0.9, 1.15))), "100")
            available = budget if r.random() < 0.6 else _d(budget * Decimal(str(r.uniform(0.85, 1.0))), "100")
            spent = _d(available * Decimal(str(r.uniform(0.78, 1.0))))
            score = Decimal(r.randint(72, 99)) if style != "prose_project" else _d(r.uniform(75, 99.5))
            facts = _Facts(agency, region, year, project, budget, available, spent, score,
                           units=r.randint(20, 900))
            if r.random() < flag_share:
                facts.inject.append(r.choice(_INJECTABLE[style]))
                flagged += 1
            text, truth = STYLES[style](facts, r)
            name = f"reports/{_slug(agency)}_{year}.txt"
            (out / name).write_text(text, "utf-8")
            flags = [{"code": c, "field": _FLAG_FIELD.get(c)} for c in facts.inject]
            flags += [{"code": c, "field": fld} for c, fld in _INHERENT.get(style, [])]
            truths.append({"source": name, "agency": agency, "region": region, "year": year,
                           "style": style, "synthetic": True, **truth, "flags": flags})
    with (out / "truth.jsonl").open("w", encoding="utf-8") as fh:
        for t in truths:
            fh.write(json.dumps(t, ensure_ascii=False) + "\n")
    return SynthSummary(len(truths), agencies, tuple(range(first_year, first_year + years)), flagged, out)
