"""The kill campaign of issue 15: ``kill -9`` an ingest and a batch at random points, then
check that nothing of theirs is left running, that the store still loads and that the
next ingest equals a clean one.

Run alone (Linux: it walks /proc)::

    .venv/bin/python tests/faults/kill_campaign.py --ingest-kills 5 --batch-kills 3

``tests/faults/test_kill_campaign.py`` runs a few kills of each (marked slow).

Every process started here carries an environment marker (``FISCAL_EVAL_FAULT_MARK``, a
fresh value each run), which the processes they start inherit: the ingest's workers and
the multiprocessing resource tracker, the batch's warm workers, their report processes
and whatever a report notebook starts. "Left" is any live process carrying the marker.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MARK = "FISCAL_EVAL_FAULT_MARK"
# A killed process's workers notice within half a second (the lifeline's poll); the
# kernel's parent-death signal is immediate. Seconds waited before a survivor counts.
GRACE_SECONDS = 5.0


@dataclass
class Tally:
    """The campaign's counts, as issue 15 tabulates them."""

    cases: int = 0
    orphans: int = 0  # kills after which a process of the killed command was still alive
    orphan_processes: list[str] = field(default_factory=list)
    store_unloadable: int = 0
    next_ingest_differs: int = 0
    tracebacks: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.orphans or self.store_unloadable or self.next_ingest_differs or self.tracebacks)


def marked(mark: str) -> list[tuple[int, str]]:
    """(pid, command line) of every live process whose environment holds ``MARK=mark``."""
    needle = f"{MARK}={mark}".encode()
    found = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/environ", "rb") as f:
                env = f.read()
            with open(f"/proc/{entry.name}/stat", "rb") as f:
                state = f.read().rsplit(b")", 1)[-1].split()[0]
            if state == b"Z":  # a zombie has ended; its parent has not reaped it yet
                continue
            with open(f"/proc/{entry.name}/cmdline", "rb") as f:
                command = f.read().replace(b"\0", b" ").decode("utf-8", "replace").strip()
        except OSError:  # ended meanwhile, or not ours
            continue
        if needle in env.split(b"\0"):
            found.append((int(entry.name), command[:160]))
    return found


def survivors(mark: str, grace: float = GRACE_SECONDS) -> list[tuple[int, str]]:
    """The marked processes still alive after ``grace`` seconds (polled: returns early when none)."""
    deadline = time.monotonic() + grace
    while True:
        left = marked(mark)
        if not left or time.monotonic() >= deadline:
            return left
        time.sleep(0.1)


def reap(left: list[tuple[int, str]]) -> None:
    """Kill the survivors the campaign found (by pid), so that the next case starts clean."""
    for pid, _ in left:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass


def _env(mark: str, **extra: str) -> dict[str, str]:
    env = dict(os.environ, **extra)
    env[MARK] = mark
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return env


def cli(args: list[str], mark: str, **kw) -> subprocess.Popen:
    """``fiscal-eval ARGS`` in a process of its own session, marked."""
    return subprocess.Popen([sys.executable, "-m", "fiscal_eval.cli", *args], env=_env(mark),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True, **kw)


def fingerprint(store: Path) -> dict[str, list[str]]:
    """Every table of the store, its rows as sorted JSON: what two ingests must agree on."""
    from fiscal_eval.store import load

    tables = load(store)
    out = {}
    for name in tables.__dataclass_fields__:
        frame = getattr(tables, name)
        out[name] = sorted(json.dumps(row, ensure_ascii=False, sort_keys=True, default=str)
                           for row in frame.iter_rows(named=True))
    return out


def loads(store: Path) -> str | None:
    """None when the store loads (or holds no generation yet); else what went wrong."""
    from fiscal_eval.errors import FiscalEvalError
    from fiscal_eval.store import load

    if not store.exists():
        return None
    try:
        load(store)
    except FiscalEvalError as exc:
        if "no store" in str(exc).lower() or "not a store" in str(exc).lower():
            return None  # killed before its first commit: nothing was promised
        return f"FiscalEvalError: {exc}"
    except Exception as exc:  # the very thing counted
        return f"{type(exc).__name__}: {exc}"
    return None


# --------------------------------------------------------------------------- ingest


def make_corpora(folder: Path, reports: int) -> tuple[Path, list[Path]]:
    """A corpus folder and two variants of its content (the second changes a third of the
    files), so that a killed ingest has work to do on a store that already holds the other."""
    from fiscal_eval.synth import generate

    agencies = max(1, reports // 3)
    variants = []
    for seed in (1, 2):
        out = generate(agencies=agencies, years=3, seed=seed, out=folder / f"synth-{seed}").out / "reports"
        variants.append(out)
    one, two = sorted(variants[0].iterdir()), sorted(variants[1].iterdir())
    mixed = folder / "variant-2"
    mixed.mkdir()
    for i, path in enumerate(one):
        source = two[i] if i % 3 == 0 and i < len(two) else path
        shutil.copyfile(source, mixed / path.name)
    return folder / "corpus", [variants[0], mixed]


def use(corpus: Path, variant: Path) -> None:
    """Make ``corpus`` hold ``variant``'s files (contents replaced where they differ)."""
    corpus.mkdir(exist_ok=True)
    for path in sorted(variant.iterdir()):
        target = corpus / path.name
        data = path.read_bytes()
        if not target.exists() or target.read_bytes() != data:
            target.write_bytes(data)


def ingest_campaign(kills: int, work: Path, rng: random.Random, tally: Tally, reports: int = 240,
                    jobs: int = 2, log=print) -> None:
    """``kills`` ingests killed at random points, each followed by a complete one."""
    corpus, variants = make_corpora(work, reports)
    clean: list[dict[str, list[str]]] = []
    durations = []
    for i, variant in enumerate(variants):
        use(corpus, variant)
        started = time.monotonic()
        done = cli(["ingest", str(corpus), "--store", str(work / f"clean-{i}"), "--jobs", str(jobs)], "clean")
        _, err = done.communicate()
        if done.returncode != 0:
            raise SystemExit(f"clean ingest failed: {err.decode(errors='replace')}")
        durations.append(time.monotonic() - started)
        clean.append(fingerprint(work / f"clean-{i}"))
    log(f"clean ingests: {', '.join(f'{d:.1f} s' for d in durations)} for {reports} files")

    store = work / "store"
    current = None  # which variant the store holds, complete
    for k in range(kills):
        target = rng.randrange(2) if current is None else 1 - current
        if k % 3 == 2:  # now and then a fresh store: a kill before the first commit
            shutil.rmtree(store, ignore_errors=True)
            current = None
        use(corpus, variants[target])
        mark = uuid.uuid4().hex
        delay = rng.uniform(0.2, max(durations) * 0.9)
        process = cli(["ingest", str(corpus), "--store", str(store), "--jobs", str(jobs)], mark)
        time.sleep(delay)
        finished = process.poll() is not None
        if not finished:
            os.kill(process.pid, signal.SIGKILL)
            process.wait()
        # NOTE: read what the killed command wrote only now: with a worker holding its
        # output open, this read is what would hang.
        left = survivors(mark)
        reap(left)  # counted below; killed first so that the read below cannot hang on them
        _, err = process.communicate(timeout=30)
        tally.cases += 1
        case = f"ingest kill {k + 1} at {delay:.1f} s{' (had finished)' if finished else ''}"
        if left:
            tally.orphans += 1
            tally.orphan_processes += [f"{case}: {pid} {cmd}" for pid, cmd in left]
        if b"Traceback" in err:
            tally.tracebacks += 1
            tally.notes.append(f"{case}: traceback on stderr")
        problem = loads(store)
        if problem:
            tally.store_unloadable += 1
            tally.notes.append(f"{case}: store does not load: {problem}")
        after = cli(["ingest", str(corpus), "--store", str(store), "--jobs", str(jobs)], mark)
        out, err = after.communicate()
        if b"Traceback" in err:
            tally.tracebacks += 1
        same = after.returncode == 0 and fingerprint(store) == clean[target]
        if not same:
            tally.next_ingest_differs += 1
            tally.notes.append(f"{case}: next ingest (exit {after.returncode}) differs from a clean one: "
                               f"{err.decode(errors='replace')[-300:]}")
        current = target if after.returncode == 0 else None
        after_left = survivors(mark, grace=1.0)  # the complete ingest leaves nothing either
        if after_left:
            tally.orphans += 1
            tally.orphan_processes += [f"{case}, the complete ingest after it: {pid} {cmd}"
                                       for pid, cmd in after_left]
            reap(after_left)
        log(f"{case}: {len(left)} left{f' (and {len(after_left)} after the next ingest)' if after_left else ''}, "
            f"store {'loads' if not problem else 'BROKEN'}, next ingest {'equals a clean one' if same else 'DIFFERS'}")


# --------------------------------------------------------------------------- batch

_SPAWNER = {
    "cells": [
        {"cell_type": "code", "id": "p", "metadata": {"tags": ["parameters"]}, "execution_count": None,
         "outputs": [], "source": 'store: str = ""  # the store\nyear: int = 0  # fiscal year\nwait: float = 0.0'},
        {"cell_type": "code", "id": "s", "metadata": {}, "execution_count": None, "outputs": [],
         # A report that starts a process of its own (a server, a tool) and then works a while.
         "source": "import subprocess, time\nchild = subprocess.Popen(['sleep', '300'])\ntime.sleep(wait)\n"
                   "print(year, child.pid)"},
    ],
    "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
                 "language_info": {"name": "python"}},
    "nbformat": 4,
    "nbformat_minor": 5,
}


def make_batch(folder: Path, wait: float) -> tuple[Path, Path]:
    """(store, config): the samples' store and a config whose reports each start a
    ``sleep 300`` and then take ``wait`` seconds."""
    from fiscal_eval import store as _store

    folder.mkdir(parents=True, exist_ok=True)
    (folder / "spawner.ipynb").write_text(json.dumps(_SPAWNER), encoding="utf-8")
    config = folder / "batch.yml"
    config.write_text(
        "reports:\n  spawner:\n    notebook: spawner.ipynb\n    for_each: year\n"
        f"    parameters: [store, year]\n    fixed: {{wait: {wait}}}\n    data: year\n    title: \"spawner {{year}}\"\n",
        encoding="utf-8")
    store = folder / "store"
    if not store.exists():
        _store.ingest([ROOT / "data" / "samples"], store, jobs=1)
    return store, config


def run_batch_cli(store: Path, config: Path, out: Path, mark: str, jobs: int = 2, **env: str) -> subprocess.Popen:
    """The batch, through the library's run_batch in a marked process of its own (the CLI
    has no --config)."""
    code = ("import sys; from fiscal_eval.render.batch import run_batch\n"
            "r = run_batch(sys.argv[1], sys.argv[2], jobs=int(sys.argv[5]), force=True, timeout=240,\n"
            "              config=sys.argv[3], notebooks=sys.argv[4], progress=False)\n"
            "print(r)")
    return subprocess.Popen([sys.executable, "-c", code, str(store), str(out), str(config), str(config.parent),
                             str(jobs)], env=_env(mark, **env), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True)


def batch_campaign(kills: int, work: Path, rng: random.Random, tally: Tally, jobs: int = 2, log=print) -> None:
    """``kills`` batches killed at random points (warming up, running a report that has
    started a process of its own, exporting); then a batch that runs to its end must
    leave no process behind either."""
    store, config = make_batch(work / "batch", wait=20.0)
    for k in range(kills):
        mark = uuid.uuid4().hex
        # The first while the workers warm up with no cache: each builds the Vega bundle in
        # a throwaway child of its own.
        delay = rng.uniform(0.5, 3.0) if k == 0 else rng.uniform(0.5, 12.0)
        cache = {"FISCAL_EVAL_CACHE": str(work / "batch" / f"cache-{k}")} if k == 0 else {}
        process = run_batch_cli(store, config, work / "batch" / f"out-{k}", mark, jobs, **cache)
        time.sleep(delay)
        before = len(marked(mark))
        if process.poll() is None:
            os.kill(process.pid, signal.SIGKILL)
            process.wait()
        left = survivors(mark)
        reap(left)
        process.communicate(timeout=30)
        tally.cases += 1
        case = f"batch kill {k + 1} at {delay:.1f} s ({before} processes running)"
        if left:
            tally.orphans += 1
            tally.orphan_processes += [f"{case}: {pid} {cmd}" for pid, cmd in left]
        log(f"{case}: {len(left)} left")


def batch_completes_clean(work: Path, jobs: int = 2, log=print) -> list[tuple[int, str]]:
    """A batch of reports that each start ``sleep 300`` and end: what is left after it."""
    store, config = make_batch(work / "batch-done", wait=0.0)
    mark = uuid.uuid4().hex
    process = run_batch_cli(store, config, work / "batch-done" / "out", mark, jobs)
    out, err = process.communicate(timeout=600)
    if process.returncode != 0:
        raise SystemExit(f"batch failed: {err.decode(errors='replace')[-2000:]}")
    left = survivors(mark, grace=2.0)
    reap(left)
    log(f"complete batch ({out.decode().strip()}): {len(left)} left")
    return left


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ingest-kills", type=int, default=5)
    parser.add_argument("--batch-kills", type=int, default=3)
    parser.add_argument("--reports", type=int, default=240, help="files in the ingest's corpus")
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    args = parser.parse_args(argv)
    if not os.path.isdir("/proc/self"):
        print("needs /proc (Linux)", file=sys.stderr)
        return 2
    seed = args.seed if args.seed is not None else random.randrange(1 << 30)
    rng = random.Random(seed)
    work = Path(tempfile.mkdtemp(prefix="fiscal-eval-faults-"))
    tally = Tally()
    print(f"seed {seed}; work in {work}")
    try:
        if args.ingest_kills:
            ingest_campaign(args.ingest_kills, work, rng, tally, reports=args.reports)
        if args.batch_kills:
            batch_campaign(args.batch_kills, work, rng, tally)
            left = batch_completes_clean(work)
            tally.cases += 1
            if left:
                tally.orphans += 1
                tally.orphan_processes += [f"complete batch: {pid} {cmd}" for pid, cmd in left]
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    print(f"cases {tally.cases}, orphans {tally.orphans}, store unloadable {tally.store_unloadable}, "
          f"next ingest differs {tally.next_ingest_differs}, tracebacks {tally.tracebacks}")
    for line in tally.orphan_processes + tally.notes:
        print("  " + line)
    return 0 if tally.ok else 1


if __name__ == "__main__":
    sys.exit(main())
