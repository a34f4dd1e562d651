"""The error summary at the top of a failed form (the GOV.UK design-system pattern).

`{% error_summary form formset ... message=text %}` lists every error of the forms and formsets
given: non-field errors, each field error as a link to its field, each formset row's errors
linking to that row's field. It renders nothing when none of them has an error, and marks the
forms it covered so crispy's own error block (templates/bootstrap5/errors.html, which renders a
summary for any crispy form not covered yet) does not repeat it. static/js/portal.js moves the
focus to the summary when the page loads.

A form whose fields are laid out by hand may say more than its fields do:
`error_summary_labels` ({field name: text}) names a field in the summary when its own label is the
same on every row (a per-document "Result"), and `error_summary_targets` ({field name: element
id}) points a link at the element the template renders for that field (a checkbox per row).
`error_summary_non_field_target` (on a form) and `error_summary_non_form_target` (on a formset)
give the errors of the whole form or formset a field to link to, where one field is the fix
("set a number above 0" links to the first number); without them those errors are not links.
"""

from django import template
from django.forms import BaseForm, BaseFormSet
from django.utils.html import strip_tags
from django.utils.text import Truncator

register = template.Library()

_COVERED = "_error_summary_covered"


def _field_target(bound_field):
    """The id of the element a link to this field should focus: the input itself, or the first
    choice of a radio/checkbox group (whose own id_for_label is empty)."""
    auto_id = bound_field.auto_id
    if not auto_id:
        return ""
    target = bound_field.id_for_label
    if target:
        return target
    if getattr(bound_field.field.widget, "allow_multiple_selected", False) or hasattr(
        bound_field.field.widget, "option_template_name"
    ):
        return f"{auto_id}_0"
    return auto_id


def _short_label(label) -> str:
    """A label as a link text: no markup (a consent label carries a link to the privacy notice,
    which would show escaped), and at most a dozen words (the error says the rest)."""
    return Truncator(strip_tags(str(label))).words(12)


def _form_errors(form, items, row_label=""):
    setattr(form, _COVERED, True)
    if not form.is_bound:
        return
    labels = getattr(form, "error_summary_labels", {})
    targets = getattr(form, "error_summary_targets", {})
    non_field_target = getattr(form, "error_summary_non_field_target", "")
    for error in form.non_field_errors():
        items.append({"text": f"{row_label}{error}", "href": non_field_target})
    for bound_field in form:
        if not bound_field.errors:
            continue
        if bound_field.name in targets:
            href = targets[bound_field.name]
        else:
            href = "" if bound_field.is_hidden else _field_target(bound_field)
        label = labels.get(bound_field.name, bound_field.label)
        for error in bound_field.errors:
            items.append(
                {
                    "text": f"{row_label}{_short_label(label)}: {error}"
                    if label
                    else f"{row_label}{error}",
                    "href": href,
                }
            )
    # Forms that carry their own formset (e.g. a proposal's rows) list the rows' errors too.
    for nested in getattr(form, "error_summary_formsets", ()):
        _formset_errors(nested, items)


def _formset_errors(formset, items):
    setattr(formset, _COVERED, True)
    if not formset.is_bound:
        for row in formset.forms:
            setattr(row, _COVERED, True)
        return
    non_form_target = getattr(formset, "error_summary_non_form_target", "")
    for error in formset.non_form_errors():
        items.append({"text": str(error), "href": non_form_target})
    for index, row in enumerate(formset.forms, start=1):
        _form_errors(row, items, row_label=f"{index}. ")


def collect_errors(*forms):
    items = []
    for item in forms:
        if isinstance(item, BaseFormSet):
            _formset_errors(item, items)
        elif isinstance(item, BaseForm):
            _form_errors(item, items)
    return items


@register.inclusion_tag("_error_summary.html")
def error_summary(*forms, message=""):
    return {"errors": collect_errors(*forms), "message": message}


@register.simple_tag
def error_summary_covered(form):
    """Whether an {% error_summary %} earlier on the page already lists this form's errors."""
    return bool(getattr(form, _COVERED, False))
