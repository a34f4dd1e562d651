from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class BilingualNameMixin(models.Model):
    """Reference data edited by HR carries its name in Bahasa Indonesia and in English; pages show
    the one that matches the active language (Indonesian when the English one is empty)."""

    name = models.CharField(_("name (Bahasa Indonesia)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120, blank=True)

    class Meta:
        abstract = True

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        if (get_language() or "id").startswith("en") and self.name_en:
            return self.name_en
        return self.name


class Sector(BilingualNameMixin):
    """A public-service sector (health, education, ...). An editable list, seeded with four."""

    slug = models.SlugField(_("code"), max_length=40, unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")
        ordering = ["order", "name"]


class Kelurahan(models.Model):
    """One of the kelurahan (urban villages) of Kecamatan Rakumpit."""

    name = models.CharField(_("name"), max_length=80, unique=True)
    slug = models.SlugField(_("code"), max_length=40, unique=True)
    population = models.PositiveIntegerField(
        _("population"),
        null=True,
        blank=True,
        help_text=_("Residents, from the latest BPS figures; leave empty when unknown."),
    )

    class Meta:
        verbose_name = _("kelurahan")
        verbose_name_plural = _("kelurahan")
        ordering = ["name"]

    def __str__(self):
        return self.name
