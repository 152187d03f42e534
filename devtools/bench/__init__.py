"""`manage.py bench`: SQL queries and server time of every registered page, on a small and a 10x
larger data set, in a throwaway database.

- registry.py: the page modules and what they declare (pages, data builders, budgets);
- runner.py: builds each data set and measures the floor and every page on it;
- results.py: what a run measured; render.py: the text table and docs/PERFORMANCE.md;
- environment.py: the throwaway database and the machine's description;
- pages/: one module per app (units, inspections, checklist, findings, dashboards, reports);
- documents.py: the documents a worker produces (`manage.py bench_reports`);
- national.py: the head's dashboard on the national data set (`manage.py bench --national`).

A page module imports the app it measures, never the reverse: production code does not know the
bench exists.
"""
