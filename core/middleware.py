"""Request plumbing that knows no app."""

from collections.abc import Callable

from django.http import Http404, HttpRequest, HttpResponse

from core.errors import NotFound


class NotFoundMiddleware:
    """A service's NotFound is a page's 404: services speak the domain's language, and this
    is where it becomes HTTP's."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        if isinstance(exception, NotFound):
            raise Http404(str(exception)) from exception
