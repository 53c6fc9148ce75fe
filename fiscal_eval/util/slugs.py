"""Slugs: pieces of file names made from untrusted text (agency names are document text).

:func:`slug` is the one set of rules; the batch's report names and the explorer's export
names are built from it (each adds a hash, so two texts that slug alike stay apart).
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["slug"]

# NOTE: an allow-list, not "anything alphanumeric": ASCII letters and digits, "_" and the
# CJK Unified Ideographs that agency names are written in. Other scripts' letters are
# alphanumeric too, but bring look-alikes (Cyrillic "а" for Latin "a") and right-to-left
# letters that reorder how a file name is shown; the hash the callers add keeps a name
# unique without them.
_UNSAFE = re.compile(r"[^0-9A-Za-z_\u4e00-\u9fff]")


def slug(value: object, max_chars: int = 48, *, sep: str = "-") -> str:
    """A piece of a file name from any value: ASCII letters and digits, ``_`` and Chinese
    characters (CJK Unified Ideographs).

    The text is NFKC-normalised first (full-width ``Ｆ``, ``２`` become ``F``, ``2``;
    nothing can normalise into a path character after the check). Everything else
    (``/``, ``\\``, ``.``, quotes, ``<>``, spaces, control characters, other scripts)
    becomes ``sep`` (``-`` or ``_``); runs of ``sep`` collapse and none is left at either end; ASCII is
    lower-cased; at most ``max_chars`` characters. Never empty is *not* promised: callers
    add a hash (and a fallback word), so names stay unique and non-empty whatever the value.

    Examples
    --------
    >>> slug("云岭市交通运输局")
    '云岭市交通运输局'
    >>> slug('../../etc/passwd" <script>alert(1)</script>')
    'etc-passwd-script-alert-1-script'
    >>> slug("Ｆｕｌｌ　Ｗｉｄｔｈ 2021")
    'full-width-2021'
    >>> slug("...")
    ''
    >>> slug('../../etc/<script>"x"', 40, sep="_")
    'etc_script_x'
    >>> slug("Cyrillic а, Hebrew א and Arabic ٣ go")
    'cyrillic-hebrew-and-arabic-go'
    """
    if sep not in ("-", "_"):
        raise ValueError(f"sep must be '-' or '_', not {sep!r}")
    text = unicodedata.normalize("NFKC", str(value))
    text = _UNSAFE.sub(sep, text)
    text = re.sub(f"(?:{re.escape(sep)})+", sep, text).strip(sep)
    text = "".join(ch.lower() if ch.isascii() else ch for ch in text)
    return text[:max_chars].strip(sep)
