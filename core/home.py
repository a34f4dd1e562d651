"""The home page's figures ("Rakumpit in numbers"): each app registers what it can count
(`register_figures`, from its AppConfig.ready()), with the page-cache generations the figures
come from, so the home page names no app."""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Figure:
    number: int
    text: str  # what the number counts, already translated
    url: str = ""  # where the figure leads, if anywhere
    order: int = 100


@dataclass(frozen=True)
class _Provider:
    figures: Callable[[], list[Figure]]
    labels: tuple[str, ...]


_providers: list[_Provider] = []


def register_figures(figures: Callable[[], list[Figure]], *, labels: tuple[str, ...]) -> None:
    """`figures()` returns the app's figures for the home page; `labels`: the page-cache
    generations they come from (the page is kept until one of them moves on)."""
    provider = _Provider(figures, tuple(labels))
    if provider not in _providers:
        _providers.append(provider)


def figures() -> list[Figure]:
    found = [figure for provider in _providers for figure in provider.figures()]
    return sorted(found, key=lambda figure: figure.order)


def labels() -> tuple[str, ...]:
    return tuple(dict.fromkeys(label for p in _providers for label in p.labels))
