"""Recruitment II URLs: announcements (included by recruitment/urls.py in the app namespace)."""

urlpatterns = []
