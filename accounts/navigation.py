"""The main navigation: each app registers its pages (`register`, from its AppConfig.ready()),
and each person sees the ones their roles allow. The accounts app holds it because it knows the
roles; it names no other app."""

from dataclasses import dataclass

from django.urls import reverse

from accounts.roles import has_role


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    roles: tuple = ()  # empty: everyone
    staff_only: bool = False
    # Where the item stands in the menu (smaller first): the apps register in their own order.
    order: int = 100

    def visible_to(self, user) -> bool:
        if self.staff_only and not (user.is_authenticated and user.is_staff):
            return False
        return not self.roles or has_role(user, *self.roles)


_items: list[NavItem] = []


def register(*items: NavItem) -> None:
    for item in items:
        if item not in _items:
            _items.append(item)
    _items.sort(key=lambda item: item.order)


def items() -> tuple[NavItem, ...]:
    return tuple(_items)


def navigation(request):
    """Context processor: the menu items this person may see, the current one marked."""
    user = request.user
    current = request.path
    shown = []
    for item in _items:
        if item.visible_to(user):
            url = reverse(item.url_name)
            active = current == url if url == "/" else current.startswith(url)
            shown.append({"label": item.label, "url": url, "active": active})
    return {"nav_items": shown}
