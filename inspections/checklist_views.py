from .checklist.views import *  # noqa: F401,F403  shim: moved to inspections.checklist.views
