"""Numbers in the reader's language: Bahasa Indonesia writes a score 63,345 and a thousand 1.234,
English 63.345 and 1,234, never both styles on one page (core.numbers, `|number`, the charts'
value formatter, the explained result). Plurals right; no internal code shown to people."""

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from core.charts import horizontal_bar_chart
from core.numbers import number
from forums.charts import ikm_bar_chart
from recruitment.models import Announcement, Application
from recruitment.selectors.ranking import applicant_result
from recruitment.selectors.screening import decision_history
from recruitment.services.decisions import decision_log
from recruitment.services.ranking import rank_period
from tests.factories import ApplicationFactory, FormationFactory
from tests.recruitment.factories_scores import announce, formation, scored, scored_period

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("value", "decimals", "indonesian", "english"),
    [
        (Decimal("63.345"), None, "63,345", "63.345"),
        (1234, None, "1.234", "1,234"),
        (63345, None, "63.345", "63,345"),
        (1234567, None, "1.234.567", "1,234,567"),
        (Decimal("76.605"), 2, "76,61", "76.61"),  # half up, never half to even
        (76.605, 2, "76,61", "76.61"),
        (Decimal("0.5"), 0, "1", "1"),
        (12, 1, "12,0", "12.0"),
        (0, None, "0", "0"),
        (-1234.5, 1, "-1.234,5", "-1,234.5"),
    ],
)
def test_it_formats_a_number_in_each_language(value, decimals, indonesian, english):
    with translation.override("id"):
        assert number(value, decimals) == indonesian
    with translation.override("en"):
        assert number(value, decimals) == english


@pytest.mark.parametrize("value", [None, ""])
def test_it_leaves_nothing_for_no_number(value):
    assert number(value) == ""


def test_it_returns_text_that_is_not_a_number_as_it_is():
    assert number("tidak ada") == "tidak ada"
    assert number("abc", 2) == "abc"


def test_the_template_filter_groups_and_rounds():
    template = Template("{% load numbers %}{{ a|number }} {{ b|number:2 }} {{ c|number:'x' }}")
    context = Context({"a": 1234, "b": Decimal("63.345"), "c": 2500})
    with translation.override("id"):
        assert template.render(context) == "1.234 63,35 2.500"
    with translation.override("en"):
        assert template.render(context) == "1,234 63.35 2,500"


def test_the_charts_print_their_values_in_the_language_of_the_page():
    with translation.override("id"):
        ikm = ikm_bar_chart(title="IKM", labels=["Puskesmas"], values=[76.605])
        bars = horizontal_bar_chart(title="Pegawai", labels=["Kesehatan"], series=[("Ada", [1234])])
    assert ">76,605<" in ikm and ">76.605<" not in ikm
    assert ">1.234<" in bars and ">1234<" not in bars
    with translation.override("en"):
        ikm = ikm_bar_chart(title="IKM", labels=["Puskesmas"], values=[76.605])
        bars = horizontal_bar_chart(title="Staff", labels=["Health"], series=[("Now", [1234])])
    assert ">76.605<" in ikm
    assert ">1,234<" in bars


@pytest.mark.postgres
def test_the_explained_result_writes_the_score_as_the_page_does():
    """The final score 77.091 (40 x 400/550 + 60 x 400/500) in the panel and in its explanation:
    77,091 twice in Indonesian, 77.091 twice in English, never the other style."""
    period = scored_period()
    app = scored(formation(period, quota=1), 100, 100, 200, skb=400)
    rank_period(period=period)
    announce(period, Announcement.Kind.SKD)
    announce(period, Announcement.Kind.FINAL)
    template = Template("{% load selection %}{% exam_result_panel application %}")
    for language, mine, other in (("id", "77,091", "77.091"), ("en", "77.091", "77,091")):
        with translation.override(language):
            info = applicant_result(Application.objects.get(pk=app.pk))
            html = template.render(Context({"application": Application.objects.get(pk=app.pk)}))
        assert f"= {mine}." in info.why
        assert html.count(mine) >= 2, language
        assert other not in html, language


@pytest.mark.parametrize(
    ("language", "mine", "other"), [("id", "1.250", "1,250"), ("en", "1,250", "1.250")]
)
def test_the_public_statistics_group_thousands_in_the_language_of_the_page(
    client, language, mine, other
):
    FormationFactory(quota=1250)
    page = client.get(
        reverse("recruitment:statistics"), HTTP_ACCEPT_LANGUAGE=language
    ).content.decode()
    assert page.count(mine) >= 2  # the period's places and the formation's quota
    assert other not in page


@pytest.mark.parametrize(
    ("language", "mine", "other"), [("id", "1.250", "1,250"), ("en", "1,250", "1.250")]
)
def test_the_vacancy_card_groups_thousands(client, language, mine, other):
    FormationFactory(quota=1250)
    page = client.get("/recruitment/vacancies/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert mine in page and other not in page


@pytest.mark.parametrize(
    ("quotas", "text"),
    [
        ([1], "open vacancy · 1 place"),
        ([2], "open vacancy · 2 places"),
        ([1, 1], "open vacancies · 2 places"),
    ],
)
def test_the_home_page_counts_vacancies_and_places_each_with_its_own_plural(client, quotas, text):
    for quota in quotas:
        FormationFactory(quota=quota)
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    figure = response.context["figures"][0]
    assert (figure.number, figure.text) == (len(quotas), text)


@pytest.mark.parametrize(("language", "years"), [("id", "1,5"), ("en", "1.5")])
def test_the_privacy_notice_writes_the_retention_in_the_language_of_the_page(
    client, settings, language, years
):
    settings.RETENTION_APPLICANT_DAYS = 548
    page = client.get("/privacy/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert f"{years} " in page


def test_the_decision_log_names_a_document_slot_not_its_code(hr):
    application = ApplicationFactory()
    slot = application.period.document_requirements.get(slug="surat-lamaran")
    decision_log(application=application, kind="document_check", actor=hr, subject="surat-lamaran")
    decision_log(application=application, kind="second_check", actor=hr, subject="admin_result")
    decision_log(application=application, kind="correction", actor=hr, subject="twk")
    with translation.override("en"):
        labels = [d.subject_label for d in decision_history(application)]
        assert sorted(labels) == sorted([str(slot), "administrative result", "TWK"])
    assert "surat-lamaran" not in labels
