"""The dashboards drawn from the roll-ups, kept in the cache until the worker makes them again.

A dashboard of the country or of a province read from the roll-ups (selectors.head_dashboard)
is the same for everyone who may see that scope, and stays the same until the next refresh
(every 5 minutes, reports.tasks). The first request after a refresh reads the roll-ups (seven
queries); the next ones, whoever makes them, take the board from the cache (one round trip, no
query: the board holds the time its figures are as of).

Each refresh draws a new *generation* (a random key the refresh puts in the cache once its rows
are committed); a board is cached under its generation and scope, so the refresh is the only
invalidation needed. No generation in the cache (never refreshed since the cache was emptied,
or the cache is down): the dashboard reads the roll-ups on every request, as before.
"""

import logging
import uuid

from django.core.cache import cache

logger = logging.getLogger(__name__)

GENERATION_KEY = "dashboards:rollups:generation"
# Longer than the refresh interval; a board of an older generation is never read again anyway.
TIMEOUT = 30 * 60


def new_generation() -> None:
    """Called by the refresh once its rows are written: boards drawn before are not read again."""
    try:
        cache.set(GENERATION_KEY, uuid.uuid4().hex, None)
    except Exception:  # a cache that is down must not fail the refresh: boards are read uncached
        logger.warning("dashboards: could not store the roll-ups' generation in the cache", exc_info=True)
        try:
            cache.delete(GENERATION_KEY)
        except Exception:
            logger.debug("dashboards: cache unreachable", exc_info=True)


def _key(generation: str, scope) -> str:
    return (
        f"dashboards:board:{generation}:{scope.prefix}:{scope.year}:{scope.plan_id}:{int(scope.latest_year)}"
    )


def key_for(scope) -> str | None:
    """The cache key of ``scope``'s board (before the board settles its year), None without a
    generation."""
    try:
        generation = cache.get(GENERATION_KEY)
    except Exception:
        logger.warning("dashboards: cache unreachable, reading the roll-ups", exc_info=True)
        return None
    return _key(generation, scope) if generation else None


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
