"""Measure import throughput on generated corpora, in a throw-away data dir.

    .venv/bin/python -m archive.measure_ingest [--txt 1000] [--html 1000] [--jsonl 10000]

Builds 1,000 scraped .txt files, 1,000 saved HTML pages and a 10,000-line JSONL file of distinct
Arabic articles (sentences of the seed, shuffled and varied so nothing is a near-duplicate), then
times `import_articles` on each into an empty database, and prints articles per second. Nothing
here is asserted: it is a measurement, not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "000_78a0c063ebd393f5.txt"


def _sentences() -> list[str]:
    text = SEED.read_text(encoding="utf-8")
    parts = [p.strip() for p in text.replace("\n", " ").split(".") if len(p.split()) > 6]
    return parts


def _article(
    rng: random.Random, number: int, sentences: list[str], size: tuple[int, int] = (4, 8)
) -> tuple[str, list[str]]:
    words = [w for s in sentences for w in s.split()]
    title = f"تقرير رقم {number}: " + " ".join(rng.sample(words, 8))
    paragraphs = []
    for _ in range(rng.randint(*size)):
        chosen = rng.sample(sentences, 2 if size[1] > 3 else 1)
        mixed = [w if rng.random() > 0.35 else rng.choice(words) for w in " ".join(chosen).split()]
        paragraphs.append(" ".join(mixed) + f" ({number}-{rng.randint(0, 10**6)}).")
    return title, paragraphs


def build(folder: Path, txt: int, html: int, jsonl: int) -> dict[str, Path]:
    rng = random.Random(7)
    sentences = _sentences()
    (folder / "txt").mkdir()
    (folder / "html").mkdir()
    for n in range(txt):
        title, paragraphs = _article(rng, n, sentences)
        body = "\n\n".join(paragraphs)
        (folder / "txt" / f"{n:05d}.txt").write_text(
            f"{title}\n\nبقلم: مراسل الأرشيف\n\n{body}\n\nالمزيد من دوليات\n", encoding="utf-8"
        )
    for n in range(html):
        title, paragraphs = _article(rng, 100_000 + n, sentences)
        body = "".join(f"<p>{p}</p>" for p in paragraphs)
        (folder / "html" / f"{n:05d}.html").write_text(
            f"""<!doctype html><html lang="ar" dir="rtl"><head><meta charset="utf-8">
<title>{title} | موقع</title><meta property="og:title" content="{title}">
<meta property="article:published_time" content="2019-02-{n % 28 + 1:02d}">
<script>var tracking = 1;</script></head><body>
<nav><a href="/">الرئيسية</a> <a href="/world">دوليات</a> <a href="/economy">اقتصاد</a></nav>
<div class="cookie-banner">نستخدم ملفات تعريف الارتباط لتحسين تجربتك.</div>
<article><h1>{title}</h1><figure><figcaption>صورة من المكان (أ.ف.ب)</figcaption></figure>
{body}</article><aside><h3>اقرأ أيضا</h3><ul><li><a href="/a">خبر آخر</a></li></ul></aside>
<footer>جميع الحقوق محفوظة</footer></body></html>""",
            encoding="utf-8",
        )
    lines = []
    for n in range(jsonl):
        # Wire briefs (about 150 words): 10,000 of them stay under the 20 MB file limit.
        title, paragraphs = _article(rng, 200_000 + n, sentences, (2, 3))
        lines.append(
            json.dumps(
                {
                    "title": title,
                    "body": "\n\n".join(paragraphs),
                    "url": f"https://example.org/{n}",
                    "published": f"2019-{n % 12 + 1:02d}-01",
                    "source": "وكالة",
                    "tags": ["سوريا"],
                },
                ensure_ascii=False,
            )
        )
    (folder / "records.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return {
        f"{txt} .txt files": folder / "txt",
        f"{html} HTML pages": folder / "html",
        f"{jsonl}-line JSONL": folder / "records.jsonl",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--txt", type=int, default=1000)
    parser.add_argument("--html", type=int, default=1000)
    parser.add_argument("--jsonl", type=int, default=10000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="arshif-measure-") as tmp:
        tmp_path = Path(tmp)
        corpora = build(tmp_path, args.txt, args.html, args.jsonl)
        env = {
            **os.environ,
            "ARCHIVE_DATA_DIR": str(tmp_path / "data"),
            "DJANGO_SETTINGS_MODULE": "arshif.settings",
            "DATABASE_URL": "",
            "DATABASE_REPLICA_URLS": "",
            "SEARCH_URL": "",
        }
        manage = [sys.executable, str(ROOT / "manage.py")]
        subprocess.run([*manage, "migrate", "-v", "0"], env=env, check=True, cwd=ROOT)
        print(f"{'corpus':<22}{'seconds':>9}{'articles/s':>12}  result")
        for label, path in corpora.items():
            started = time.perf_counter()
            done = subprocess.run(
                [*manage, "import_articles", str(path), "--no-progress"],
                env=env,
                cwd=ROOT,
                capture_output=True,
                text=True,
                check=False,
            )
            seconds = time.perf_counter() - started
            summary = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else done.stderr
            imported = int(summary.split()[1].rstrip(",")) if summary.startswith("imported") else 0
            print(f"{label:<22}{seconds:>9.1f}{imported / seconds:>12.1f}  {summary}")


if __name__ == "__main__":
    main()
