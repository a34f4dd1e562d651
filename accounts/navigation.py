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
    # The concern (a registered Section's key) whose menu holds the item; "" stands on its own.
    section: str = ""

    def visible_to(self, user) -> bool:
        if self.staff_only and not (user.is_authenticated and user.is_staff):
            return False
        return not self.roles or has_role(user, *self.roles)


@dataclass(frozen=True)
class Section:
    """A concern of the menu (Workforce, Recruitment ...): one dropdown holding its pages."""

    key: str
    label: str
    order: int = 100


_items: list[NavItem] = []
_sections: dict[str, Section] = {}


def register_section(*sections: Section) -> None:
    for section in sections:
        _sections.setdefault(section.key, section)


def register(*items: NavItem) -> None:
    for item in items:
        if item not in _items:
            _items.append(item)
    _items.sort(key=lambda item: item.order)


def items() -> tuple[NavItem, ...]:
    return tuple(_items)


def navigation(request):
    """Context processor: the menu this person may see, by concern, the current page marked.

    `nav_items` is every visible page (flat, in order); `nav_groups` the menu as shown: pages
    without a concern on their own ({"item"}), and each concern's pages together ({"key",
    "label", "pages", "current"}; not "items": a template would read a dict's .items method).
    A concern with a single visible page shows that page as a plain link (no dropdown holding
    one item). Exactly one page is current: the most specific match (/forums/mine/ is "My
    topics", not also the forum); its concern is marked as holding it."""
    user = request.user
    current = request.path
    shown = []
    for item in _items:
        if item.visible_to(user):
            url = reverse(item.url_name)
            matches = current == url if url == "/" else current.startswith(url)
            shown.append(
                {"label": item.label, "url": url, "active": matches, "section": item.section}
            )
    current_item = max((i for i in shown if i["active"]), key=lambda i: len(i["url"]), default=None)
    for item in shown:
        item["active"] = item is current_item
    groups: list[dict] = []
    by_section: dict[str, dict] = {}
    for item in shown:
        section = _sections.get(item["section"])
        if section is None:
            groups.append({"item": item})
            continue
        group = by_section.get(section.key)
        if group is None:
            group = {"key": section.key, "label": section.label, "pages": []}
            by_section[section.key] = group
            groups.append(group)
        group["pages"].append(item)
    for group in groups:
        if "pages" not in group:
            continue
        group["current"] = any(item["active"] for item in group["pages"])
        if len(group["pages"]) == 1:
            group["item"] = group.pop("pages")[0]
    # Standalone pages first (Today, Home), then the concerns in their registered order.
    section_order = {key: section.order for key, section in _sections.items()}
    groups.sort(key=lambda g: (0, 0) if "key" not in g else (1, section_order[g["key"]]))
    return {"nav_items": shown, "nav_groups": groups}


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
    holding a role without one and when the
    page does not exist in this build. Staff, supervisors and employees land on "Today"."""
    if not getattr(user, "is_authenticated", False):
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
