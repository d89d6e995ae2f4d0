"""PDFs are made from HTML and may read nothing but local media and static files."""

import io

import pytest
from pypdf import PdfReader

from kinderschutz_cms import pdf


def test_html_becomes_a_pdf_with_its_text():
    data = pdf.html_to_pdf("<h1>Teilnahmebescheinigung</h1><p>Ayşe Öztürk</p>")
    assert data.startswith(b"%PDF")
    text = PdfReader(io.BytesIO(data)).pages[0].extract_text()
    assert "Teilnahmebescheinigung" in text
    assert "Ayşe Öztürk" in text


def test_the_fetcher_refuses_the_network_and_files_outside_media_and_static(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    fetcher = pdf._fetcher_class()()
    with pytest.raises(ValueError):
        fetcher.fetch("http://127.0.0.1:9/logo.png")
    with pytest.raises(ValueError):
        fetcher.fetch("file:///etc/hostname")
    with pytest.raises(ValueError):
        fetcher.fetch(pdf.file_url(tmp_path / ".." / "elsewhere.png"))


def test_the_fetcher_reads_a_media_file(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    logo = tmp_path / "logo.svg"
    logo.write_text('<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"/>')
    response = pdf._fetcher_class()().fetch(pdf.file_url(logo))
    assert b"<svg" in response.read()
