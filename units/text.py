from core.text import fold  # noqa: F401  shim: moved to core.text
