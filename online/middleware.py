"""The patient area's own session, and the wall between it and the staff pages.

Pages under `/patient/` keep their session in a cookie of their own, so a patient's session
never signs anyone in to a staff page, nor a member of staff's to the patient area: a
patient who is also staff has two separate sessions. A patient session that reaches a staff
page gets a 404 and leaves an audit event, as any refused look at data does.
"""

from collections.abc import Callable
from importlib import import_module

from django.conf import settings
from django.contrib.sessions.middleware import SessionMiddleware
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from governance.actions import Action
from governance.audit import Actor, record_event
from governance.models import AuditEvent
from online.models import PatientAccount

PATIENT_AREA = "/patient/"
ACCOUNT_KEY = "online_account"
# Pages that are neither staff's nor patients': anyone may ask for them.
_OPEN_TO_ALL = (
    "/static/",
    "/healthz",
    "/readyz",
    "/accounts/login/",
    "/accounts/logout/",
    "/favicon",
)


def in_patient_area(request: HttpRequest) -> bool:
    return request.path_info.startswith(PATIENT_AREA)


class PartitionedSessionMiddleware(SessionMiddleware):
    """Django's sessions, under `PATIENT_SESSION_COOKIE_NAME` in the patient area."""

    def process_request(self, request: HttpRequest) -> None:
        if not in_patient_area(request):
            return super().process_request(request)
        request.session = self.SessionStore(
            request.COOKIES.get(settings.PATIENT_SESSION_COOKIE_NAME)
        )

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        if not in_patient_area(request):
            return super().process_response(request, response)
        # Django's own rules for saving, refreshing and deleting the cookie, then the
        # cookie it set renamed to the patient area's.
        staff, patient = settings.SESSION_COOKIE_NAME, settings.PATIENT_SESSION_COOKIE_NAME
        cookies = request.COOKIES
        request.COOKIES = {staff: cookies[patient]} if patient in cookies else {}
        try:
            response = super().process_response(request, response)
        finally:
            request.COOKIES = cookies
        morsel = response.cookies.pop(staff, None)
        if morsel is not None:
            response.cookies[patient] = morsel.value
            for attribute, value in morsel.items():
                response.cookies[patient][attribute] = value
        return response


class PatientAreaMiddleware:
    """Sets `request.patient_account` in the patient area (or None); turns a patient session
    away from staff pages. After authentication: a member of staff signed in is let by."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.SessionStore = import_module(settings.SESSION_ENGINE).SessionStore

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if in_patient_area(request):
            request.patient_account = _account(request.session)
            response = self.get_response(request)
            response["Cache-Control"] = "no-store"
            return response
        request.patient_account = None
        if self._patient_on_staff_page(request):
            return render(request, "404.html", status=404)
        return self.get_response(request)

    def _patient_on_staff_page(self, request: HttpRequest) -> bool:
        key = request.COOKIES.get(settings.PATIENT_SESSION_COOKIE_NAME)
        path = request.path_info
        if not key or path == "/" or path.startswith(_OPEN_TO_ALL):
            return False
        if request.user.is_authenticated:
            return False
        account = _account(self.SessionStore(key))
        if account is None:
            return False
        record_event(
            actor=Actor.for_patient(Actor.from_request(request), account),
            action=Action.ONLINE_STAFF_PAGE,
            outcome=AuditEvent.Outcome.DENIED,
            patient=account.patient,
            reason=path[:200],
        )
        return True


def _account(session) -> PatientAccount | None:
    public_id = session.get(ACCOUNT_KEY)
    if not public_id:
        return None
    return (
        PatientAccount.objects.select_related("patient", "user").filter(public_id=public_id).first()
    )
