"""`{% exam_result_panel application %}`: the applicant's explained exam result (or "not
announced yet"), rendered from recruitment/_exam_result.html.

The tag reads the result itself, so that every page showing an application can use it, but at a
fixed cost: `applicant_result` makes at most three queries (none before the SKD result is
announced once the period's announcements are in the cache) whatever the caller has loaded
(see its docstring; tests/recruitment/test_ranking.py holds it to that)."""

from django import template

from recruitment.selectors.ranking import applicant_result

register = template.Library()


@register.inclusion_tag("recruitment/_exam_result.html", takes_context=True)
def exam_result_panel(context, application):
    """`announcements` from the page's context, when the view has read the period's already."""
    result = applicant_result(application, announcements=context.get("announcements"))
    return {"application": application, "result": result}
