"""The outbox in Django admin: what waits, what failed for good (and sending it again), per
channel (e-mail, SMS, WhatsApp)."""

from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core import outbox
from core.models import OutboxMessage, QueuedTask


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = (
        "created_at",
        "channel",
        "kind",
        "recipients",
        "subject_or_text",
        "state",
        "attempts",
        "sent_at",
    )
    list_filter = ("state", "channel", "kind", ("created_at", admin.DateFieldListFilter))
    search_fields = ("subject", "to", "key", "provider_id", "user__email")
    date_hierarchy = "created_at"
    fields = (
        "channel",
        "kind",
        "recipients",
        "subject",
        "message_body",
        "state",
        "attempts",
        "created_at",
        "claimed_at",
        "sent_at",
        "provider_id",
        "delivered_at",
        "available_at",
        "last_error",
        "key",
        "user",
    )
    readonly_fields = fields
    actions = ["send_again"]

    @admin.display(description=_("to"))
    def recipients(self, obj):
        return ", ".join(obj.to)

    @admin.display(description=_("subject"))
    def subject_or_text(self, obj):
        if obj.subject or obj.kind.startswith(outbox.SECRET_KINDS):
            return obj.subject or "-"
        return obj.body[:80]

    @admin.display(description=_("body"))
    def message_body(self, obj):
        if obj.kind.startswith(outbox.SECRET_KINDS):
            # A sign-in link, a reset key or a phone code: never shown, blanked once sent.
            if obj.body:
                return _("Hidden: it holds a sign-in link, a reset link or a code.")
            return _("Removed once sent: it held a sign-in link, a reset link or a code.")
        return obj.body or "-"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Send again (failed or waiting messages)"), permissions=["view"])
    def send_again(self, request, queryset):
        count = queryset.filter(
            state__in=[OutboxMessage.State.DEAD, OutboxMessage.State.PENDING]
        ).update(
            state=OutboxMessage.State.PENDING,
            available_at=timezone.now(),
            attempts=0,
            provider_id="",
            delivered_at=None,
        )
        outbox.kick()
        self.message_user(
            request,
            ngettext(
                "%(count)d message will be sent again.",
                "%(count)d messages will be sent again.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )


@admin.register(QueuedTask)
class QueuedTaskAdmin(admin.ModelAdmin):
    list_display = ("created_at", "task", "attempts", "last_error")
    list_filter = ("task",)
    search_fields = ("task", "last_error")
    readonly_fields = [field.name for field in QueuedTask._meta.fields]
    actions = ["publish_now"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Publish now"), permissions=["view"])
    def publish_now(self, request, queryset):
        published = outbox.relay_tasks(ids=list(queryset.values_list("pk", flat=True)))
        self.message_user(
            request,
            ngettext("%(count)d task published.", "%(count)d tasks published.", published)
            % {"count": published},
        )
