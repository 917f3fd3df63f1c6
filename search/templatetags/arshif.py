"""Template helpers for the reader's pages."""

from django import template
from django.templatetags.static import static
from django.utils.translation import get_language_bidi

from archive.ingest.sanitize import strip_bidi_controls
from search.web import ui

register = template.Library()


@register.simple_tag(takes_context=True)
def timeline_chart(context, timeline, base_query="", total_count=None):
    """`{% timeline_chart timeline "source=x&q=y" 120 as chart %}`: geometry for timeline.html."""
    request = context.get("request")
    asked = request.GET if request is not None else {}
    current = (asked.get("from", ""), asked.get("to", ""))
    chart = ui.timeline_chart(timeline, base_query or "", get_language_bidi(), current)
    if chart is not None:
        total = total_count if isinstance(total_count, int) else None
        chart["undated"] = max(0, total - chart["total"]) if total is not None else 0
    return chart


@register.filter
def text_direction(language_code: str) -> str:
    """ "rtl" for content in a right-to-left language, else "ltr"."""
    return "rtl" if (language_code or "").split("-")[0] in {"ar", "fa", "he", "ur"} else "ltr"


@register.filter
def no_bidi(value) -> str:
    """Text without bidi controls, for places no element can isolate: <title> and attribute
    values (an override there would reorder the rest of the tab title or tooltip)."""
    return strip_bidi_controls(str(value))


@register.filter
def http_url(value) -> str:
    """The URL when it is http(s), else "" : a stored link is never javascript: or data:."""
    url = str(value or "").strip()
    return url if url.lower().startswith(("http://", "https://")) else ""


@register.simple_tag
def safe_static(path: str) -> str:
    """The static file's URL, or "" when the storage cannot give one (no manifest, no entry):
    for 500.html, which must render whatever is broken."""
    try:
        return static(path)
    except Exception:  # any failure here would replace the error page by a bare one
        return ""
