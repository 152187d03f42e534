from ..checklist.evidence import *  # noqa: F401,F403  shim: moved to inspections.checklist.evidence
