"""Issue 15's kill campaign, a few kills of each (the script runs more: kill_campaign.py)."""

from __future__ import annotations

import os
import random
import sys

import pytest

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not sys.platform.startswith("linux"), reason="walks /proc for survivors")]

from kill_campaign import Tally, batch_campaign, batch_completes_clean, ingest_campaign  # noqa: E402


def test_killed_ingests_leave_nothing_and_the_next_ingest_equals_a_clean_one(tmp_path):
    tally = Tally()
    ingest_campaign(3, tmp_path, random.Random(int(os.environ.get("FAULT_SEED", "15"))), tally, reports=180)
    assert tally.cases == 3
    assert tally.orphan_processes == []
    assert (tally.orphans, tally.store_unloadable, tally.next_ingest_differs, tally.tracebacks) == (0, 0, 0, 0), \
        tally.notes


def test_killed_batches_leave_no_worker_report_or_report_subprocess(tmp_path):
    tally = Tally()
    batch_campaign(2, tmp_path, random.Random(int(os.environ.get("FAULT_SEED", "15"))), tally)
    assert tally.cases == 2
    assert tally.orphan_processes == []


def test_a_report_s_own_subprocesses_end_with_the_report(tmp_path):
    # Each report starts `sleep 300` and ends at once: the sleeps end with their reports.
    assert batch_completes_clean(tmp_path) == []
