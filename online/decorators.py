"""What every patient page wears: a patient signed in to the patient area."""

from collections.abc import Callable
from functools import wraps

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from governance.audit import Actor

View = Callable[..., HttpResponse]


def patient_view(view: View) -> View:
    """Require a patient signed in online; others go to the start page, and come back."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if getattr(request, "patient_account", None) is None:
            query = urlencode({"next": request.get_full_path()})
            return redirect(f"{reverse('online:start')}?{query}")
        return view(request, *args, **kwargs)

    return wrapped


def patient_actor(request: HttpRequest) -> Actor:
    """The signed-in patient, acting for themselves, from this request."""
    return Actor.for_patient(Actor.from_request(request), request.patient_account)
