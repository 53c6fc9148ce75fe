"""The rendering stage: notebooks run with papermill and exported to offline HTML.

* :mod:`~fiscal_eval.render.batch` — which report runs for what (``batch.yml``), the
  incremental batch and its index page;
* :mod:`~fiscal_eval.render.kernels` — warm, forked kernels that run the notebooks;
* :mod:`~fiscal_eval.render.export` — one self-contained HTML file per notebook
  (the ``templates/offline`` nbconvert template).
"""
