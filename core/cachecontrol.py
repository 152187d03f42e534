"""Pages and downloads of a signed-in user are never stored by a browser or a proxy.

A shared computer in a commune office keeps nothing of an inspection in its disk cache after the
user logs out: every response to a signed-in user gets ``Cache-Control: private, no-store``
unless its view set a Cache-Control of its own. Static files never get here (WhiteNoise answers
them earlier, with their year-long cache), nor do anonymous pages.
"""

from django.utils.cache import patch_cache_control


class PrivateNoStoreMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not response.has_header("Cache-Control"):
            patch_cache_control(response, private=True, no_store=True)
        return response
