"""Ceilings on what one input may cost: bytes unpacked, members, compression ratio, time.

A hostile or broken file (a zip bomb, a workbook of a million rows, a document that
converts forever) must become one failed row with its reason, never a full disk, an
exhausted memory or a stalled ingest. Every reader that unpacks or converts goes through
these; the numbers are far above any real report (a county's whole year zipped is tens
of MB) and far below what would hurt the machine.
"""

from __future__ import annotations

import time
import zipfile
from dataclasses import dataclass

from fiscal_eval.errors import ReadError

__all__ = ["LIMITS", "Limits", "Deadline", "read_member"]


@dataclass(frozen=True)
class Limits:
    """The ceilings (bytes, counts, seconds). One instance, :data:`LIMITS`."""

    unpacked_bytes: int = 200 * 1024 * 1024  # all members of one archive (or one package) together
    member_bytes: int = 50 * 1024 * 1024  # one member (the size cap of a file on disk)
    xml_part_bytes: int = 64 * 1024 * 1024  # one XML part of a DOCX (document.xml …)
    members: int = 2000  # members of one archive
    ratio: int = 200  # unpacked / packed, for a member over 1 MB unpacked
    ratio_floor: int = 1024 * 1024  # below this a member's ratio is not judged (tiny XML packs 100×)
    nesting: int = 1  # archives inside archives opened (one level, as the issue asks)
    sheet_cells: int = 2_000_000  # cells of one workbook rendered to text
    seconds: float = 60.0  # one file, read end to end (LibreOffice conversions included)
    convert_memory_bytes: int = 2 * 1024 * 1024 * 1024  # address space of a LibreOffice run


LIMITS = Limits()


class Deadline:
    """The time one input may take; readers call :meth:`check` in their loops.

    >>> Deadline("a.docx", 60).check()  # well within its time: nothing happens
    """

    def __init__(self, source: str, seconds: float | None = None) -> None:
        self.source = source
        self.seconds = LIMITS.seconds if seconds is None else seconds
        self.end = time.monotonic() + self.seconds

    def left(self) -> float:
        """Seconds left (0 when over)."""
        return max(0.0, self.end - time.monotonic())

    def check(self) -> None:
        """Raise :class:`ReadError` once the time is up."""
        if time.monotonic() > self.end:
            raise ReadError(self.source, f"stopped: reading took longer than the limit of {self.seconds:g} s")


def read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, source: str, limit: int) -> bytes:
    """A member's bytes, refusing one that unpacks past ``limit`` or past the ratio ceiling
    (the sizes a ZIP declares are checked first, then the bytes actually unpacked, since a
    forged header can understate them)."""
    name = info.filename
    if info.flag_bits & 0x1:
        raise ReadError(source, f"member {name} is password-protected (encrypted ZIP entry)")
    if info.file_size > limit:
        raise ReadError(source, f"member {name} unpacks to {info.file_size:,} bytes, over the limit of {limit:,}")
    _check_ratio(info.file_size, info.compress_size, name, source)
    try:
        with archive.open(info) as handle:
            data = handle.read(limit + 1)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError, RuntimeError) as exc:
        raise ReadError(source, f"member {name} is damaged ({type(exc).__name__}: {exc})") from None
    if len(data) > limit:
        raise ReadError(source, f"member {name} unpacks past the limit of {limit:,} bytes (its header said less)")
    _check_ratio(len(data), info.compress_size, name, source)
    return data


def _check_ratio(unpacked: int, packed: int, name: str, source: str) -> None:
    if unpacked > LIMITS.ratio_floor and unpacked > LIMITS.ratio * max(packed, 1):
        raise ReadError(
            source,
            f"member {name} is a compression bomb: {packed:,} bytes unpack to {unpacked:,} "
            f"(over {LIMITS.ratio}× the packed size)",
        )
