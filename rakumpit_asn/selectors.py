from workforce.models import Kelurahan, Sector


def home_stats() -> dict:
    """Live counts for the home page. Each capability adds its own as it lands."""
    return {
        "kelurahan": Kelurahan.objects.count(),
        "sectors": Sector.objects.count(),
    }
