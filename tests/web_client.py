"""A client of a real server (gunicorn started by a test): cookies, CSRF, signing in, admin forms.

Like a browser without JavaScript: it keeps cookies per host (so a session cookie from one
server on 127.0.0.1 is sent to another on the same address, as behind a load balancer), sends
the CSRF token of its cookie with every form, and does not follow redirects (a test sees the 302
of a saved form).
"""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass
from http.cookiejar import CookieJar

from tests.processes import ROOT, child_env


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes
    set_cookies: list[str]

    @property
    def text(self) -> str:
        return self.body.decode()

    def json(self):
        return json.loads(self.body)


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    def __init__(self, base: str, cookies: CookieJar | None = None, language: str | None = None):
        self.base = base
        self.cookies = cookies if cookies is not None else CookieJar()
        self.language = language  # sent as Accept-Language; None: the site's default (Arabic)
        self._opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirects()
        )

    def at(self, base: str) -> Browser:
        """The same client (same cookies) talking to another server."""
        return Browser(base, self.cookies, self.language)

    def get(self, path: str, params: dict | None = None) -> Answer:
        url = self.base + path
        if params:
            url += "?" + urllib.parse.urlencode(params, doseq=True)
        return self._send(urllib.request.Request(url))

    def post(self, path: str, data: dict) -> Answer:
        """A form post with this client's CSRF token (get a page with a form first)."""
        fields = {**data, "csrfmiddlewaretoken": self.cookie("csrftoken")}
        body = urllib.parse.urlencode(fields, doseq=True).encode()
        return self._send(urllib.request.Request(self.base + path, data=body, method="POST"))

    def upload(
        self, path: str, data: dict, files: list[tuple[str, bytes]], field="files"
    ) -> Answer:
        """A multipart form post (a form with `<input type=file multiple>`): `files` are
        (name, bytes) under `field`, with this client's CSRF token."""
        boundary = uuid.uuid4().hex
        parts = []
        for name, value in {**data, "csrfmiddlewaretoken": self.cookie("csrftoken")}.items():
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                f"{value}\r\n".encode()
            )
        for filename, content in files:
            head = (
                f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; '
                f'filename="{filename}"\r\nContent-Type: application/octet-stream\r\n\r\n'
            )
            parts.append(head.encode() + content + b"\r\n")
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        request = urllib.request.Request(self.base + path, data=body, method="POST")
        request.add_header("Content-Type", f"multipart/form-data; boundary={boundary}")
        return self._send(request)

    def cookie(self, name: str) -> str | None:
        return next((cookie.value for cookie in self.cookies if cookie.name == name), None)

    def sign_in(self, username: str, password: str) -> None:
        assert self.get("/admin/login/").status == 200
        answer = self.post(
            "/admin/login/", {"username": username, "password": password, "next": "/admin/"}
        )
        assert answer.status == 302, answer.text[:2000]

    def _send(self, request: urllib.request.Request) -> Answer:
        if self.language:
            request.add_header("Accept-Language", self.language)
        try:
            response = self._opener.open(request, timeout=60)
        except urllib.error.HTTPError as error:  # 3xx (not followed), 4xx, 5xx
            response = error
        with response:
            return Answer(
                response.status,
                dict(response.headers),
                response.read(),
                response.headers.get_all("Set-Cookie") or [],
            )


def article_form(title: str, paragraph: str, **fields: str) -> dict[str, str]:
    """The admin's article form (add or change) filled in: the fields an editor sees."""
    return {
        "title": title,
        "standfirst": "",
        "source": "",
        "section": "",
        "language": "ar",
        "published": "",
        "published_precision": "day",
        "author": "",
        "url": "",
        "needs_review": "",
        "review_reason": "",
        "blocks": json.dumps([{"kind": "paragraph", "text": paragraph}], ensure_ascii=False),
        "captions": "[]",
        "original_record": "",
        **fields,
    }


def create_editor(username: str, password: str) -> None:
    """A superuser in the test database, created as the servers' settings hash passwords (the
    suite's own settings use a faster hasher they do not know)."""
    done = subprocess.run(
        [sys.executable, "manage.py", "createsuperuser", "--noinput", "--email", "e@example.org"],
        cwd=ROOT,
        env={
            **child_env(),
            "DJANGO_SUPERUSER_USERNAME": username,
            "DJANGO_SUPERUSER_PASSWORD": password,
        },
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
