from core.search import *  # noqa: F401,F403  shim: moved to core.search
