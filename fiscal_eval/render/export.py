"""Executed notebooks as self-contained, offline HTML (DESIGN §7).

:func:`exporter` is nbconvert's ``HTMLExporter`` with the code hidden
(``exclude_input=True``) and the ``offline`` template (``templates/offline/``): the lab
template less every block that loads something from the network (require.js, MathJax,
Mermaid, the widgets manager). Charts bring their JavaScript inline
(:func:`fiscal_eval.present.charts.show`). :func:`external_resources` lists whatever in a page
would still be fetched from elsewhere; the batch refuses a page that has any.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

__all__ = ["TEMPLATE_DIR", "TEMPLATE_NAME", "exporter", "to_html", "external_resources"]

TEMPLATE_DIR = Path(__file__).parent / "templates"
TEMPLATE_NAME = "offline"

# Attributes through which a browser fetches a resource while showing a page (an <a href>
# is a link a person may follow, not a resource: it is allowed).
_FETCHING = {
    "script": ("src",),
    "link": ("href",),
    "img": ("src", "srcset"),
    "iframe": ("src",),
    "frame": ("src",),
    "embed": ("src",),
    "object": ("data",),
    "source": ("src", "srcset"),
    "video": ("src", "poster"),
    "audio": ("src",),
    "track": ("src",),
    "input": ("src",),
    "image": ("href", "xlink:href"),  # SVG
    "use": ("href", "xlink:href"),  # SVG
}
_REMOTE = re.compile(r"^\s*(?:https?:)?//", re.IGNORECASE)
# In CSS (<style> blocks, style="" attributes): url(http…) and @import "http…".
_CSS_REMOTE = re.compile(
    r"""(?:url\(\s*['"]?\s*((?:https?:)?//[^'")\s]+)|@import\s+['"]((?:https?:)?//[^'"]+))""",
    re.IGNORECASE,
)
# In scripts: a module import from a URL (import x from "https://…", import("https://…")).
_JS_REMOTE = re.compile(
    r"""(?:\bimport\s*\(\s*|\bfrom\s+|\bimport\s+)['"`]((?:https?:)?//[^'"`]+)['"`]""",
    re.IGNORECASE,
)


def exporter() -> Any:
    """nbconvert's HTMLExporter for reports: code hidden, offline template.

    Build it once and reuse it: its first export compiles the Jinja templates.

    Examples
    --------
    >>> exporter().exclude_input
    True
    """
    from nbconvert import HTMLExporter

    return HTMLExporter(
        template_name=TEMPLATE_NAME,
        extra_template_basedirs=[str(TEMPLATE_DIR)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        embed_images=True,
        language_code="zh",  # <html lang="zh">: browsers pick Chinese fonts and line breaking
    )


def to_html(nb: Any, title: str, html_exporter: Any | None = None, nav: str = "") -> str:
    """One executed notebook as one self-contained HTML page, with the page styles
    (:data:`fiscal_eval.present.style.PAGE_CSS`: screen and A4 print) in its head.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        The executed notebook; not mutated.
    title : str
        The page's ``<title>`` (escaped by the template).
    html_exporter : HTMLExporter, optional
        From :func:`exporter`; a new one by default.
    nav : str
        HTML put first in the page's body (the batch's links to the index and related
        pages); already escaped by whoever built it.

    Raises
    ------
    ValueError
        The page would fetch something from the network (see :func:`external_resources`).
    """
    converter: Any = html_exporter if html_exporter is not None else exporter()
    from fiscal_eval.present.style import PAGE_CSS

    body, _ = converter.from_notebook_node(
        nb, resources={"metadata": {"name": title}, "fiscal_eval_css": PAGE_CSS, "fiscal_eval_nav": nav})
    remote = external_resources(body)
    if remote:
        raise ValueError(f"the exported page would load {len(remote)} external resource(s): {remote[:3]}")
    return body


class _Scanner(HTMLParser):
    """Collects the remote URLs a page would fetch."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is None:
                continue
            if name in _FETCHING.get(tag, ()):
                for part in value.split(","):  # srcset: "url 1x, url 2x"
                    if _REMOTE.match(part):
                        self.found.append(f"<{tag} {name}={part.strip()}>")
            if name == "style":
                self.found += [a or b for a, b in _CSS_REMOTE.findall(value)]
        if tag in ("script", "style"):
            self._in = tag

    def handle_endtag(self, tag: str) -> None:
        if tag == self._in:
            self._in = None

    def handle_data(self, data: str) -> None:
        if self._in == "style":
            self.found += [a or b for a, b in _CSS_REMOTE.findall(data)]
        elif self._in == "script":
            self.found += _JS_REMOTE.findall(data)


def external_resources(html: str) -> list[str]:
    """What a page would load from the network: scripts, stylesheets, images, frames,
    CSS ``url()``/``@import`` and JavaScript module imports with an http(s) or ``//`` URL.

    Links a reader may follow (``<a href>``) are not resources and are not listed.

    Examples
    --------
    >>> external_resources('<script src="https://cdn.example/require.js"></script><a href="https://mof.gov.cn">x</a>')
    ['<script src=https://cdn.example/require.js>']
    >>> external_resources('<style>@import "//fonts.example/a.css";</style><script>var a = 1;</script>')
    ['//fonts.example/a.css']
    >>> external_resources('<script>const m = (await import("https://cdn.example/m.mjs")).default;</script>')
    ['https://cdn.example/m.mjs']
    """
    scanner = _Scanner()
    scanner.feed(html)
    scanner.close()
    return scanner.found
