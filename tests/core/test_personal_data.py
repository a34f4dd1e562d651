"""The personal-data registry: every model of the portal that holds personal fields is declared
by its app, a new one is caught, and the privacy app reaches the apps only through it."""

import pytest
from django.conf import settings
from django.core import checks
from django.db import models
from django.test.utils import isolate_apps

from core import personaldata
from core.personaldata import Erasure, declare, personal_fields, undeclared_models


def test_it_has_a_declaration_for_every_model_with_personal_fields():
    assert undeclared_models() == []
    errors = [e for e in checks.run_checks(tags=[checks.Tags.models]) if e.id == "core.E001"]
    assert errors == []


@isolate_apps("forums")
def test_a_new_model_with_personal_fields_fails_the_start_until_its_app_declares_it():
    class Petition(models.Model):
        signer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
        text = models.TextField()

        class Meta:
            app_label = "forums"

    class Phonebook(models.Model):
        phone = models.CharField(max_length=20)

        class Meta:
            app_label = "forums"

    class Tally(models.Model):
        count = models.IntegerField()

        class Meta:
            app_label = "forums"

    assert personal_fields(Petition) == ["signer"]
    assert personal_fields(Phonebook) == ["phone"]
    assert personal_fields(Tally) == []
    assert undeclared_models([Petition, Phonebook, Tally]) == [
        "forums.Petition",
        "forums.Phonebook",
    ]
    try:
        declare(Petition, subject="signer", fields=["signer"], erasure=Erasure.DELETED)
        assert undeclared_models([Petition, Phonebook, Tally]) == ["forums.Phonebook"]
    finally:
        personaldata._declarations.pop("forums.Petition", None)


def test_a_declaration_names_real_fields():
    from forums.models import Topic

    with pytest.raises(ValueError, match="no fields"):
        declare(Topic, subject="author", fields=["no_such_field"], erasure=Erasure.DELETED)


def test_every_declared_subject_path_ends_at_an_account():
    from django.apps import apps

    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    for label, declaration in personaldata.declarations().items():
        if not declaration.subject:
            continue
        model = declaration.model
        field = None
        for hop in declaration.subject.split("__"):
            field = model._meta.get_field(hop)
            model = field.related_model
        assert model is user_model, label
