"""Legacy binary Office files (Word .doc, WPS .wps, and .xls/.et calamine cannot read) and
ODT, through LibreOffice headless: converted to DOCX or XLSX in a private temporary
folder, then read by the DOCX or spreadsheet reader. Anchors then name places in the
converted file (paragraphs and cells keep their order, so they still find the spot).

LibreOffice runs under the file's time limit (killed with all it started when it runs
over) and an address-space ceiling, with a profile of its own per process, so parallel
ingest workers never share one. Where it is not installed, the file fails naming the
Debian package that brings it: :data:`PACKAGES`.
"""

from __future__ import annotations

import atexit
import io
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from fiscal_eval.errors import ReadError
from fiscal_eval.model import Document
from fiscal_eval.sources.limits import LIMITS, Deadline

__all__ = ["PACKAGES", "soffice", "convert", "read_legacy_word", "read_odt", "check_not_encrypted"]

# The Debian package that lets LibreOffice convert to each target (both read .doc/.wps and
# .xls/.et; each brings the LibreOffice core, about 300 MB installed with the other).
PACKAGES = {"docx": "libreoffice-writer-nogui", "xlsx": "libreoffice-calc-nogui"}

_PROFILE: str | None = None


def soffice() -> str | None:
    """The LibreOffice program, or None when it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def _profile() -> str:
    """A LibreOffice user profile private to this process (a shared one is locked by the
    first instance; the others would fail), made once and removed at exit."""
    global _PROFILE
    if _PROFILE is None or not os.path.isdir(_PROFILE):
        _PROFILE = tempfile.mkdtemp(prefix="fiscal_eval-lo-")
        atexit.register(shutil.rmtree, _PROFILE, ignore_errors=True)
    return _PROFILE


def _limit_memory() -> None:  # pragma: no cover - runs in the child
    import resource

    limit = LIMITS.convert_memory_bytes
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def check_not_encrypted(data: bytes, source: str, what: str) -> None:
    """Raise a clear ReadError for a password-protected legacy Office file (msoffcrypto)."""
    try:
        import msoffcrypto
    except ImportError:
        return  # NOTE: without it the converter's own failure names the file
    try:
        encrypted = msoffcrypto.OfficeFile(io.BytesIO(data)).is_encrypted()
    except Exception:  # NOTE: msoffcrypto raises assorted errors on files it does not know
        return
    if encrypted:
        raise ReadError(source, f"password-protected {what}: cannot be read without its password")


def convert(data: bytes, source: str, suffix: str, target: str, deadline: Deadline | None = None) -> bytes:
    """``data`` (a file with ``suffix``) converted by LibreOffice to ``target`` ("docx" or
    "xlsx"); its bytes.

    Raises
    ------
    ReadError
        LibreOffice is missing (the message names the package to install), ran over the
        time limit, crashed, or wrote nothing (a damaged file).
    """
    program = soffice()
    if program is None:
        raise ReadError(
            source,
            f"needs LibreOffice to convert {suffix or 'this file'} (not installed): "
            f"apt-get install {PACKAGES[target]}",
        )
    deadline = deadline or Deadline(source)
    with tempfile.TemporaryDirectory(prefix="fiscal_eval-convert-") as folder:
        # NOTE: a fixed name with the suffix of the format the bytes are (the file's own
        # name is untrusted text, and its suffix may lie).
        original = Path(folder, f"input{suffix}")
        original.write_bytes(data)
        out = Path(folder, "out")
        command = [
            program, "--headless", "--norestore", "--nologo", "--nodefault", "--nolockcheck",
            f"-env:UserInstallation={Path(_profile()).as_uri()}",
            "--convert-to", target, "--outdir", str(out), str(original),
        ]
        env = {**os.environ, "HOME": folder, "SAL_USE_VCLPLUGIN": "svp"}
        try:
            process = subprocess.Popen(
                command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                start_new_session=True, preexec_fn=_limit_memory,  # noqa: PLW1509 - no threads started yet
            )
        except OSError as exc:
            raise ReadError(source, f"LibreOffice could not be started ({exc})") from None
        try:
            _, err = process.communicate(timeout=max(deadline.left(), 1.0))
        except subprocess.TimeoutExpired:
            _kill(process)
            raise ReadError(
                source, f"stopped: LibreOffice took longer than the limit of {deadline.seconds:g} s to convert it"
            ) from None
        produced = out / f"{original.stem}.{target}"
        if process.returncode != 0 or not produced.is_file() or produced.stat().st_size == 0:
            detail = err.decode("utf-8", "replace").strip().splitlines()[-1:] if err else []
            raise ReadError(
                source,
                "damaged or unreadable file: LibreOffice could not convert it"
                + (f" ({detail[0][:200]})" if detail else f" (exit status {process.returncode})"),
            )
        if produced.stat().st_size > LIMITS.member_bytes:
            raise ReadError(source, f"converted file over the limit of {LIMITS.member_bytes:,} bytes")
        return produced.read_bytes()


def _kill(process: subprocess.Popen) -> None:
    """End LibreOffice and everything it started (its own session)."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    process.wait()


def read_legacy_word(data: bytes, source: str = "<bytes>") -> Document:
    """A legacy Word (.doc) or WPS (.wps) document: converted to DOCX, then read as one.

    ``format`` is "doc"; a warning says the text came through LibreOffice.
    """
    from dataclasses import replace

    from fiscal_eval.sources.docx import read_docx

    check_not_encrypted(data, source, "Word document")
    deadline = Deadline(source)
    converted = convert(data, source, ".doc", "docx", deadline)
    doc = read_docx(converted, source)
    return replace(doc, format="doc", sha256=_sha(data))


def read_odt(data: bytes, source: str = "<bytes>") -> Document:
    """An OpenDocument text: converted to DOCX by LibreOffice, then read as one."""
    from dataclasses import replace

    from fiscal_eval.sources.docx import read_docx

    converted = convert(data, source, ".odt", "docx")
    return replace(read_docx(converted, source), format="odt", sha256=_sha(data))


def read_legacy_sheets(data: bytes, source: str = "<bytes>") -> Document:
    """A legacy workbook (.xls, WPS .et): read by calamine; when calamine cannot, converted
    to XLSX by LibreOffice and read as one."""
    from dataclasses import replace

    from fiscal_eval.sources.sheets import read_sheets

    try:
        return read_sheets(data, source, format="xls")
    except ReadError as first:
        # NOTE: asked only now: calamine names most encrypted workbooks itself, and
        # msoffcrypto parses the compound file twice (a third of a small workbook's time).
        check_not_encrypted(data, source, "workbook")
        if "password" in first.reason or soffice() is None:
            raise
        converted = convert(data, source, ".xls", "xlsx")
    doc = read_sheets(converted, source, format="xlsx")
    return replace(doc, format="xls", sha256=_sha(data),
                   warnings=(*doc.warnings,
                             "read through LibreOffice (the spreadsheet reader could not read it directly)"))


def _sha(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()
