"""Request limits with messages a person can act on, instead of Django's bare 400 page.

* RequestSizeLimitMiddleware refuses a request whose body is larger than ARCHIVE_UPLOAD_MAX_BYTES
  before anything reads it (413), so an oversized admin upload neither fills the temporary
  folder nor ties up a worker; it runs before the CSRF check, which would read the body.
* bad_request (handler400) says which Django limit a request broke: more files than
  DATA_UPLOAD_MAX_NUMBER_FILES, or more form data than DATA_UPLOAD_MAX_MEMORY_SIZE.
"""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _

from archive.ingest.archives import human_size


def _refusal(request, status: int, message: str, template: str = "limit.html"):
    return render(request, template, {"message": message}, status=status)


def _language(request):
    """The reader's language: this middleware runs before LocaleMiddleware has chosen it."""
    return translation.override(translation.get_language_from_request(request))


class RequestSizeLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = settings.ARCHIVE_UPLOAD_MAX_BYTES
        if length > limit:
            with _language(request):
                return _refusal(
                    request,
                    413,
                    _(
                        "This upload is %(size)s; one upload may be at most %(limit)s "
                        "(ARCHIVE_UPLOAD_MAX_MB). Upload the files in several parts, or import "
                        "them on the server with manage.py import_articles."
                    )
                    % {"size": human_size(length), "limit": human_size(limit)},
                )
        return self.get_response(request)


def bad_request(request, exception=None):
    if isinstance(exception, TooManyFilesSent):
        message = _(
            "One upload may hold at most %(count)d files (ARCHIVE_UPLOAD_MAX_FILES). "
            "Zip a larger folder and upload the zip, or upload the files in several parts."
        ) % {"count": settings.DATA_UPLOAD_MAX_NUMBER_FILES}
    elif isinstance(exception, RequestDataTooBig):
        message = _(
            "The form sent more than %(limit)s of data besides its files; nothing was saved."
        ) % {"limit": human_size(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)}
    elif isinstance(exception, TooManyFieldsSent):
        message = _("The form sent too many fields; nothing was saved.")
    else:
        message = _("The request could not be understood; nothing was saved.")
    return _refusal(request, 400, message, "400.html")
