"""The forums' personal data (UU 27/2022 PDP): what residents posted, supported, followed and
answered. On a deletion request their posts stay (others replied to them) but are no longer
linked to them; supports, follows, registrations and e-mail records are deleted. Registered in
ForumsConfig.ready()."""

import secrets

from django.contrib.auth import get_user_model
from django.db.models import F
from django.db.models.functions import Greatest
from django.utils.translation import gettext as _

from accounts.dataprotection import Category
from core import audit, personaldata
from core.personaldata import Erasure, Export, declare
from forums.models import (
    Comment,
    DigestDelivery,
    DiscussionSession,
    Follow,
    IkmResponse,
    ModerationAction,
    Notification,
    Report,
    SessionRegistration,
    StatusChange,
    Support,
    Suspension,
    Topic,
)

STAFF_RECORD = "A record of the moderators' and officials' work: kept with the discussion."


def register() -> None:
    for model, subject, fields, erasure in (
        (Topic, "author", ("author", "photo"), Erasure.ANONYMISED),
        (Comment, "author", ("author",), Erasure.ANONYMISED),
        (IkmResponse, "respondent", ("respondent",), Erasure.ANONYMISED),
        (Report, "reporter", ("reporter",), Erasure.ANONYMISED),
        (ModerationAction, "target_user", ("target_user", "moderator"), Erasure.ANONYMISED),
        (Suspension, "user", ("user", "created_by"), Erasure.ANONYMISED),
        (Support, "user", ("user",), Erasure.DELETED),
        (Follow, "user", ("user",), Erasure.DELETED),
        (SessionRegistration, "user", ("user",), Erasure.DELETED),
        (Notification, "user", ("user",), Erasure.DELETED),
        (DigestDelivery, "user", ("user",), Erasure.DELETED),
    ):
        declare(model, subject=subject, fields=fields, erasure=erasure)
    declare(
        StatusChange,
        subject="changed_by",
        fields=("changed_by",),
        erasure=Erasure.KEPT,
        note=STAFF_RECORD,
    )
    declare(
        DiscussionSession,
        subject="created_by",
        fields=("created_by",),
        erasure=Erasure.KEPT,
        note=STAFF_RECORD,
    )
    for model in (Topic, Comment, IkmResponse):
        audit.register(model)
    personaldata.register_export("forums", export, order=20)
    personaldata.register_summary(summary, order=20)
    personaldata.register_eraser(erase, order=30)
    personaldata.register_restrictable(lambda user: [(Category.FORUMS, None)], order=20)


# Copies the portal derives from the text (the HTML pages show, the search document): the
# person's data is the text itself, exported once.
DERIVED = ("body_html", "search_vector")


def export(export: Export) -> dict:
    user = export.user
    topics = [
        export.record(
            topic,
            exclude=DERIVED,
            extra={"photo": export.attach(topic.photo, f"files/forums/topic-{topic.pk}.jpg")},
        )
        for topic in Topic.objects.filter(author=user).order_by("created_at")
    ]
    return {
        "topics": topics,
        # Only the person's own comments; replies by others on their topics are not theirs.
        "comments": [
            export.record(c, exclude=DERIVED) for c in Comment.objects.filter(author=user)
        ],
        "supports": [export.record(s) for s in Support.objects.filter(user=user)],
        "follows": [export.record(f) for f in Follow.objects.filter(user=user)],
        "session_registrations": [
            export.record(r, extra={"session": str(r.session)})
            for r in SessionRegistration.objects.filter(user=user).select_related("session")
        ],
        "ikm_responses": [
            export.record(r, extra={"unit": str(r.unit), "period_name": str(r.period)})
            for r in IkmResponse.objects.filter(respondent=user).select_related("unit", "period")
        ],
        "reports_filed": [export.record(r) for r in Report.objects.filter(reporter=user)],
        "moderation_actions_about_you": [
            export.record(a) for a in ModerationAction.objects.filter(target_user=user)
        ],
        "suspensions": [export.record(s) for s in Suspension.objects.filter(user=user)],
    }


def summary(user) -> list[dict]:
    return [
        {"label": _("Forum topics"), "count": Topic.objects.filter(author=user).count()},
        {"label": _("Forum comments"), "count": Comment.objects.filter(author=user).count()},
        {
            "label": _("Satisfaction-survey (IKM) answers"),
            "count": IkmResponse.objects.filter(respondent=user).count(),
        },
    ]


def erase(*, user, report, now) -> None:
    topics = Topic.objects.filter(author=user)
    comments = Comment.objects.filter(author=user)
    responses = IkmResponse.objects.filter(respondent=user)
    reports = Report.objects.filter(reporter=user)
    actions = ModerationAction.objects.filter(target_user=user)
    suspensions = Suspension.objects.filter(user=user)
    anonymise = [topics, comments, responses, reports, actions, suspensions]
    if any(qs.exists() for qs in anonymise):
        stand_in = _stand_in_user()
        # The logged author links would still tie the anonymised records to the person.
        for model, records, fields in (
            (Topic, topics, ("author", "photo")),
            (Comment, comments, ("author",)),
            (IkmResponse, responses, ("respondent",)),
        ):
            report.forget += [(model, pk, fields) for pk in records.values_list("pk", flat=True)]
        photos = list(
            topics.exclude(photo="").exclude(photo__isnull=True).values_list("photo", flat=True)
        )
        n_topics = topics.update(author=stand_in, photo=None)
        personaldata.delete_files_on_commit(photos)
        n_comments = comments.update(author=stand_in)
        n_responses = responses.update(respondent=stand_in)
        reports.update(reporter=stand_in)
        actions.update(target_user=stand_in)
        suspensions.update(user=stand_in)
        report.deleted.append(
            _(
                "forums: %(topics)d topics (%(photos)d photos deleted), %(comments)d comments "
                "and %(responses)d survey answers are no longer linked to you (shown as a "
                "former participant); the texts stay because others replied to them"
            )
            % {
                "topics": n_topics,
                "photos": len(photos),
                "comments": n_comments,
                "responses": n_responses,
            }
        )
    supports = Support.objects.filter(user=user)
    supported = list(supports.values_list("topic_id", flat=True))
    if supported:
        Topic.objects.filter(pk__in=supported).update(
            support_count=Greatest(F("support_count") - 1, 0)
        )
    removed = supports.delete()[0]
    removed += Follow.objects.filter(user=user).delete()[0]
    removed += SessionRegistration.objects.filter(user=user).delete()[0]
    removed += Notification.objects.filter(user=user).delete()[0]
    removed += DigestDelivery.objects.filter(user=user).delete()[0]
    if removed:
        report.deleted.append(
            _("forums: %(count)d supports, follows, registrations and e-mail records")
            % {"count": removed}
        )


def _stand_in_user():
    """A fresh, inactive account that takes over a person's forum records, so the public
    discussion stays readable while no longer pointing at them."""
    stand_in = get_user_model()(
        email=f"former-{secrets.token_hex(8)}@deleted.invalid",
        full_name=str(_("Former participant")),
        is_active=False,
    )
    stand_in.set_unusable_password()
    stand_in.full_clean(exclude=["password"])
    stand_in.save()
    return stand_in
