"""The demo data of the whole portal, seeded app by app in dependency order. Each capability adds
its own `<app>/demo.py` and one line here."""

from accounts import demo as accounts_demo
from recruitment import demo as recruitment_demo
from workforce import demo as workforce_demo
from workforce.services.reference import reference_data_ensure


def seed(stdout=None) -> dict:
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
    return {"users": users}
