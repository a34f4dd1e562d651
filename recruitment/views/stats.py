"""Public statistics of the selection: per published formation, its quota and the number of
finalised applications. Counts only, never personal data."""

from django.shortcuts import render

from recruitment.selectors import hr as selectors


def public_statistics(request):
    periods = selectors.public_statistics()
    return render(request, "recruitment/statistics.html", {"periods": periods})
