"""The recruitment app's models, one module per stage of a selection."""

from recruitment.models.applications import (
    AdminResult,
    ApplicantProfile,
    Application,
    ApplicationEvent,
    Document,
    Milestone,
    StatusNotification,
    document_upload_to,
)
from recruitment.models.exams import (
    ExamResult,
    ExamSession,
    FinalCode,
    OptimisationOffer,
    Presence,
    ScoreImport,
    SkdCode,
)
from recruitment.models.periods import (
    MIN_REGISTRATION_DAYS,
    DocumentRequirement,
    Formation,
    FormationCategory,
    PassingGrade,
    PeriodAssignment,
    ProcurementType,
    SelectionPeriod,
)
from recruitment.models.screening import (
    Announcement,
    Appeal,
    Decision,
    DocumentCheck,
    RejectionReason,
)

__all__ = [
    "MIN_REGISTRATION_DAYS",
    "AdminResult",
    "Announcement",
    "Appeal",
    "ApplicantProfile",
    "Application",
    "ApplicationEvent",
    "Decision",
    "Document",
    "DocumentCheck",
    "DocumentRequirement",
    "ExamResult",
    "ExamSession",
    "FinalCode",
    "Formation",
    "FormationCategory",
    "Milestone",
    "OptimisationOffer",
    "PassingGrade",
    "PeriodAssignment",
    "Presence",
    "ProcurementType",
    "RejectionReason",
    "ScoreImport",
    "SelectionPeriod",
    "SkdCode",
    "StatusNotification",
    "document_upload_to",
]
