"""The synthetic reports in the formats agencies publish them in: prose as Word (DOCX),
the MoF 项目支出绩效自评表 as an Excel workbook with merged cells (XLSX, and XLS where
LibreOffice is installed), several zipped together, and a compilation (汇编) of twenty
reports in one Word document. Each rendered file has its rows in ``formats_truth.jsonl``
(the fields that file states), so a parse of every format is checked against a truth.

Files are deterministic: the same reports give byte-identical DOCX, XLSX and ZIP files
(fixed timestamps inside the packages).

>>> from fiscal_eval.sources.docx import read_docx
>>> read_docx(docx_bytes("标题\\n\\n预算\\t100\\n执行\\t95"), "x.docx").text
'标题\\n\\n预算\\t100\\n执行\\t95'
"""

from __future__ import annotations

import io
import json
import random
import re
import shutil
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

__all__ = ["docx_bytes", "docx_package", "mof_form", "write_formats", "FormatsSummary", "FORMATS"]

FORMATS = ("docx", "xlsx", "xls", "zip", "compilation")
"""What :func:`write_formats` can render (``xls`` only where LibreOffice is installed)."""

_EPOCH = (2024, 1, 1, 0, 0, 0)  # every package member's timestamp: deterministic bytes

# --------------------------------------------------------------------------- DOCX

_W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    "{overrides}</Types>"
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="word/document.xml"/></Relationships>'
)
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PART_TYPES = {
    "header": ("header", "application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml"),
    "footer": ("footer", "application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"),
    "footnotes": ("footnotes", "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"),
}


def _run(text: str) -> str:
    return f'<w:r><w:t xml:space="preserve">{escape(text)}</w:t></w:r>'


def _paragraph(text: str) -> str:
    return f"<w:p>{_run(text)}</w:p>" if text else "<w:p/>"


def _cell(text: str, span: int = 1, vmerge: str | None = None) -> str:
    props = ""
    if span > 1:
        props += f'<w:gridSpan w:val="{span}"/>'
    if vmerge == "restart":
        props += '<w:vMerge w:val="restart"/>'
    elif vmerge == "continue":
        props += "<w:vMerge/>"
    return f"<w:tc>{f'<w:tcPr>{props}</w:tcPr>' if props else ''}{_paragraph(text)}</w:tc>"


def _table(rows: list[list[str]]) -> str:
    """A Word table of ``rows`` with the merges a person makes: a first-column label over
    the empty cells below it is one vertically merged cell, and a label over the empty
    cells right of it (before the row's last text) spans them. Read back, merged cells are
    empty cells again, so the grid the reader returns is ``rows`` (trailing blanks aside)."""
    width = max(len(r) for r in rows)
    grid = [r + [""] * (width - len(r)) for r in rows]
    out = ["<w:tbl><w:tblPr><w:tblW w:w=\"0\" w:type=\"auto\"/></w:tblPr><w:tblGrid>"
           + "<w:gridCol/>" * width + "</w:tblGrid>"]
    for i, row in enumerate(grid):
        cells = []
        c = 0
        while c < width:
            text = row[c]
            if c == 0 and not text and i > 0 and any(grid[k][0] for k in range(i)) and _in_first_column_run(grid, i):
                cells.append(_cell("", vmerge="continue"))
                c += 1
                continue
            vmerge = "restart" if c == 0 and text and i + 1 < len(grid) and not grid[i + 1][0] else None
            span = 1
            if text and c > 0:
                while c + span < width and not row[c + span] and any(row[c + span + 1:]):
                    span += 1
            cells.append(_cell(text, span, vmerge))
            c += span
        out.append(f"<w:tr>{''.join(cells)}</w:tr>")
    out.append("</w:tbl>")
    return "".join(out)


def _in_first_column_run(grid: list[list[str]], i: int) -> bool:
    """Whether row ``i``'s empty first cell continues a label above it (merged)."""
    k = i - 1
    while k >= 0 and not grid[k][0]:
        k -= 1
    return k >= 0


def docx_package(body: str, *, header: str | None = None, footer: str | None = None,
                 footnotes: list[str] | None = None) -> bytes:
    """A minimal Word package around a ``<w:body>`` inner XML (and optional header, footer
    and footnotes, as plain text), with fixed timestamps."""
    ns = (f'xmlns:w="{_W_NS}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
          'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"')
    parts: dict[str, str] = {}
    rels: list[str] = []
    overrides: list[str] = []
    section = ""
    for kind, text in (("header", header), ("footer", footer)):
        if text is None:
            continue
        name, ctype = _PART_TYPES[kind]
        rid = f"rId{len(rels) + 2}"
        root = "hdr" if kind == "header" else "ftr"
        parts[f"word/{name}1.xml"] = f"<w:{root} {ns}>{_paragraph(text)}</w:{root}>"
        rels.append(f'<Relationship Id="{rid}" Type="{_REL}/{name}" Target="{name}1.xml"/>')
        overrides.append(f'<Override PartName="/word/{name}1.xml" ContentType="{ctype}"/>')
        section += f'<w:{kind}Reference w:type="default" r:id="{rid}"/>'
    if footnotes:
        notes = ['<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>']
        notes += [f'<w:footnote w:id="{i}">{_paragraph(text)}</w:footnote>' for i, text in enumerate(footnotes, 1)]
        parts["word/footnotes.xml"] = f"<w:footnotes {ns}>{''.join(notes)}</w:footnotes>"
        rels.append(f'<Relationship Id="rId{len(rels) + 2}" Type="{_REL}/footnotes" Target="footnotes.xml"/>')
        overrides.append(f'<Override PartName="/word/footnotes.xml" ContentType="{_PART_TYPES["footnotes"][1]}"/>')
    document = f"<w:document {ns}><w:body>{body}<w:sectPr>{section}</w:sectPr></w:body></w:document>"
    files = {
        "[Content_Types].xml": _CONTENT_TYPES.format(overrides="".join(overrides)),
        "_rels/.rels": _ROOT_RELS,
        "word/document.xml": document,
        "word/_rels/document.xml.rels": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            + "".join(rels) + "</Relationships>"
        ),
        **parts,
    }
    return _zip(files)


def _zip(files: Mapping[str, str | bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            info = zipfile.ZipInfo(name, _EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, content.encode("utf-8") if isinstance(content, str) else content)
    return buffer.getvalue()


def docx_body(text: str) -> str:
    """``<w:body>`` XML for a plain-text report: a paragraph a line; the tables the text
    reader finds (tab- or pipe-separated rows) as Word tables, merged where a person
    would merge them."""
    from fiscal_eval.sources.text import find_tables

    lines = text.split("\n")
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line) + 1)
    table_at: dict[int, tuple[int, list[list[str]]]] = {}  # first line -> (last line, rows)
    for table in find_tables(text):
        first = next(i for i, s in enumerate(starts) if s > table.span[0]) - 1
        last = next(i for i, s in enumerate(starts) if s > table.span[1] - 1) - 1
        table_at[first] = (last, [[c.text for c in row] for row in table.rows])
    out: list[str] = []
    i = 0
    while i < len(lines):
        if i in table_at:
            last, rows = table_at[i]
            out.append(_table(rows))
            i = last + 1
            continue
        out.append(_paragraph(lines[i].strip()))
        i += 1
    return "".join(out)


def docx_bytes(text: str, **parts: Any) -> bytes:
    """A plain-text report as a Word document (see :func:`docx_body`)."""
    return docx_package(docx_body(text.rstrip("\n")), **parts)


# --------------------------------------------------------------------------- the MoF form

_SPEC = [  # (一级, 二级, 三级, 分值): the indicator rows of a project form
    ("产出指标", "数量指标", "完成工作任务数", 20), ("产出指标", "质量指标", "验收合格率", 15),
    ("产出指标", "时效指标", "按期完成率", 10), ("产出指标", "成本指标", "成本控制率", 5),
    ("效益指标", "社会效益指标", "服务对象覆盖率", 20), ("效益指标", "可持续影响指标", "长效机制健全性", 10),
    ("满意度指标", "服务对象满意度指标", "服务对象满意度", 10),
]


def _d(x: Decimal | float, places: str = "0.01") -> Decimal:
    return Decimal(str(x)).quantize(Decimal(places), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class FormRow:
    """A row of the form as (column, value) pairs, and the merges it starts."""

    cells: tuple[tuple[int, Any], ...]


def mof_form(truth: dict[str, Any], rng: random.Random) -> tuple[list[list[Any]], list[str], dict[str, Any]]:
    """The MoF 项目支出绩效自评表 for one project report: (rows of cell values, merged
    ranges "A5:A9", the truth of what the form states). Amounts in 万元 to 2 decimals,
    the execution rate a fraction (formatted as a percentage in the workbook)."""
    budget = _d(Decimal(str(truth["budget_yuan"])) / 10000)
    spent = _d(Decimal(str(truth["spent_yuan"])) / 10000)
    initial = budget if rng.random() < 0.7 else _d(budget * Decimal("0.95"))
    rate = (spent / budget).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
    rate_points = _d(min(rate, Decimal(1)) * 10)
    loss = int(rng.randint(2, 14))
    points = []
    for *_, most in _SPEC:
        take = min(most - 1, loss, rng.randint(0, 4))
        loss -= take
        points.append(Decimal(most - take))
    total = rate_points + sum(points)
    from fiscal_eval.parse.indicators import EXECUTION_LEVEL1  # the parser's name for those points

    agency, project, year = truth["agency"], truth["project_name"], truth["year"]
    rows: list[list[Any]] = [
        ["项目支出绩效自评表"],
        [f"（{year}年度）"],
        ["项目名称", project],
        ["主管部门", agency, None, None, "实施单位", agency],
        ["项目资金（万元）", None, "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"],
        [None, "年度资金总额", float(initial), float(budget), float(spent), 10, float(rate), float(rate_points)],
        [None, "其中：当年财政拨款", float(initial), float(budget), float(spent), "—", None, "—"],
        [None, "上年结转资金", None, None, None, "—", None, "—"],
        [None, "其他资金", None, None, None, "—", None, "—"],
        ["年度总体目标", "预期目标", None, None, "实际完成情况"],
        [None, f"按计划完成{project}年度任务", None, None, "已按计划完成年度任务"],
        ["绩效指标", "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分",
         "偏差原因分析及改进措施"],
    ]
    first_indicator = len(rows) + 1
    last = (None, None)
    for (l1, l2, l3, most), got in zip(_SPEC, points):
        rows.append([None, l1 if l1 != last[0] else None, l2, l3, "≥95%", "96%" if got == most else "90%",
                     most, float(got), None if got == most else "部分任务推迟"])
        last = (l1, l2)
    rows.append(["总分", None, None, None, None, None, 100, float(total), "自评等级：见报告"])
    n = len(rows)
    merges = ["A1:I1", "A2:I2", "B3:I3", "B4:D4", "F4:I4", "A5:A9", "F6:F9", "H6:H9",
              "A10:A11", "B10:D10", "E10:I10", "B11:D11", "E11:I11", f"A12:A{n - 1}", f"A{n}:F{n}"]
    # 一级指标 cells merged down over their rows.
    group_start = first_indicator
    for i, (l1, *_rest) in enumerate(_SPEC + [(None, None, None, 0)]):
        row = first_indicator + i
        if i == len(_SPEC) or (i > 0 and l1 != _SPEC[i - 1][0]):
            if row - 1 > group_start:
                merges.append(f"B{group_start}:B{row - 1}")
            group_start = row
    form_truth = {
        "agency": agency, "year": year, "kind": "project", "project_name": project,
        # The form states both budgets of the year: the budget is the year-start one, the
        # adjusted one (全年预算数, the 执行率's base) stands beside it.
        "published_date": None, "budget_yuan": float(initial * 10000),
        "budget_adjusted_yuan": float(budget * 10000), "available_yuan": None,
        "spent_yuan": float(spent * 10000), "execution_rate_reported": float(rate),
        "score": float(total), "grade": None,
        # The money grid's 分值/得分 of 年度资金总额 are read as one more indicator, last.
        "indicators": [{"level1": l1, "level2": l2, "level3": l3, "max_points": float(most), "points": float(p)}
                       for (l1, l2, l3, most), p in zip(_SPEC, points)]
                      + [{"level1": EXECUTION_LEVEL1, "level2": None, "level3": None, "max_points": 10.0,
                          "points": float(rate_points)}],
    }
    return rows, merges, form_truth


def xlsx_bytes(rows: list[list[Any]], merges: list[str], *, title: str = "自评表",
               percent_columns: tuple[int, ...] = (6,)) -> bytes:
    """A one-sheet workbook of ``rows`` with ``merges``; fractions in ``percent_columns``
    (0-based) formatted as percentages, as Excel keeps them. Deterministic bytes."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None  # a new Workbook always has its first sheet
    sheet.title = title
    for row in rows:
        sheet.append(row)
    for r, row in enumerate(rows, start=1):
        for c in percent_columns:
            if c < len(row) and isinstance(row[c], float):
                sheet.cell(r, c + 1).number_format = "0.00%"
    for merged in merges:
        sheet.merge_cells(merged)
    import datetime as dt

    book.properties.created = book.properties.modified = dt.datetime(*_EPOCH)
    buffer = io.BytesIO()
    book.save(buffer)
    # Re-pack with fixed member timestamps; openpyxl stamps the save time as "modified".
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as saved:
        files = {info.filename: saved.read(info) for info in saved.infolist()}
    files["docProps/core.xml"] = re.sub(
        rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2024-01-01T00:00:00Z", files["docProps/core.xml"]
    )
    return _zip(files)


# --------------------------------------------------------------------------- writing


@dataclass(frozen=True)
class FormatsSummary:
    """What :func:`write_formats` wrote: files by format, and the truth rows."""

    files: dict[str, int]
    truths: int
    out: Path


def libreoffice_convert(files: dict[str, bytes], target: str) -> dict[str, bytes]:
    """Files converted by LibreOffice to ``target`` ("xls", "doc"), in one run: name ->
    converted bytes (empty when LibreOffice is not installed or converted nothing)."""
    import subprocess
    import tempfile

    from fiscal_eval.sources.convert import soffice

    program = soffice()
    if program is None or not files:
        return {}
    with tempfile.TemporaryDirectory(prefix="fiscal_eval-synth-") as tmp:
        paths = []
        for i, data in enumerate(files.values()):
            path = Path(tmp, f"in{i}{Path(next(iter(files))).suffix}")
            path.write_bytes(data)
            paths.append(str(path))
        out = Path(tmp, "out")
        subprocess.run([program, "--headless", "--norestore", f"-env:UserInstallation={Path(tmp, 'profile').as_uri()}",
                        "--convert-to", target, "--outdir", str(out), *paths],
                       capture_output=True, timeout=300, check=False, env={"HOME": tmp, "PATH": "/usr/bin:/bin"})
        converted = {}
        for i, name in enumerate(files):
            produced = out / f"in{i}.{target}"
            if produced.is_file():
                converted[name] = produced.read_bytes()
        return converted


def compilation_text(text: str) -> str:
    """A report as a compilation prints it: its title first, then the rest in order; a
    report without a title line keeps its text."""
    from fiscal_eval.synth import BANNER

    lines = text.rstrip("\n").split("\n")
    title = next((i for i, line in enumerate(lines[:12]) if re.search(r"绩效自评报告", line)), None)
    if title is None:
        return text.rstrip("\n")
    rest = [line for i, line in enumerate(lines) if i != title and line != BANNER]
    return "\n".join([lines[title].strip(), BANNER, *rest])


def write_formats(out: str | Path, formats: tuple[str, ...] = FORMATS, *, per_format: int = 6,
                  compilation_size: int = 20, seed: int = 0) -> FormatsSummary:
    """Render the reports of a generated corpus (``out/reports``, ``out/truth.jsonl``,
    written by :func:`fiscal_eval.synth.generate`) in other formats, into
    ``out/formats/`` with ``out/formats_truth.jsonl``. Each report is rendered once, in
    one format, so a store of ``out/formats`` holds each agency-year once.

    ``per_format`` reports become DOCX (the text, tables as Word tables); as many project
    reports become the MoF form as XLSX, and as many more as XLS (when LibreOffice is
    installed); ``bundle.zip`` holds a DOCX, an XLSX and a text report of three more; the
    compilation ``汇编.docx`` holds the next ``compilation_size`` reports (of the styles
    that open with a title), each opening with its title. Truth ``source`` paths are
    relative to ``out``: members ``formats/bundle.zip!name``, parts ``formats/汇编.docx#k``.
    """
    out = Path(out)
    truths = [json.loads(line) for line in (out / "truth.jsonl").read_text("utf-8").splitlines()]
    folder = out / "formats"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    rng = random.Random(seed)
    rows: list[dict[str, Any]] = []
    counts: dict[str, int] = {}
    texts = {t["source"]: (out / t["source"]).read_text("utf-8") for t in truths}
    pool = list(truths)  # reports not rendered yet

    def take(n: int, want=lambda t: True) -> list[dict[str, Any]]:
        chosen = [t for t in pool if want(t)][:n]
        for t in chosen:
            pool.remove(t)
        return chosen

    def is_project(t: dict[str, Any]) -> bool:
        return t["kind"] == "project" and bool(t["project_name"])

    def form_of(t: dict[str, Any]) -> tuple[str, bytes, dict[str, Any]]:
        form, merges, form_truth = mof_form(t, rng)
        form_truth = {**{k: v for k, v in t.items() if k in ("region", "style", "synthetic")}, **form_truth,
                      "flags": None}
        return Path(t["source"]).stem + "_自评表", xlsx_bytes(form, merges), form_truth

    def keep(name: str, data: bytes, truth: dict[str, Any], fmt: str) -> None:
        (folder / name).write_bytes(data)
        rows.append({**truth, "source": f"formats/{name}", "format": fmt})
        counts[fmt] = counts.get(fmt, 0) + 1

    if "docx" in formats:
        for t in take(per_format):
            keep(Path(t["source"]).with_suffix(".docx").name, docx_bytes(texts[t["source"]]), t, "docx")
    if "xlsx" in formats:
        for t in take(per_format, is_project):
            stem, workbook, form_truth = form_of(t)
            keep(f"{stem}.xlsx", workbook, form_truth, "xlsx")
    if "xls" in formats:
        # NOTE: without LibreOffice there is no .xls (FORMATS says so); one run converts all.
        made = map(form_of, take(per_format, is_project))
        forms = {stem: (workbook, form_truth) for stem, workbook, form_truth in made}
        legacy = libreoffice_convert({f"{stem}.xlsx": data for stem, (data, _) in forms.items()}, "xls")
        for stem, (_, form_truth) in forms.items():
            if f"{stem}.xlsx" in legacy:
                keep(f"{stem}.xls", legacy[f"{stem}.xlsx"], form_truth, "xls")
    if "zip" in formats:
        members: dict[str, bytes] = {}
        for t in take(1):
            name = Path(t["source"]).with_suffix(".docx").name
            members[name] = docx_bytes(texts[t["source"]])
            rows.append({**t, "source": f"formats/bundle.zip!{name}", "format": "zip"})
        for t in take(1, is_project):
            stem, workbook, form_truth = form_of(t)
            members[f"{stem}.xlsx"] = workbook
            rows.append({**form_truth, "source": f"formats/bundle.zip!{stem}.xlsx", "format": "zip"})
        for t in take(1):
            members[Path(t["source"]).name] = texts[t["source"]].encode("utf-8")
            rows.append({**t, "source": f"formats/bundle.zip!{Path(t['source']).name}", "format": "zip"})
        if members:
            (folder / "bundle.zip").write_bytes(_zip(members))
            counts["zip"] = 1
    if "compilation" in formats:
        parts = take(compilation_size, lambda t: t["style"] != "formula_department")
        if parts:
            body = "".join(docx_body(compilation_text(texts[t["source"]])) + _paragraph("") for t in parts)
            title = _paragraph("合成数据 SYNTHETIC 绩效自评报告汇编") + _paragraph("")
            (folder / "汇编.docx").write_bytes(docx_package(title + body))
            counts["compilation"] = 1
            rows += [{**t, "source": f"formats/汇编.docx#{k}", "format": "compilation"} for k, t in enumerate(parts, 1)]
    with (out / "formats_truth.jsonl").open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    return FormatsSummary(counts, len(rows), folder)
