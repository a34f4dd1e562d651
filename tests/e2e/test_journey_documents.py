"""Official documents, end to end: the demo applicant downloads her registration card and exam
card and the demo employee his training certificate; each PDF is drawn as an image, its QR code
is read as a phone would read it, and the address it holds (this live server's, since SITE_URL
is where the portal is served) opens the public check, which says the document is genuine: on a
phone and a desktop, in Bahasa Indonesia and English, axe-clean, without sideways scrolling."""

from django.urls import reverse
from playwright.sync_api import expect

from recruitment.models import Application
from tests.e2e.conftest import (
    SCREENSHOT_DIR,
    check_accessibility,
    html_lang,
    screenshot,
    sign_in,
)
from tests.pdf_checks import A5, draw_pdf
from training.models import Certificate


def no_sideways_scroll(page):
    width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"{page.url} scrolls sideways: {width}"


def fetch_pdf(page, path):
    """The PDF as the signed-in browser downloads it."""
    response = page.request.get(path)
    assert response.status == 200, (path, response.status)
    assert response.headers["content-type"] == "application/pdf"
    return response.body()


def keep_drawing(page, pdf, name):
    """The PDF's page as an image beside the screenshots (once: it does not depend on the
    window), for a reviewer to look at."""
    if page.viewport_name == "desktop":
        SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
        pdf.image.save(SCREENSHOT_DIR / f"{name}.png")


def open_check(page, pdf, live_server):
    (address,) = pdf.qr_codes()
    assert address.startswith(live_server.url + "/"), address
    page.goto(address)
    no_sideways_scroll(page)
    check_accessibility(page)
    return address


def test_it_checks_the_applicants_cards_by_their_qr_codes(page, live_server, demo, settings):
    settings.SITE_URL = live_server.url
    applications = Application.objects.filter(
        applicant__email="applicant@demo.rakumpit.go.id", status=Application.Status.SUBMITTED
    ).order_by("period__year")
    examined = next(a for a in applications if a.exam_session_id)  # last year's: sat the SKD

    sign_in(page, "applicant@demo.rakumpit.go.id")
    card = draw_pdf(fetch_pdf(page, reverse("recruitment:exam_card", args=[examined.pk])))
    assert card.pages == 1 and card.is_size(A5)
    assert examined.verification_code in card.text
    keep_drawing(page, card, "93-exam-card-pdf")

    open_check(page, card, live_server)
    assert html_lang(page) == "id"
    expect(page.locator("main")).to_contain_text(examined.registration_number)
    expect(page.locator("main .alert-success").last).to_contain_text(examined.exam_session.location)
    screenshot(page, "90-exam-card-check-id")

    with page.expect_navigation():
        page.get_by_role("button", name="English").click()
    assert html_lang(page) == "en"
    expect(page.get_by_role("heading", name="Exam participant card")).to_be_visible()
    expect(page.get_by_text("This card is genuine: it was issued by this portal.")).to_be_visible()
    no_sideways_scroll(page)
    check_accessibility(page)
    screenshot(page, "91-exam-card-check-en")

    latest = applications.last()
    card = draw_pdf(fetch_pdf(page, reverse("recruitment:application_card", args=[latest.pk])))
    assert card.pages == 1 and "REGISTRATION CARD" in card.words
    keep_drawing(page, card, "94-registration-card-pdf-en")
    open_check(page, card, live_server)
    expect(page.locator("main")).to_contain_text(latest.registration_number)


def test_it_checks_a_training_certificate_by_its_qr_code(page, live_server, demo, settings):
    settings.SITE_URL = live_server.url
    certificate = (
        Certificate.objects.select_related("enrolment__employee")
        .filter(enrolment__employee__user__email="employee@demo.rakumpit.go.id")
        .first()
    )

    sign_in(page, "employee@demo.rakumpit.go.id")
    path = reverse("training:certificate_pdf", args=[certificate.enrolment_id])
    drawn = draw_pdf(fetch_pdf(page, path))
    assert drawn.pages == 1
    assert "Drs.AhmadSyahrani,M.Si." in drawn.joined  # the demo programmes' signatory
    keep_drawing(page, drawn, "95-training-certificate-pdf")

    open_check(page, drawn, live_server)
    expect(page.locator("main")).to_contain_text(certificate.enrolment.employee.full_name)
    screenshot(page, "92-certificate-check-id")
