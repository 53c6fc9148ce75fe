"""The lessons' data: sample reports by number, the synthetic teaching corpus, the
lesson store, and the classroom PI-2.1 lines of the key.

Relative lesson paths (``data/samples``) are read from the repository root
(:data:`ROOT`), so a lesson finds its data whatever folder the kernel runs in.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from fiscal_eval.errors import FiscalEvalError
from fiscal_eval.model import Report
from fiscal_eval.teaching.checker import CORPUS, _key
from fiscal_eval.util.locks import exclusive

__all__ = ["ROOT", "resolve", "sample", "samples", "synthetic_corpus", "open_store", "pi2_example"]

#: The repository root: relative lesson paths (``data/samples``) are read from here, so a
#: lesson finds its data whatever folder the kernel runs in (JupyterLab: the notebook's
#: folder; papermill and the batch: wherever they were started).
ROOT = Path(__file__).resolve().parents[2]


def resolve(path: str | Path) -> Path:
    """A lesson path: absolute as given, relative from the repository root (:data:`ROOT`).

    >>> resolve("data/samples") == ROOT / "data" / "samples"
    True
    """
    p = Path(path).expanduser()
    return p if p.is_absolute() else ROOT / p


def _sample_files(folder: str | Path) -> dict[str, Path]:
    found = {f.name.split("_", 1)[0]: f for f in sorted(resolve(folder).iterdir())
             if f.is_file() and not f.name.startswith(".")}
    if not found:
        raise FiscalEvalError(f"no sample reports in {resolve(folder)}")
    return found


def sample(folder: str | Path, sample_id: str) -> Report:
    """The parsed (and audited) sample numbered ``sample_id`` ("000") in ``folder``.

    Raises
    ------
    FiscalEvalError
        When the folder holds no file named ``<sample_id>_…``.

    >>> sample("data/samples", "003").grade
    '良好'
    """
    from fiscal_eval.api import parse_file

    files = _sample_files(folder)
    if sample_id not in files:
        raise FiscalEvalError(f"no sample {sample_id!r} in {resolve(folder)}; there are {', '.join(files)}")
    return parse_file(files[sample_id])


def samples(folder: str | Path) -> dict[str, Report]:
    """Every sample of ``folder``, parsed, by number: ``{"000": Report, …}``."""
    from fiscal_eval.api import parse_file

    return {number: parse_file(path) for number, path in _sample_files(folder).items()}


_STAMP = "teaching_corpus.json"


def synthetic_corpus(folder: str | Path) -> Path:
    """The teaching corpus (:data:`CORPUS`, SYNTHETIC) in ``folder``, generated unless it
    is there already; returns its reports folder (``folder/reports``).

    Generating is deterministic (same files byte for byte), so an existing corpus of the
    same parameters is kept as it is: a store ingested from it needs no re-parse.
    """
    from fiscal_eval.synth import generate

    out = resolve(folder)
    stamp = out / _STAMP
    try:
        current = json.loads(stamp.read_text("utf-8")) == CORPUS and (out / "truth.jsonl").is_file()
    except (OSError, ValueError):
        current = False
    if not current:
        generate(out=out, **CORPUS)
        stamp.write_text(json.dumps(CORPUS), "utf-8")
    return out / "reports"


def open_store(store: str | Path, samples_folder: str | Path, synthetic: str | Path) -> Any:
    """The lessons' tables: the samples and the teaching corpus ingested into ``store``
    (incrementally: a second call parses nothing), then loaded.

    Returns
    -------
    fiscal_eval.store.frames.Tables
        Synthetic rows carry ``synthetic`` = true.
    """
    from fiscal_eval.store import ingest, load

    # NOTE: lessons run side by side (a batch renders each with and without solutions in
    # parallel workers) and share the default corpus and store; ingest refuses a store
    # another ingest holds, so the lessons take turns here instead of failing.
    with exclusive(resolve(synthetic) / ".teaching.lock"):  # blocking: wait for the other lesson
        reports = synthetic_corpus(synthetic)
        # NOTE: one process: a lesson store is small, and a worker pool started from
        # inside a notebook kernel (or a forked batch child) buys nothing but risk.
        ingest([resolve(samples_folder), reports], resolve(store), jobs=1, progress=False)
        return load(resolve(store))


def pi2_example() -> Any:
    """The PI-2.1 classroom lines of lessons.toml (SYNTHETIC, illustrative): one row per
    year and budget line, in the input form of
    :func:`fiscal_eval.metrics.execution.pefa_pi2_1`, with ``synthetic`` = true."""
    import polars as pl

    data = _key()["datasets"]["pi2_1_example"]
    return pl.DataFrame(
        [(data["agency"], year, label, float(budget), float(spent), True)
         for year, label, budget, spent in data["rows"]],
        schema={"agency": pl.Utf8, "year": pl.Int32, "label": pl.Utf8, "budget_yuan": pl.Float64,
                "spent_yuan": pl.Float64, "synthetic": pl.Boolean},
        orient="row",
    )
