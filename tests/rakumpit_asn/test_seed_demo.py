import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command

from accounts.models import User
from accounts.roles import Role, has_role
from notifications.models import Notification
from workforce.models import Kelurahan, Sector

pytestmark = pytest.mark.django_db

DEMO_KEYS = [
    "admin", "hr", "verifier", "applicant", "applicant2", "applicant3", "resident",
    "resident2", "employee", "supervisor", "camat", "moderator",
]  # fmt: skip


def _snapshot():
    return {
        "users": sorted(User.objects.values_list("id", "email", "full_name", "password")),
        "memberships": sorted(User.groups.through.objects.values_list("user_id", "group_id")),
        "emails": sorted(EmailAddress.objects.values_list("id", "email", "verified")),
        "sectors": sorted(Sector.objects.values_list("id", "slug")),
        "kelurahan": sorted(Kelurahan.objects.values_list("id", "name")),
        "groups": sorted(Group.objects.values_list("id", "name")),
        "notifications": sorted(Notification.objects.values_list("id", "key", "subject")),
    }


def test_it_creates_the_demo_and_gives_the_same_rows_when_run_twice(settings):
    """One seed checked for what it creates, then a second for idempotence (each seed takes
    about 15 s: the checks share them)."""
    settings.DEBUG = True
    call_command("seed_demo", verbosity=0)
    for key in DEMO_KEYS:
        user = User.objects.get(email=f"{key}@demo.rakumpit.go.id")
        assert user.check_password("Rakumpit-demo-2026"), key
        assert EmailAddress.objects.get(user=user).verified
    assert User.objects.get(email="admin@demo.rakumpit.go.id").is_superuser
    assert has_role(User.objects.get(email="hr@demo.rakumpit.go.id"), Role.HR)
    supervisor = User.objects.get(email="supervisor@demo.rakumpit.go.id")
    assert has_role(supervisor, Role.SUPERVISOR)
    assert not has_role(User.objects.get(email="applicant@demo.rakumpit.go.id"), Role.HR)
    assert sorted(Kelurahan.objects.values_list("name", flat=True)) == [
        "Bukit Sua", "Gaung Baru", "Mungku Baru", "Pager", "Panjehang", "Petuk Barunai",
        "Petuk Bukit",
    ]  # fmt: skip
    assert list(Sector.objects.values_list("slug", flat=True)) == [
        "kesehatan", "pendidikan", "infrastruktur", "pemerintahan-umum",
    ]  # fmt: skip
    # The applicants' inboxes: applicant3's TMS result among them.
    assert Notification.objects.filter(
        recipient__email="applicant3@demo.rakumpit.go.id", subject__contains="(TMS)"
    ).exists()
    first = _snapshot()
    call_command("seed_demo", verbosity=0)
    assert _snapshot() == first


def test_it_refuses_to_run_with_debug_off_unless_forced(settings, monkeypatch):
    from rakumpit_asn.management.commands import seed_demo

    seeded = []
    monkeypatch.setattr(seed_demo.demo, "seed", lambda **kwargs: seeded.append(kwargs))
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG is off"):
        call_command("seed_demo", verbosity=0)
    assert not seeded
    call_command("seed_demo", "--force", verbosity=0)
    assert len(seeded) == 1
