"""Text quality over a corpus: template share, specificity, recurring problems, empty sections.

Sentences are compared after one normalisation (:func:`normalise`: numbering, whitespace
and punctuation dropped, full-width → half-width, digit runs → ``#``), so "2019年" and
"2021年", or "一是加强…" and "三是加强…", are the same sentence. Near-verbatim matching
uses MinHash signatures (64 permutations) over character 4-gram shingles with LSH
banding: candidates come from shared bands, never from comparing every pair. A candidate
pair is decided by its signature agreement when that is clearly (±0.15, three standard
deviations) above or below the threshold, and by its exact shingle Jaccard otherwise.
The same machinery serves template share (Jaccard ≥ 0.8, across agencies) and recurring
problems (Jaccard ≥ 0.6, within one agency). All of it is polars and numpy; nothing
loops over reports or pairs in Python.

Every function takes polars frames (or a string) and returns new values; inputs are
never mutated.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import numpy as np
import polars as pl

from fiscal_eval.metrics.execution import schema_names
from fiscal_eval.model import REPORT_COLUMNS, SECTION_COLUMNS, SENTENCE_END, Span

__all__ = [
    "MIN_SENTENCE_CHARS",
    "LONG_SENTENCE_CHARS",
    "SHINGLE_CHARS",
    "TEMPLATE_JACCARD",
    "RECURRING_JACCARD",
    "TEXT",
    "PROBLEM",
    "PROBLEMS",
    "IMPROVEMENTS",
    "SENTENCES",
    "TEMPLATE_SENTENCES",
    "TEMPLATE_SHARE",
    "FIGURE_SENTENCES",
    "SPECIFICITY",
    "RECURRING_YEARS",
    "RECURRING_COUNT",
    "NO_PROBLEMS",
    "NO_IMPROVEMENTS",
    "TEMPLATE_SHARE_COLUMNS",
    "SPECIFICITY_COLUMNS",
    "RECURRING_COLUMNS",
    "EMPTY_SECTION_COLUMNS",
    "normalise",
    "split_sentences",
    "template_share",
    "template_share_of",
    "TemplateState",
    "SPAN_COLUMNS",
    "NEAR_PAIR_COLUMNS",
    "agency_code",
    "agency_spans",
    "near_pairs",
    "sentence_verdicts",
    "template_counts",
    "sentence_features",
    "signatures",
    "SENTENCE_FEATURE_COLUMNS",
    "LONG_SENTENCE_COLUMNS",
    "specificity",
    "specificity_metrics",
    "recurring_problems",
    "empty_sections",
]

R = schema_names(REPORT_COLUMNS)

MIN_SENTENCE_CHARS = 8  # shorter (after normalisation) is a heading or a fragment
LONG_SENTENCE_CHARS = 20  # from here on a sentence also gets MinHash near-matching
SHINGLE_CHARS = 4
TEMPLATE_JACCARD = 0.8
RECURRING_JACCARD = 0.6

# ----------------------------------------------------------------------- column names

TEXT = schema_names(SECTION_COLUMNS).text  # a document's text, as sections name theirs
PROBLEM = "problem"  # one stated problem (存在的问题), one row each
PROBLEMS = "problems"  # list[str] of a report's problems, as Report.problems
IMPROVEMENTS = "improvements"  # list[str] of its improvements (改进措施), as Report.improvements

SENTENCES = "sentences"
TEMPLATE_SENTENCES = "template_sentences"
TEMPLATE_SHARE = "template_share"
FIGURE_SENTENCES = "figure_sentences"
SPECIFICITY = "specificity"
RECURRING_YEARS = "years"
RECURRING_COUNT = "count"
NO_PROBLEMS = "no_problems"
NO_IMPROVEMENTS = "no_improvements"

TEMPLATE_SHARE_COLUMNS: dict[str, str] = {
    R.report_id: REPORT_COLUMNS[R.report_id],
    SENTENCES: "UInt32",
    TEMPLATE_SENTENCES: "UInt32",
    TEMPLATE_SHARE: "Float64",  # null for a report with no sentence
}
SPECIFICITY_COLUMNS: dict[str, str] = {
    R.report_id: REPORT_COLUMNS[R.report_id],
    SENTENCES: "UInt32",
    FIGURE_SENTENCES: "UInt32",
    SPECIFICITY: "Float64",  # null for a report with no sentence
}
RECURRING_COLUMNS: dict[str, str] = {
    R.agency: REPORT_COLUMNS[R.agency],
    PROBLEM: "Utf8",  # the earliest wording (by year, then report_id)
    RECURRING_YEARS: "List(Int32)",  # distinct years it is stated in, ascending
    RECURRING_COUNT: "UInt32",  # how many problem rows say it
}
EMPTY_SECTION_COLUMNS: dict[str, str] = {
    R.report_id: REPORT_COLUMNS[R.report_id],
    NO_PROBLEMS: "Boolean",
    NO_IMPROVEMENTS: "Boolean",
}

# ----------------------------------------------------------------------- normalisation

# Consecutive pieces covering the whole text: a run ended by 。！？!? (or by a line break,
# which the next alternative takes), stray terminators, line breaks. Because they cover
# every character, a piece's offset is the sum of the lengths before it.
_STOP = SENTENCE_END.replace("\n", "")
_PIECE = rf"[^{_STOP}\n]+[{_STOP}]*|[{_STOP}]+|\n+"
_NUMERAL = r"[一二三四五六七八九十\d]"
# Leading numbering (after NFKC): (一) 1) 一、 1. 一是 第一, — possibly several.
_NUMBERING = (
    rf"^\s*(?:(?:\(?{_NUMERAL}{{1,3}}\)|{_NUMERAL}{{1,3}}[、.]|[一二三四五六七八九十]{{1,3}}是"
    rf"|第{_NUMERAL}{{1,3}}[,、])\s*)+"
)
_NOISE = r"[\p{P}\p{S}\s]+"
_DIGITS = r"\d+"
_DIGIT_PLACEHOLDER = "#"
# A figure: any digit (amounts, percents, counts, dates), a percent sign, 百分之, or an
# amount in Chinese numerals (七十一万元). Bare 一 / 二 are not figures (一是, 二是).
_FIGURE = r"\d|[%％‰]|百分之|[零〇一二两三四五六七八九十百千]+[万亿]?元"
# An item that only says there is nothing to say (无, 暂无, 未发现问题 …), once normalised.
_PLACEHOLDER = r"^(?:无|暂无|没有|不存在|未发现|暂未发现)?(?:问题|明显问题|相关问题)?$"


def normalise(text: pl.Expr) -> pl.Expr:
    """The comparison form of a sentence: numbering, spaces and punctuation dropped,
    full-width → half-width (NFKC), lower case, digit runs → ``#``.

    >>> pl.select(normalise(pl.lit("（一）2019年，资金到位７１.00万元。"))).item()
    '#年资金到位#万元'
    """
    return (
        text.str.normalize("NFKC")
        .str.replace(_NUMBERING, "")
        .str.replace_all(_NOISE, "")
        .str.to_lowercase()
        .str.replace_all(_DIGITS, _DIGIT_PLACEHOLDER)
    )


def _sentences(docs: pl.DataFrame, keep: list[str]) -> pl.LazyFrame:
    """One row per kept sentence: ``keep`` columns, _start, _end, _sentence, _norm.

    Lazy, so each caller materialises only the columns it selects.
    """
    piece = pl.col("_piece")
    lengths = pl.col("_pieces").list.eval(pl.element().str.len_chars().cast(pl.Int64))
    out = (
        docs.lazy()
        .select(*keep, pl.col(TEXT).fill_null("").str.extract_all(_PIECE).alias("_pieces"))
        .with_columns(
            lengths.list.eval(pl.element().cum_sum() - pl.element()).alias("_offset"),
        )
        .explode("_pieces", "_offset")
        .rename({"_pieces": "_piece"})
        .drop_nulls("_piece")
    )
    lead = piece.str.len_chars() - piece.str.strip_chars_start().str.len_chars()
    trail = piece.str.len_chars() - piece.str.strip_chars_end().str.len_chars()
    return (
        out.with_columns(
            (pl.col("_offset") + lead).alias("_start"),
            (pl.col("_offset") + piece.str.len_chars() - trail).alias("_end"),
            piece.str.strip_chars().alias("_sentence"),
            normalise(piece).alias("_norm"),
        )
        .filter(pl.col("_norm").str.len_chars() >= MIN_SENTENCE_CHARS)
        .select(*keep, "_start", "_end", "_sentence", "_norm")
    )


def split_sentences(text: str) -> list[Span]:
    """Spans ``(start, end)`` of the sentences of ``text`` worth comparing.

    A sentence ends at 。！？!? or a line break; its span excludes surrounding whitespace
    and keeps the closing mark. Sentences under :data:`MIN_SENTENCE_CHARS` characters once
    normalised (numbering, spaces and punctuation removed) are dropped: headings such as
    "（一）项目资金情况" and fragments carry no wording worth comparing.

    >>> text = "（一）项目资金情况\\n一是加强绩效管理制度建设。好！"
    >>> [text[a:b] for a, b in split_sentences(text)]
    ['一是加强绩效管理制度建设。']
    """
    frame = _sentences(pl.DataFrame({TEXT: [text]}), []).select("_start", "_end").collect()
    return list(zip(frame["_start"].to_list(), frame["_end"].to_list()))


# ----------------------------------------------------------------------- MinHash / LSH

_NUM_PERM = 64
_RNG = np.random.default_rng(20200210)
# MinHash permutations h -> a·h + b (mod 2^64, a odd) over splitmix-mixed shingle hashes:
# a bijection of the 64-bit space whose minimum is driven by the well-mixed high bits.
_PERM_A = _RNG.integers(0, 2**63, size=_NUM_PERM, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
_PERM_B = _RNG.integers(0, 2**63, size=_NUM_PERM, dtype=np.uint64)
_LSH_RECALL = 0.99  # chance that a pair exactly at the threshold becomes a candidate
_BUCKET_WINDOW = 4  # per band, each item meets the next W items of its bucket (see below)
# A candidate whose signature agreement is this far from the threshold is decided by it
# (64 permutations: 3 standard deviations at J = 0.8); closer ones get an exact Jaccard.
_MARGIN = 0.15
_CHUNK = 4_000_000  # shingles (or pairs) per numpy pass: bounds memory
_LOOKUPS = 1_000_000  # shingle look-ups per pass of the exact Jaccard (a dozen arrays each)
_ITEMS = 20_000  # texts shingled at a time for the exact Jaccard
_PAIRS = 2_000_000  # pairs decided by exact Jaccard at a time


def _mix(x: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser: spreads uint64 keys over all 64 bits (wraps, by design)."""
    x = x ^ (x >> np.uint64(30))
    x = x * np.uint64(0xBF58476D1CE4E5B9)
    x = x ^ (x >> np.uint64(27))
    x = x * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


def _shingles(texts: pl.Series) -> tuple[np.ndarray, np.ndarray]:
    """(item index, hash) of every character k-gram of each text, items in order."""
    lengths = texts.str.len_chars().cast(pl.Int64).to_numpy()
    joined = texts.str.join("").item() or ""
    codes = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    counts = np.maximum(lengths - SHINGLE_CHARS + 1, 0)
    firsts = np.cumsum(lengths) - lengths
    item = np.repeat(np.arange(len(lengths)), counts)
    # position of each shingle = its item's first character + its rank within the item
    rank = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    pos = np.repeat(firsts, counts) + rank
    h = np.zeros(len(pos), dtype=np.uint64)
    for j in range(SHINGLE_CHARS):
        h = h * np.uint64(1_000_003) + codes[pos + j]
    return item, _mix(h)


def _signatures(texts: pl.Series) -> np.ndarray:
    """MinHash signatures (n × _NUM_PERM); texts must each have at least one shingle."""
    out = np.empty((len(texts), _NUM_PERM), dtype=np.uint64)
    sizes = (texts.str.len_chars() - SHINGLE_CHARS + 1).cast(pl.Int64).to_numpy()
    bounds = np.searchsorted(np.cumsum(sizes), np.arange(_CHUNK, sizes.sum(), _CHUNK))
    for lo, hi in zip(np.r_[0, bounds], np.r_[bounds, len(texts)]):
        if lo == hi:
            continue
        item, h = _shingles(texts.slice(int(lo), int(hi - lo)))
        starts = np.searchsorted(item, np.arange(hi - lo))
        for p in range(_NUM_PERM):
            out[lo:hi, p] = np.minimum.reduceat(h * _PERM_A[p] + _PERM_B[p], starts)
    return out


def _banding(threshold: float) -> tuple[int, int]:
    """(rows per band r, bands b): the largest r whose candidate chance at ``threshold``,
    1 − (1 − t^r)^b with b = K // r, is still ≥ 99 % — fewest false candidates at that recall."""
    return max(
        ((r, _NUM_PERM // r) for r in range(1, _NUM_PERM + 1)
         if 1 - (1 - threshold**r) ** (_NUM_PERM // r) >= _LSH_RECALL),
        default=(1, _NUM_PERM),
    )


def _band_key(sig: np.ndarray, band: int, r: int, groups: np.ndarray | None = None) -> np.ndarray:
    """Each item's bucket in LSH band ``band`` (rows ``band·r`` … of its signature, and its group)."""
    key = np.full(len(sig), band + 1, dtype=np.uint64)
    for col in range(band * r, (band + 1) * r):
        key = _mix(key ^ sig[:, col])
    if groups is not None:
        key = _mix(key ^ groups.astype(np.uint64))
    return key


def _shuffle(ids: np.ndarray, band: int) -> np.ndarray:
    """Each item's place in its bucket of band ``band``: a bijection of its id, so distinct."""
    return _mix(ids.astype(np.uint64) ^ _PERM_B[band])


# A candidate as one 8-byte code as it is found: u, v (29 bits each) and the band (6 bits).
_POS_BITS = 29
_BAND_BITS = 6


def _candidates(
    sig: np.ndarray, threshold: float, groups: np.ndarray | None, keys: np.ndarray | None = None,
    *, bands: bool = False,
) -> tuple[np.ndarray, ...]:
    """Distinct pairs (u < v) sharing an LSH band (and a group, when given); with
    ``bands``, also a mask a pair of the bands that found it (bit b: band b).

    NOTE: within a band's bucket each item is paired with the next _BUCKET_WINDOW items
    in an order shuffled per band, not with all of them: a big bucket is a cluster of
    near-copies, a few of which decide "has a near-copy", while all pairs are quadratic.
    So candidates are at most n × bands × window, whatever the corpus. The shuffle is
    keyed by ``keys`` (a content hash of each item) when given, so a bucket's pairs depend
    on its members only, not on what else the corpus holds: a store's metrics updated
    incrementally then equal those computed afresh (:mod:`fiscal_eval.metrics.incremental`
    recomputes the pairs only around the items that came or went, using the masks).
    """
    n = len(sig)
    if n >= 1 << _POS_BITS:
        raise ValueError(f"{n} items: LSH candidates are coded for fewer than 2^{_POS_BITS}")
    r, b = _banding(threshold)
    if bands and b > 32:
        raise ValueError(f"{b} bands: a pair's mask of bands is 32 bits")
    ids = np.arange(n, dtype=np.uint64) if keys is None else keys.astype(np.uint64)
    codes: list[np.ndarray] = []
    for band in range(b):
        key = _band_key(sig, band, r, groups)
        # Only items sharing their bucket with another can pair: the others are left out
        # before the (costly) two-key sort, which then orders the same buckets the same way.
        by_key = np.argsort(key)
        ranked = key[by_key]
        same = ranked[1:] == ranked[:-1]
        members = by_key[np.r_[same, False] | np.r_[False, same]]
        del by_key, ranked, same
        order = members[np.lexsort((_shuffle(ids[members], band), key[members]))].astype(np.uint64)
        ranked = key[order]
        for d in range(1, _BUCKET_WINDOW + 1):
            same = ranked[d:] == ranked[:-d]
            u, v = order[:-d][same], order[d:][same]
            if groups is not None:  # a 64-bit key collision must not pair two groups
                keep = groups[u] == groups[v]
                u, v = u[keep], v[keep]
            # NOTE: one 8-byte code a pair as it is found, not two int64 arrays: a national
            # corpus has tens of millions of candidates before duplicates go
            codes.append((np.minimum(u, v) << np.uint64(_POS_BITS) | np.maximum(u, v)) << np.uint64(_BAND_BITS)
                         | np.uint64(band))
    # sorted, then runs dropped: np.unique's hash path is 5x slower on millions of codes
    code = np.concatenate(codes) if codes else np.empty(0, dtype=np.uint64)
    del codes
    code.sort()
    pairs, masks = _runs(code, bands)
    del code
    u = (pairs >> np.uint64(_POS_BITS)).astype(np.int64)
    v = (pairs & np.uint64((1 << _POS_BITS) - 1)).astype(np.int64)
    return (u, v, masks) if bands else (u, v)


def _runs(code: np.ndarray, bands: bool) -> tuple[np.ndarray, np.ndarray]:
    """The distinct pairs of sorted band-tagged codes and, with ``bands``, each pair's mask
    of bands (a pair's codes are adjacent), :data:`_CHUNK` codes at a time: a run's bits
    would otherwise be arrays as long as every candidate of the corpus."""
    shift = np.uint64(_BAND_BITS)
    pairs: list[np.ndarray] = []
    masks: list[np.ndarray] = []
    lo = 0
    while lo < len(code):
        hi = min(lo + _CHUNK, len(code))
        if hi < len(code):  # up to the end of the run of the pair at hi - 1
            hi = int(np.searchsorted(code, ((code[hi - 1] >> shift) + np.uint64(1)) << shift))
        pair = code[lo:hi] >> shift
        first = np.flatnonzero(np.r_[True, pair[1:] != pair[:-1]])
        pairs.append(pair[first])
        if bands:
            bits = np.left_shift(np.uint32(1), (code[lo:hi] & np.uint64((1 << _BAND_BITS) - 1)).astype(np.uint32))
            masks.append(np.bitwise_or.reduceat(bits, first))
        lo = hi
    empty = (np.empty(0, dtype=np.uint64), np.empty(0, dtype=np.uint32))
    return (np.concatenate(pairs) if pairs else empty[0],
            (np.concatenate(masks) if masks else empty[1]) if bands else empty[1])


def _exact_jaccard(texts: pl.Series, u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """The exact shingle Jaccard of each pair (texts[u], texts[v]), :data:`_PAIRS` pairs
    at a time: a full recompute of a national corpus decides ten million pairs, and the
    shingle table of the texts they involve is the memory this step takes."""
    if len(u) <= _PAIRS:
        return _exact_jaccard_part(texts, u, v)
    return np.concatenate([_exact_jaccard_part(texts, u[i : i + _PAIRS], v[i : i + _PAIRS])
                           for i in range(0, len(u), _PAIRS)])


def _exact_jaccard_part(texts: pl.Series, u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """The exact shingle Jaccard of each pair (texts[u], texts[v]).

    Each item's distinct shingles sit in one sorted array as ``item << 32 | hash32``;
    a pair's intersection is the number of u's shingles found under v's item there
    (binary search), so the cost is Σ|shingles of u| × log(total), all in numpy.
    """
    involved, local = np.unique(np.concatenate([u, v]), return_inverse=True)
    lu, lv = local[: len(u)].astype(np.uint64), local[len(u) :].astype(np.uint64)
    # Built a slice of items at a time (the shingling of all of them at once was ten arrays
    # of every shingle of the corpus); the slices' codes are disjoint and ascending, so
    # their concatenation is the sorted whole.
    involved_texts = texts.gather(involved)
    parts = []
    for lo in range(0, len(involved), _ITEMS):
        item, h = _shingles(involved_texts.slice(lo, _ITEMS))
        # sorted, then runs dropped (np.unique's hash path is slower)
        codes = np.sort((item + lo).astype(np.uint64) << np.uint64(32) | h >> np.uint64(32))
        parts.append(codes[np.r_[True, codes[1:] != codes[:-1]]] if len(codes) else codes)
    del involved_texts
    table = np.concatenate(parts) if parts else np.empty(0, dtype=np.uint64)
    del parts
    sizes = np.bincount((table >> np.uint64(32)).astype(np.int64), minlength=len(involved))
    firsts = np.cumsum(sizes) - sizes
    common = np.zeros(len(u), dtype=np.int64)
    n_u = sizes[lu.astype(np.int64)]
    # pairs in chunks of about _LOOKUPS shingle look-ups (a dozen arrays of that length)
    bounds = np.searchsorted(np.cumsum(n_u), np.arange(_LOOKUPS, n_u.sum(), _LOOKUPS))
    for lo, hi in zip(np.r_[0, bounds], np.r_[bounds, len(u)]):
        counts = n_u[lo:hi]
        pair = np.repeat(np.arange(lo, hi), counts)
        rank = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
        mine = table[np.repeat(firsts[lu[lo:hi].astype(np.int64)], counts) + rank]
        query = lv[pair] << np.uint64(32) | (mine & np.uint64(0xFFFFFFFF))
        at = np.minimum(np.searchsorted(table, query), len(table) - 1)
        common += np.bincount(pair[table[at] == query], minlength=len(u))
    return common / (n_u + sizes[lv.astype(np.int64)] - common)


def _similar_pairs(
    texts: pl.Series, threshold: float, groups: np.ndarray | None = None,
    keys: np.ndarray | None = None, signatures: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Pairs (u < v) of positions in ``texts`` whose shingle Jaccard is ≥ ``threshold``.

    MinHash + LSH give candidates (same ``groups`` value only, when given; ``keys`` order
    the buckets, see :func:`_candidates`); each is decided by :func:`_decide`. Texts
    shorter than a shingle match nothing. ``signatures`` (one row a text) are the texts'
    :func:`_signatures` when already known (a store keeps them).
    """
    usable = np.flatnonzero(texts.str.len_chars().to_numpy() >= SHINGLE_CHARS)
    if len(usable) < 2:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    sig = _signatures(texts.gather(usable)) if signatures is None else signatures[usable]
    u, v = _candidates(sig, threshold, None if groups is None else groups[usable],
                       None if keys is None else keys[usable])
    keep = _decide(texts.gather(usable), sig, u, v, threshold)
    return usable[u[keep]], usable[v[keep]]


def _decide(texts: pl.Series, sig: np.ndarray, u: np.ndarray, v: np.ndarray, threshold: float) -> np.ndarray:
    """Whether each candidate pair (texts[u], texts[v]) is similar: by its signature
    agreement when that is clearly (:data:`_MARGIN`) above or below ``threshold``, else by
    its exact shingle Jaccard. A function of the two texts alone."""
    # Permutations that agree, a byte a pair (not a float): tens of millions of candidates
    step = _CHUNK // _NUM_PERM
    agree = np.concatenate(
        [(sig[u[i : i + step]] == sig[v[i : i + step]]).sum(axis=1, dtype=np.uint8) for i in range(0, len(u), step)]
        or [np.empty(0, dtype=np.uint8)]
    )
    # The thresholds on the agreement (agree / K) as counts: the same decisions, no floats.
    counts = np.arange(_NUM_PERM + 2)
    sure = counts[(counts / _NUM_PERM >= threshold + _MARGIN) | (counts > _NUM_PERM)].min()
    maybe = counts[(counts / _NUM_PERM > threshold - _MARGIN) | (counts > _NUM_PERM)].min()
    keep = agree >= sure
    todo = np.flatnonzero(~keep & (agree >= maybe))
    if len(todo):
        keep[todo] = _exact_jaccard(texts, u[todo], v[todo]) >= threshold - 1e-9
    return keep


def _components(n: int, u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Connected components of the graph (n nodes, edges u–v): a root id per node."""
    parent = np.arange(n)
    while True:
        while True:  # shortcut every node to its root
            grand = parent[parent]
            if np.array_equal(grand, parent):
                break
            parent = grand
        pu, pv = parent[u], parent[v]
        if np.array_equal(pu, pv):
            return parent
        # hook the larger root under the smaller: parents only decrease, so no cycle
        np.minimum.at(parent, np.maximum(pu, pv), np.minimum(pu, pv))


# ----------------------------------------------------------------------- template share


def template_share(docs: pl.DataFrame) -> pl.DataFrame:
    """Share of a report's sentences found near-verbatim in a report of another agency.

    Rule (DESIGN §5, text): a sentence (see :func:`split_sentences`) is a template
    sentence when a report of a *different* agency has the same sentence after
    :func:`normalise` (exact hash match), or — for sentences of at least
    :data:`LONG_SENTENCE_CHARS` normalised characters — one whose character 4-gram
    shingles have Jaccard ≥ :data:`TEMPLATE_JACCARD` (MinHash + LSH candidates, see the
    module notes). A report never matches itself or a report of its own agency; a report
    with no agency counts as an agency of its own.

    Complexity: time O(C + S·K + N·b·log N + P·L·log S) and memory O(C) for C
    characters in the corpus, S shingles of its N distinct long sentences, K = 64
    permutations, b = 12 bands, P ≤ N·b·4 candidate pairs (in practice a small multiple
    of the near-copies) of L shingles each: linear in the corpus up to log factors; no
    pairwise comparison of all sentences. Measured on 2 cores: 1 000 synthetic reports
    (4 M characters) in about 2 s, 10 000 (43 M) in under 30 s.

    Parameters
    ----------
    docs : pl.DataFrame
        ``report_id``, ``agency``, ``text``. Not mutated.

    Returns
    -------
    pl.DataFrame
        One row per report with :data:`TEMPLATE_SHARE_COLUMNS`.

    Examples
    --------
    >>> boiler = "一是加强绩效管理制度和流程的建设，进一步深化完善绩效管理体系。"
    >>> docs = pl.DataFrame({"report_id": ["a", "b", "c"], "agency": ["甲", "乙", "乙"],
    ...     "text": [boiler + "本单位完成了全市网络运维工作。", "三是加强绩效管理制度和流程的建设，"
    ...              "进一步深化完善绩效管理体系。", "本局开展了政务服务平台的升级改造。"]})
    >>> template_share(docs).select("report_id", "template_share").rows()
    [('a', 0.5), ('b', 1.0), ('c', 0.0)]
    """
    features, long = sentence_features(docs)
    return template_share_of(docs.select(R.report_id, R.agency), features, long)


# A report's sentences as template share compares them: the hash of each normalised
# sentence (a list a report), and the distinct long sentences' text and MinHash signature.
# Kept by a store per report, so that a re-ingest splits and hashes only the new reports.
HASHES = "hashes"
HASH = "hash"
NORM = "norm"
SIGNATURE = "signature"
SENTENCE_FEATURE_COLUMNS: dict[str, str] = {
    R.report_id: REPORT_COLUMNS[R.report_id],
    HASHES: "List(UInt64)",  # one a kept sentence, in text order
    SENTENCES: "UInt32",
    FIGURE_SENTENCES: "UInt32",
}
LONG_SENTENCE_COLUMNS: dict[str, str] = {HASH: "UInt64", NORM: "Utf8"}  # + SIGNATURE, Array(UInt64, 64)
NUM_PERM = 64


def sentence_features(docs: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Each report's sentences, hashed, and the distinct long ones' normalised text.

    Per report (one row each, in ``docs`` order, :data:`SENTENCE_FEATURE_COLUMNS`): the
    hashes of its kept sentences (:func:`split_sentences`, after :func:`normalise`), how
    many there are and how many carry a figure. And the distinct sentences of at least
    :data:`LONG_SENTENCE_CHARS` normalised characters (``hash``, ``norm``), sorted by
    hash. A report's row depends on its text only: a store keeps them per report.

    >>> f, long = sentence_features(pl.DataFrame({"report_id": ["a"],
    ...     "text": ["项目预算71.00万元，执行率84.61%。进一步提升资金使用效益。"]}))
    >>> f.select("sentences", "figure_sentences").row(0), long.height  # both under 20 characters
    ((2, 1), 0)
    """
    occurrences = (
        _sentences(docs, [R.report_id])
        .select(R.report_id, "_norm", pl.col("_norm").hash().alias(HASH),
                pl.col("_sentence").str.contains(_FIGURE).alias("_figure"))
        .collect()
    )
    per_report = (
        docs.select(R.report_id)
        .join(occurrences.group_by(R.report_id, maintain_order=True).agg(
            pl.col(HASH).alias(HASHES),
            pl.len().cast(pl.UInt32).alias(SENTENCES),
            pl.col("_figure").sum().cast(pl.UInt32).alias(FIGURE_SENTENCES),
        ), on=R.report_id, how="left", maintain_order="left")
        .with_columns(pl.col(HASHES).fill_null([]), pl.col(SENTENCES, FIGURE_SENTENCES).fill_null(0))
    )
    long = (
        occurrences.filter(pl.col("_norm").str.len_chars() >= LONG_SENTENCE_CHARS)
        .select(HASH, pl.col("_norm").alias(NORM))
        .unique(HASH, keep="first")
        .sort(HASH)
    )
    return per_report, long


def signatures(norms: pl.Series) -> np.ndarray:
    """MinHash signatures (one row of :data:`NUM_PERM` a text) of long sentences."""
    if norms.len() == 0:
        return np.empty((0, _NUM_PERM), dtype=np.uint64)
    return _signatures(norms)


# A store keeps what template share decided of each distinct sentence, so that a re-ingest
# judges again only the sentences its reports add or remove (fiscal_eval.metrics.incremental):
# which agencies write it (the lowest and highest agency code, each with how often it
# writes it, so that removing a report can tell whether they still do), and its verdict;
# and the near-copy pairs of long sentences with the LSH bands whose windows paired them.
OCCURRENCES = "occurrences"  # sentences of the corpus with this hash
AGENCY_LOW = "agency_low"  # the lowest agency code writing it (see agency_code)
LOW_OCCURRENCES = "low_occurrences"  # … and how many of its sentences that agency writes
AGENCY_HIGH = "agency_high"
HIGH_OCCURRENCES = "high_occurrences"
TEMPLATE = "template"  # the sentence is a template sentence wherever it occurs
SPAN_COLUMNS: dict[str, str] = {
    HASH: "UInt64", OCCURRENCES: "UInt32", AGENCY_LOW: "UInt64", LOW_OCCURRENCES: "UInt32",
    AGENCY_HIGH: "UInt64", HIGH_OCCURRENCES: "UInt32", TEMPLATE: "Boolean",
}
PAIR_U, PAIR_V, PAIR_BANDS = "u", "v", "bands"
NEAR_PAIR_COLUMNS: dict[str, str] = {
    PAIR_U: "UInt64",  # the lower hash of the two sentences
    PAIR_V: "UInt64",
    PAIR_BANDS: "UInt32",  # bit b: band b's window paired them (see _candidates)
}
_DTYPES = {"UInt64": pl.UInt64, "UInt32": pl.UInt32, "Boolean": pl.Boolean}
SPAN_SCHEMA = {name: _DTYPES[dtype] for name, dtype in SPAN_COLUMNS.items()}
NEAR_PAIR_SCHEMA = {name: _DTYPES[dtype] for name, dtype in NEAR_PAIR_COLUMNS.items()}


@dataclass(frozen=True)
class TemplateState:
    """What template share decided, kept by a store between generations: ``spans`` a row
    a distinct sentence (:data:`SPAN_COLUMNS`, sorted by hash), ``pairs`` a row a
    near-copy pair of long sentences (:data:`NEAR_PAIR_COLUMNS`, in no order)."""

    spans: pl.DataFrame
    pairs: pl.DataFrame


def agency_code() -> pl.Expr:
    """A report's agency as template share compares them, a 64-bit hash: the agency, or the
    report itself when it has none. A hash, not a rank, so that a sentence's agency codes
    stay what they were when other agencies come or go (equality is all the rule asks)."""
    return pl.coalesce(pl.col(R.agency), pl.col(R.report_id)).hash()


def template_share_of(
    reports: pl.DataFrame, features: pl.DataFrame | pl.LazyFrame, long: pl.DataFrame, sig: np.ndarray | None = None,
    *, batch: int | None = None, state: list[TemplateState] | None = None,
) -> pl.DataFrame:
    """:func:`template_share` from :func:`sentence_features` (a store's, or fresh).

    ``reports``: ``report_id``, ``agency``, one row a report (the output's order);
    ``features`` per report (more rows are ignored), a frame or a LazyFrame (a store's
    file, scanned); ``long``: ``hash``, ``norm`` of at least every long sentence the
    reports hold (in any order), with ``sig`` its signatures row for row when known
    (computed here otherwise). ``state``: the :class:`TemplateState` is appended to it.

    The rule is a function of the sentence alone (see :func:`sentence_verdicts`), so a
    sentence's verdict is computed once and each report counts its sentences' verdicts.
    The features are read twice, ``batch`` reports at a time (default
    :data:`FEATURE_BATCH`), and never exploded whole: memory is a row a distinct
    sentence, the long sentences' signatures and one batch, not a row a sentence of the
    corpus.
    """
    size = batch or FEATURE_BATCH
    keyed = reports.select(R.report_id, agency_code().alias(AGENCY_LOW)).with_row_index("_r")
    spans = _agency_spans(keyed, features, size)
    # The distinct long sentences that occur, by hash.
    indexed = long.select(HASH, NORM).with_row_index("_row")
    distinct = spans.select(HASH).join(indexed, on=HASH).sort(HASH)
    rows, keys, norms = distinct["_row"].to_numpy(), distinct[HASH].to_numpy(), distinct[NORM]
    del distinct
    dsig = signatures(norms) if sig is None else sig[rows]
    del rows
    pairs = near_pairs(norms, dsig, keys)
    del norms, dsig
    spans = sentence_verdicts(spans, pairs)
    if state is not None:
        state.append(TemplateState(spans, pairs))
    del pairs
    counts = template_counts(keyed, _feature_batches(features, size), spans)
    return _per_report(reports, counts.join(keyed.select("_r", R.report_id), on="_r").drop("_r"),
                       TEMPLATE_SENTENCES, TEMPLATE_SHARE)


def near_pairs(norms: pl.Series, sig: np.ndarray, keys: np.ndarray) -> pl.DataFrame:
    """The near-copy pairs (:data:`NEAR_PAIR_COLUMNS`) among distinct long sentences
    ``norms`` (sorted by their hashes ``keys``, with signatures ``sig``): LSH candidates
    (:func:`_candidates`) decided by :func:`_decide`, each with the bands that found it."""
    if len(keys) < 2:
        return pl.DataFrame(schema=NEAR_PAIR_SCHEMA)
    u, v, bands = _candidates(sig, TEMPLATE_JACCARD, None, keys, bands=True)
    keep = _decide(norms, sig, u, v, TEMPLATE_JACCARD)
    # positions in hash order: u < v is the lower hash first
    return pl.DataFrame({PAIR_U: keys[u[keep]], PAIR_V: keys[v[keep]], PAIR_BANDS: bands[keep]},
                        schema=NEAR_PAIR_SCHEMA)


def sentence_verdicts(spans: pl.DataFrame, pairs: pl.DataFrame) -> pl.DataFrame:
    """``spans`` (sorted by hash) with :data:`TEMPLATE`: whether each sentence is a template sentence.

    The rule of :func:`template_share` (a sentence of agency A is a template sentence when
    another agency writes it or a near-copy of it) depends on the sentence alone: a
    sentence written by two agencies is one for all its reports, and one written by a
    single agency A only occurs in A's reports, so it is one exactly when a near-copy is
    written by some agency other than A (its span is not just A). ``pairs``: the near
    copies (:func:`near_pairs`), whose two sentences are both in ``spans``."""
    low, high = spans[AGENCY_LOW].to_numpy(), spans[AGENCY_HIGH].to_numpy()
    exact = low != high
    verdict = exact.copy()
    if pairs.height:
        # rows of the two sentences by a hash join (a binary search a pair was 3x slower)
        at = spans.select(pl.col(HASH).alias(PAIR_U)).with_row_index("_a")
        rows = (pairs.select(PAIR_U, PAIR_V)
                .join(at, on=PAIR_U, how="left", maintain_order="left")
                .join(at.rename({PAIR_U: PAIR_V, "_a": "_b"}), on=PAIR_V, how="left", maintain_order="left"))
        a, b = rows["_a"].to_numpy(), rows["_b"].to_numpy()
        del rows
        witness = exact[a] | exact[b] | (low[a] != low[b])
        verdict[a[witness]] = True
        verdict[b[witness]] = True
    return spans.with_columns(pl.Series(TEMPLATE, verdict))


def template_counts(keyed: pl.DataFrame, batches: Iterable[pl.DataFrame], spans: pl.DataFrame) -> pl.DataFrame:
    """``_r``, :data:`SENTENCES`, :data:`TEMPLATE_SENTENCES` of each report of ``batches``
    (``report_id``, ``hashes``; ``keyed``: ``report_id`` → ``_r``) from the verdicts of
    ``spans``; reports without sentences are left out."""
    verdicts = spans.select(pl.col(HASH).alias("_hash"), TEMPLATE)
    counts = [
        part.join(keyed.select(R.report_id, "_r"), on=R.report_id)
        .select("_r", pl.col(HASHES).alias("_hash"))
        .explode("_hash")
        .drop_nulls("_hash")
        .join(verdicts, on="_hash", how="left")
        .group_by("_r")
        .agg(pl.len().cast(pl.UInt32).alias(SENTENCES), pl.col(TEMPLATE).sum().cast(pl.UInt32)
             .alias(TEMPLATE_SENTENCES))
        for part in batches
    ]
    return (pl.concat(counts) if counts else pl.DataFrame(schema={"_r": pl.UInt32, SENTENCES: pl.UInt32,
                                                                  TEMPLATE_SENTENCES: pl.UInt32}))


#: Reports a pass over the sentence features holds at a time (see :func:`template_share_of`).
FEATURE_BATCH = 50_000


def _feature_batches(features: pl.DataFrame | pl.LazyFrame, size: int) -> Iterator[pl.DataFrame]:
    """``report_id`` and ``hashes`` of the features, ``size`` reports at a time."""
    frame = features.select(R.report_id, HASHES)
    if isinstance(frame, pl.DataFrame):
        for offset in range(0, frame.height, size):
            yield frame.slice(offset, size)
        return
    total = frame.select(pl.len()).collect().item()
    for offset in range(0, total, size):
        yield frame.slice(offset, size).collect()


def agency_spans(occurrences: pl.DataFrame) -> pl.DataFrame:
    """:data:`SPAN_COLUMNS` but the verdict, of ``hash``, :data:`AGENCY_LOW` rows (one a
    sentence; the agency code of its report) or of partial spans (merged: spans of a
    batch each, which need not align with anything)."""
    if OCCURRENCES not in occurrences.columns:
        occurrences = occurrences.select(HASH, pl.lit(1, pl.UInt32).alias(OCCURRENCES), AGENCY_LOW,
                                         pl.lit(1, pl.UInt32).alias(LOW_OCCURRENCES),
                                         pl.col(AGENCY_LOW).alias(AGENCY_HIGH),
                                         pl.lit(1, pl.UInt32).alias(HIGH_OCCURRENCES))
    low, high = pl.col(AGENCY_LOW), pl.col(AGENCY_HIGH)
    return occurrences.group_by(HASH).agg(
        pl.col(OCCURRENCES).sum().cast(pl.UInt32),
        low.min(),
        pl.col(LOW_OCCURRENCES).filter(low == low.min()).sum().cast(pl.UInt32),
        high.max(),
        pl.col(HIGH_OCCURRENCES).filter(high == high.max()).sum().cast(pl.UInt32),
    )


def _agency_spans(keyed: pl.DataFrame, features: pl.DataFrame | pl.LazyFrame, size: int) -> pl.DataFrame:
    """Every distinct sentence hash of the reports with its agencies (:func:`agency_spans`),
    sorted by hash, the features read ``size`` reports at a time: two agencies or more write
    it exactly when its lowest and highest agency codes differ."""
    spans: list[pl.DataFrame] = []
    for part in _feature_batches(features, size):
        spans.append(agency_spans(
            part.join(keyed.select(R.report_id, AGENCY_LOW), on=R.report_id)
            .select(AGENCY_LOW, pl.col(HASHES).alias(HASH))
            .explode(HASH)
            .drop_nulls(HASH)
        ))
        if len(spans) > 8:  # NOTE: bounded: the same sentences recur in every batch
            spans = [agency_spans(pl.concat(spans))]
    if not spans:
        return pl.DataFrame(schema={k: v for k, v in SPAN_SCHEMA.items() if k != TEMPLATE})
    return (agency_spans(pl.concat(spans)) if len(spans) > 1 else spans[0]).sort(HASH)


def _per_report(docs: pl.DataFrame, counts: pl.DataFrame, part: str, share: str) -> pl.DataFrame:
    """Every report of ``docs`` (in order) with its counts; a report without sentences gets 0/0/null."""
    return (
        docs.select(R.report_id)
        .join(counts, on=R.report_id, how="left", maintain_order="left")
        .with_columns(pl.col(SENTENCES, part).fill_null(0))
        .with_columns(
            pl.when(pl.col(SENTENCES) > 0).then(pl.col(part) / pl.col(SENTENCES)).alias(share)
        )
    )


# ----------------------------------------------------------------------- specificity


def specificity_metrics(docs: pl.DataFrame) -> pl.DataFrame:
    """Share of each report's sentences that carry a figure (DESIGN §5, text: specificity).

    A figure is a digit run (amounts, percents, counts, dates), a percent sign, 百分之, or
    an amount in Chinese numerals (七十一万元); sentences are those of
    :func:`split_sentences`. Boilerplate says "进一步提升资金使用效益"; a specific report
    says "到位率100%，执行率99.41%".

    Parameters
    ----------
    docs : pl.DataFrame
        ``report_id``, ``text``. Not mutated.

    Returns
    -------
    pl.DataFrame
        One row per report with :data:`SPECIFICITY_COLUMNS` (null share for no sentence).

    Examples
    --------
    >>> docs = pl.DataFrame({"report_id": ["a"],
    ...     "text": ["项目预算71.00万元，执行率84.61%。进一步提升资金使用效益。"]})
    >>> specificity_metrics(docs).row(0)
    ('a', 2, 1, 0.5)
    """
    counts = (
        _sentences(docs, [R.report_id])
        .group_by(R.report_id)
        .agg(
            pl.len().cast(pl.UInt32).alias(SENTENCES),
            pl.col("_sentence").str.contains(_FIGURE).sum().cast(pl.UInt32).alias(FIGURE_SENTENCES),
        )
        .collect()
    )
    return _per_report(docs, counts, FIGURE_SENTENCES, SPECIFICITY)


def specificity(text: str) -> float:
    """Share of the sentences of ``text`` that carry a figure (see :func:`specificity_metrics`).

    NaN when ``text`` has no sentence worth comparing.

    >>> specificity("项目预算71.00万元，执行率84.61%。进一步提升资金使用效益。")
    0.5
    """
    share = specificity_metrics(pl.DataFrame({R.report_id: [""], TEXT: [text]}))[SPECIFICITY].item()
    return math.nan if share is None else float(share)


# ----------------------------------------------------------------------- problems


def recurring_problems(problems: pl.DataFrame) -> pl.DataFrame:
    """Problems an agency states again in another year (DESIGN §5, text).

    Two problems of one agency are the same when equal after :func:`normalise`, or when
    their character 4-gram shingles have Jaccard ≥ :data:`RECURRING_JACCARD` (MinHash +
    LSH within the agency, verified exactly); "the same" is closed transitively. A group
    recurs when it spans at least two distinct years. Rows without an agency, a year or a
    text cannot recur and are left out.

    Complexity: as :func:`template_share`, over the distinct problems; candidate pairs
    never cross agencies.

    Parameters
    ----------
    problems : pl.DataFrame
        ``report_id``, ``agency``, ``year``, ``problem`` (one stated problem a row). Not mutated.

    Returns
    -------
    pl.DataFrame
        One row per recurring problem with :data:`RECURRING_COLUMNS`, by agency then text.

    Examples
    --------
    >>> df = pl.DataFrame({"report_id": ["r19", "r20", "r20"], "agency": ["甲"] * 3,
    ...     "year": [2019, 2020, 2020], "problem": ["1.资金支出进度较慢。",
    ...     "一是资金支出进度较慢", "绩效目标设置不够细化"]})
    >>> recurring_problems(df).rows()
    [('甲', '1.资金支出进度较慢。', [2019, 2020], 2)]
    """
    rows = (
        problems.select(R.report_id, R.agency, R.year, PROBLEM)
        .drop_nulls([R.agency, R.year, PROBLEM])
        .with_columns(normalise(pl.col(PROBLEM)).alias("_norm"))
        .filter(pl.col("_norm").str.len_chars() > 0)
    )
    distinct = (
        rows.select(R.agency, "_norm")
        .unique()
        .sort(R.agency, "_norm")
        .with_row_index("_id")
        .with_columns(pl.col("_id").cast(pl.Int64))
    )
    # exact integer group codes: candidate pairs never cross agencies
    agency_code = distinct[R.agency].rank("dense").to_numpy()
    u, v = _similar_pairs(distinct["_norm"], RECURRING_JACCARD, agency_code,
                          keys=distinct["_norm"].hash().to_numpy())
    clusters = distinct.select("_id", pl.Series("_cluster", _components(distinct.height, u, v)))
    return (
        rows.join(distinct, on=[R.agency, "_norm"])
        .join(clusters, on="_id")
        .sort(R.year, R.report_id)
        .group_by(R.agency, "_cluster")
        .agg(
            pl.col(PROBLEM).first(),
            pl.col(R.year).cast(pl.Int32).unique().sort().alias(RECURRING_YEARS),
            pl.len().cast(pl.UInt32).alias(RECURRING_COUNT),
        )
        .filter(pl.col(RECURRING_YEARS).list.len() >= 2)
        .sort(R.agency, PROBLEM)
        .select(list(RECURRING_COLUMNS))
    )


def empty_sections(items: pl.DataFrame) -> pl.DataFrame:
    """Which reports state no problem and which no improvement (DESIGN §5, text).

    A list is empty when it is null, has no items, or only items that say nothing once
    normalised: blank, punctuation ("/", "—"), or a placeholder such as 无, 暂无, 未发现问题
    (003's problem table is blank).

    Parameters
    ----------
    items : pl.DataFrame
        ``report_id``, ``problems`` (list[str]), ``improvements`` (list[str]). Not mutated.

    Returns
    -------
    pl.DataFrame
        One row per report, in input order, with :data:`EMPTY_SECTION_COLUMNS`.

    Examples
    --------
    >>> df = pl.DataFrame({"report_id": ["a", "b"], "problems": [["资金支出进度较慢"], ["无", "/"]],
    ...                    "improvements": [[], ["加快支出进度"]]})
    >>> empty_sections(df).rows()
    [('a', False, True), ('b', True, False)]
    """

    def said_nothing(column: str) -> pl.Expr:
        meaningful = pl.element().pipe(normalise).str.contains(_PLACEHOLDER).not_()
        return pl.col(column).list.eval(meaningful.fill_null(False)).list.any().fill_null(False).not_()

    return items.select(
        pl.col(R.report_id),
        said_nothing(PROBLEMS).alias(NO_PROBLEMS),
        said_nothing(IMPROVEMENTS).alias(NO_IMPROVEMENTS),
    )
