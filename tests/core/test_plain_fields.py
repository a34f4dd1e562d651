"""The public lists' filter forms, laid out by hand ({% filter_field %}, core/templatetags/
plain_fields.py) instead of by crispy: what people typed and chose stays, a wrong choice is a
translated error linked from the summary, and free text is escaped and runs in its own direction."""

import re

import pytest
from django import forms
from django.template import Context, Template
from django.urls import reverse

from forums.models import Topic
from workforce.models import Kelurahan, Sector

pytestmark = pytest.mark.django_db


@pytest.fixture
def sectors():
    health = Sector.objects.create(name="Kesehatan Uji", slug="uji-kesehatan")
    Sector.objects.create(name="Pendidikan Uji", slug="uji-pendidikan")
    return health


def _select(html: str, name: str) -> str:
    match = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert match, f"no <select name={name}>"
    return match.group(0)


def test_vacancy_filter_keeps_what_was_typed_and_chosen(client, sectors):
    response = client.get(
        reverse("recruitment:vacancy_list"),
        {"q": '"><script>alert(1)</script>', "sector": sectors.pk, "asn_type": "PPPK"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    # The typed text comes back escaped, in a box that follows the script it is typed in.
    box = re.search(r'<input[^>]*name="q"[^>]*>', html).group(0)
    assert 'value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' in box
    assert 'dir="auto"' in box and 'maxlength="100"' in box and 'id="id_q"' in box
    assert "<script>alert(1)" not in html
    # Exactly the chosen options are selected: a model choice by its key, a plain choice by value.
    sector = _select(html, "sector")
    assert re.findall(r'<option value="(\d*)" selected>', sector) == [str(sectors.pk)]
    assert re.findall(r'<option value="(\w*)" selected>', _select(html, "asn_type")) == ["PPPK"]
    # Nothing chosen: the empty choice ("all") is the selected one.
    assert re.findall(r'<option value="(\w*)" selected>', _select(html, "category")) == [""]
    assert '<label for="id_sector" class="form-label">' in html


def test_vacancy_filter_wrong_choice_is_a_translated_linked_error(client, sectors):
    response = client.get(
        reverse("recruitment:vacancy_list"),
        {"sector": "999999", "q": "bidan"},
        HTTP_ACCEPT_LANGUAGE="id",
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("data-error-summary") == 1
    assert '<a href="#id_sector" class="alert-link" data-error-link>' in html
    sector = _select(html, "sector")
    assert 'aria-invalid="true"' in sector and 'aria-describedby="id_sector_error"' in sector
    assert "is-invalid" in sector
    error = re.search(r'<div id="id_sector_error" class="invalid-feedback">(.*?)</div>', html, re.S)
    assert error and "pilihan yang valid" in error.group(1)  # Django's own Indonesian message
    # What was typed in the other box is still there.
    assert 'value="bidan"' in re.search(r'<input[^>]*name="q"[^>]*>', html).group(0)
    # A valid request has no error block at all.
    assert (
        "data-error-summary" not in client.get(reverse("recruitment:vacancy_list")).content.decode()
    )


def test_vacancy_filter_status_tab_is_kept_hidden(client):
    html = client.get(reverse("recruitment:vacancy_list"), {"status": "closed"}).content.decode()
    assert '<input type="hidden" name="status" value="closed" id="id_status">' in html


def test_forum_filter_keeps_choices_and_its_hidden_unit(client, sectors):
    kelurahan = Kelurahan.objects.create(name="Kelurahan Uji", slug="uji")
    html = client.get(
        reverse("forums:topic_list"),
        {"kelurahan": kelurahan.pk, "status": Topic.Status.choices[-1][0], "sort": "newest"},
    ).content.decode()
    chosen = re.findall(r'<option value="(\w*)" selected>', _select(html, "kelurahan"))
    assert chosen == [str(kelurahan.pk)]
    assert re.findall(r'<option value="(\w*)" selected>', _select(html, "sort")) == ["newest"]
    assert re.findall(r'<option value="(\w*)" selected>', _select(html, "status")) == [
        Topic.Status.choices[-1][0]
    ]
    assert '<input type="hidden" name="unit" id="id_unit">' in html
    html = client.get(
        reverse("forums:topic_list"), {"sector": "x"}, HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "Select a valid choice" in html and 'href="#id_sector"' in html


class _Sample(forms.Form):
    name = forms.CharField(max_length=20, help_text="Your name")
    count = forms.IntegerField(min_value=0, max_value=9, widget=forms.NumberInput({"class": "c"}))
    note = forms.CharField(required=False, widget=forms.Textarea({"rows": 2}))
    kind = forms.ChoiceField(choices=[("", "---"), ("a", "A <b>"), ("b", "B")], required=False)
    group = forms.ChoiceField(choices=[("x", [("1", "One"), ("2", "Two")])], required=False)
    keep = forms.IntegerField(widget=forms.HiddenInput)
    agree = forms.BooleanField(required=False)  # not handled: Django renders it
    # Subclasses of handled widgets, and a field with its hidden initial: Django renders them.
    maybe = forms.NullBooleanField(required=False)
    tracked = forms.CharField(required=False, show_hidden_initial=True)


def _same_markup(html: str) -> str:
    return re.sub(r">\s+<", "><", html.strip())


@pytest.mark.parametrize(
    "data",
    [
        None,
        {
            "name": '"><b>x',
            "count": "12",
            "note": "a\n<b>",
            "kind": "a",
            "group": "2",
            "keep": "3",
            "maybe": "true",
            "tracked": "t",
        },
        {"name": "", "count": "x", "note": "", "kind": "zz", "keep": "", "agree": "on"},
    ],
    ids=["unbound", "bound-with-markup", "bound-with-errors"],
)
def test_control_writes_what_django_widgets_write(data):
    """{% control %} must be a drop-in for {{ field }}: same attributes, values, escaping,
    selected options and error attributes, for every widget it renders itself."""
    form = _Sample(data, initial={"count": 1})
    form.is_valid()
    template = Template("{% load plain_fields %}{% control field %}")
    for field in form:
        expected = _same_markup(str(field))
        assert _same_markup(template.render(Context({"field": field}))) == expected, field.name


def test_filter_field_marks_a_required_field_and_keeps_its_help_text():
    class Required(forms.Form):
        period = forms.ChoiceField(choices=[("1", "One")], help_text="Pick <one>")

    form = Required({"period": "9"})
    form.is_valid()
    html = Template("{% load plain_fields %}{% filter_field form.period %}").render(
        Context({"form": form})
    )
    assert 'class="form-label requiredField">' in html and '<span class="asteriskField">*' in html
    assert '<div id="id_period_helptext" class="form-text">Pick &lt;one&gt;</div>' in html
    assert 'aria-describedby="id_period_error id_period_helptext"' in html
    assert 'class="select form-select is-invalid"' in html
