"""Production settings from the environment: `check --deploy` is clean, the HTTPS group sends
its headers and cookies on a real gunicorn, the proxy header is trusted only when told, and
`make run`'s plain http keeps working with nothing set."""

import http.client
import os
import secrets
import subprocess
import sys
from urllib.parse import urlsplit

import pytest

from arshif.deploy import client_ip, proxy_ssl_header
from tests.processes import ROOT, serve_gunicorn

PRODUCTION = {
    "ARSHIF_HTTPS": "1",
    "ARSHIF_HSTS_PRELOAD": "1",
    "ARSHIF_PROXY_SSL_HEADER": "X-Forwarded-Proto",
    "ALLOWED_HOSTS": "archive.example.org,127.0.0.1",
    "CSRF_TRUSTED_ORIGINS": "https://archive.example.org",
}
NOT_PRODUCTION = ("DJANGO_DEBUG", "ARSHIF_SSL_REDIRECT", "ARSHIF_HSTS_SECONDS")


def manage(tmp_path, *args, **env):
    base = {k: v for k, v in os.environ.items() if k not in NOT_PRODUCTION}
    base.update(
        DJANGO_SETTINGS_MODULE="arshif.settings",
        ARCHIVE_DATA_DIR=str(tmp_path / "data"),
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DATABASE_URL="",
        SEARCH_URL="",
    )
    base.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=base,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_is_clean_with_the_production_environment(tmp_path):
    done = manage(tmp_path, "check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout
    assert "WARNING" not in done.stdout + done.stderr


def test_check_deploy_names_what_plain_http_lacks(tmp_path):
    done = manage(tmp_path, "check", "--deploy", "--fail-level", "WARNING")
    assert done.returncode == 1
    for warning in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert warning in done.stderr + done.stdout


def test_a_bad_proxy_header_stops_start_up_naming_the_variable(tmp_path):
    done = manage(tmp_path, "check", ARSHIF_PROXY_SSL_HEADER="X-Forwarded-Proto: https")
    assert done.returncode != 0
    assert "ARSHIF_PROXY_SSL_HEADER" in done.stderr


def get(base, path, headers=None):
    """One request, redirects not followed: (status, headers as a list of pairs, body)."""
    url = urlsplit(base)
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
    try:
        connection.request("GET", path, headers={"Host": "127.0.0.1", **(headers or {})})
        response = connection.getresponse()
        return response.status, response.getheaders(), response.read().decode()
    finally:
        connection.close()


def header(pairs, name):
    return [value for key, value in pairs if key.lower() == name.lower()]


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_https_headers_and_secure_cookies_on_a_real_response():
    with serve_gunicorn(workers=1, env=PRODUCTION) as base:
        status, headers, _ = get(base, "/search/?q=x")
        assert status == 301
        assert header(headers, "Location") == ["https://127.0.0.1/search/?q=x"]

        status, headers, body = get(base, "/", {"X-Forwarded-Proto": "https"})
        assert status == 200, body[:500]
        hsts = header(headers, "Strict-Transport-Security")
        assert hsts == ["max-age=31536000; includeSubDomains; preload"]
        assert header(headers, "Referrer-Policy") == ["strict-origin-when-cross-origin"]
        assert header(headers, "X-Content-Type-Options") == ["nosniff"]
        assert header(headers, "X-Frame-Options") == ["DENY"]
        assert header(headers, "Cross-Origin-Opener-Policy") == ["same-origin"]
        assert "script-src 'self'" in header(headers, "Content-Security-Policy")[0]
        # The language switch is a POST form: the page sets the CSRF cookie, secure only.
        cookies = header(headers, "Set-Cookie")
        assert any(c.startswith("csrftoken=") and "Secure" in c for c in cookies), cookies

        status, headers, _ = get(base, "/admin/login/", {"X-Forwarded-Proto": "https"})
        assert status == 200
        cookies = header(headers, "Set-Cookie")
        assert cookies and all("Secure" in c for c in cookies), cookies


def test_the_proxy_header_is_trusted_only_when_configured(tmp_path):
    """Django trusts X-Forwarded-Proto only with ARSHIF_PROXY_SSL_HEADER. (Gunicorn itself also
    honours it from the addresses in its FORWARDED_ALLOW_IPS, loopback by default: a proxy on
    the same machine; README "Running in production".)"""
    show = "from django.conf import settings; print(settings.SECURE_PROXY_SSL_HEADER)"
    off = manage(tmp_path, "shell", "-c", show, **{**PRODUCTION, "ARSHIF_PROXY_SSL_HEADER": ""})
    assert off.stdout.strip().endswith("None"), off.stderr
    on = manage(tmp_path, "shell", "-c", show, **PRODUCTION)
    assert on.stdout.strip().endswith("('HTTP_X_FORWARDED_PROTO', 'https')"), on.stderr


def test_without_the_proxy_setting_a_forged_header_is_redirected(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = None
    response = client.get("/robots.txt", HTTP_X_FORWARDED_PROTO="https")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/robots.txt"


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_plain_http_with_no_configuration_as_make_run_serves():
    with serve_gunicorn(workers=1) as base:
        status, headers, _ = get(base, "/")
        assert status == 200
        assert not header(headers, "Strict-Transport-Security")
        assert all("Secure" not in c for c in header(headers, "Set-Cookie"))
        assert header(headers, "Content-Security-Policy")


def test_proxy_ssl_header_names_the_meta_key():
    assert proxy_ssl_header("X-Forwarded-Proto") == ("HTTP_X_FORWARDED_PROTO", "https")
    assert proxy_ssl_header("  ") is None


def test_client_ip_counts_trusted_proxies_from_the_right():
    assert client_ip("10.0.0.1", "1.2.3.4", 0) == "10.0.0.1"
    # The client may forge entries on the left; the one our proxy added is what counts.
    assert client_ip("10.0.0.1", "6.6.6.6, 1.2.3.4", 1) == "1.2.3.4"
    assert client_ip("10.0.0.1", "6.6.6.6, 1.2.3.4, 10.0.0.2", 2) == "1.2.3.4"
    assert client_ip("10.0.0.1", "", 1) == "10.0.0.1"
    assert client_ip("10.0.0.1", "not-an-address", 1) == "10.0.0.1"


def test_each_part_of_the_https_group_can_be_overridden(tmp_path):
    show = (
        "from django.conf import settings as s; print(s.SECURE_SSL_REDIRECT, "
        "s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SESSION_COOKIE_SECURE)"
    )
    done = manage(
        tmp_path,
        "shell",
        "-c",
        show,
        ARSHIF_HTTPS="1",
        ARSHIF_SSL_REDIRECT="0",
        ARSHIF_HSTS_SECONDS="300",
        ARSHIF_HSTS_SUBDOMAINS="no",
    )
    assert done.stdout.strip().endswith("False 300 False True"), done.stderr
    bad = manage(tmp_path, "check", ARSHIF_HTTPS="1", ARSHIF_HSTS_SECONDS="a year")
    assert bad.returncode != 0 and "ARSHIF_HSTS_SECONDS must be an integer" in bad.stderr
