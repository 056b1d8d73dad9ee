"""`manage.py create_api_token`: a token for a system, and rotating it."""

from io import StringIO

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from governance.models import AuditEvent
from tests.api.helpers import SEARCH


def test_create_api_token_prints_a_token_that_works_and_rotating_retires_it(
    hub_receptionist, hub_books_for_a
):
    out = StringIO()
    call_command("create_api_token", user="hub.reception", stdout=out)
    first = out.getvalue().strip()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {first}")
    assert client.get(SEARCH).status_code == 200

    out = StringIO()
    call_command("create_api_token", user="hub.reception", stdout=out)
    second = out.getvalue().strip()
    assert second != first
    assert client.get(SEARCH).status_code == 403  # the old token is gone
    client.credentials(HTTP_AUTHORIZATION=f"Token {second}")
    assert client.get(SEARCH).status_code == 200
    actions = list(AuditEvent.objects.filter(action__startswith="api-token.").values_list("action"))
    assert actions == [("api-token.create",), ("api-token.rotate",)]


def test_create_api_token_refuses_an_unknown_user(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="No user is called"):
        call_command("create_api_token", user="nobody", stdout=StringIO())
