"""The main navigation: each app registers its pages (`register`, from its AppConfig.ready()),
and each person sees the ones their roles allow. The accounts app holds it because it knows the
roles; it names no other app."""

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse

from accounts.roles import has_role, user_roles


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
            matches = current == url if url == "/" else current.startswith(url)
            shown.append({"label": item.label, "url": url, "active": matches})
    # One current item: the most specific (/forums/mine/ is "My topics", not also the forum).
    current_item = max((i for i in shown if i["active"]), key=lambda i: len(i["url"]), default=None)
    for item in shown:
        item["active"] = item is current_item
    return {"nav_items": shown}


# --- where a person lands after signing in ----------------------------------------------------


@dataclass(frozen=True)
class Landing:
    """The page a role's holders land on after signing in (an applicant's own applications, a
    resident's own topics), registered by the app that owns the page."""

    role: str
    url_name: str
    order: int = 100


_landings: list[Landing] = []


def register_landing(role: str, url_name: str, *, order: int = 100) -> None:
    landing = Landing(role, url_name, order)
    if landing not in _landings:
        _landings.append(landing)
    _landings.sort(key=lambda item: item.order)


def landing_url(user) -> str | None:
    """Where `user` lands after signing in when no ?next= says otherwise: the page of the first
    of their roles (in the registered order) that has one. None (the usual page) for anyone
    holding a role without one (employees and staff keep landing where they did) and when the
    page does not exist in this build."""
    if not getattr(user, "is_authenticated", False) or user.is_staff or user.is_superuser:
        return None
    roles = user_roles(user)
    if not roles or roles - {landing.role for landing in _landings}:
        return None
    for landing in _landings:
        if landing.role in roles:
            try:
                return reverse(landing.url_name)
            except NoReverseMatch:
                continue
    return None
