"""The parser's vocabulary (vocab.toml) agrees with the rest of the package's data."""

from __future__ import annotations

from fiscal_eval.metrics.grading import scales
from fiscal_eval.parse.vocab import vocab


def test_parser_reads_every_grade_word_a_scale_uses():
    # The words live in two files for a reason: the parser must not depend on metrics,
    # and a scale may be added in metrics. This keeps them in step.
    words = set(vocab().grade_words)
    for name, scale in scales().items():
        missing = {band.grade for band in scale.bands} - words
        assert not missing, f"grade scale {name!r} uses {missing}, which vocab.toml [grade] words lacks"


def test_grade_words_longest_first():
    # Alternation takes the first that matches: 及格 before 不及格 would read 不及格 as 及格.
    words = vocab().grade_words
    for i, word in enumerate(words):
        for later in words[i + 1:]:
            assert word not in later, f"{later!r} must come before {word!r} in [grade] words"


def test_every_indicator_level_column_name_holds_biao():
    # indicators._header_map rules a row out as a header unless a cell holds 标 (the
    # column regexes are too slow to try on every data row): that is sound only while
    # every way of naming a level column does.
    from fiscal_eval.parse.indicators import _LEVELS

    for level in _LEVELS:
        for alternative in vocab().indicator_columns[level].pattern.split("|"):
            assert "标" in alternative, f"[indicator_columns] {level}: {alternative!r} lacks 标"
