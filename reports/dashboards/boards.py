"""The dashboards drawn from the roll-ups, kept in the cache until the worker makes them again.

A dashboard of the country or of a province read from the roll-ups (selectors.head_dashboard)
is the same for everyone who may see that scope, and stays the same until the next refresh
(every 5 minutes, reports.tasks). The first request after a refresh reads the roll-ups (seven
queries); the next ones, whoever makes them, take the board from the cache (one round trip, no
query: the board holds the time its figures are as of).

Each refresh writes a new *generation* on the roll-ups' state row, in the transaction that
writes the rows (DashboardRollupState.generation); a board is cached under that generation and its
scope, so the refresh is the only invalidation needed, and a request that reads the state sees
the generation of the rows it reads: a board is never cached under rows it was not drawn from (a
refresh still uncommitted, or rolled back, leaves the previous boards in use), and a cache of one
process is as right as a shared one. The cache down: the dashboard reads the roll-ups on every
request, as before.
"""

import logging

from django.core.cache import cache

logger = logging.getLogger(__name__)

# Longer than the refresh interval; a board of an older generation is never read again anyway.
TIMEOUT = 30 * 60


def _key(generation: str, scope) -> str:
    return (
        f"dashboards:board:{generation}:{scope.prefix}:{scope.year}:{scope.plan_id}:{int(scope.latest_year)}"
    )


def key_for(scope, state) -> str:
    """The cache key of ``scope``'s board (before the board settles its year) drawn from the
    roll-ups of ``state``."""
    return _key(state.generation.hex, scope)


def get(key: str | None):
    """(board, year) cached under ``key``, or None."""
    if key is None:
        return None
    try:
        return cache.get(key)
    except Exception:
        logger.warning("dashboards: cache unreachable, reading the roll-ups", exc_info=True)
        return None


def put(key: str | None, board, year: int | None) -> None:
    if key is None:
        return
    try:
        cache.set(key, (board, year), TIMEOUT)
    except Exception:
        logger.warning("dashboards: could not cache a board", exc_info=True)
