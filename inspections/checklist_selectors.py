from .checklist.selectors import *  # noqa: F401,F403  shim: moved to inspections.checklist.selectors
