from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from opendata.models import LeadershipReport


@admin.register(LeadershipReport)
class LeadershipReportAdmin(admin.ModelAdmin):
    """Generated reports, read-only: HR generates them from their page (opendata.report_views)
    and the scheduled task each month; generating again replaces one."""

    list_display = ("__str__", "kind", "month", "period", "generated_at", "generated_by")
    list_filter = ("kind", "generated_at")
    search_fields = ("period__name",)
    date_hierarchy = "generated_at"
    list_select_related = ("period", "generated_by")
    readonly_fields = (
        "kind",
        "month",
        "period",
        "generated_at",
        "generated_by",
        "figures",
        "downloads",
    )
    exclude = ("pdf", "xlsx")

    @admin.display(description=_("files"))
    def downloads(self, obj):
        # Through HR's download view (private storage: never a media URL).
        links = [
            (reverse("opendata:report_download", args=[obj.pk, extension]), extension.upper())
            for extension in ("pdf", "xlsx")
            if getattr(obj, extension)
        ]
        return format_html_join(" · ", '<a href="{}">{}</a>', links) or "–"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
