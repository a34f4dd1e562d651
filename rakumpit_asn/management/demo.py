"""The demo data of the whole portal, seeded app by app in dependency order. Each capability adds
its own `<app>/demo.py` and one line here."""

from auditlog.context import disable_auditlog
from django.db import transaction

from accounts import demo as accounts_demo
from forums import demo as forums_demo
from notifications import demo as notifications_demo
from opendata import demo as opendata_demo
from performance import demo as performance_demo
from recruitment import demo as recruitment_demo
from recruitment import demo_selection as selection_demo
from training import demo as training_demo
from workforce import demo as workforce_demo
from workforce.services.reference import reference_data_ensure


def seed(stdout=None) -> dict:
    """Seed (or refresh) the demo data, in one transaction (all or nothing, and one commit
    instead of thousands). The audit trail is off meanwhile: made-up people need no record of
    who changed their data, and writing one doubles the time."""
    with disable_auditlog(), transaction.atomic():
        return _seed(stdout)


def _seed(stdout) -> dict:
    def say(message):
        if stdout is not None:
            stdout.write(message)

    say("Reference data (sectors, kelurahan)...")
    reference_data_ensure()
    say("Demo accounts...")
    users = accounts_demo.seed()
    say("Workforce: units, positions, employees, ABK sheets...")
    workforce_demo.seed(users)
    say("Recruitment: an open selection period, formations, applicants...")
    recruitment_demo.seed(users)
    say("Selection: a period in its appeal window and last year's, ranked and announced...")
    selection_demo.seed(users)
    recruitment_demo.contact_points()
    say("Training: programmes, sessions, enrolments, certificates...")
    training_demo.seed(users)
    say("Forums: residents' expectations, answers, a discussion session, IKM responses...")
    forums_demo.seed(users)
    recruitment_demo.link_topics()
    training_demo.link_topics()
    say("Performance: cycles, SKPs, reviews in every state, objections, coaching...")
    performance_demo.seed(users)
    say("Notifications: the applicants' status notices, a WhatsApp preference...")
    notifications_demo.seed(users)
    recruitment_demo.status_notifications(users)
    say("Open data: last month's leadership report...")
    opendata_demo.seed(users)
    return {"users": users}
