"""Journey 2: an applicant completes the draft from the demo data: uploads the missing documents
(a refused file first), finalises, downloads the registration card and reads the timeline; a
new applicant fills in the profile and applies. Phone and desktop; Indonesian and English."""

import io

from playwright.sync_api import expect
from pypdf import PdfReader, PdfWriter

from tests.e2e.conftest import check_accessibility, html_lang, open_nav, screenshot, sign_in

VIEWPORT = "both"  # what CI runs: tests/e2e/conftest.py


def _pdf_bytes():
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def test_it_takes_an_applicant_from_a_draft_to_a_registration_card(page, live_server, demo):
    from recruitment.models import Application

    # Siti took part in last year's PPPK selection too: her draft is this year's application.
    draft = Application.objects.get(applicant=demo["users"]["applicant2"], status="draft")
    sign_in(page, "applicant2@demo.rakumpit.go.id")
    assert html_lang(page) == "id"
    with page.expect_navigation():
        page.get_by_role("button", name="English").click()
    open_nav(page, "My applications")
    check_accessibility(page)
    with page.expect_navigation():
        page.locator(f"main a[href='/recruitment/applications/{draft.pk}/']").first.click()
    expect(page.get_by_text("Draft: not sent yet").first).to_be_visible()
    check_accessibility(page)
    screenshot(page, "20-application-draft-en")

    # A web page renamed .pdf is refused before it is sent; nothing changes.
    page.locator("#file-ijazah").set_input_files(
        files=[
            {
                "name": "ijazah.pdf",
                "mimeType": "application/pdf",
                "buffer": b"<html><script>alert(1)</script></html>",
            }
        ]
    )
    page.locator("#slot-ijazah button[type=submit]").click()
    expect(
        page.locator("#slot-ijazah").get_by_text("This file is not a PDF. Choose a PDF file.")
    ).to_be_visible()
    expect(page.locator("#slot-ijazah").get_by_text("Not uploaded yet.")).to_be_visible()

    for slug in ("ijazah", "transkrip"):
        page.locator(f"#file-{slug}").set_input_files(
            files=[{"name": f"{slug}.pdf", "mimeType": "application/pdf", "buffer": _pdf_bytes()}]
        )
        page.locator(f"#slot-{slug} button[type=submit]").click()
        page.locator(f"#slot-{slug} [data-upload-notice]").get_by_text("Version 1").wait_for()

    page.get_by_label("I have checked my data and documents", exact=False).check()
    with page.expect_navigation():
        page.get_by_role("button", name="Finalise my registration").click()
    expect(page.get_by_text("Registration complete: waiting for screening").first).to_be_visible()
    check_accessibility(page)
    screenshot(page, "21-application-finalised-en")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the card (PDF)").click()
    path = download_info.value.path()
    text = PdfReader(path).pages[0].extract_text()
    assert "RKP-" in text

    with page.expect_navigation():
        page.get_by_role("button", name="Bahasa Indonesia").click()
    assert html_lang(page) == "id"
    check_accessibility(page)


def test_it_lets_a_new_applicant_fill_the_profile_and_apply(page, live_server, demo):
    sign_in(page, "resident@demo.rakumpit.go.id")
    with page.expect_navigation():
        page.get_by_role("button", name="English").click()
    open_nav(page, "Vacancies")
    check_accessibility(page)
    screenshot(page, "22-vacancies-en")
    with page.expect_navigation():
        page.locator("main ul a[href^='/recruitment/vacancies/']").first.click()
    check_accessibility(page)
    with page.expect_navigation():
        page.get_by_role("link", name="Complete or correct my profile").click()
    form = {
        "#id_nik": "6271041505970003",
        "#id_kk_number": "6271040101090001",
        "#id_name_on_ktp": "YOHANES NGABUT",
        "#id_birth_place": "Palangka Raya",
        "#id_birth_date": "1997-05-15",
        "#id_address": "Jl. Tjilik Riwut Km 34, Rakumpit",
        "#id_phone": "081234567891",
        "#id_institution": "Universitas Palangka Raya",
        "#id_programme": "Pendidikan Profesi Dokter Gigi",
        "#id_gpa": "3.40",
        "#id_graduation_year": "2022",
    }
    for selector, value in form.items():
        page.locator(selector).fill(value)
    page.locator("#id_gender").select_option("F")  # wrong on purpose: the NIK says male
    page.locator("#id_education_level").select_option("PROFESI")
    page.locator("#id_accreditation").select_option("unggul")
    check_accessibility(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Save my profile").click()
    # Listed in the summary at the top (a link to the field) and beside the field itself.
    nik_error = "The NIK does not match your gender"
    expect(page.locator("[data-error-summary]")).to_contain_text(nik_error)
    expect(page.locator("strong", has_text=nik_error)).to_be_visible()
    assert page.locator("#id_name_on_ktp").input_value() == "YOHANES NGABUT"
    page.locator("#id_gender").select_option("M")
    with page.expect_navigation():
        page.get_by_role("button", name="Save my profile").click()
    expect(page.get_by_text("Your applicant profile has been saved.")).to_be_visible()

    page.goto("/recruitment/vacancies/?q=Dokter+Gigi")
    with page.expect_navigation():
        page.locator("main ul a[href^='/recruitment/vacancies/']").first.click()
    page.locator("#id_privacy_consent").check()  # the privacy notice's consent (UU PDP)
    with page.expect_navigation():
        page.get_by_role("button", name="Apply for this formation").click()
    expect(page.get_by_text("Your draft application is open.")).to_be_visible()
    screenshot(page, "23-new-application-en")
