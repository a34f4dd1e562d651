from django.urls import path

from notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("<int:pk>/", views.open_notification, name="open"),
    path("read-all/", views.read_all, name="read_all"),
    path("settings/", views.preferences, name="preferences"),
    path("settings/phone/", views.phone_send, name="phone_send"),
    path("settings/phone/verify/", views.phone_verify, name="phone_verify"),
    path("settings/phone/remove/", views.phone_remove, name="phone_remove"),
    path("receipts/<str:channel>/", views.receipt, name="receipt"),
]
