from django import template

from accounts.roles import has_role as _has_role

register = template.Library()


@register.filter
def has_role(user, roles: str) -> bool:
    """`{% if user|has_role:"hr,administrator" %}`: the same rule the views use."""
    return _has_role(user, *[r.strip() for r in roles.split(",") if r.strip()])
