"""The gaps a performance review found, as the training recommendations read them.

Training never imports performance (performance sits above it). The app that holds the reviews
registers a provider here from its AppConfig.ready() (performance/apps.py):
`provider(employee) -> list[ReviewGap]`, the BerAKHLAK values and SKP indicators rated below
expectation in the employee's latest final review. It must run a fixed number of queries.
GapCompetency rows (edited by HR in the admin) then say which programme competencies answer
each gap (training.selectors.recommendations).
"""

from collections.abc import Callable
from dataclasses import dataclass

from training.models import GapCompetency


@dataclass(frozen=True)
class ReviewGap:
    source: str  # GapCompetency.Source: "value" or "indicator"
    code: str  # the value's code, or the indicator's text
    label: str  # what the employee reads: the value's name or the indicator


VALUE = GapCompetency.Source.VALUE
INDICATOR = GapCompetency.Source.INDICATOR

GapProvider = Callable[[object], list[ReviewGap]]
_providers: list[GapProvider] = []


def register(provider: GapProvider) -> None:
    if provider not in _providers:
        _providers.append(provider)


def unregister(provider: GapProvider) -> None:
    if provider in _providers:
        _providers.remove(provider)


def gaps_for(employee) -> list[ReviewGap]:
    """Every registered provider's gaps of the employee; one call per provider."""
    return [gap for provider in _providers for gap in provider(employee)]
