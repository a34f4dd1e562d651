"""Demo data: one applicant who chose WhatsApp for their applications' messages, with a
verified number (make run prints WhatsApp messages in its terminal: the console backend)."""

from django.utils import timezone

from notifications.models import Category, Preferences


def seed(users: dict) -> None:
    applicant = users.get("applicant3")
    if applicant is None:
        return
    Preferences.objects.update_or_create(
        user=applicant,
        defaults={
            "phone": "+6281255550103",
            "phone_verified_at": timezone.now(),
            "channels": {Category.RECRUITMENT: ["whatsapp", "email"], Category.NEWS: ["whatsapp"]},
        },
    )
