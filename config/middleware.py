"""Vietnamese first: the interface follows the user's explicit choice, not the browser's."""


class VietnameseFirstMiddleware:
    """Drop the browser's Accept-Language so LocaleMiddleware falls back to LANGUAGE_CODE ("vi").

    Many phones in commune offices are set to English; our users still read Vietnamese. English
    stays one click away: the language switcher sets the language cookie, which LocaleMiddleware
    honours before anything else.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)
