from django.contrib import admin
from django.urls import include, path

from accounts import views as account_views
from core import views

admin.site.site_header = "Portal ASN Rakumpit"
admin.site.site_title = "Portal ASN Rakumpit"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("metrics", views.metrics, name="metrics"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("i18n/setlang/", account_views.set_language, name="set_language"),
    path("accounts/", include("allauth.urls")),
    path("accounts/", include("accounts.urls")),
    path("workforce/", include("workforce.urls")),
    path("recruitment/", include("recruitment.urls")),
    path("training/", include("training.urls")),
    path("performance/", include("performance.urls")),
    path("forums/", include("forums.urls")),
    path("privacy/", include("privacy.urls")),
    path("notifications/", include("notifications.urls")),
    path("", include("opendata.urls")),
    path("admin/", admin.site.urls),
]
