from django.conf import settings
from django.utils import translation


class PreferredLanguageMiddleware:
    """A signed-in user who has not picked a language in this browser gets the one saved on their
    account. Sits after AuthenticationMiddleware; the language cookie, once set, always wins."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and settings.LANGUAGE_COOKIE_NAME not in request.COOKIES
            and user.preferred_language
            and user.preferred_language != request.LANGUAGE_CODE
        ):
            translation.activate(user.preferred_language)
            request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)
