"""Reads for the help pages: what an applicant needs to know about one selection period, from
that period's own data (its document slots, dates, appeal window and contact point) and the
codes of docs/domain.md 1.4-1.9."""

from dataclasses import dataclass

from django.db.models import Count, Q
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _

from recruitment.models import (
    AdminResult,
    Announcement,
    Appeal,
    Application,
    DocumentRequirement,
    FinalCode,
    SelectionPeriod,
    SkdCode,
)
from recruitment.rules import AppealWindow, window_of
from recruitment.selectors.announcements import stage_kinds
from recruitment.selectors.documents import is_photo_slot


@dataclass(frozen=True)
class SlotHelp:
    """A document slot of the period and how many of its published formations require it."""

    requirement: DocumentRequirement
    required_by: int
    formations: int

    @property
    def is_photo(self) -> bool:
        """A photo slot takes any phone photo and shrinks it (core.photos)."""
        return is_photo_slot(self.requirement)

    @property
    def need(self) -> str:
        """ "all": every vacancy asks for it; "some": some do; "none": optional everywhere."""
        if self.formations and self.required_by >= self.formations:
            return "all"
        return "some" if self.required_by else "none"


@dataclass(frozen=True)
class Code:
    code: str
    label: str
    meaning: str = ""


@dataclass(frozen=True)
class PeriodHelp:
    period: SelectionPeriod
    slots: list[SlotHelp]
    formations: int
    stages: list[tuple[str, str, object]]  # (kind, label, published_at or None)
    window: AppealWindow | None
    statuses: list[Code]
    admin_codes: list[Code]
    appeal_codes: list[Code]
    skd_codes: list[Code]
    final_codes: list[Code]


# What a few codes mean beyond their label, in the words an applicant needs.
STATUS_MEANINGS = {
    Application.Status.DRAFT: _(
        "You can still upload and replace documents. Nothing is sent until you finalise."
    ),
    Application.Status.SUBMITTED: _(
        "Finalised: nothing can change any more. Download your registration card and wait for "
        "the administrative result."
    ),
    Application.Status.WITHDRAWN: _("You withdrew; the announcements show the code APS."),
}
ADMIN_MEANINGS = {
    AdminResult.MS: _(
        "Your documents meet the requirements: you go on to the exam. During the appeal window "
        "the committee may still look at an MS file again and change it to TMS."
    ),
    AdminResult.TMS: _(
        "A document does not meet the requirements; the reason is shown beside it on your "
        "application page. You may send one appeal (sanggah) in the appeal window."
    ),
}
SKD_MEANINGS = {
    SkdCode.PL: _("You go on to the SKB."),
    SkdCode.P: _("You reached the passing grade but others ranked higher for the SKB places."),
    SkdCode.TL: _("Below the passing grade of your formation's category."),
}
FINAL_MEANINGS = {
    FinalCode.L: _("You passed: the committee contacts you about the appointment documents."),
    FinalCode.TMS1: _("You failed an SKB test that eliminates, so you were not ranked."),
    FinalCode.APS: _("You withdrew from the selection."),
}


def _codes(choices, meanings) -> list[Code]:
    return [Code(code, str(label), str(meanings.get(code, ""))) for code, label in choices]


def help_periods():
    """The published periods, newest first, for the help index."""
    return SelectionPeriod.objects.filter(is_published=True).order_by(
        "-registration_opens_at", "-pk"
    )


def period_help(pk: int) -> PeriodHelp:
    """The help of a published period (404 otherwise): 3 queries whatever its size."""
    period = get_object_or_404(SelectionPeriod, pk=pk, is_published=True)
    published = Q(formations__is_published=True)
    requirements = DocumentRequirement.objects.filter(period=period).annotate(
        required_by=Count("formations", filter=published, distinct=True)
    )
    formations = period.formations.filter(is_published=True).count()
    slots = [
        SlotHelp(requirement, requirement.required_by, formations)
        for requirement in requirements.order_by("order", "name")
    ]
    announcements = {a.kind: a for a in Announcement.objects.filter(period=period)}
    stages = [
        (
            kind,
            str(Announcement.Kind(kind).label),
            announcements[kind].published_at if kind in announcements else None,
        )
        for kind in stage_kinds(period)
    ]
    return PeriodHelp(
        period=period,
        slots=slots,
        formations=formations,
        stages=stages,
        window=window_of(period, announcements),
        statuses=_codes(Application.Status.choices, STATUS_MEANINGS),
        admin_codes=_codes(AdminResult.choices, ADMIN_MEANINGS),
        appeal_codes=_codes(Appeal.Status.choices, {}),
        skd_codes=[] if period.is_pppk else _codes(SkdCode.choices, SKD_MEANINGS),
        final_codes=_codes(FinalCode.choices, FINAL_MEANINGS),
    )
