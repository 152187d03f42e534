from ..checklist.import_export import *  # noqa: F401,F403  shim: moved to inspections.checklist.import_export
