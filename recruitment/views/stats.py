"""Public statistics of the selection: per published formation, its quota and the number of
finalised applications. Counts only, never personal data."""

from django.shortcuts import render

from core.pagecache import public_page
from recruitment.selectors import hr as selectors


@public_page("recruitment", "workforce")
def public_statistics(request):
    periods = selectors.public_statistics()
    return render(request, "recruitment/statistics.html", {"periods": periods})
