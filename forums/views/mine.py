"""A person's own forum page: their topics and the answers they got, the topics they follow, their
discussion sessions and satisfaction surveys. Residents land here after signing in."""

from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from accounts.roles import Role, has_role
from forums.selectors.mine import my_forum

# When the person last opened this page, on this device: a signed cookie ("user id:microseconds
# since 1970"), so "new replies since your last visit" needs no write to the database on every
# visit. Microseconds, not seconds: a reply in the same second as the visit is counted once.
SEEN_COOKIE = "forums_mine_seen"
SEEN_SALT = "forums.mine.seen"
SEEN_MAX_AGE = 60 * 60 * 24 * 365
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def seen_value(user, moment: datetime) -> str:
    return f"{user.pk}:{(moment - EPOCH) // timedelta(microseconds=1)}"


def _last_seen(request) -> datetime | None:
    value = request.get_signed_cookie(SEEN_COOKIE, default="", salt=SEEN_SALT)
    user_pk, _sep, stamp = value.partition(":")
    if user_pk != str(request.user.pk) or not stamp.isdigit() or len(stamp) > 17:
        return None  # no earlier visit, another person's cookie, or not one of ours
    return EPOCH + timedelta(microseconds=int(stamp))


@never_cache
@login_required
@require_GET
def my_topics(request):
    now = timezone.now()  # before the reads: a reply posted while they run counts next time
    since = _last_seen(request)
    page = my_forum(request.user, page=request.GET.get("page"), since=since)
    context = {"mine": page, "is_resident": has_role(request.user, Role.RESIDENT)}
    response = render(request, "forums/my_topics.html", context)
    if request.GET.get("page", "1") != "1":
        return response  # a later page: what is new is marked on the first one, the newest first
    response.set_signed_cookie(
        SEEN_COOKIE,
        seen_value(request.user, now),
        salt=SEEN_SALT,
        max_age=SEEN_MAX_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    return response
