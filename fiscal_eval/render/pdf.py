"""Report pages printed to PDF (A4), beside each HTML page, with headless Chromium.

Officials often want a report on paper or as an attachment. The pages already carry a
print stylesheet (:data:`fiscal_eval.present.style.PAGE_CSS`: A4, charts and table rows
not cut); Chromium draws the charts (their JavaScript is inline) and prints. Nothing is
fetched: every host name resolves to nowhere while it prints.

Chromium is found on ``PATH`` (or named by ``$FISCAL_EVAL_CHROMIUM``); where there is
none, no PDF is written and :class:`PdfResult` says so, and what to install — it is not
an error: the HTML pages are the reports.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

__all__ = ["BROWSERS", "find_browser", "PdfResult", "write_pdf", "write_pdfs"]

#: The browsers looked for on PATH, in order.
BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
_ENV = "FISCAL_EVAL_CHROMIUM"
_FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
    "--host-resolver-rules=MAP * ~NOTFOUND",  # offline: nothing is fetched while printing
    "--no-pdf-header-footer", "--print-to-pdf-no-header",  # newer and older spelling
    "--virtual-time-budget=10000",  # let the charts draw before printing
)


def find_browser() -> str | None:
    """The headless browser to print with: ``$FISCAL_EVAL_CHROMIUM`` when set, else the
    first of :data:`BROWSERS` on PATH; None when there is none."""
    named = os.environ.get(_ENV)
    if named:
        return shutil.which(named) or (named if Path(named).is_file() else None)
    return next((found for found in map(shutil.which, BROWSERS) if found), None)


@dataclass(frozen=True)
class PdfResult:
    """What :func:`write_pdfs` did: the PDFs written, the pages that failed and why, and
    a sentence for the person who ran it (``str()``)."""

    browser: str | None
    written: tuple[Path, ...] = ()
    failed: tuple[tuple[Path, str], ...] = ()

    @property
    def message(self) -> str:
        if self.browser is None:
            return ("未生成 PDF：没有找到无头浏览器 Chromium（找过 " + "、".join(BROWSERS) + "）。"
                    "Debian/Ubuntu 可安装：sudo apt-get install chromium；或设置环境变量 "
                    f"{_ENV} 指向浏览器程序。HTML 页面已全部生成。")
        text = f"已生成 {len(self.written)} 个 PDF（A4），与 HTML 页面放在同一文件夹"
        if self.failed:
            text += f"；{len(self.failed)} 个未能生成：" + "；".join(f"{p.name}: {why}" for p, why in self.failed[:5])
        return text + "。"

    def __str__(self) -> str:
        return self.message


# On Linux Chromium starts through this trampoline, which asks the kernel to kill it when
# the thread that started it ends (PR_SET_PDEATHSIG, kept across exec): a batch killed
# outright takes its printing browser with it (issue 15). Inline, not the package's
# lifeline module: importing the package would cost a second a page.
_TRAMPOLINE = ("import ctypes,os,signal,sys;ctypes.CDLL(None).prctl(1,signal.SIGKILL);"
               "os.getppid()==int(sys.argv[1]) or os._exit(1);os.execvp(sys.argv[2],sys.argv[2:])")


def _run_tied(command: list[str], timeout: float) -> tuple[int, str]:
    """Run ``command`` in a session of its own (a timeout ends its helper processes too),
    dying with this process on Linux; its exit code and standard error."""
    if sys.platform.startswith("linux"):
        command = [sys.executable, "-S", "-c", _TRAMPOLINE, str(os.getpid()), *command]
    try:
        process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True, start_new_session=True)
    except OSError as exc:
        raise RuntimeError(f"Chromium could not start: {exc}") from None
    try:
        _, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_group(process)
        process.communicate()
        raise RuntimeError(f"Chromium took longer than {timeout:g} s") from None
    finally:
        _kill_group(process)  # what the browser left running
    return process.returncode, stderr


def _kill_group(process: subprocess.Popen) -> None:
    if hasattr(os, "killpg"):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, getattr(signal, "SIGKILL", signal.SIGTERM))
    elif process.poll() is None:  # pragma: no cover - Windows
        process.kill()


def write_pdf(page: Path, browser: str, *, timeout: float = 120) -> Path:
    """Print one HTML page to ``page`` with ``.pdf`` (written whole, then renamed).

    Raises
    ------
    RuntimeError
        Chromium failed, timed out, or wrote nothing (the message says which).
    """
    page = Path(page).resolve()
    target = page.with_suffix(".pdf")
    with tempfile.TemporaryDirectory(prefix="fiscal-eval-pdf-") as profile:
        partial = Path(profile) / "page.pdf"
        command = [browser, *_FLAGS, f"--user-data-dir={profile}/user", f"--print-to-pdf={partial}", page.as_uri()]
        returncode, stderr = _run_tied(command, timeout)
        if returncode != 0 or not partial.is_file() or partial.stat().st_size == 0:
            tail = (stderr or "").strip().splitlines()[-1:] or ["no output"]
            raise RuntimeError(f"Chromium exit {returncode}: {tail[0][:200]}")
        shutil.move(str(partial), target.with_name(f".{target.name}.part"))
        os.replace(target.with_name(f".{target.name}.part"), target)
    return target


def write_pdfs(pages: Sequence[Path], *, jobs: int = 1, timeout: float = 120,
               browser: str | None = None) -> PdfResult:
    """A PDF beside each page, ``jobs`` at a time; no PDF at all (and a result saying
    why) when there is no browser. A page that fails is listed, the others go on."""
    browser = browser or find_browser()
    if browser is None:
        return PdfResult(None)
    written: list[Path] = []
    failed: list[tuple[Path, str]] = []

    def one(page: Path) -> None:
        try:
            written.append(write_pdf(page, browser, timeout=timeout))
        except RuntimeError as exc:
            failed.append((Path(page), str(exc)))

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        list(pool.map(one, pages))
    return PdfResult(browser, tuple(sorted(written)), tuple(sorted(failed)))
