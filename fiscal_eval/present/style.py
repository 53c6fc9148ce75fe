"""How a report page and the index look, on screen and printed on A4: one place.

:data:`PAGE_CSS` styles a report page's own blocks (title, navigation, verdict, notes,
tables) and its print layout — A4, charts and table rows never cut across pages, wide
tables shrunk to the page, navigation not printed. The batch puts it in every exported
page's head (:mod:`fiscal_eval.render.export`); :func:`fiscal_eval.present.charts.heading`
puts it in a notebook run by hand. :data:`INDEX_CSS` is the index page's.
"""

from __future__ import annotations

__all__ = ["PAGE_CSS", "INDEX_CSS", "FONT_STACK"]

FONT_STACK = '"Noto Sans CJK SC","WenQuanYi Micro Hei","Microsoft YaHei","PingFang SC",sans-serif'

PAGE_CSS = """
.fe-title{font-size:1.7rem;margin:.2rem 0 .6rem;line-height:1.3}
.fe-verdict{border-left:5px solid #1f5a96;background:#f3f6fa;padding:.6rem 1rem;margin:.6rem 0 1rem}
.fe-verdict h2{font-size:1.15rem;margin:.1rem 0 .4rem;border:0}
.fe-verdict p{margin:.3rem 0}.fe-verdict ul{margin:.3rem 0 .3rem 1.2rem;padding:0}
.fe-sev{display:inline-block;min-width:2.6em;text-align:center;border-radius:3px;padding:0 .3em;
margin-right:.4em;font-size:.85em;color:#fff}
.fe-sev-error{background:#c0392b}.fe-sev-warning{background:#e07b39}.fe-sev-info{background:#7f8c8d}
.fe-note{color:#555;font-size:.9rem}
.fe-table{border-collapse:collapse;font-size:.9rem}.fe-table td,.fe-table th{border-bottom:1px solid #ddd;
padding:.25rem .5rem;vertical-align:top}.fe-table caption{text-align:left;font-weight:600;padding:.2rem 0}
@page{size:A4;margin:14mm 12mm}
@media print{
  body{font-size:10.5pt}
  .fe-nav,.fe-filter{display:none !important}
  .fe-chart,.vega-embed,svg.marks,.fe-verdict,tr,img{break-inside:avoid;page-break-inside:avoid}
  .fe-chart svg,.vega-embed svg{max-width:100% !important;height:auto !important}
  .fe-table{width:100%;table-layout:auto;font-size:8.5pt}
  .fe-table td{word-break:break-all}
  h1,h2,h3{break-after:avoid;page-break-after:avoid}
  a{color:inherit;text-decoration:none}
  .jp-OutputArea-output{overflow:visible !important}
  /* JupyterLab keeps each output whole on a page: a long table then leaves half a page
     empty before it. Let tables and text flow; charts and the verdict stay whole. */
  .jp-OutputArea-child{break-inside:auto !important;page-break-inside:auto !important}
  .jp-OutputArea-child:has(.fe-chart),.jp-OutputArea-child:has(.fe-verdict){break-inside:avoid !important}
  .jp-OutputArea-output,.jp-RenderedHTMLCommon{max-width:none !important;width:100% !important}
  .jp-Notebook,.jp-Cell{padding:0 !important;margin:0 !important}
  thead{display:table-header-group}
}
.fe-nav{font-size:.9rem;margin:0 0 .8rem;padding:.4rem .6rem;background:#f3f6fa;border-radius:4px;line-height:1.9}
.fe-nav a{margin-right:.9rem;white-space:nowrap}.fe-nav .fe-here{font-weight:600;margin-right:.9rem}
"""

INDEX_CSS = f"""
body{{font-family:{FONT_STACK};margin:2rem auto;max-width:1200px;padding:0 1rem;color:#222;line-height:1.5}}
h1{{font-size:1.6rem;margin-bottom:.2rem}}h2{{font-size:1.25rem;margin-top:2rem;border-bottom:2px solid #4c78a8}}
h3{{font-size:1.05rem;margin:1.2rem 0 .3rem}}
table{{border-collapse:collapse;width:100%;font-size:.92rem}}th,td{{border-bottom:1px solid #ddd;padding:.3rem .5rem;
text-align:left;vertical-align:top}}th{{background:#f3f6fa}}td.num,th.num{{text-align:right;white-space:nowrap}}
.ok{{color:#1a7f37;font-weight:600}}.failed{{color:#c62828;font-weight:600}}.err{{color:#c62828;font-size:.85rem}}
.synthetic{{background:#fff3cd;color:#7a5b00;border:1px solid #e0c36a;border-radius:3px;padding:0 .3rem;
font-size:.8rem;white-space:nowrap}}.muted{{color:#666;font-size:.85rem}}
.sev-error{{color:#c0392b;font-weight:600}}.sev-warning{{color:#b9561b}}.sev-info{{color:#666}}
.fe-filter{{font-size:1rem;padding:.35rem .6rem;width:22rem;max-width:100%;margin:.8rem 0}}
details{{margin-top:2rem}}summary{{cursor:pointer;color:#444}}
dl{{display:grid;grid-template-columns:max-content auto;gap:.15rem 1rem}}dt{{font-weight:600}}dd{{margin:0}}
code{{font-size:.85rem}}
@page{{size:A4;margin:14mm 12mm}}
@media print{{.fe-filter,details{{display:none}}body{{margin:0;max-width:none}}tr{{break-inside:avoid}}}}
"""
