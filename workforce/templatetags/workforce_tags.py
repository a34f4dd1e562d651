from django import template

register = template.Library()


@register.filter
def absolute(value):
    """`{{ gap|absolute }}`: the size of a surplus, shown without its minus sign."""
    return abs(value)
