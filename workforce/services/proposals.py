"""Formation proposals (usulan formasi): HR drafts and submits, the head of office decides.

Every status change is a conditional `UPDATE ... WHERE status = <expected>`, so two people (or
two clicks) acting on the same proposal at once cannot both succeed: the second finds no row to
update and gets a ProposalError, and nothing is written.
"""

from collections.abc import Iterable
from typing import NamedTuple

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from workforce.models import FormationProposal, PlanningYear, Position, ProposalItem

Status = FormationProposal.Status


class ProposalError(Exception):
    """The proposal cannot make this change: wrong status, or items that break a rule."""


class ProposalItemInput(NamedTuple):
    position: Position
    asn_type: str
    count: int
    justification: str


def _clean_items(items: Iterable[ProposalItemInput | tuple]) -> list[ProposalItemInput]:
    cleaned = [ProposalItemInput(*item) for item in items]
    if not cleaned:
        raise ProposalError(_("A proposal needs at least one position."))
    seen = set()
    for item in cleaned:
        if item.count is None or item.count < 1:
            raise ProposalError(
                _("The number proposed for %(position)s must be at least 1.")
                % {"position": item.position}
            )
        if not item.justification.strip():
            raise ProposalError(
                _("The proposal for %(position)s needs a justification.")
                % {"position": item.position}
            )
        key = (item.position.pk, item.asn_type)
        if key in seen:
            raise ProposalError(
                _("%(position)s is proposed more than once as %(asn_type)s.")
                % {"position": item.position, "asn_type": item.asn_type}
            )
        seen.add(key)
    return cleaned


def _items_replace(proposal: FormationProposal, items: list[ProposalItemInput]) -> None:
    proposal.items.all().delete()
    objects = [
        ProposalItem(
            proposal=proposal,
            position=item.position,
            asn_type=item.asn_type,
            count=item.count,
            justification=item.justification.strip(),
        )
        for item in items
    ]
    for obj in objects:
        # The unique (proposal, position, asn_type) rule was checked above and is held by the
        # database; skipping it here saves a query per item.
        obj.full_clean(exclude=["proposal"], validate_constraints=False)
    ProposalItem.objects.bulk_create(objects)


def _transition(
    proposal: FormationProposal, *, expected: Status, refusal: str, **changes
) -> FormationProposal:
    """Apply `changes` only if the row still has the expected status; else ProposalError with
    `refusal` (which may use %(status)s, the status the proposal really has)."""
    for name, value in changes.items():
        setattr(proposal, name, value)
    proposal.full_clean()
    claimed = FormationProposal.objects.filter(pk=proposal.pk, status=expected).update(**changes)
    if claimed != 1:
        proposal.refresh_from_db()
        raise ProposalError(refusal % {"status": proposal.get_status_display()})
    return proposal


@transaction.atomic
def proposal_create(
    *,
    planning_year: PlanningYear,
    title: str,
    items: Iterable[ProposalItemInput | tuple],
    user,
) -> FormationProposal:
    """A new draft with its items; items are (position, asn_type, count, justification)."""
    cleaned = _clean_items(items)
    proposal = FormationProposal(
        planning_year=planning_year, title=title.strip(), status=Status.DRAFT, created_by=user
    )
    proposal.full_clean()
    proposal.save()
    _items_replace(proposal, cleaned)
    return proposal


@transaction.atomic
def proposal_update_items(
    *,
    proposal: FormationProposal,
    items: Iterable[ProposalItemInput | tuple],
    title: str | None = None,
) -> FormationProposal:
    """Replace a draft's items (and its title, when given). Refused once it is submitted."""
    cleaned = _clean_items(items)
    if title is not None:
        proposal.title = title.strip()
    proposal.full_clean()
    # Claiming the row with a conditional UPDATE also locks it until commit, so a submit that
    # arrives meanwhile waits and then submits the new items, never a half-written set.
    claimed = FormationProposal.objects.filter(pk=proposal.pk, status=Status.DRAFT).update(
        title=proposal.title
    )
    if claimed != 1:
        proposal.refresh_from_db()
        raise ProposalError(
            _("Only a draft can be changed; this proposal is now: %(status)s.")
            % {"status": proposal.get_status_display()}
        )
    _items_replace(proposal, cleaned)
    return proposal


@transaction.atomic
def proposal_submit(*, proposal: FormationProposal, user) -> FormationProposal:
    """Draft -> submitted, recording who and when."""
    return _transition(
        proposal,
        expected=Status.DRAFT,
        refusal=_("Only a draft can be submitted; this proposal is now: %(status)s."),
        status=Status.SUBMITTED,
        submitted_by=user,
        submitted_at=timezone.now(),
    )


@transaction.atomic
def proposal_decide(
    *, proposal: FormationProposal, user, approve: bool, note: str
) -> FormationProposal:
    """Submitted -> approved or rejected, recording who, when and why. A rejection needs a
    note, so HR knows what to change."""
    note = note.strip()
    if not approve and not note:
        raise ProposalError(_("A rejection needs a note explaining why."))
    return _transition(
        proposal,
        expected=Status.SUBMITTED,
        refusal=_(
            "Only a submitted proposal can be approved or rejected; this proposal is now: "
            "%(status)s."
        ),
        status=Status.APPROVED if approve else Status.REJECTED,
        decided_by=user,
        decided_at=timezone.now(),
        decision_note=note,
    )
