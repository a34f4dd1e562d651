"""`{% exam_result_panel application %}`: the applicant's explained exam result (or "not
announced yet"), rendered from recruitment/_exam_result.html."""

from django import template

from recruitment.selectors.ranking import applicant_result

register = template.Library()


@register.inclusion_tag("recruitment/_exam_result.html")
def exam_result_panel(application):
    return {"application": application, "result": applicant_result(application)}
