import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command

from accounts.models import User
from accounts.roles import Role, has_role
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
    }


def test_it_creates_every_demo_account_with_the_demo_password(settings):
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


def test_it_creates_the_seven_kelurahan_and_the_four_sectors(settings):
    settings.DEBUG = True
    call_command("seed_demo", verbosity=0)
    assert sorted(Kelurahan.objects.values_list("name", flat=True)) == [
        "Bukit Sua", "Gaung Baru", "Mungku Baru", "Pager", "Panjehang", "Petuk Barunai",
        "Petuk Bukit",
    ]  # fmt: skip
    assert list(Sector.objects.values_list("slug", flat=True)) == [
        "kesehatan", "pendidikan", "infrastruktur", "pemerintahan-umum",
    ]  # fmt: skip


def test_it_gives_the_same_rows_when_run_twice(settings):
    settings.DEBUG = True
    call_command("seed_demo", verbosity=0)
    first = _snapshot()
    call_command("seed_demo", verbosity=0)
    assert _snapshot() == first


def test_it_refuses_to_run_with_debug_off_unless_forced(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG is off"):
        call_command("seed_demo", verbosity=0)
    assert not User.objects.exists()
    call_command("seed_demo", "--force", verbosity=0)
    assert User.objects.filter(email__endswith="@demo.rakumpit.go.id").count() == len(DEMO_KEYS)
