"""Slugs: the one set of rules that turns document text into a piece of a file name."""

from __future__ import annotations

import pytest

from fiscal_eval.present import explore
from fiscal_eval.render import batch
from fiscal_eval.util.slugs import slug


@pytest.mark.parametrize("text", [
    "../../etc/passwd", "..\\..\\x", "a/b", "\0\n\t", "<script>", '"', "C:\\x", "~/x", ".hidden",
    "\u202egpj.exe",  # right-to-left override
    "Аgency",  # Cyrillic capital A
])
def test_no_path_or_control_character_survives(text: str) -> None:
    for piece in (slug(text), slug(text, 40, sep="_"), explore.slug(text)):
        assert all(ch.isascii() and (ch.isalnum() or ch in "-_") or "\u4e00" <= ch <= "\u9fff" for ch in piece)
        assert not piece.startswith(("-", "."))


def test_batch_and_explorer_use_the_same_rules() -> None:
    assert batch.slug is slug
    text = "Ｆｕｌｌ Width: 云岭市/交通运输局 ㈱"
    assert explore.slug(text).rsplit("_", 1)[0] == slug(text, 40, sep="_") == "full_width_云岭市_交通运输局_株"  # ㈱ is (株) in NFKC
    assert explore.slug("...").startswith("report_")


def test_a_cut_leaves_no_separator_at_the_end() -> None:
    assert slug("ab cd", 3) == "ab"
    assert explore.slug("ab cd", limit=3).startswith("ab_") and "__" not in explore.slug("ab cd", limit=3)


def test_only_dash_or_underscore_separate() -> None:
    with pytest.raises(ValueError):
        slug("x", sep="/")
