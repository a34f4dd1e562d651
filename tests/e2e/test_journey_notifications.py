"""Journey: reaching an applicant on WhatsApp. Agustina (applicant3, whose application was found
TMS) finds "How I am notified" in her account menu, verifies her mobile number with the code the
gateway carried to WhatsApp, and chooses WhatsApp for her applications' messages. When the
administrative result is announced, the TMS notice goes to the local fake gateway once (the
task runs twice) and to her inbox: the bell counts it, the inbox lists it, and it opens her
application. Phone and desktop, Bahasa Indonesia and English, axe clean."""

import re

from django.core import mail
from playwright.sync_api import expect

from tests.e2e.conftest import check_accessibility, html_lang, open_nav, screenshot, sign_in
from tests.fake_gateway import FakeGateway

NO_SIDEWAYS_SCROLL = "document.documentElement.scrollWidth <= document.documentElement.clientWidth"


def _fits(page):
    assert page.evaluate(NO_SIDEWAYS_SCROLL), f"{page.url} scrolls sideways"


def test_an_applicant_who_chose_whatsapp_gets_the_tms_notice_once(
    page, live_server, demo, settings
):
    from notifications.models import Notification, Preferences
    from recruitment.models import Application, Milestone, StatusNotification
    from recruitment.tasks import send_milestone_emails

    user = demo["users"]["applicant3"]
    mine = Application.objects.get(applicant=user)
    # A fresh start: no channel chosen yet, and the TMS result not yet told (the demo's inbox
    # already holds it, as if it had been sent).
    Preferences.objects.filter(user=user).delete()
    Notification.objects.filter(recipient=user).delete()
    StatusNotification.objects.filter(application=mine, status=Milestone.ADMIN_RESULT).delete()

    with FakeGateway() as gateway:
        settings.NOTIFICATION_CHANNELS = {
            "whatsapp": {
                "BACKEND": "core.channels.HttpGatewayBackend",
                "OPTIONS": {"url": gateway.url, "secret": "e2e-secret", "timeout": 2},
            }
        }
        sign_in(page, "applicant3@demo.rakumpit.go.id")
        assert html_lang(page) == "id"
        # No news yet: the bell has no count.
        expect(page.locator("[data-notification-bell]")).to_be_visible()
        expect(page.locator("[data-unread-count]")).to_have_count(0)

        open_nav(page, "Cara saya diberi tahu")
        expect(page.get_by_role("heading", name="Cara saya diberi tahu")).to_be_visible()
        phone_form = page.locator("form[action='/notifications/settings/phone/']")
        phone_form.get_by_label("Nomor ponsel").fill("0812 3456 7890")
        phone_form.get_by_label("WhatsApp").check()
        _fits(page)
        check_accessibility(page)
        screenshot(page, "80-notify-phone-id")
        with page.expect_navigation():
            phone_form.get_by_role("button", name="Kirim kode").click()
        [code_message] = gateway.requests
        assert code_message.json["channel"] == "whatsapp"
        assert code_message.json["to"] == "+6281234567890"
        code = re.search(r"\b(\d{6})\b", code_message.json["text"]).group(1)

        code_form = page.locator("form[action='/notifications/settings/phone/verify/']")
        code_form.get_by_label("Kode dari pesan").fill(code)
        with page.expect_navigation():
            code_form.get_by_role("button", name="Verifikasi").click()
        expect(page.get_by_text("+62 812-3456-7890")).to_be_visible()

        # WhatsApp instead of e-mail for her applications' messages.
        page.locator("input[name='c_recruitment'][value='whatsapp']").check()
        page.locator("input[name='c_recruitment'][value='email']").uncheck()
        check_accessibility(page)
        screenshot(page, "81-notify-whatsapp-chosen-id")
        with page.expect_navigation():
            page.get_by_role("button", name="Simpan pengaturan").click()
        expect(page.locator("input[name='c_recruitment'][value='whatsapp']")).to_be_checked()
        expect(page.locator("input[name='c_recruitment'][value='email']")).not_to_be_checked()

        # The administrative result is announced: the announcement's task runs (twice: a retry
        # or a second publication must tell her nothing twice).
        mail.outbox.clear()
        send_milestone_emails([mine.pk], Milestone.ADMIN_RESULT)
        send_milestone_emails([mine.pk], Milestone.ADMIN_RESULT)
        notices = [r for r in gateway.requests[1:] if "TMS" in r.json["text"]]
        assert len(notices) == 1, [r.json for r in gateway.requests]
        assert notices[0].json["to"] == "+6281234567890"
        assert "/notifications/" in notices[0].json["text"]
        assert len(notices[0].json["text"]) <= 160
        assert not [m for m in mail.outbox if user.email in m.to]
        [notice] = Notification.objects.filter(recipient=user)

        page.reload()
        bell = page.locator("[data-notification-bell]")
        expect(bell.locator("[data-unread-count]")).to_contain_text("1")
        with page.expect_navigation():
            bell.click()
        expect(page.get_by_role("heading", name="Notifikasi")).to_be_visible()
        row = page.locator(f"a[href='/notifications/{notice.pk}/']")
        expect(row).to_contain_text("TMS")
        _fits(page)
        check_accessibility(page)
        screenshot(page, "82-notify-inbox-id")
        with page.expect_navigation():
            row.click()
        assert page.url.endswith(mine.get_absolute_url()), page.url
        expect(page.locator("[data-outcome] [data-status='tms']").first).to_be_visible()
        expect(page.locator("[data-unread-count]")).to_have_count(0)

        with page.expect_navigation():
            page.get_by_role("button", name="English").click()
        assert html_lang(page) == "en"
        with page.expect_navigation():
            page.locator("[data-notification-bell]").click()
        expect(page.get_by_role("heading", name="Notifications")).to_be_visible()
        expect(page.locator(f"a[href='/notifications/{notice.pk}/']")).to_be_visible()
        _fits(page)
        check_accessibility(page)
        screenshot(page, "83-notify-inbox-en")


def test_hr_writes_to_a_formations_applicants_with_a_preview(page, live_server, demo):
    """HR opens a formation's applications, chooses whom to write to, previews the message with
    the number of people and messages per channel, confirms and sends; each applicant finds it
    in their inbox, and the bulk message is on record."""
    from django.urls import reverse

    from notifications.models import BulkMessage, Notification
    from recruitment.models import Application

    mine = Application.objects.filter(applicant=demo["users"]["applicant3"]).get()
    formation = mine.formation
    sign_in(page, "hr@demo.rakumpit.go.id")
    page.goto(reverse("recruitment:hr_period_detail", args=[formation.period_id]))
    with page.expect_navigation():
        page.locator(
            f"a[href='{reverse('recruitment:hr_application_list', args=[formation.pk])}']"
        ).first.click()
    with page.expect_navigation():
        page.get_by_role("button", name="Kirim pesan ke pelamar").click()
    expect(page.get_by_role("heading", name="Kirim pesan")).to_be_visible()
    page.get_by_label("Judul").fill("Jadwal verifikasi ulang dokumen")
    page.get_by_label("Pesan").fill(
        "Silakan datang ke kantor kecamatan pada Senin pukul 09.00 WIB."
    )
    with page.expect_navigation():
        page.get_by_role("button", name="Pratinjau").click()
    expect(page.get_by_text("Jadwal verifikasi ulang dokumen")).to_be_visible()
    _fits(page)
    check_accessibility(page)
    screenshot(page, "84-bulk-preview-id")

    # Sending without the tick sends nothing and keeps the text.
    with page.expect_navigation():
        page.get_by_role("button", name="Kirim", exact=True).click()
    expect(page.get_by_text("Centang kotak konfirmasi untuk mengirim pesan.").first).to_be_visible()
    assert not BulkMessage.objects.exists()

    page.get_by_label(re.compile("Ya, kirim pesan ini")).check()
    with page.expect_navigation():
        page.get_by_role("button", name="Kirim", exact=True).click()
    expect(page.locator(".alert-success")).to_contain_text("Pesan Anda telah dikirim")
    [sent] = BulkMessage.objects.all()
    assert sent.sender == demo["users"]["hr"]
    assert sent.recipients >= 1
    assert Notification.objects.filter(bulk=sent, recipient=mine.applicant).count() == 1
    _fits(page)
    screenshot(page, "85-bulk-sent-id")
