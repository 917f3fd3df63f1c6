"""Parser for scraped plain-text news articles (Arabic and English).

A scraper saved the visible text of an article page: a headline, perhaps a
standfirst, a date and a byline, image captions, body paragraphs with
sub-headings, and page furniture around them (cookie banners, share buttons,
"read also" links, footers). ``parse_plaintext`` turns that into a
``ParsedArticle`` and accounts for every non-blank input line: each one is the
title, the standfirst, a caption, part of a block, or in ``dropped`` with a reason.

Layout rules a reader of the output needs to know:

* Blank lines separate blocks. Inside a run of non-blank lines, a line break is
  a soft wrap (the next line continues the paragraph) only when the line before
  is longer than a sub-heading (text.HEADING_MAX_WORDS) and does not end a sentence.
  Every other line break starts a new block, so "blank line between paragraphs"
  and "one paragraph per line" files both work.
* A hard-wrapped file (text cut into lines of a fixed width, as mail, lynx or html2text
  write it) is recognised from its line breaks: most of them fall where the next word would
  not have fitted within the longest line, and in mid-sentence, and hardly any line is
  longer. Then a break is a soft wrap exactly when the next word would not have fitted (or
  the line is nearly full and stops mid-sentence); a line that ends short was ended by the
  author (a paragraph's last line, a sub-heading).
* The title is the first line that is not furniture, a date, a byline or a
  breadcrumb. It is never joined with the next line, except in a hard-wrapped file,
  where the lines it was wrapped onto are part of it.
* A date counts only on a line of its own (optionally labelled "Published",
  "نشر في", ...), and an unlabelled one only near the top. Dates inside
  sentences are never used; numeric dates are read day first.
* A date relative to the day the page was read ("أمس", "منذ ساعتين", "الشهر الماضي",
  "yesterday", "3 days ago") is read against a reference date the file gives: the Date of
  an HTTP/WARC header block at its top (dropped; a WARC-Target-URI is the URL), else a dated
  dateline at the head of the body ("بيروت، 6 فبراير 2019 (أ ف ب) -"), else a date in the
  file name. It gets the precision of the days it can mean (relative_dates.relative_span):
  "أمس" a day, "الأسبوع الماضي" a month or a year, "منذ ساعتين" a day only when the reference
  has its time of day. Without a reference it stays unknown, with a warning saying so.
* A sub-heading is a short block (text.HEADING_MAX_WORDS) that does not end in punctuation and
  has body text after it — or a short question ("ماذا بعد؟", "What happens next?") standing alone
  between paragraphs. A question stays a paragraph when it belongs to the flow of the text: quoted
  or a line of dialogue, an interview's "س:"/"Q:" line, introduced by a paragraph ending in ":",
  answered by the next one ("ج:", "فأجاب"), one of a run of questions, opening with "فهل"/"But",
  holding more than one sentence, or with no paragraph after it.
* Just below the title, "City: Name" ("بيروت: محمد علي", "Beirut: John Smith", "لندن: «الشرق
  الأوسط»") is a byline with its dateline city: the name is the author. The place is one or two
  words that are not a label ("عاجل", "Update"); the name two or three Arabic words not starting
  with the article and holding no preposition, or two to four capitalised Latin words.
* A photo credit alone on a line ("(رويترز)", "Photo: AFP", "تصوير: ...", "REUTERS/Name")
  belongs to the short line above it, which is then a caption — when that line does not end a
  sentence, or when the credit follows it directly and body text comes later. Otherwise (a last
  paragraph with the wire's "(رويترز)" below it) the credit is dropped as a lone photo credit.
* The standfirst is the first block after the title when it is short, is not a
  wire dateline lead ("WASHINGTON (Reuters) -"), body text follows it, and something
  sets it apart from the body: a byline, date or share bar under it, a captioned picture
  under it, the body opening after it with a dateline, or it is visibly a summary (most of
  its words come back in one later paragraph, or it has no full stop where the body's
  paragraphs all do). An ordinary short first paragraph stays the body's first paragraph.

The work is split by concern, each module pure (no Django imports):

* ``text`` — one line of text: cleaning, the folded form used for matching, its shape;
* ``furniture`` — page furniture (cookie notices, share buttons, "read also" links, tags,
  breadcrumbs, "More from" footers);
* ``credits`` — photo credits and captions, and the wire dateline that opens a body;
* ``bylines`` — byline and date lines;
* ``state`` — what the parse works on: a ``Line`` of the input, an ``Item`` (block or caption)
  being assembled, the facts ``Found`` on the way;
* ``wrapping`` — where a line break is a soft wrap, and recognising a hard-wrapped file;
* ``dating`` — an HTTP/WARC header block at the top, the reference date a relative date is read
  against, and the warnings about the publication date;
* ``blocks`` — the body's lines grouped into blocks and captions, a lone photo credit attached to
  the caption above it;
* ``headings`` — which blocks are sub-headings, short questions included;
* ``standfirst`` — which block, if any, is the standfirst;
* ``parser`` — ``parse_plaintext``: the lines in order, assembled into a ``ParsedArticle``.

``parse_plaintext`` and ``NoArticleError`` are the entry points, importable from here.
"""

from archive.ingest.plaintext.parser import NoArticleError, parse_plaintext

__all__ = ["NoArticleError", "parse_plaintext"]
