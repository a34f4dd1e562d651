from django import template

register = template.Library()


@register.filter
def absolute(value):
    """`{{ gap|absolute }}`: the size of a surplus, shown without its minus sign."""
    return abs(value)


@register.filter
def lookup(mapping, key):
    """`{{ notes|lookup:unit.pk }}`: an entry of a dict passed by the view."""
    return mapping.get(key, ()) if mapping else ()
