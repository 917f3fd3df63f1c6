"""An index that cannot be read answers 503 with a plain message, never a traceback.

Any page that searches (home, results, API, exports, feeds, an article's related articles) may
meet a damaged or missing index (search.service.IndexUnavailable). Readers get "try again
later"; the log gets what is wrong and the command that rebuilds it.
"""

from __future__ import annotations

import logging

from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from search.service import IndexUnavailable

logger = logging.getLogger("search.index")

UNAVAILABLE = gettext_noop(
    "Search is unavailable for a moment: its index is being rebuilt. Please try again later."
)


class IndexUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, IndexUnavailable):
            return None
        logger.error("%s (while serving %s)", exception, request.path)
        message = _(UNAVAILABLE)
        if request.path.startswith("/api/"):
            return JsonResponse({"error": message}, status=503, headers={"Retry-After": "60"})
        response = render(request, "search/unavailable.html", {"message": message}, status=503)
        response["Retry-After"] = "60"
        return response
