def unread(request):
    """The bell's count in the header (one indexed COUNT, signed-in people only)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def count():
        from notifications.selectors import unread_count

        return unread_count(user)

    # Lazy: a page whose template never shows the header pays nothing.
    from django.utils.functional import SimpleLazyObject

    return {"notifications_unread": SimpleLazyObject(count)}
