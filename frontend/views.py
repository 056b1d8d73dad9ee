"""NHS-styled error pages."""

from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """A view's BadRequest says in words what was wrong; anything else (a suspicious
    request) gets the plain page."""
    reason = str(exception) if isinstance(exception, BadRequest) else ""
    return render(request, "400.html", {"reason": reason}, status=400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if request.path.startswith("/api/"):
        # API clients get the API's error shape (api/errors.py), never a page.
        body = {"error": {"code": "not-found", "message": "Not found.", "details": {}}}
        response = JsonResponse(body, status=404)
        response["Cache-Control"] = "no-store"
        return response
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    # Rendered without context processors' database work: the database may be the failure.
    return render(request, "500.html", status=500)
