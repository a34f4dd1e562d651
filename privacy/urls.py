from django.urls import path

from privacy import views

app_name = "privacy"
urlpatterns = [
    path("", views.notice, name="notice"),
    path("my-data/", views.my_data, name="my_data"),
    path("my-data/export.zip", views.export, name="export"),
    path("my-data/requests/new/", views.request_create, name="request_create"),
    path("my-data/requests/<int:pk>/", views.request_detail, name="request_detail"),
    path("requests/", views.request_list, name="request_list"),
    path("requests/<int:pk>/", views.request_answer, name="request_answer"),
]
