"""One way to ask whether a user may do something: the ``rules`` predicates of each app.

Asked of the rules directly rather than ``user.has_perm``: Django grants a superuser every
permission, but a superuser administers; they do not inspect, review or decide. The access
helpers of each app call this; views never check permissions by hand.
"""

import rules
from django.core.exceptions import PermissionDenied


def can(user, perm: str, obj=None) -> bool:
    """Whether ``user`` holds ``perm`` (on ``obj``) by the rules of the apps' ``rules.py``."""
    return rules.has_perm(perm, user, obj)


def require(user, perm: str, obj=None) -> None:
    """Raise PermissionDenied (403) unless ``user`` holds ``perm`` (on ``obj``).

    For the access helpers of each app: a page that needs no particular object (a list, a
    creation form) asks it through them; object pages get the object from a get_<thing>_for_user.
    """
    if not can(user, perm, obj):
        raise PermissionDenied
