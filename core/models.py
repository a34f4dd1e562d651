"""The base of every model of an app whose pages are cached (see core.pagecache)."""

from django.db import models
from django.db.models.signals import class_prepared
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from core.pagecache.tracking import TrackedManager, connect_model


class TrackedModel(models.Model):
    """A model whose every write moves the page cache's generations on: save() and delete()
    through model signals, update(), bulk_create() and bulk_update() through its manager's
    QuerySet. Its base manager (used by related managers and deletions) is the same tracked
    one. Nothing else to write: an app's policy (core.pagecache.register) says what moves."""

    objects = TrackedManager()

    class Meta:
        abstract = True
        base_manager_name = "objects"


class BilingualNameMixin(TrackedModel):
    """Reference data edited by HR carries its name in Bahasa Indonesia and in English; pages show
    the one that matches the active language (Indonesian when the English one is empty)."""

    name = models.CharField(_("name (Bahasa Indonesia)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120, blank=True)

    class Meta(TrackedModel.Meta):
        abstract = True

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        if (get_language() or "id").startswith("en") and self.name_en:
            return self.name_en
        return self.name


def _prepared(sender, **kwargs):
    if issubclass(sender, TrackedModel) and not sender._meta.abstract:
        connect_model(sender)


class_prepared.connect(_prepared, dispatch_uid="core.models.tracked", weak=False)
