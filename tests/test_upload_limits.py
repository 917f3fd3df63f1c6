"""Upload size and count limits answer with a message naming the limit, never a 500."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from archive.models import ImportBatch
from tests.conftest import SEED
from tests.processes import run_python

UPLOAD = "/admin/archive/article/upload/"


def post(admin_client, files):
    uploads = [SimpleUploadedFile(name, data) for name, data in files]
    return admin_client.post(
        UPLOAD,
        {"files": uploads, "source": "", "section": "", "language": ""},
        HTTP_ACCEPT_LANGUAGE="en",
    )


def test_an_upload_over_the_total_cap_is_refused_unread(admin_client, settings):
    settings.ARCHIVE_UPLOAD_MAX_BYTES = 64 * 1024
    response = post(admin_client, [("big.txt", b"x" * 100_000), ("seed.txt", SEED.read_bytes())])
    assert response.status_code == 413
    html = response.content.decode()
    assert "one upload may be at most 64 KB (ARCHIVE_UPLOAD_MAX_MB)" in html
    assert "import_articles" in html
    assert not ImportBatch.objects.exists()


def test_an_upload_with_too_many_files_says_how_many(admin_client, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 3
    files = [(f"a{n}.txt", SEED.read_bytes()) for n in range(4)]
    response = post(admin_client, files)
    assert response.status_code == 400
    html = response.content.decode()
    assert "One upload may hold at most 3 files (ARCHIVE_UPLOAD_MAX_FILES)" in html
    assert "Zip a larger folder" in html
    assert not ImportBatch.objects.exists()
    # At the limit it goes through to the preview.
    response = post(admin_client, files[:3])
    assert response.status_code == 302


def test_too_much_form_data_says_so(admin_client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = admin_client.post(UPLOAD, {"source": "x" * 5000}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert (
        "more than 1 KB of data besides its files; nothing was saved" in response.content.decode()
    )


def test_a_file_over_the_per_file_cap_fails_alone_with_its_name(admin_client, settings):
    settings.ARCHIVE_MAX_FILE_BYTES = 50 * 1024
    response = post(
        admin_client, [("big.txt", "سطر\n".encode() * 20_000), ("seed.txt", SEED.read_bytes())]
    )
    assert response.status_code == 302
    html = admin_client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "big.txt" in html and "over the 50 KB limit" in html
    assert "imported 1, updated 0, skipped 0, failed 1" in html


@pytest.mark.parametrize("variable", ["ARCHIVE_UPLOAD_MAX_MB", "ARCHIVE_UPLOAD_MAX_FILES"])
def test_a_bad_limit_stops_start_up_naming_it(variable, monkeypatch):
    monkeypatch.setenv(variable, "lots")
    done = run_python("pass")
    assert done.returncode != 0 and variable in done.stderr
