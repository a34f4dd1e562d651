"""What waits for HR in workforce planning, for the Today page (accounts.today): proposals sent
for a decision and the drafts this person left unsent. One query per section."""

from django.db.models import Count, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import ngettext

from accounts.today import PROVIDER_CAP, Task
from workforce.models import FormationProposal


def _proposal_tasks(queryset, *, since_field: str) -> list[Task]:
    rows = list(
        queryset.select_related("planning_year")
        .annotate(item_count=Count("items"), people=Coalesce(Sum("items__count"), 0))
        .order_by(since_field, "pk")[:PROVIDER_CAP]
    )
    return [
        Task(
            label=proposal.title,
            url=proposal.get_absolute_url(),
            waiting_since=getattr(proposal, since_field),
            detail=ngettext(
                "Planning year %(year)s · %(count)s position, %(people)s people",
                "Planning year %(year)s · %(count)s positions, %(people)s people",
                proposal.item_count,
            )
            % {
                "year": proposal.planning_year.year,
                "count": proposal.item_count,
                "people": proposal.people,
            },
        )
        for proposal in rows
    ]


def today_proposals_to_decide(user) -> list[Task]:
    """Submitted proposals waiting for approval or rejection, the longest waiting first."""
    return _proposal_tasks(
        FormationProposal.objects.filter(status=FormationProposal.Status.SUBMITTED),
        since_field="submitted_at",
    )


def today_my_drafts(user) -> list[Task]:
    """Proposals this person started and has not sent yet."""
    return _proposal_tasks(
        FormationProposal.objects.filter(status=FormationProposal.Status.DRAFT, created_by=user),
        since_field="created_at",
    )
