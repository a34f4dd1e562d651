from django.db.models import Count, Q, Sum
from django.utils import timezone

from recruitment.models import Formation
from workforce.models import Kelurahan, Sector


def home_stats() -> dict:
    """Live counts for the home page. Each capability adds its own as it lands."""
    now = timezone.now()
    vacancies = Formation.objects.filter(
        Q(is_published=True, period__is_published=True, period__registration_closed=False),
        period__registration_opens_at__lte=now,
        period__registration_closes_at__gt=now,
    ).aggregate(formations=Count("pk"), places=Sum("quota"))
    return {
        "kelurahan": Kelurahan.objects.count(),
        "sectors": Sector.objects.count(),
        "open_formations": vacancies["formations"],
        "open_places": vacancies["places"] or 0,
    }
