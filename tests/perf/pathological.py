"""Crafted inputs whose parse cost once grew faster than their size (issue 15), each a
function of a size ``n`` (characters or repetitions): the property tests parse each at
``n`` and ``2n`` and compare, and ``measure.py`` times them at full size.

Every maker returns ``(data, suffix)``: the bytes of a file and how it is named.
"""

from __future__ import annotations

import random

# A report's worth of figures without any sentence or clause punctuation, nor line breaks.
_UNPUNCTUATED = ("某县某局2021年度项目绩效自评报告 预算安排资金100万元 实际到位资金100万元 "
                 "实际支出95万元 预算执行率为95.00% 其中办公费3万元 自评得分92分 自评结果优秀 "
                 "项目覆盖12个单位 存在问题 下一步改进措施 ")


def unpunctuated(n: int) -> tuple[bytes, str]:
    """``n`` characters of figures and words with no 。!? , ; : and no line break."""
    reps = -(-n // len(_UNPUNCTUATED))
    return (_UNPUNCTUATED * reps)[:n].encode(), ".txt"


def unpunctuated_cjk(n: int) -> tuple[bytes, str]:
    """``n`` characters of words and figures without even spaces between them."""
    unit = _UNPUNCTUATED.replace(" ", "")
    return (unit * -(-n // len(unit)))[:n].encode(), ".txt"


def long_run(n: int) -> tuple[bytes, str]:
    """An amount phrase whose label is a run of ``n`` of one character: 预算安排为为为…为甲100万元."""
    return ("某局2021年度绩效自评报告\n预算安排" + "为" * n + "甲100万元。\n").encode(), ".txt"


def long_runs(n: int) -> tuple[bytes, str]:
    """Runs of spaces, 为, colons, dashes and brackets before figures, ``n`` characters each."""
    parts = ["某局2021年度绩效自评报告\n"]
    for filler in (" ", "为", ":", "-", "(", "【", "是", "共计", "1、", "(1)", "其中"):
        parts.append("实际支出" + filler * (n // len(filler)) + "甲100万元\n")
        parts.append("执行率" + filler * (n // len(filler)) + "90%\n")
        parts.append("自评得分" + filler * (n // len(filler)) + "90分\n")
        parts.append("总分 100" + filler * (n // len(filler)) + "甲96\n")  # not the form's 总分 | 分值 | 得分 row
    return "".join(parts).encode(), ".txt"


def repeated_headings(n: int) -> tuple[bytes, str]:
    """``n`` problem and improvement headings, each nesting the next level's."""
    block = "四、存在的问题\n(一)问题\n1.问题\n(1)整改措施\n"
    return ("某局2021年度绩效自评报告\n" + block * (n // 4)).encode(), ".txt"


def flat_headings(n: int) -> tuple[bytes, str]:
    """``n`` headings of one rank, all problem sections, each with a numbered line under it."""
    return ("某局2021年度绩效自评报告\n" + "一、存在问题\n项目存在问题，得分为3分\n" * n).encode(), ".txt"


def one_line(n: int, seed: int = 0) -> tuple[bytes, str]:
    """A report compilation of about ``n`` characters on one line (breaks made spaces)."""
    return compilation(n, seed).replace("\n", " ").encode(), ".txt"


def compilation(n: int, seed: int = 0) -> str:
    """About ``n`` characters of varied reports one after another, as a county publishes."""
    rng = random.Random(seed)
    parts, size, i = [], 0, 0
    while size < n:
        budget = rng.randint(10, 9999) * 100
        spent = budget - rng.randint(0, budget // 10)
        part = (f"{rng.choice('东南西北')}{i}县某局{2015 + i % 8}年度项目绩效自评报告\n"
                f"一、项目基本情况\n项目是年度重点工作。\n二、项目资金情况\n"
                f"1.年初预算安排{budget:,}元，实际到位资金{budget}元，实际支出{spent}.00元，"
                f"其中：办公费{spent // 2}元，印刷费{spent - spent // 2}元，预算执行率为{spent / budget:.2%}。\n"
                f"序号\t项目\t金额\n(1)\t预算安排\t{budget}\n(2)\t实际支出\t{spent}\n"
                f"三、绩效指标完成情况\n(一)产出指标\n全年服务覆盖{rng.randint(1, 900)}个单位，该项得分{rng.randint(1, 9)}分。\n"
                f"执行率=(实际支出/预算)×100%={spent / budget:.2%}\n"
                f"四、存在的问题\n1.支出进度偏慢。\n五、改进措施\n加快进度。\n"
                f"六、自评结果\n自评得分{rng.randint(60, 100)}分，自评结果：良好。评分标准：90-100分为优秀、80-89分为良好、60-79分为合格。\n\n")
        parts.append(part)
        size += len(part)
        i += 1
    return "".join(parts)


def nested_tables(n: int) -> tuple[bytes, str]:
    """HTML tables nested ``n`` deep, a figure in the innermost cell."""
    open_ = "<table><tr><td>外层</td><td>"
    close = "</td></tr></table>"
    body = "预算安排100万元，实际支出95万元。"
    return f"<html><body>{open_ * n}{body}{close * n}</body></html>".encode(), ".html"


def nested_blocks(n: int) -> tuple[bytes, str]:
    """HTML ``<div>``s nested ``n`` deep, never closed, with text at each level."""
    return ("<html><body>" + "<div><p>预算安排1万元</p>" * n + "</body></html>").encode(), ".html"


def wide_html_table(n: int) -> tuple[bytes, str]:
    """An HTML table of ``n`` rows of a form, as portals publish large 自评表."""
    rows = "".join(f"<tr><td>{i}</td><td>预算安排</td><td>{i * 100}</td><td>实际支出</td><td>{i * 90}</td>"
                   f"<td>执行率</td><td>90.00%</td></tr>" for i in range(n))
    return f"<html><body><table>{rows}</table></body></html>".encode(), ".html"


def huge_numbers(n: int) -> tuple[bytes, str]:
    """Figures of ``n`` digits: amounts, percents, separated thousands, decimals, scores."""
    d = "9" * n
    text = (f"某局2021年度绩效自评报告\n预算安排{d}万元，实际支出{d}.{d}元，预算执行率为{d}%。\n"
            f"实际到位1{',000' * (n // 4)}元。自评得分{d}分。\n执行率={d}/{d}×100%={d}%\n"
            f"全年服务覆盖{d}个单位。\n")
    return text.encode(), ".txt"


def many_numbers(n: int) -> tuple[bytes, str]:
    """``n`` figures in one sentence with no words between them: 1万元2万元3万元…"""
    return ("某局2021年度绩效自评报告\n预算安排" + "".join(f"{i}万元" for i in range(n)) + "。\n").encode(), ".txt"


def many_pipes(n: int) -> tuple[bytes, str]:
    """One line of ``n`` pipe-separated cells, then ``n`` short pipe rows."""
    row = " | ".join(f"预算安排{i}" for i in range(n))
    rows = "\n".join(f"| 实际支出 | {i} | 执行率 | 90% |" for i in range(n))
    return f"某局2021年度绩效自评报告\n{row}\n{rows}\n".encode(), ".txt"


def many_equals(n: int) -> tuple[bytes, str]:
    """A line of ``n`` written calculations, and a run of brackets."""
    calc = "执行率=(1/2)×100%=50%，" * (n // 16)
    return ("某局2021年度绩效自评报告\n" + calc + "\n" + "(" * n + "1/2=0.5\n").encode(), ".txt"


def grade_words(n: int) -> tuple[bytes, str]:
    """A line of ``n`` grade words (a grade scale's shape, repeated)."""
    return ("某局2021年度绩效自评报告\n" + "90分优秀80分良好60分合格" * (n // 15) + "\n").encode(), ".txt"


def many_allocations(n: int) -> tuple[bytes, str]:
    """About ``n`` characters of allocations in one sentence with no stop, their words the
    kind the money rules read back over (下达, 拨付我区, 争取债券资金, 计划下达, 以来)."""
    piece = "省级下达我县资金12万元中央拨付我区资金3万元争取债券资金4亿元计划下达资金5万元2019年以来下达资金6万元"
    return ("某县2023年度资金绩效自评报告\n" + piece * max(1, n // len(piece)) + "。\n").encode(), ".txt"


CASES = {
    "unpunctuated": unpunctuated,
    "unpunctuated_cjk": unpunctuated_cjk,
    "long_run": long_run,
    "long_runs": long_runs,
    "repeated_headings": repeated_headings,
    "flat_headings": flat_headings,
    "one_line": one_line,
    "nested_tables": nested_tables,
    "nested_blocks": nested_blocks,
    "wide_html_table": wide_html_table,
    "huge_numbers": huge_numbers,
    "many_numbers": many_numbers,
    "many_pipes": many_pipes,
    "many_equals": many_equals,
    "grade_words": grade_words,
    "many_allocations": many_allocations,
}
