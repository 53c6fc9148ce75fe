"""The presentation stage: what a reader sees, computed from the store's tables.

* :mod:`~fiscal_eval.present.labels` — display labels and column names, defined once;
* :mod:`~fiscal_eval.present.display` — how a figure is written (万元, percent);
* :mod:`~fiscal_eval.present.views` — the tables a report page or a lesson shows;
* :mod:`~fiscal_eval.present.charts` — Altair charts and escaped HTML tables, offline;
* :mod:`~fiscal_eval.present.explore` — the ipywidgets explorer.

Nothing is imported here: ``from fiscal_eval.present import views`` loads only what it needs.
"""
