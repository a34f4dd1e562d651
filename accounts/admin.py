from allauth.mfa.models import Authenticator
from auditlog.admin import LogEntryAdmin as AuditlogLogEntryAdmin
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.roles import Role, has_role
from core.audit import LogEntry, audited_model_labels


class UserCreationAdminForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "full_name")


class UserChangeAdminForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = UserChangeAdminForm
    add_form = UserCreationAdminForm
    ordering = ("email",)
    list_display = (
        "email",
        "full_name",
        "preferred_language",
        "is_staff",
        "is_active",
        "date_joined",
    )
    list_filter = ("groups", "is_staff", "is_superuser", "is_active", "preferred_language")
    search_fields = ("email", "full_name", "phone")
    readonly_fields = ("last_login", "date_joined")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Personal info"), {"fields": ("full_name", "phone", "preferred_language")}),
        (
            _("Roles and permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "full_name", "password1", "password2"),
            },
        ),
    )


# --- two-factor authenticators ------------------------------------------------------------
# allauth's own admin shows and edits an authenticator's `data` (the TOTP secret): an
# administrator could copy or replace a colleague's second factor. Here the secret is never
# shown and nothing can be edited; deleting one is the reset for a lost phone (the person must
# enrol again at the next sign-in).

admin.site.unregister(Authenticator)


@admin.register(Authenticator)
class AuthenticatorAdmin(admin.ModelAdmin):
    list_display = ("user", "type", "created_at", "last_used_at")
    list_filter = ("type", "created_at", "last_used_at")
    search_fields = ("user__email", "user__full_name")
    list_select_related = ("user",)
    fields = ("user", "type", "created_at", "last_used_at")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


# --- the audit trail ---------------------------------------------------------------------
# The audit trail in Django admin: administrators only, read-only for everyone.
#
# auditlog registers its own LogEntry admin; this one replaces it. Its entries hold everyone's
# changes, so HR and the other back-office roles do not see it (their admin permissions are synced
# by accounts.roles, which gives none on the "auditlog" app), and nobody, a superuser included, can
# add, change or delete an entry from the admin.


class AuditedModelFilter(admin.SimpleListFilter):
    """Filter by the record's type, offering the audited models only (not a scan of the log)."""

    title = _("content type")  # already in the catalogue
    parameter_name = "content_type"

    def lookups(self, request, model_admin):

        choices = []
        for label in audited_model_labels():
            app_label, model_name = label.split(".")
            content_type = ContentType.objects.get_by_natural_key(app_label, model_name.lower())
            choices.append((str(content_type.pk), label))
        return choices

    def queryset(self, request, queryset):
        return queryset.filter(content_type_id=self.value()) if self.value() else queryset


if admin.site.is_registered(LogEntry):
    admin.site.unregister(LogEntry)


@admin.register(LogEntry)
class LogEntryAdmin(AuditlogLogEntryAdmin):
    list_display = ["created", "resource_url", "action", "msg_short", "user_url", "remote_addr"]
    list_filter = [
        "action",
        AuditedModelFilter,
        ("actor", admin.RelatedOnlyFieldListFilter),
        "timestamp",
    ]
    search_fields = ["object_repr", "actor_email", "actor__email"]
    show_full_result_count = False  # the log grows without bound: no second COUNT(*)
    readonly_fields = [
        "created",
        "resource_url",
        "action",
        "user_url",
        "actor_email",
        "remote_addr",
        "additional_data",
        "msg",
    ]
    fields = [
        "created",
        "user_url",
        "actor_email",
        "remote_addr",
        "resource_url",
        "action",
        "msg",
        "additional_data",
    ]
    fieldsets = None

    @staticmethod
    def _is_administrator(request) -> bool:
        user = request.user
        return user.is_active and user.is_staff and has_role(user, Role.ADMINISTRATOR)

    def has_module_permission(self, request):
        return self._is_administrator(request)

    def has_view_permission(self, request, obj=None):
        return self._is_administrator(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        return {}  # not even the bulk "delete selected"
