"""Form controls rendered in Python, for the forms on the hot path: `{% control field %}` (the
widget alone: an input, a select or a textarea) and `{% filter_field field %}` (a public list's
filter field: label, control and errors in a grid column, in crispy-forms' Bootstrap 5 markup).

Why not Django's widget templates or crispy here: both render every control, and every
`<option>` of a select, through templates of their own (django/forms/widgets/*.html with the
attrs template), about half a millisecond per control. That was a third of the vacancy list's
time with the page cache off (eight filter fields, 55 options), and a 57-position proposal form
(228 controls) took 150 ms (issue 23, docs/performance.md). django-widget-tweaks and the like
still render through those templates. The output is what Django's widgets write: the same
attributes in the same order (the widget's attrs, Django's required/aria ones from
BoundField.build_widget_attrs, and dir="auto" on free text as the portal's form renderer adds,
core/forms.py). Only the widgets those forms use are handled (text-like inputs, number, hidden,
select, textarea); anything else falls back to the widget's own rendering. Forms people fill in
once (applications, reports) keep crispy: they are not on the hot path.
"""

from django import forms, template
from django.utils.html import format_html, format_html_join

from core.forms import FREE_TEXT_WIDGETS

register = template.Library()

COLUMN = "col-12 col-sm-6 col-lg-4"

# Handled here, these exact classes only; any other widget, subclasses included (a
# NullBooleanSelect formats its value differently, an admin or datalist widget adds to the
# context), is rendered by Django as usual.
_PLAIN = frozenset(
    {forms.TextInput, forms.NumberInput, forms.HiddenInput, forms.Textarea, forms.Select}
)


def _text(value) -> str:
    return "" if value is None else str(value)


def _attributes(attrs: dict):
    """The attributes in the order given (django.forms.utils.flatatt sorts them by name); True
    is an attribute without a value, False and None leave it out, as in Django's widgets."""
    return format_html_join(
        "",
        "{}",
        (
            (format_html(" {}", k) if v is True else format_html(' {}="{}"', k, v),)
            for k, v in attrs.items()
            if v is not None and v is not False
        ),
    )


def _options(choices, current: set[str]):
    """The choices as <option>s (an optgroup for a nested group), those in `current` selected."""
    return format_html_join(
        "",
        "{}",
        (
            (
                format_html('<optgroup label="{}">{}</optgroup>', value, _options(label, current))
                if isinstance(label, (list, tuple))
                else format_html(
                    '<option value="{}"{}>{}</option>',
                    _text(value),
                    " selected" if _text(value) in current else "",
                    label,
                ),
            )
            for value, label in choices
        ),
    )


def _control(bound_field, extra: dict | None = None):
    widget = bound_field.field.widget
    if type(widget) not in _PLAIN or bound_field.field.show_hidden_initial:
        return bound_field.as_widget(attrs=extra) if extra else str(bound_field)
    value = bound_field.value()
    attrs = {"name": bound_field.html_name}
    if not isinstance(widget, (forms.Select, forms.Textarea)):
        attrs = {"type": widget.input_type, **attrs}
        if value not in (None, ""):
            attrs["value"] = _text(widget.format_value(value))
    attrs.update(bound_field.build_widget_attrs({**widget.attrs, **(extra or {})}))
    if bound_field.auto_id and "id" not in attrs:
        attrs["id"] = bound_field.auto_id
    if widget.template_name in FREE_TEXT_WIDGETS:
        attrs.setdefault("dir", "auto")  # as the portal's form renderer does (core/forms.py)
    if isinstance(widget, forms.Select):
        return format_html(
            "<select{}>{}</select>",
            _attributes(attrs),
            _options(widget.choices, set(widget.format_value(value))),
        )
    if isinstance(widget, forms.Textarea):
        shown = widget.format_value(value)
        return format_html("<textarea{}>\n{}</textarea>", _attributes(attrs), shown or "")
    return format_html("<input{}>", _attributes(attrs))


@register.simple_tag
def control(bound_field):
    """The field's widget alone, as `{{ field }}` renders it."""
    return _control(bound_field)


@register.simple_tag
def filter_field(bound_field, wrapper_class: str = COLUMN):
    """The field's label, control and errors in a grid column; a hidden field alone."""
    widget = bound_field.field.widget
    if widget.is_hidden:
        return _control(bound_field)
    # As crispy-forms' Bootstrap 5 pack writes it: the widget's class name, lower-cased, then
    # Bootstrap's, after the widget's own classes.
    kind = type(widget).__name__.lower()
    kind = f"{kind} form-select" if isinstance(widget, forms.Select) else f"{kind} form-control"
    own = widget.attrs.get("class", "")
    kind = f"{own} {kind}".strip()
    extra = {"class": kind}
    errors = ""
    if bound_field.errors:
        described = [f"{bound_field.auto_id}_error"]
        if bound_field.help_text:
            described.append(f"{bound_field.auto_id}_helptext")
        extra = {
            "class": f"{kind} is-invalid",
            "aria-invalid": "true",
            "aria-describedby": " ".join(described),
        }
        errors = format_html(
            '<div id="{}_error" class="invalid-feedback">{}</div>',
            bound_field.auto_id,
            format_html_join(
                "",
                '<span id="error_{}_{}"><strong>{}</strong></span>',
                ((n, bound_field.auto_id, e) for n, e in enumerate(bound_field.errors, 1)),
            ),
        )
    required = bound_field.field.required
    help_text = ""
    if bound_field.help_text:
        help_text = format_html(
            '<div id="{}_helptext" class="form-text">{}</div>',
            bound_field.auto_id,
            bound_field.help_text,
        )
    return format_html(
        '<div class="{}"><div id="div_{}" class="mb-3"><label for="{}" class="form-label{}">{}{}'
        "</label>{}{}{}</div></div>",
        wrapper_class,
        bound_field.auto_id,
        bound_field.id_for_label,
        " requiredField" if required else "",
        bound_field.label,
        format_html('<span class="asteriskField">*</span>') if required else "",
        _control(bound_field, extra),
        errors,
        help_text,
    )
