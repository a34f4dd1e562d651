"""Recruitment II URLs: screening (included by recruitment/urls.py in the app namespace)."""

urlpatterns = []
