from .checklist.html import *  # noqa: F401,F403  shim: moved to inspections.checklist.html
from .checklist.page_html import *  # noqa: F401,F403  shim: moved to inspections.checklist.page_html
