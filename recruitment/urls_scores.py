"""Recruitment II URLs: scores (included by recruitment/urls.py in the app namespace)."""

urlpatterns = []
