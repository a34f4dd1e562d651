"""Public help: how to apply in a selection period, its document sizes, what each status and code
means, how and by when to appeal, and whom to ask (the committee's contact point)."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from core.pagecache import public_page
from recruitment.selectors import help as selectors


@require_GET
@public_page("recruitment")
def help_index(request):
    context = {"periods": selectors.help_periods()}
    return render(request, "recruitment/help/help_index.html", context)


@require_GET
@public_page("recruitment")
def period_help(request, pk):
    context = {"help": selectors.period_help(pk)}
    return render(request, "recruitment/help/period_help.html", context)
