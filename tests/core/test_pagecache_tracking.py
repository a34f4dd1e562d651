"""Invalidation nobody can forget: every way of writing a model of a cached app moves its
generations on, with no code in the app that says so; raw SQL goes through one helper."""

import ast
from pathlib import Path

import pytest
from django.db import connection, models
from django.test.utils import isolate_apps

from core.models import TrackedModel
from core.pagecache.generations import current

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
APPS = {
    "core",
    "accounts",
    "workforce",
    "recruitment",
    "training",
    "performance",
    "forums",
    "privacy",
}


def moved(labels, commit, write) -> list[bool]:
    before = current(labels)
    commit(write)
    return [old != new for old, new in zip(before, current(labels), strict=True)]


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    def run(write):
        with django_capture_on_commit_callbacks(execute=True):
            write()

    return run


@pytest.mark.postgres
@isolate_apps("forums")
def test_a_model_added_to_a_cached_app_invalidates_with_no_extra_code(commit):
    class Petition(TrackedModel):  # nothing else: no signal, no hand call
        title = models.CharField(max_length=50)
        signatures = models.IntegerField(default=0)

        class Meta:
            app_label = "forums"

    with connection.schema_editor() as editor:
        editor.create_model(Petition)
    labels = ["forums", "forums:all", "workforce"]
    petition = None

    def create():
        nonlocal petition
        petition = Petition.objects.create(title="Ambulans untuk puskesmas")

    assert moved(labels, commit, create) == [True, True, False]
    assert moved(
        labels, commit, lambda: Petition.objects.filter(pk=petition.pk).update(signatures=5)
    ) == [True, True, False]
    assert moved(
        labels, commit, lambda: Petition.objects.bulk_create([Petition(title="Jalan desa")])
    ) == [True, True, False]
    petition.signatures = 6
    assert moved(
        labels, commit, lambda: Petition.objects.bulk_update([petition], ["signatures"])
    ) == [True, True, False]
    assert moved(labels, commit, lambda: Petition.objects.filter(title="Jalan desa").delete()) == [
        True,
        True,
        False,
    ]
    assert moved(labels, commit, lambda: Petition.objects.filter(pk=-1).update(signatures=1)) == [
        False,
        False,
        False,
    ]  # nothing changed: nothing moves


def test_private_models_and_fields_move_only_the_private_pages(commit):
    from recruitment.models import Application
    from tests.factories import ApplicantProfileFactory, ApplicationFactory

    labels = ["recruitment", "recruitment:all"]
    assert moved(labels, commit, ApplicantProfileFactory) == [False, True]
    application = ApplicationFactory(status=Application.Status.SUBMITTED)
    # The committee's working result is shown to HR only.
    assert moved(
        labels,
        commit,
        lambda: Application.objects.filter(pk=application.pk).update(admin_result="MS"),
    ) == [False, True]
    assert moved(
        labels,
        commit,
        lambda: Application.objects.filter(pk=application.pk).update(
            status=Application.Status.WITHDRAWN
        ),
    ) == [True, True]


def test_an_update_of_one_applications_rows_moves_only_its_page(commit):
    from recruitment.cache import APPLICATIONS, application_label
    from recruitment.models import Application, ApplicationEvent
    from tests.factories import ApplicationFactory

    mine, other = ApplicationFactory(), ApplicationFactory()
    labels = [application_label(mine.pk), application_label(other.pk), APPLICATIONS]
    current(labels)  # the generations exist
    assert moved(
        labels, commit, lambda: Application.objects.filter(pk=mine.pk).update(admin_result="MS")
    ) == [True, False, False]
    assert moved(labels, commit, lambda: mine.events.update(note="diperbarui")) == [
        False,
        False,
        False,
    ]  # no event yet: nothing changed
    ApplicationEvent.objects.create(application=mine, status="submitted")
    assert moved(labels, commit, lambda: mine.events.update(note="diperbarui")) == [
        True,
        False,
        False,
    ]
    # Not said which applications: every application page moves on.
    assert moved(
        labels, commit, lambda: Application.objects.filter(admin_result="").update(admin_result="")
    ) in ([True, True, True], [False, False, True])


def test_every_raw_sql_write_goes_through_the_one_helper():
    """A write in SQL is invisible to the tracked models: core.db.execute_write reports it. Any
    other statement run through a cursor must be written out in place and read only (a lock,
    a health check). The wiring's restore and seeding commands write whole databases and move
    every generation on themselves."""
    offenders = []
    for path in ROOT.glob("*/**/*.py"):
        relative = path.relative_to(ROOT)
        if relative.parts[0] not in APPS:
            continue
        if "migrations" in relative.parts or relative == Path("core/db.py"):
            continue
        source = path.read_text()
        if "execute" not in source:
            continue
        for node in ast.walk(ast.parse(source)):
            if not (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in {"execute", "executemany"}
                and node.args
            ):
                continue
            statement = node.args[0]
            written_out = isinstance(statement, ast.Constant | ast.JoinedStr)
            if not (
                written_out and ast.unparse(statement).strip("f'\" ").upper().startswith("SELECT")
            ):
                offenders.append(f"{relative}:{node.lineno}")
    assert offenders == []


@pytest.mark.pagecache_on_commit
def test_a_transaction_moves_its_generations_once(django_capture_on_commit_callbacks):
    from django.db import transaction

    from workforce.models import Kelurahan

    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        for n in range(5):
            Kelurahan.objects.create(name=f"Kelurahan {n}", slug=f"kelurahan-{n}")
        Kelurahan.objects.filter(slug="kelurahan-0").update(name="Diubah")
    moves = [c for c in callbacks if getattr(c, "pagecache", False)]
    assert len(moves) == 1
    assert moves[0].labels == {"workforce", "workforce:all"}


@pytest.mark.pagecache_on_commit
@pytest.mark.django_db(transaction=True)
def test_a_cache_that_fails_at_commit_stops_nothing_else(monkeypatch, caplog):
    """The rows are committed when the generations move: a cache that does not answer is logged,
    and the transaction's other callbacks (a file deletion, an e-mail) still run."""
    from django.db import transaction

    from core.pagecache import generations
    from workforce.models import Kelurahan

    def down(labels):
        raise ConnectionError("redis is down")

    monkeypatch.setattr(generations, "move", down)
    ran = []
    with transaction.atomic():
        Kelurahan.objects.create(name="Kelurahan Uji", slug="kelurahan-uji")
        transaction.on_commit(lambda: ran.append("the next callback"))
    assert ran == ["the next callback"]
    assert Kelurahan.objects.filter(slug="kelurahan-uji").exists()
    assert "redis is down" in caplog.text


def test_a_public_page_under_a_generation_no_app_registers_fails_the_start(monkeypatch):
    from types import SimpleNamespace

    from core import apps as core_apps

    def view(request):
        return None

    view.page_cache_labels = ("recruitment", "no-such-app")
    resolver = SimpleNamespace(url_patterns=[SimpleNamespace(callback=view)])
    monkeypatch.setattr(core_apps, "get_resolver", lambda: resolver)
    errors = core_apps._page_cache_labels_known()
    assert [error.id for error in errors] == ["core.E002"]
    assert "no-such-app" in errors[0].msg


def test_the_real_public_pages_name_registered_generations():
    from core import apps as core_apps

    assert core_apps._page_cache_labels_known() == []


def test_a_kept_part_without_a_viewer_key_fails_closed():
    from django.core.exceptions import ImproperlyConfigured

    from core.pagecache import store

    with pytest.raises(ImproperlyConfigured):
        store._viewer_default(object())
