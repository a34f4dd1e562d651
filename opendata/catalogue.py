"""The datasets of the portal's open data, in the order the catalogue lists them."""

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from forums.models import Topic
from opendata import selectors
from opendata.datasets import SUPPRESSED, Dataset, Field, Filter

PERIOD = Filter("period", "integer", _("Selection period id (see the periods dataset)."))
YEAR = Filter("year", "integer", _("Year, e.g. 2026."), maximum=9999)
SECTOR = Filter("sector", "code", _("Sector code, e.g. kesehatan."))
KELURAHAN = Filter("kelurahan", "code", _("Kelurahan code, e.g. petuk-bukit."))
UNIT = Filter("unit", "integer", _("Unit id."))


NRR_DESCRIPTION = _("Average value (NRR) of element {} (1-4).")


def level(*choices: str) -> Filter:
    return Filter("level", "choice", _("Level of aggregation."), choices=choices)


def _f(name, kind, description, nullable=False) -> Field:
    return Field(name, kind, description, nullable)


PERIODS = Dataset(
    slug="periods",
    title=_("Selection periods"),
    description=_(
        "Every published selection period (PNS or PPPK) with its timeline: registration, "
        "announcements, exams, and its number of formations and places."
    ),
    fields=(
        _f("id", "integer", _("Period id.")),
        _f("name", "string", _("Name of the period.")),
        _f("year", "integer", _("Budget year.")),
        _f("procurement_type", "string", _("pns or pppk.")),
        _f("registration_opens_at", "date-time", _("Registration opens.")),
        _f("registration_closes_at", "date-time", _("Registration closes.")),
        _f("registration_closed", "boolean", _("Closed early or after its deadline.")),
        _f("admin_announcement_at", "date-time", _("Administrative results."), True),
        _f("appeal_days", "integer", _("Days to appeal after the administrative results.")),
        _f("exam_starts_on", "date", _("First exam day."), True),
        _f("exam_ends_on", "date", _("Last exam day."), True),
        _f("final_announcement_at", "date-time", _("Final results."), True),
        _f("formations", "integer", _("Published formations.")),
        _f("quota", "integer", _("Places in all its formations.")),
    ),
    filters=(YEAR, PERIOD),
    apps=("recruitment",),
    rows=selectors.periods,
    keywords=("CASN", "seleksi", "PNS", "PPPK"),
    page="recruitment:vacancy_list",
)

FORMATIONS = Dataset(
    slug="formations",
    title=_("Formations (vacancies)"),
    description=_(
        "Published formations: the position, its unit, the places (quota), the "
        "requirements and how many applicants have finalised their application."
    ),
    fields=(
        _f("id", "integer", _("Formation id.")),
        _f("period_id", "integer", _("Period id.")),
        _f("period", "string", _("Name of the period.")),
        _f("position", "string", _("Position.")),
        _f("unit_id", "integer", _("Unit id.")),
        _f("unit", "string", _("Unit.")),
        _f("sector", "string", _("Sector code.")),
        _f("kelurahan", "string", _("Kelurahan code.")),
        _f("asn_type", "string", _("PNS or PPPK.")),
        _f("category", "string", _("Formation category (general, special...).")),
        _f("education_level", "string", _("Minimum education level.")),
        _f("accepted_programmes", "string", _("Accepted study programmes.")),
        _f("extra_criteria", "string", _("Further requirements.")),
        _f("quota", "integer", _("Places.")),
        _f("finalised_applicants", "integer", _("Applications finalised so far.")),
        _f("registration_state", "string", _("open, upcoming or closed.")),
        _f("url", "string", _("The vacancy's page.")),
    ),
    filters=(PERIOD, YEAR, SECTOR, KELURAHAN, UNIT),
    apps=("recruitment", "workforce"),
    rows=selectors.formations,
    keywords=("formasi", "lowongan"),
    page="recruitment:vacancy_list",
)

STATISTICS = Dataset(
    slug="recruitment-statistics",
    title=_("Applicants per formation"),
    description=_(
        "For each published formation: its places, the finalised applications and the "
        "applicants per place."
    ),
    fields=(
        _f("period_id", "integer", _("Period id.")),
        _f("period", "string", _("Name of the period.")),
        _f("formation_id", "integer", _("Formation id.")),
        _f("position", "string", _("Position.")),
        _f("unit_id", "integer", _("Unit id.")),
        _f("unit", "string", _("Unit.")),
        _f("category", "string", _("Formation category.")),
        _f("quota", "integer", _("Places.")),
        _f("finalised_applicants", "integer", _("Finalised applications.")),
        _f("applicants_per_place", "number", _("Finalised applications per place.")),
    ),
    filters=(PERIOD, YEAR),
    apps=("recruitment", "workforce"),
    rows=selectors.recruitment_statistics,
    keywords=("statistik", "pelamar"),
    page="recruitment:statistics",
)

ANNOUNCEMENTS = Dataset(
    slug="announcements",
    title=_("Published announcements"),
    description=_(
        "The results lists published for each period: administrative, after appeals, SKD and final."
    ),
    fields=(
        _f("id", "integer", _("Announcement id.")),
        _f("period_id", "integer", _("Period id.")),
        _f("period", "string", _("Name of the period.")),
        _f("kind", "string", _("admin, post_appeal, skd or final.")),
        _f("kind_label", "string", _("The kind in words.")),
        _f("published_at", "date-time", _("Published at.")),
        _f("url", "string", _("The announcement's page.")),
    ),
    filters=(PERIOD,),
    apps=("recruitment",),
    rows=selectors.announcements,
    keywords=("pengumuman",),
    page="recruitment:announcement_index",
)

_score = _("Score as published (null where this list shows none).")
RESULTS = Dataset(
    slug="announcement-results",
    title=_("Anonymised results of an announcement"),
    description=_(
        "The rows of one published announcement, exactly as its public page shows them: the "
        "registration number, the formation, the scores of that stage and the outcome code. "
        "No names."
    ),
    fields=(
        _f("announcement_id", "integer", _("Announcement id.")),
        _f("kind", "string", _("Kind of the announcement.")),
        _f("registration_number", "string", _("Registration number of the application.")),
        _f("formation_id", "integer", _("Formation id.")),
        _f("position", "string", _("Position.")),
        _f("unit", "string", _("Unit.")),
        _f("category", "string", _("Formation category.")),
        *(
            _f(name, "number", _score, True)
            for name in selectors.RESULT_SCORES
            if not name.endswith("rank")
        ),
        _f("skd_rank", "integer", _("SKD rank in the formation."), True),
        _f("final_rank", "integer", _("Final rank in the formation."), True),
        _f("outcome", "string", _("MS/TMS, or the SKD or final code (P, PL, TL...)."), True),
    ),
    filters=(
        Filter(
            "announcement",
            "integer",
            _("Announcement id (see the announcements dataset)."),
            required=True,
        ),
        Filter("registration_number", "code", _("Part of a registration number.")),
    ),
    apps=("recruitment",),
    rows=selectors.announcement_results,
    keywords=("hasil seleksi",),
    page="recruitment:announcement_index",
)

STAFFING = Dataset(
    slug="staffing",
    title=_("Staffing needs and gaps"),
    description=_(
        "Required staff from the published workload analysis (ABK), current staff and the "
        "gap, per sector, kelurahan and unit. Small counts are left out."
    ),
    fields=(
        _f("planning_year", "integer", _("Planning year of the ABK.")),
        _f("level", "string", _("sector, kelurahan or unit.")),
        _f("code", "string", _("Code of the sector or kelurahan, or the unit id.")),
        _f("name", "string", _("Name.")),
        _f("sector", "string", _("Sector code."), True),
        _f("kelurahan", "string", _("Kelurahan code."), True),
        _f("positions", "integer", _("Positions.")),
        _f("required", "integer", _("Required staff (ABK).")),
        _f("current", "integer", _("Current staff."), True),
        _f("gap", "integer", _("Required minus current: above zero, a shortage."), True),
        _f("shortage", "integer", _("Staff missing, summed per position."), True),
        _f("surplus", "integer", _("Staff above the need, summed per position."), True),
        _f("retiring", "integer", _("Retiring within five years."), True),
        SUPPRESSED,
    ),
    filters=(YEAR, SECTOR, KELURAHAN, UNIT, level("sector", "kelurahan", "unit")),
    apps=("workforce",),
    rows=selectors.staffing,
    keywords=("ABK", "kebutuhan pegawai", "formasi"),
    page="workforce:public_summary",
    person_counts=selectors.STAFF_COUNTS,
)

TRAINING = Dataset(
    slug="training-compliance",
    title=_("Training hours (JP) compliance"),
    description=_(
        "Active PNS employees who reached the year's minimum training hours (JP), per "
        "sector and unit. Small counts are left out."
    ),
    fields=(
        _f("year", "integer", _("Year.")),
        _f("min_jp", "integer", _("Minimum JP of the year.")),
        _f("level", "string", _("sector or unit.")),
        _f("code", "string", _("Sector code or unit id.")),
        _f("name", "string", _("Name.")),
        _f("sector", "string", _("Sector code.")),
        _f("pns_employees", "integer", _("Active PNS employees."), True),
        _f("complete", "integer", _("Employees with the minimum JP."), True),
        _f("short", "integer", _("Employees below it."), True),
        _f("missing_jp", "integer", _("JP missing in all."), True),
        _f("compliant_share", "number", _("Percentage with the minimum JP."), True),
        SUPPRESSED,
    ),
    filters=(YEAR, SECTOR, UNIT, level("sector", "unit")),
    apps=("training", "workforce"),
    rows=selectors.training_compliance,
    keywords=("pelatihan", "JP", "pengembangan kompetensi"),
    page="",
    person_counts=selectors.TRAINING_COUNTS,
)

IKM = Dataset(
    slug="ikm",
    title=_("Community satisfaction index (IKM)"),
    description=_(
        "The IKM of each unit and survey period (Permenpan RB 14/2017): the nine elements' "
        "average values, the index, its 25-100 conversion and the grade. A unit with fewer "
        "respondents than the threshold shows no scores."
    ),
    fields=(
        _f("period_id", "integer", _("Survey period id.")),
        _f("period", "string", _("Survey period.")),
        _f("starts_on", "date", _("From.")),
        _f("ends_on", "date", _("To.")),
        _f("unit_id", "integer", _("Unit id.")),
        _f("unit", "string", _("Unit.")),
        _f("respondents", "integer", _("Respondents."), True),
        *(
            _f(
                f"nrr_{i}",
                "number",
                format_lazy(_("Average value (NRR) of element {} (1-4)."), i),
                True,
            )
            for i in range(1, 10)
        ),
        _f("index", "number", _("IKM (1-4)."), True),
        _f("converted", "number", _("IKM converted (25-100)."), True),
        _f("grade", "string", _("Grade A-D."), True),
        SUPPRESSED,
    ),
    filters=(Filter("period", "integer", _("Survey period id.")), YEAR, UNIT),
    apps=("forums", "workforce"),
    rows=selectors.ikm,
    keywords=("IKM", "survei kepuasan masyarakat"),
    page="forums:ikm_results",
    person_counts=("respondents",),
)

ACCOUNTABILITY = Dataset(
    slug="forum-accountability",
    title=_("How fast officials answer residents"),
    description=_(
        "Residents' public topics per sector and unit: by status, the share with an "
        "official answer and the median days to the first one."
    ),
    fields=(
        _f("level", "string", _("sector or unit.")),
        _f("code", "string", _("Sector code or unit id.")),
        _f("name", "string", _("Name.")),
        _f("sector", "string", _("Sector code.")),
        _f("topics", "integer", _("Topics.")),
        *(_f(status, "integer", _("Topics with this status.")) for status in Topic.Status.values),
        _f("answered", "integer", _("Topics with an official answer.")),
        _f("answered_share", "number", _("Percentage answered."), True),
        _f("median_days_to_answer", "number", _("Median days to the first answer."), True),
    ),
    filters=(SECTOR, YEAR, level("sector", "unit")),
    apps=("forums", "workforce"),
    rows=selectors.forum_accountability,
    keywords=("akuntabilitas", "forum warga"),
    page="forums:accountability",
)

TOPICS = Dataset(
    slug="forum-topics",
    title=_("Residents' public topics and official answers"),
    description=_(
        "Public topics of the residents' forum with their status, supports and the "
        "official answers. No author is named."
    ),
    fields=(
        _f("id", "integer", _("Topic id.")),
        _f("title", "string", _("Title.")),
        _f("body", "string", _("Text (Markdown), as the public page shows it.")),
        _f("status", "string", _("received, under_review, answered or acted_upon.")),
        _f("sector", "string", _("Sector code.")),
        _f("kelurahan", "string", _("Kelurahan code."), True),
        _f("unit_id", "integer", _("Unit id."), True),
        _f("unit", "string", _("Unit."), True),
        _f("supports", "integer", _("Residents supporting it.")),
        _f("comments", "integer", _("Replies.")),
        _f("created_at", "date-time", _("Posted.")),
        _f("first_answer_at", "date-time", _("First official answer."), True),
        _f("official_answers", "array", _("Official answers: text and time.")),
        _f("url", "string", _("The topic's page.")),
    ),
    filters=(
        SECTOR,
        KELURAHAN,
        UNIT,
        YEAR,
        Filter("status", "choice", _("Status."), choices=tuple(Topic.Status.values)),
    ),
    apps=("forums", "workforce"),
    rows=selectors.forum_topics,
    keywords=("aspirasi", "forum warga"),
    page="forums:topic_list",
)

# The catalogue's order: the API, the downloads and the catalogue page list them so.
DATASETS = (
    PERIODS,
    FORMATIONS,
    STATISTICS,
    ANNOUNCEMENTS,
    RESULTS,
    STAFFING,
    TRAINING,
    IKM,
    ACCOUNTABILITY,
    TOPICS,
)
