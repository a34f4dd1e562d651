"""Journey: an applicant sends a photo straight from the phone's camera (a 12-megapixel JPEG of a
few megabytes, held upright, with its GPS position) into the pas foto slot, whose limit is
200 KB. Nothing asks them to resize it: the page says the portal will make it smaller, and
afterwards what it did. Phone and desktop; Indonesian, then English."""

import re

from playwright.sync_api import expect

from tests.e2e.conftest import check_accessibility, html_lang, screenshot, sign_in
from tests.photos import phone_jpeg

NO_SIDEWAYS_SCROLL = "document.documentElement.scrollWidth <= window.innerWidth"


def choose_photo(page, data: bytes):
    page.locator("#file-pas-foto").set_input_files(
        files=[{"name": "IMG_20261206_0815.jpg", "mimeType": "image/jpeg", "buffer": data}]
    )


def send(page):
    page.locator("#slot-pas-foto button[type=submit]").click()
    notice = page.locator("#slot-pas-foto [data-upload-notice]")
    notice.wait_for()
    return notice


def test_it_takes_a_phone_photo_into_the_pas_foto_slot(page, live_server, demo):
    from recruitment.models import Application, Document

    draft = Application.objects.get(applicant=demo["users"]["applicant2"], status="draft")
    photo = phone_jpeg()  # 4032 × 3024, orientation 6, GPS
    assert 2 * 1024 * 1024 < len(photo) < 4 * 1024 * 1024
    megabytes = round(len(photo) / 1024 / 1024, 1)
    sign_in(page, "applicant2@demo.rakumpit.go.id")
    page.goto(f"/recruitment/applications/{draft.pk}/documents/pas-foto/")
    assert html_lang(page) == "id"
    check_accessibility(page)

    # Indonesian: numbers with a decimal comma, before and after sending.
    choose_photo(page, photo)
    feedback = page.locator("#file-pas-foto-feedback")
    expect(feedback).to_contain_text(f"{megabytes}".replace(".", ",") + " MB")
    expect(feedback).to_contain_text("200 KB")
    expect(page.locator("#file-pas-foto")).not_to_have_class(re.compile("is-invalid"))
    notice = send(page)
    expect(notice).to_have_class(re.compile("alert-success"))
    expect(notice).to_contain_text("600 × 800")
    expect(notice).to_contain_text(f"{megabytes}".replace(".", ",") + " MB")
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    check_accessibility(page)

    # English: the whole sentence.
    with page.expect_navigation():
        page.get_by_role("button", name="English").click()
    choose_photo(page, photo)
    expect(page.locator("#file-pas-foto-feedback")).to_have_text(
        f"{megabytes} MB: ready to upload. The portal will make the photo smaller to fit 200 KB."
    )
    notice = send(page)
    expect(notice).to_have_class(re.compile("alert-success"))
    expect(notice).to_contain_text(
        f"The photo was reduced from 3024 × 4032, {megabytes} MB to 600 × 800, "
    )
    expect(notice).to_contain_text("Its location (GPS) and camera data were removed.")
    expect(page.locator(".alert-danger")).to_have_count(0)
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    check_accessibility(page)
    screenshot(page, "24-photo-made-smaller-en")

    current = Document.objects.get(application=draft, requirement__slug="pas-foto", is_current=True)
    assert current.size <= 200 * 1024 and current.extension == "jpg"
