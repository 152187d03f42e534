"""The demo data of the seed articles, loaded by `manage.py load_demo` in this order: units and
accounts, plans and visits, the answers of the visit in progress, findings and remediation, and
the scores of the finished visits. Each step is idempotent."""
