"""Signals recruitment sends for the layers above it (which it must not import)."""

from django.dispatch import Signal

# Sent when an applicant starts an application after ticking the privacy notice's consent box.
# Arguments: application, user. The privacy app records the consent (purpose "application").
application_consented = Signal()
