"""Topics, comments, supports, follows, official answers and the status history.

Counters on the topic (supports, comments) move with conditional `UPDATE ... SET n = n + 1` in the
same transaction as the row they count, so lists sort without counting and two clicks at once
count once (the unique constraint refuses the second row).
"""

from dataclasses import dataclass
from datetime import date

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import dataprotection
from core import outbox, photos
from core.ratelimit import RateLimited
from core.uploads import UploadRejected
from forums import tasks
from forums.access import active_suspension, has_verified_email
from forums.limits import check_rate
from forums.models import (
    Comment,
    Follow,
    ForumSettings,
    StatusChange,
    Support,
    Topic,
    Visibility,
)
from forums.services import ForumError
from workforce.models import Kelurahan, Sector, Unit

Status = Topic.Status
STATUS_ORDER = [Status.RECEIVED, Status.UNDER_REVIEW, Status.ANSWERED, Status.ACTED_UPON]


def forum_settings() -> ForumSettings:
    settings, _created = ForumSettings.objects.get_or_create(pk=1)
    return settings


# Taking part in public rests on the person's consent (privacy notice, purpose "forum"); a report
# of abuse and the IKM survey rest on the public task and need none.
CONSENT_ACTIONS = frozenset({"topic", "comment", "support"})


class ForumConsentRequired(ForumError):
    pass


def forum_consent_give(*, user) -> None:
    """The person agreed to the privacy notice for the forums (the privacy app records it with
    the notice's version)."""
    dataprotection.consent_given.send(sender=Topic, user=user, purpose=dataprotection.Purpose.FORUM)


def needs_forum_consent(user) -> bool:
    """True for a signed-in person who has not agreed to the current privacy notice for the
    forums (never agreed, withdrew, or the notice has a new version since)."""
    return bool(getattr(user, "is_authenticated", False)) and not (
        dataprotection.has_current_consent(user, dataprotection.Purpose.FORUM)
    )


def ensure_not_restricted(user) -> None:
    """A person who asked for their forum records to be restricted (UU PDP) takes no part."""
    if dataprotection.is_restricted(user, dataprotection.Category.FORUMS):
        raise ForumError(dataprotection.restricted_message())


def ensure_may_take_part(user, *, action: str, address: str, consent_given: bool = False) -> None:
    """Verified e-mail, not restricted (UU PDP), consent to the current privacy notice where the
    action rests on it, not suspended, within the rate limits: else ForumError. With
    `consent_given` (the box ticked in the same form) the consent is recorded first."""
    if not has_verified_email(user):
        raise ForumError(_("Verify your e-mail address before you take part in the forums."))
    ensure_not_restricted(user)
    if action in CONSENT_ACTIONS:
        if consent_given:
            forum_consent_give(user=user)
        elif needs_forum_consent(user):
            raise ForumConsentRequired(
                _(
                    "Before you take part in the forums, read the privacy notice and agree to "
                    "it (a new version asks again)."
                )
            )
    suspension = active_suspension(user)
    if suspension is not None:
        raise ForumError(
            _("Your account may not take part in the forums for now: %(reason)s")
            % {"reason": suspension.reason}
        )
    try:
        check_rate(action, user_id=user.pk, address=address)
    except RateLimited as exc:
        minutes = max(1, -(-exc.retry_after // 60))
        raise ForumError(
            _("You are doing this too often. Please try again in %(minutes)s minutes.")
            % {"minutes": minutes}
        ) from exc


def _clean_text(value: str, *, limit: int, what: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ForumError(_("The %(what)s is empty. Write something first.") % {"what": what})
    if len(value) > limit:
        raise ForumError(
            _("The %(what)s is %(length)s characters long; the limit is %(limit)s.")
            % {"what": what, "length": len(value), "limit": limit}
        )
    return value


def _check_tags(sector: Sector, kelurahan: Kelurahan, unit: Unit | None) -> None:
    if unit is not None and unit.sector_id != sector.pk:
        raise ForumError(_("The unit %(unit)s is not in this sector.") % {"unit": unit})


# The largest topic photo kept, in pixels (a portal default): enough to see a broken road or a
# notice board on any screen. A bigger photo is scaled down, never refused for its size.
PHOTO_MAX_WIDTH = PHOTO_MAX_HEIGHT = 1600
READ_CHUNK = 64 * 1024


class PhotoRejected(ForumError):
    """The photo is refused; the rest of the topic is not saved either."""


def check_photo(uploaded_file, settings: ForumSettings) -> photos.PreparedPhoto:
    """The photo checked and made to fit (core.photos: upright, at most PHOTO_MAX_WIDTH ×
    PHOTO_MAX_HEIGHT and the forum's byte limit, without its location), or PhotoRejected.

    Runs before any write, so a refused photo leaves nothing behind."""
    # The view keeps at most RAW_MAX_BYTES of an upload; a larger one arrives as an empty
    # stand-in that carries its real size.
    declared = getattr(uploaded_file, "size", None)
    if declared and declared > photos.RAW_MAX_BYTES:
        raise PhotoRejected(photos.too_large(declared).message)
    if hasattr(uploaded_file, "seek"):
        uploaded_file.seek(0)
    buffer = bytearray()
    while len(buffer) <= photos.RAW_MAX_BYTES:
        chunk = uploaded_file.read(READ_CHUNK)
        if not chunk:
            break
        buffer += chunk
    if len(buffer) > photos.RAW_MAX_BYTES:
        raise PhotoRejected(photos.too_large(None).message)
    if not buffer:
        raise PhotoRejected(_("The photo is empty. Choose the file again."))
    rules = photos.PhotoRules(
        max_bytes=settings.photo_max_kb * 1024,
        max_width=PHOTO_MAX_WIDTH,
        max_height=PHOTO_MAX_HEIGHT,
    )
    try:
        return photos.photo_prepare(bytes(buffer), rules)
    except UploadRejected as refusal:
        raise PhotoRejected(refusal.message) from None


def _attach_photo(
    topic: Topic, photo: photos.PreparedPhoto | None, *, remove: bool = False
) -> bool:
    """Put the checked photo on the topic under a new server-generated name (or take it off);
    the old file is deleted once the transaction commits. True when a new file was written.
    The topic carries `photo_summary` (what was done to the photo, for the author; "" when no
    photo was sent)."""
    topic.photo_summary = photo.summary() if photo is not None else ""
    old_name = topic.photo.name if topic.photo else ""
    if photo is not None:
        topic.photo.save("photo.jpg", ContentFile(photo.data), save=False)  # name from upload_to
    elif remove:
        topic.photo = None
    else:
        return False
    if old_name:
        storage = Topic._meta.get_field("photo").storage
        transaction.on_commit(lambda: storage.delete(old_name))
    return photo is not None


def _save_with_photo(topic: Topic, *, new_photo: bool) -> None:
    """Save the row; when that fails, the file just written goes too (no row, no file)."""
    try:
        topic.full_clean()
        topic.save()
    except Exception:
        if new_photo and topic.photo:
            topic.photo.storage.delete(topic.photo.name)  # no row, no file
        raise


def _on_commit_notify(event: str, object_id: int) -> None:
    """Tell the topic's followers once the change commits (through the outbox)."""
    outbox.dispatch(tasks.notify_followers, event, object_id)


@transaction.atomic
def topic_create(
    *,
    author,
    title: str,
    body: str,
    sector: Sector,
    kelurahan: Kelurahan,
    unit: Unit | None = None,
    names_employee: bool = False,
    address: str,
    photo=None,
    consent_given: bool = False,
) -> Topic:
    """Post a topic. One that names an individual employee goes to the non-public grievance
    track, for the moderators and HR only. `photo` is an optional uploaded file: checked and
    made to fit as a JPEG (the topic's `photo_summary` says how), or the whole post is refused
    with PhotoRejected."""
    settings = forum_settings()
    title = _clean_text(title, limit=settings.title_max_length, what=_("title"))
    body = _clean_text(body, limit=settings.body_max_length, what=_("text"))
    _check_tags(sector, kelurahan, unit)
    checked_photo = check_photo(photo, settings) if photo is not None else None
    ensure_may_take_part(author, action="topic", address=address, consent_given=consent_given)
    topic = Topic(
        title=title,
        body=body,
        author=author,
        sector=sector,
        kelurahan=kelurahan,
        unit=unit,
        visibility=Visibility.GRIEVANCE if names_employee else Visibility.PUBLIC,
        moderation_reason=(
            _("Posts about an individual employee are handled as a grievance, not in public.")
            if names_employee
            else ""
        ),
    )
    new_photo = _attach_photo(topic, checked_photo)
    _save_with_photo(topic, new_photo=new_photo)
    Follow.objects.create(topic=topic, user=author)
    return topic


@transaction.atomic
def topic_edit(
    *,
    topic: Topic,
    user,
    title: str,
    body: str,
    sector: Sector,
    kelurahan: Kelurahan,
    unit: Unit | None = None,
    photo=None,
    remove_photo: bool = False,
) -> Topic:
    """The author's edit. A new `photo` replaces the old one; `remove_photo` takes it off."""
    if topic.author_id != user.pk:
        raise ForumError(_("Only the author can edit a topic."))
    ensure_not_restricted(user)
    if topic.is_locked:
        raise ForumError(_("This topic is locked and can no longer be edited."))
    settings = forum_settings()
    topic.title = _clean_text(title, limit=settings.title_max_length, what=_("title"))
    topic.body = _clean_text(body, limit=settings.body_max_length, what=_("text"))
    _check_tags(sector, kelurahan, unit)
    checked_photo = check_photo(photo, settings) if photo is not None else None
    topic.sector, topic.kelurahan, topic.unit = sector, kelurahan, unit
    topic.updated_at = timezone.now()
    new_photo = _attach_photo(topic, checked_photo, remove=remove_photo)
    _save_with_photo(topic, new_photo=new_photo)
    return topic


def _ensure_open_for_replies(topic: Topic) -> None:
    if topic.is_locked:
        raise ForumError(_("This topic is locked: no new replies."))
    if topic.visibility != Visibility.PUBLIC:
        raise ForumError(_("This topic is not public: no new replies."))


@transaction.atomic
def comment_create(
    *, topic: Topic, author, body: str, address: str, consent_given: bool = False
) -> Comment:
    settings = forum_settings()
    body = _clean_text(body, limit=settings.comment_max_length, what=_("comment"))
    _ensure_open_for_replies(topic)
    ensure_may_take_part(author, action="comment", address=address, consent_given=consent_given)
    comment = Comment(topic=topic, author=author, body=body)
    comment.full_clean()
    comment.save()
    Topic.objects.filter(pk=topic.pk).update(
        comment_count=F("comment_count") + 1, last_activity_at=comment.created_at
    )
    Follow.objects.get_or_create(topic=topic, user=author)
    _on_commit_notify("comment", comment.pk)
    return comment


@transaction.atomic
def official_answer_create(*, topic: Topic, author, body: str) -> Comment:
    """The institution's answer. The first one sets the time to first answer, and a topic not
    yet answered moves to "answered"."""
    settings = forum_settings()
    body = _clean_text(body, limit=settings.comment_max_length, what=_("answer"))
    if topic.visibility == Visibility.HIDDEN:
        raise ForumError(_("This topic is hidden: publish it again before answering."))
    answer = Comment(topic=topic, author=author, body=body, is_official=True)
    answer.full_clean()
    answer.save()
    Topic.objects.filter(pk=topic.pk).update(
        comment_count=F("comment_count") + 1, last_activity_at=answer.created_at
    )
    Topic.objects.filter(pk=topic.pk, first_answer_at__isnull=True).update(
        first_answer_at=answer.created_at
    )
    _on_commit_notify("official", answer.pk)
    topic.refresh_from_db()
    if STATUS_ORDER.index(topic.status) < STATUS_ORDER.index(Status.ANSWERED):
        topic_status_change(topic=topic, user=author, to_status=Status.ANSWERED, note="")
    return answer


@transaction.atomic
def topic_support(*, topic: Topic, user, address: str, consent_given: bool = False) -> bool:
    """Add the user's support; True when it is new. Supporting twice changes nothing."""
    if topic.visibility != Visibility.PUBLIC:
        raise ForumError(_("This topic is not public."))
    if topic.author_id == user.pk:
        raise ForumError(
            _("You cannot support your own topic: ask your neighbours to support it instead.")
        )
    if Support.objects.filter(topic=topic, user=user).exists():
        return False
    ensure_may_take_part(user, action="support", address=address, consent_given=consent_given)
    try:
        with transaction.atomic():
            Support.objects.create(topic=topic, user=user)
    except IntegrityError:  # the same click twice at once: the other one counted
        return False
    Topic.objects.filter(pk=topic.pk).update(support_count=F("support_count") + 1)
    return True


@transaction.atomic
def topic_unsupport(*, topic: Topic, user) -> bool:
    deleted, _detail = Support.objects.filter(topic=topic, user=user).delete()
    if deleted:
        Topic.objects.filter(pk=topic.pk, support_count__gt=0).update(
            support_count=F("support_count") - 1
        )
    return bool(deleted)


def topic_follow_set(*, topic: Topic, user, follow: bool) -> None:
    if follow:
        Follow.objects.get_or_create(topic=topic, user=user)
    else:
        Follow.objects.filter(topic=topic, user=user).delete()


@dataclass(frozen=True)
class Action:
    kind: str
    description: str
    url: str = ""
    done_on: date | None = None


@transaction.atomic
def topic_status_change(
    *, topic: Topic, user, to_status: str, note: str = "", action: Action | None = None
) -> StatusChange:
    """Move a topic forward: received → under review → answered → acted upon. "Acted upon"
    needs what was done and when. The conditional update refuses a change someone else made
    first."""
    if to_status not in STATUS_ORDER:
        raise ForumError(_("Unknown status."))
    if STATUS_ORDER.index(to_status) <= STATUS_ORDER.index(topic.status):
        raise ForumError(
            _("The status can only move forward, from %(current)s.")
            % {"current": topic.get_status_display()}
        )
    if to_status == Status.ACTED_UPON and (
        action is None or not action.kind or not action.description.strip() or not action.done_on
    ):
        raise ForumError(_("Say what was done, and when, before marking the topic acted upon."))
    change = StatusChange(
        topic=topic,
        from_status=topic.status,
        to_status=to_status,
        note=note.strip(),
        changed_by=user,
    )
    if action is not None and to_status == Status.ACTED_UPON:
        change.action_kind = action.kind
        change.action_description = action.description.strip()
        change.action_url = action.url.strip()
        change.action_date = action.done_on
    change.full_clean()
    updated = Topic.objects.filter(pk=topic.pk, status=topic.status).update(
        status=to_status, last_activity_at=change.changed_at
    )
    if not updated:
        raise ForumError(_("Someone changed this topic's status meanwhile. Reload the page."))
    change.save()
    topic.status = to_status
    _on_commit_notify("status", change.pk)
    return change
