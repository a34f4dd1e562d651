"""The form renderer of the whole portal (settings.FORM_RENDERER).

It is Django's own renderer with one addition: the fields where people type free text (text,
search, textarea) get dir="auto", so a name or a post typed in Arabic or Hebrew script runs
right to left in its box while the rest of the form stays left to right (issue 22, see
core/templatetags/bidi.py). Set here once rather than in each form's widgets, so crispy forms,
allauth's and the admin's forms get it too; a form that sets its own `dir` keeps it.
"""

from django.forms.renderers import DjangoTemplates

FREE_TEXT_WIDGETS = frozenset(
    {
        "django/forms/widgets/text.html",
        "django/forms/widgets/search.html",
        "django/forms/widgets/textarea.html",
    }
)


class PortalFormRenderer(DjangoTemplates):
    def render(self, template_name, context, request=None):
        widget = context.get("widget") if template_name in FREE_TEXT_WIDGETS else None
        if isinstance(widget, dict):
            attrs = widget.setdefault("attrs", {})
            attrs.setdefault("dir", "auto")
        return super().render(template_name, context, request=request)
