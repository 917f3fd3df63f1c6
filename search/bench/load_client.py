"""The load run's simulated people: readers and editors, as asyncio tasks over HTTP (httpx).

Readers fetch what the public site serves (search pages with facets, browsing, article pages,
the API, feeds, exports) back to back, without pause: each is a closed loop, so 20 readers are
20 requests in flight. Editors sign in to the real Django admin and upload articles the way a
person does: the bulk upload (files → preview → confirm, small ones imported in the request,
large ones queued for the worker) and the single-article add form. Every article an editor sends
carries a made-up word of its own (its token) in the title, so the checks afterwards can find it
in the database and through a search.

No Django imports: this speaks HTTP only, like a browser.
"""

from __future__ import annotations

import asyncio
import json
import random
import re
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlencode

import httpx

from search.bench import generator
from search.bench import queries as query_mix

# Letters an English stemmer leaves alone (no vowel, no s or y): a token is one exact word.
_TOKEN_LETTERS = "bcdfghjklmnpqrtvwxz"
# What readers do, and how often (relative weights).
READER_KINDS = {
    "search": 30,
    "api_search": 20,
    "browse": 12,
    "article": 15,
    "api_article": 8,
    "feed": 7,
    "export": 8,
}
# Exports and feeds read every match: readers export a narrowed search (rare words, a date
# range: tens to a few hundred articles at 10,000), not "سوريا" over all. An export of thousands
# (the mix's common words and filters) takes seconds of a gunicorn worker, and a few of them
# would be most of the run: the per-request limits are checked elsewhere.
_NARROW = ("word_rare", "word_tail", "date_range")
_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass
class Sample:
    kind: str
    status: int  # 0: no HTTP answer (connection refused or reset, timeout)
    ms: float
    url: str
    detail: str = ""


@dataclass
class Recorder:
    """Every request's outcome; the run's deadline and request cap."""

    deadline: float
    max_requests: int
    samples: list[Sample] = field(default_factory=list)
    # Editor flows that did not go as a person would see them (a form shown again, …).
    problems: list[str] = field(default_factory=list)

    def open(self) -> bool:
        return time.monotonic() < self.deadline and len(self.samples) < self.max_requests

    async def request(
        self, client: httpx.AsyncClient, kind: str, method: str, url: str, **kwargs
    ) -> httpx.Response | None:
        started = time.perf_counter()
        try:
            response = await client.request(method, url, **kwargs)
        except httpx.HTTPError as error:
            ms = (time.perf_counter() - started) * 1000
            self.samples.append(Sample(kind, 0, ms, url, f"{type(error).__name__}: {error}"))
            return None
        ms = (time.perf_counter() - started) * 1000
        detail = response.text[:300] if response.status_code >= 500 else ""
        self.samples.append(Sample(kind, response.status_code, ms, url, detail))
        return response


def token(editor: int, number: int) -> str:
    """A word no generated article has, unique per editor and article."""
    value, letters = editor * 1_000_000 + number, []
    for _ in range(6):
        value, digit = divmod(value, len(_TOKEN_LETTERS))
        letters.append(_TOKEN_LETTERS[digit])
    return "zq" + "".join(letters)


# --- readers -------------------------------------------------------------------------------------


def _query_string(params: dict) -> str:
    return urlencode(params, doseq=True)


class ReaderMix:
    """Deterministic choice of what a reader asks for next."""

    def __init__(self, article_ids: list[int], seed: int):
        self.rng = random.Random(seed)
        self.article_ids = article_ids
        mix = list(query_mix.queries())
        self.searches = [p for c, p in mix if c not in query_mix.BROWSE]
        self.browses = [p for c, p in mix if c in query_mix.BROWSE]
        self.narrow = [p for c, p in mix if c in _NARROW]
        self.kinds = list(READER_KINDS)
        self.weights = list(READER_KINDS.values())
        self.first = self.kinds[seed % len(self.kinds) :] + self.kinds[: seed % len(self.kinds)]

    def next(self) -> tuple[str, str]:
        rng = self.rng
        # Every kind once first, so that even a short run asks for each.
        kind = self.first.pop(0) if self.first else rng.choices(self.kinds, self.weights)[0]
        if kind == "search":
            return kind, "/search/?" + _query_string(rng.choice(self.searches))
        if kind == "api_search":
            return kind, "/api/search?" + _query_string(rng.choice(self.searches + self.browses))
        if kind == "browse":
            params = rng.choice(self.browses)
            return kind, ("/search/?" + _query_string(params)) if params else "/"
        if kind == "article":
            return kind, f"/articles/{rng.choice(self.article_ids)}/"
        if kind == "api_article":
            return kind, f"/api/articles/{rng.choice(self.article_ids)}"
        if kind == "feed":
            return kind, "/search/feed.atom?" + _query_string(rng.choice(self.narrow))
        fmt = rng.choice(("csv", "jsonl"))
        return kind, f"/search/export.{fmt}?" + _query_string(rng.choice(self.narrow))


async def reader(client: httpx.AsyncClient, recorder: Recorder, mix: ReaderMix) -> None:
    while recorder.open():
        kind, url = mix.next()
        await recorder.request(client, kind, "GET", url)


# --- editors -------------------------------------------------------------------------------------


class _FormFields(HTMLParser):
    """The fields of the admin's add form with their initial values (what a browser submits)."""

    def __init__(self):
        super().__init__()
        self.fields: dict[str, str] = {}
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in ("submit", "checkbox", "file"):
            self.fields.setdefault(name, a.get("value") or "")
        elif tag == "select" and name:
            self._select = name
            if "multiple" not in a:
                self.fields.setdefault(name, "")
        elif tag == "option" and self._select and "selected" in a:
            self.fields[self._select] = a.get("value") or ""
        elif tag == "textarea" and name:
            self._textarea = name
            self.fields.setdefault(name, "")

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.fields[self._textarea] += data


@dataclass
class Editor:
    number: int  # 1, 2, …
    username: str
    password: str
    seed: int
    # ARCHIVE_INLINE_IMPORT_KB of the server: larger uploads are imported by the worker.
    inline_bytes: int = 512 * 1024
    sent: dict[str, str] = field(default_factory=dict)  # token → how it was sent
    _count: int = 0

    def articles(self, n: int) -> list[dict]:
        """n new generated articles, each with its token first in the title and its own URL."""
        rng = random.Random(self.seed * 1000 + self._count)
        out = []
        for _ in range(n):
            self._count += 1
            record = generator.article(rng, self._count, 900 + self.number)
            record["title"] = f"{token(self.number, self._count)} {record['title']}"
            out.append(record)
        return out

    def remember(self, records: list[dict], how: str) -> None:
        for record in records:
            self.sent[record["title"].split()[0]] = how


async def _csrf(recorder: Recorder, client, kind: str, url: str) -> tuple[str, str] | None:
    response = await recorder.request(client, kind, "GET", url)
    if response is None or response.status_code != 200:
        return None
    found = _CSRF.search(response.text)
    if not found:
        recorder.problems.append(f"{url}: no CSRF token in the page")
        return None
    return found.group(1), response.text


async def login(client: httpx.AsyncClient, recorder: Recorder, editor: Editor) -> bool:
    got = await _csrf(recorder, client, "admin_login", "/admin/login/?next=/admin/")
    if not got:
        return False
    data = {
        "csrfmiddlewaretoken": got[0],
        "username": editor.username,
        "password": editor.password,
        "next": "/admin/",
    }
    response = await recorder.request(client, "admin_login", "POST", "/admin/login/", data=data)
    if response is None or response.status_code != 302:
        recorder.problems.append(f"{editor.username}: sign-in refused")
        return False
    return True


async def bulk_upload(client, recorder: Recorder, editor: Editor, records: list[dict]) -> None:
    upload = "/admin/archive/article/upload/"
    got = await _csrf(recorder, client, "admin_page", upload)
    if not got:
        return
    payload = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode()
    name = f"editor{editor.number}-{records[0]['title'].split()[0]}.jsonl"
    response = await recorder.request(
        client,
        "upload_preview",
        "POST",
        upload,
        data={"csrfmiddlewaretoken": got[0], "source": "", "section": "", "language": ""},
        files=[("files", (name, payload, "application/x-ndjson"))],
    )
    if response is None or response.status_code != 302:
        if response is not None and response.status_code < 500:
            recorder.problems.append(f"{name}: upload answered {response.status_code}")
        return
    preview_url = response.headers["location"]
    got = await _csrf(recorder, client, "admin_page", preview_url)
    if not got:
        return
    if f"imported {len(records)}," not in got[1].replace("</strong>", ""):
        recorder.problems.append(f"{name}: the preview does not say imported {len(records)}")
    response = await recorder.request(
        client,
        "upload_confirm",
        "POST",
        preview_url,
        data={"csrfmiddlewaretoken": got[0], "confirm": "1"},
    )
    if response is None or response.status_code != 302:
        if response is not None and response.status_code < 500:
            recorder.problems.append(f"{name}: confirm answered {response.status_code}")
        return
    how = "background upload" if len(payload) > editor.inline_bytes else "upload"
    editor.remember(records, how)
    await recorder.request(client, "admin_page", "GET", response.headers["location"])


async def add_article(client, recorder: Recorder, editor: Editor, record: dict) -> None:
    add = "/admin/archive/article/add/"
    response = await recorder.request(client, "admin_page", "GET", add)
    if response is None or response.status_code != 200:
        return
    parser = _FormFields()
    parser.feed(response.text)
    blocks = [{"kind": "paragraph", "text": p} for p in record["body"].split("\n\n")]
    data = {
        **parser.fields,
        "title": record["title"],
        "section": record.get("section") or "",
        "language": record.get("language") or "ar",
        "author": record.get("author") or "",
        "url": record.get("url") or "",
        "published": (record.get("published") or "")[:10],
        "blocks": json.dumps(blocks, ensure_ascii=False),
        "captions": "[]",
        "_save": "1",
    }
    response = await recorder.request(client, "article_add", "POST", add, data=data)
    if response is None:
        return
    if response.status_code == 302:
        editor.remember([record], "add form")
    elif response.status_code < 500:
        errors = re.findall(r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', response.text, re.S)
        recorder.problems.append(
            f"add form refused {record['title'].split()[0]}: {errors[:3] or response.status_code}"
        )


async def editor_loop(client: httpx.AsyncClient, recorder: Recorder, editor: Editor) -> None:
    """Sign in, then until the deadline: add one article with the add form, a small bulk
    upload (imported in the request), a large one (queued for the worker), and again; the
    second editor starts with the large one. A step under way when time is up is finished, and
    each editor does one at least."""
    if not await login(client, recorder, editor):
        return
    step = 0 if editor.number % 2 else 2
    while step == 0 or recorder.open():  # one step at least, however short the run
        kind = step % 3
        if kind == 0:
            await add_article(client, recorder, editor, editor.articles(1)[0])
        elif kind == 1:
            await bulk_upload(client, recorder, editor, editor.articles(3))
        else:
            records: list[dict] = []
            size = 0
            while size <= editor.inline_bytes:
                batch = editor.articles(min(10, 1 + editor.inline_bytes // 4096))
                size += sum(len(json.dumps(r, ensure_ascii=False).encode()) + 1 for r in batch)
                records.extend(batch)
            await bulk_upload(client, recorder, editor, records)
        step += 1


# --- the run -------------------------------------------------------------------------------------


async def run(
    base: str,
    *,
    readers: int,
    editors: list[Editor],
    article_ids: list[int],
    seconds: float,
    max_requests: int,
) -> Recorder:
    recorder = Recorder(deadline=time.monotonic() + seconds, max_requests=max_requests)
    # gunicorn's own timeout is 60 s; a client giving up first would hide what it answers.
    timeout = httpx.Timeout(90.0)
    limits = httpx.Limits(max_connections=readers + 2 * len(editors))
    async with httpx.AsyncClient(base_url=base, timeout=timeout, limits=limits) as shared:
        tasks = [reader(shared, recorder, ReaderMix(article_ids, seed)) for seed in range(readers)]
        # The editors read the admin in English: their checks look for the importer's English
        # words (the admin shows them in the editor's language, Arabic by default).
        sessions = [
            httpx.AsyncClient(base_url=base, timeout=timeout, headers={"Accept-Language": "en"})
            for _ in editors
        ]
        try:
            tasks += [editor_loop(s, recorder, e) for s, e in zip(sessions, editors, strict=True)]
            await asyncio.gather(*tasks)
        finally:
            for session in sessions:
                await session.aclose()
    return recorder


async def search_tokens(base: str, tokens: list[str]) -> dict[str, list[int]]:
    """token → the ids /api/search finds for it (after the worker has drained)."""
    found: dict[str, list[int]] = {}
    async with httpx.AsyncClient(base_url=base, timeout=httpx.Timeout(60.0)) as client:
        semaphore = asyncio.Semaphore(4)

        async def one(word: str) -> None:
            async with semaphore:
                response = await client.get("/api/search", params={"q": word})
                response.raise_for_status()
                found[word] = [r["id"] for r in response.json()["results"]]

        await asyncio.gather(*(one(word) for word in tokens))
    return found
