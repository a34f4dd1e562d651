"""Open data's own personal data (UU 27/2022 PDP): only who asked for a leadership report. The
reports themselves hold aggregates (small cells left out), no person. Registered in
OpendataConfig.ready()."""

from core.personaldata import Erasure, declare

STAFF_RECORD = "Who generated a report and when: the accountability of a public body."


def register() -> None:
    from opendata.models import LeadershipReport

    declare(
        LeadershipReport,
        subject="generated_by",
        fields=("generated_by", "pdf", "xlsx"),
        erasure=Erasure.KEPT,
        note=STAFF_RECORD,
    )
