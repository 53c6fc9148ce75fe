"""The national bench's ingest figures at a small size: the re-ingest parses only the new
files, and every figure is a number (the 1,000,000-file run is `make bench-national-ingest`)."""

from __future__ import annotations

from fiscal_eval.bench.national import ingest_figures


def test_the_ingest_and_its_one_percent_reingest(tmp_path):
    figures = ingest_figures(tmp_path, 300, jobs=1)
    assert figures["ingest_reports"] == 300 and figures["reingest_new"] == 3
    # the re-ingest kept the 300 on their stat and parsed the 3 new files only
    assert figures["reingest_parsed"] == 3
    assert figures["ingest_s"] > 0 and figures["reingest_s"] > 0
    assert figures["ingest_peak_rss_mb"] > 0 and figures["reingest_peak_rss_mb"] > 0
