"""Reports, automatic hiding, moderators' decisions and suspensions. Every decision is logged
with its reason; the reason is shown to the author of the post."""

from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from forums.models import (
    Comment,
    ModerationAction,
    Report,
    Suspension,
    Topic,
    Visibility,
)
from forums.services import ForumError
from forums.services.topics import ensure_may_take_part, forum_settings
from workforce.models import Kelurahan, Sector, Unit

Kind = ModerationAction.Kind


def _auto_hide_reason() -> str:
    return _("Hidden automatically after several reports, until a moderator decides.")


@transaction.atomic
def report_create(
    *, topic: Topic, comment: Comment | None = None, reporter, reason: str, note: str = "",
    address: str,
) -> Report:  # fmt: skip
    """Report a topic or a comment. At N open reports (ForumSettings) it is hidden until a
    moderator decides; the same user reporting twice is refused."""
    if comment is not None and comment.topic_id != topic.pk:
        raise ForumError(_("This comment is not on this topic."))
    target = comment or topic
    if target.author_id == reporter.pk:
        raise ForumError(_("You cannot report your own post."))
    if reason not in Report.Reason.values:
        raise ForumError(_("Choose a reason."))
    ensure_may_take_part(reporter, action="report", address=address)
    report = Report(topic=topic, comment=comment, reporter=reporter, reason=reason, note=note)
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError as exc:
        raise ForumError(_("You have already reported this.")) from exc
    model = Comment if comment is not None else Topic
    model.objects.filter(pk=target.pk).update(open_report_count=F("open_report_count") + 1)
    threshold = forum_settings().auto_hide_reports
    hidden = model.objects.filter(
        pk=target.pk, visibility=Visibility.PUBLIC, open_report_count__gte=threshold
    ).update(visibility=Visibility.HIDDEN, moderation_reason=_auto_hide_reason())
    if hidden:
        ModerationAction.objects.create(
            kind=Kind.AUTO_HIDE,
            topic=topic,
            comment=comment,
            target_user_id=target.author_id,
            reason=_auto_hide_reason(),
        )
    return report


def _require_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ForumError(_("Give a reason: the author will see it."))
    return reason[:300]


def _close_reports(*, topic: Topic, comment: Comment | None, status: str) -> None:
    reports = Report.objects.filter(topic=topic, status=Report.Status.OPEN)
    reports = reports.filter(comment=comment) if comment else reports.filter(comment__isnull=True)
    reports.update(status=status, decided_at=timezone.now())
    model = Comment if comment is not None else Topic
    model.objects.filter(pk=(comment or topic).pk).update(open_report_count=0)


@transaction.atomic
def topic_moderate(*, topic: Topic, moderator, kind: str, reason: str) -> ModerationAction:
    """Hide, publish again, lock, unlock or move to the grievance track."""
    reason = _require_reason(reason)
    changes = {
        Kind.HIDE: {"visibility": Visibility.HIDDEN, "moderation_reason": reason},
        Kind.UNHIDE: {"visibility": Visibility.PUBLIC, "moderation_reason": ""},
        Kind.GRIEVANCE: {"visibility": Visibility.GRIEVANCE, "moderation_reason": reason},
        Kind.LOCK: {"is_locked": True, "moderation_reason": reason},
        Kind.UNLOCK: {"is_locked": False},
        Kind.DISMISS: {},
    }
    if kind not in changes:
        raise ForumError(_("Unknown moderation action."))
    Topic.objects.filter(pk=topic.pk).update(**changes[kind])
    if kind in {Kind.HIDE, Kind.GRIEVANCE}:
        _close_reports(topic=topic, comment=None, status=Report.Status.UPHELD)
    elif kind in {Kind.UNHIDE, Kind.DISMISS}:
        _close_reports(topic=topic, comment=None, status=Report.Status.DISMISSED)
    topic.refresh_from_db()
    return ModerationAction.objects.create(
        kind=kind, topic=topic, target_user_id=topic.author_id, moderator=moderator, reason=reason
    )


@transaction.atomic
def comment_moderate(*, comment: Comment, moderator, kind: str, reason: str) -> ModerationAction:
    reason = _require_reason(reason)
    if kind == Kind.HIDE:
        values = {"visibility": Visibility.HIDDEN, "moderation_reason": reason}
        closing = Report.Status.UPHELD
    elif kind in {Kind.UNHIDE, Kind.DISMISS}:
        values = {"visibility": Visibility.PUBLIC, "moderation_reason": ""}
        closing = Report.Status.DISMISSED
    else:
        raise ForumError(_("Unknown moderation action."))
    Comment.objects.filter(pk=comment.pk).update(**values)
    _close_reports(topic=comment.topic, comment=comment, status=closing)
    return ModerationAction.objects.create(
        kind=kind,
        topic_id=comment.topic_id,
        comment=comment,
        target_user_id=comment.author_id,
        moderator=moderator,
        reason=reason,
    )


@transaction.atomic
def topic_retag(
    *, topic: Topic, moderator, sector: Sector, kelurahan: Kelurahan, unit: Unit | None,
    reason: str,
) -> ModerationAction:  # fmt: skip
    reason = _require_reason(reason)
    if unit is not None and unit.sector_id != sector.pk:
        raise ForumError(_("The unit %(unit)s is not in this sector.") % {"unit": unit})
    Topic.objects.filter(pk=topic.pk).update(sector=sector, kelurahan=kelurahan, unit=unit)
    return ModerationAction.objects.create(
        kind=Kind.RETAG,
        topic=topic,
        target_user_id=topic.author_id,
        moderator=moderator,
        reason=reason,
    )


@transaction.atomic
def user_suspend(*, user, moderator, reason: str, until: datetime | None) -> Suspension:
    reason = _require_reason(reason)
    if user.pk == moderator.pk:
        raise ForumError(_("You cannot suspend yourself."))
    if until is not None and until <= timezone.now():
        raise ForumError(_("The end of the suspension must be in the future."))
    suspension = Suspension.objects.create(
        user=user, reason=reason, until=until, created_by=moderator
    )
    ModerationAction.objects.create(
        kind=Kind.SUSPEND, target_user=user, moderator=moderator, reason=reason
    )
    return suspension


@transaction.atomic
def user_unsuspend(*, user, moderator, reason: str) -> int:
    reason = _require_reason(reason)
    lifted = Suspension.objects.filter(user=user, lifted_at__isnull=True).update(
        lifted_at=timezone.now()
    )
    ModerationAction.objects.create(
        kind=Kind.UNSUSPEND, target_user=user, moderator=moderator, reason=reason
    )
    return lifted
