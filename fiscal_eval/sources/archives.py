"""Archives of attachments (ZIP, 7z, RAR): each member is an input of its own, named
``archive.zip!member.docx``, read by the reader its bytes call for.

Members are checked before they are unpacked and while they are: a member count, a size
per member and for the archive, and a compression ratio (:mod:`~fiscal_eval.sources.limits`).
A member over a ceiling is a failed input naming the ceiling; an archive whose directory
already says it is a bomb fails whole, without unpacking anything. Folders, hidden files
(``.DS_Store``, ``__MACOSX/``) and empty entries are not inputs.

ZIP needs nothing more; 7z is read with py7zr when installed (``pip install py7zr``);
RAR needs ``rarfile`` *and* an ``unrar``/``unar``/``bsdtar`` program, and fails naming
what is missing when either is.
"""

from __future__ import annotations

import io
import posixpath
import shutil
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from fiscal_eval.errors import ReadError
from fiscal_eval.sources.limits import LIMITS, Deadline, read_member

__all__ = ["Member", "expand_archive", "ARCHIVE_FORMATS"]


@dataclass(frozen=True)
class Member:
    """One file inside an archive: its name there and its bytes (or why it is not read)."""

    name: str
    data: bytes | None
    problem: str | None = None


def _skipped(name: str) -> bool:
    """Entries that are not attachments: folders, macOS resource forks, hidden files."""
    parts = [p for p in name.replace("\\", "/").split("/") if p]
    return not parts or name.endswith(("/", "\\")) or parts[0] == "__MACOSX" or any(p.startswith(".") for p in parts)


def _member_name(info: zipfile.ZipInfo) -> str:
    """The member's name as its author wrote it: Chinese Windows tools write GBK names
    without the UTF-8 flag, which zipfile decodes as cp437 (mojibake)."""
    name = info.filename
    if info.flag_bits & 0x800:
        return name
    try:
        raw = name.encode("cp437")
    except UnicodeEncodeError:
        return name
    for codec in ("utf-8", "gb18030"):
        try:
            return raw.decode(codec)
        except UnicodeDecodeError:
            continue
    return name


def _clean(name: str) -> str:
    """A member name fit to show: control characters out, backslashes as slashes."""
    return "".join(ch for ch in name.replace("\\", "/") if ch.isprintable()).strip("/") or "(unnamed)"


def _zip_members(data: bytes, source: str, deadline: Deadline) -> Iterator[Member]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise ReadError(source, f"damaged ZIP archive ({exc})") from None
    with archive:
        infos = [info for info in archive.infolist() if not _skipped(_member_name(info))]
        if len(infos) > LIMITS.members:
            raise ReadError(source, f"ZIP archive holds {len(infos):,} files, over the limit of {LIMITS.members:,}")
        declared = sum(info.file_size for info in infos)
        if declared > LIMITS.unpacked_bytes:
            raise ReadError(
                source,
                f"ZIP archive unpacks to {declared:,} bytes, over the limit of {LIMITS.unpacked_bytes:,} "
                "(a zip bomb, or too large to be a set of reports)",
            )
        unpacked = 0
        for info in infos:
            name = _clean(_member_name(info))
            if deadline.left() <= 0:
                yield Member(name, None, f"not read: the archive took longer than the limit of {deadline.seconds:g} s")
                continue
            try:
                member = read_member(archive, info, source, min(LIMITS.member_bytes, LIMITS.unpacked_bytes - unpacked))
            except ReadError as exc:
                yield Member(name, None, exc.reason)
                continue
            unpacked += len(member)
            yield Member(name, member)


def _sevenzip_members(data: bytes, source: str, deadline: Deadline) -> Iterator[Member]:
    try:
        import py7zr
    except ImportError:
        raise ReadError(source, "7z archive: the 7z reader is not installed (pip install py7zr)") from None
    try:
        archive = py7zr.SevenZipFile(io.BytesIO(data))
    except Exception as exc:  # NOTE: py7zr raises its own Bad7zFile, and others, on damage
        raise ReadError(source, f"damaged 7z archive ({type(exc).__name__}: {exc})") from None
    with archive:
        if archive.needs_password():
            raise ReadError(source, "password-protected 7z archive: cannot be read without its password")
        infos = [info for info in archive.list() if not info.is_directory and not _skipped(info.filename)]
        if len(infos) > LIMITS.members:
            raise ReadError(source, f"7z archive holds {len(infos):,} files, over the limit of {LIMITS.members:,}")
        declared = sum(info.uncompressed or 0 for info in infos)
        if declared > LIMITS.unpacked_bytes:
            raise ReadError(
                source, f"7z archive unpacks to {declared:,} bytes, over the limit of {LIMITS.unpacked_bytes:,}")
        over = {info.filename for info in infos if (info.uncompressed or 0) > LIMITS.member_bytes}
        wanted = [info.filename for info in infos if info.filename not in over]
        try:
            # NOTE: py7zr checks each member's size against the header as it unpacks.
            contents = _sevenzip_read(archive, wanted)
        except Exception as exc:  # NOTE: as above
            raise ReadError(source, f"damaged 7z archive ({type(exc).__name__}: {exc})") from None
        for info in infos:
            name = _clean(info.filename)
            if info.filename in over:
                yield Member(name, None, f"member unpacks to {info.uncompressed:,} bytes, "
                                         f"over the limit of {LIMITS.member_bytes:,}")
            elif info.filename in contents:
                yield Member(name, contents[info.filename])
            else:
                yield Member(name, None, "member could not be unpacked")


def _sevenzip_read(archive, names: list[str]) -> dict[str, bytes]:
    """Members' bytes, through py7zr's in-memory writer (its API changed across versions)."""
    try:
        from py7zr.io import BytesIOFactory  # py7zr >= 1.0

        factory = BytesIOFactory(LIMITS.member_bytes)
        archive.extract(targets=names, factory=factory)
        out = {}
        for name in names:
            if name in factory.products:
                product = factory.products[name]
                product.seek(0)
                out[name] = product.read()
        return out
    except ImportError:
        return {name: buffer.read() for name, buffer in archive.read(targets=names).items()}


def _rar_members(data: bytes, source: str, deadline: Deadline) -> Iterator[Member]:
    try:
        import rarfile  # pyright: ignore[reportMissingImports]  # optional: not a declared dependency
    except ImportError:
        raise ReadError(source, "RAR archive: the RAR reader is not installed "
                                "(pip install rarfile, and Debian's unrar-free or libarchive-tools)") from None
    if not any(shutil.which(tool) for tool in ("unrar", "unar", "bsdtar", "7z")):
        raise ReadError(source,
                        "RAR archive: no program to unpack it (install Debian's unrar-free or libarchive-tools)")
    try:
        archive = rarfile.RarFile(io.BytesIO(data))
    except Exception as exc:  # NOTE: rarfile raises its own errors on damage
        raise ReadError(source, f"damaged RAR archive ({type(exc).__name__}: {exc})") from None
    with archive:
        if archive.needs_password():
            raise ReadError(source, "password-protected RAR archive: cannot be read without its password")
        infos = [info for info in archive.infolist() if not info.is_dir() and not _skipped(info.filename)]
        if len(infos) > LIMITS.members:
            raise ReadError(source, f"RAR archive holds {len(infos):,} files, over the limit of {LIMITS.members:,}")
        if sum(info.file_size for info in infos) > LIMITS.unpacked_bytes:
            raise ReadError(source, f"RAR archive unpacks past the limit of {LIMITS.unpacked_bytes:,} bytes")
        for info in infos:
            name = _clean(info.filename)
            if info.file_size > LIMITS.member_bytes or deadline.left() <= 0:
                yield Member(name, None, "member over the size or time limit")
                continue
            try:
                yield Member(name, archive.read(info))
            except Exception as exc:  # NOTE: as above
                yield Member(name, None, f"member could not be unpacked ({type(exc).__name__}: {exc})")


ARCHIVE_FORMATS: dict[str, Callable[[bytes, str, Deadline], Iterator[Member]]] = {
    "zip": _zip_members,
    "7z": _sevenzip_members,
    "rar": _rar_members,
}


def expand_archive(data: bytes, source: str, format: str, deadline: Deadline | None = None) -> list[Member]:
    """The members of an archive of ``format`` ("zip", "7z", "rar"), in archive order.

    Raises
    ------
    ReadError
        The archive is damaged, password-protected, or over a ceiling as a whole.

    Examples
    --------
    >>> buffer = io.BytesIO()
    >>> with zipfile.ZipFile(buffer, "w") as z:
    ...     z.writestr("报告/a.txt", "自评得分90分")
    ...     z.writestr("__MACOSX/._a.txt", "junk")
    >>> [(m.name, m.data) for m in expand_archive(buffer.getvalue(), "x.zip", "zip")]
    [('报告/a.txt', b'\\xe8\\x87\\xaa\\xe8\\xaf\\x84\\xe5\\xbe\\x97\\xe5\\x88\\x8690\\xe5\\x88\\x86')]
    """
    deadline = deadline or Deadline(source)
    return list(ARCHIVE_FORMATS[format](data, source, deadline))


def member_suffix(name: str) -> str:
    """The suffix of a member's name, lower case (``.docx``), for choosing its reader."""
    return posixpath.splitext(name)[1].lower()
