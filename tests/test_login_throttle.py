"""Admin login throttling: after too many failed sign-ins from one address, the real login form
refuses even the right password for a while, with a message saying so; the count is in the
database, so every gunicorn worker (and every web machine) refuses alike."""

import http.cookiejar
import re
import urllib.error
import urllib.parse
import urllib.request
from io import StringIO

import pytest
from django.core.management import call_command

from tests.processes import serve_gunicorn

PASSWORD = "correct horse battery"


def make_editor():
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    user = get_user_model().objects.create_superuser("editor", "editor@example.org")
    # gunicorn runs with the project's settings, whose hashers the test settings' MD5 is not.
    hasher = PBKDF2PasswordHasher()
    user.password = hasher.encode(PASSWORD, hasher.salt())
    user.save()
    return user


class Browser:
    """Cookies and the login form's CSRF token, like a browser (no JavaScript needed)."""

    def __init__(self, base):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )
        self.opener.addheaders = [("Accept-Language", "en")]

    def sign_in(self, password):
        with self.opener.open(self.base + "/admin/login/?next=/admin/") as response:
            form = response.read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
        data = urllib.parse.urlencode(
            {
                "csrfmiddlewaretoken": token,
                "username": "editor",
                "password": password,
                "next": "/admin/",
            }
        ).encode()
        request = urllib.request.Request(self.base + "/admin/login/?next=/admin/", data=data)
        try:
            with self.opener.open(request) as response:
                return response.status, response.url, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.url, error.read().decode()


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_failed_sign_ins_lock_the_address_out_across_workers():
    make_editor()
    with serve_gunicorn(workers=2, env={"ARSHIF_LOGIN_FAILURE_LIMIT": "3"}) as base:
        for attempt in range(2):
            status, _, html = Browser(base).sign_in("wrong")
            assert status == 200 and "errornote" in html, attempt  # the usual "wrong password"
            assert "Too many failed sign-ins" not in html
        status, _, html = Browser(base).sign_in("wrong")  # the third failure locks
        assert status == 429
        assert "Too many failed sign-ins from your address" in html
        assert "after 3 failed attempts" in html
        # Now even the right password is refused, whichever worker answers.
        for _ in range(3):
            status, url, html = Browser(base).sign_in(PASSWORD)
            assert status == 429 and "Too many failed sign-ins" in html
            assert "/admin/login/" in url

        # An administrator lifts the lock (or the cool-off ends).
        call_command("axes_reset", stdout=StringIO())
        status, url, html = Browser(base).sign_in(PASSWORD)
        assert status == 200 and url == base + "/admin/" and "editor" in html


def test_the_lockout_page_says_how_long(client, db, settings):
    settings.AXES_FAILURE_LIMIT = 2
    make_editor()
    for _ in range(2):
        response = client.post(
            "/admin/login/",
            {"username": "editor", "password": "wrong"},
            HTTP_ACCEPT_LANGUAGE="en",
        )
    assert response.status_code == 429
    html = response.content.decode()
    assert "Too many failed sign-ins from your address" in html
    assert "Try again in 15 minutes." in html
    # The failures are rows of the database (django-axes), listed in the admin.
    from axes.models import AccessAttempt

    assert AccessAttempt.objects.get().failures_since_start == 2
    arabic = client.post(
        "/admin/login/", {"username": "editor", "password": "wrong"}, HTTP_ACCEPT_LANGUAGE="ar"
    ).content.decode()
    assert "محاولات دخول فاشلة كثيرة من عنوانك" in arabic and "دقيقة" in arabic
