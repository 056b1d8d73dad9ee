"""Patients online: patients with accounts, and clients signed in to the patient area's own
session (the slots released online are the shared `online_slots`)."""

from importlib import import_module

import pytest
from django.conf import settings
from django.test import Client

from online.accounts import account_for_patient
from online.middleware import ACCOUNT_KEY


@pytest.fixture
def account_a(patient_a):
    return account_for_patient(patient_a)


@pytest.fixture
def account_b(patient_b):
    return account_for_patient(patient_b)


def signed_in_client(account) -> Client:
    """A test client signed in to the patient area as `account`."""
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[ACCOUNT_KEY] = str(account.public_id)
    store.save()
    client = Client()
    client.cookies[settings.PATIENT_SESSION_COOKIE_NAME] = store.session_key
    return client


@pytest.fixture
def patient_client(db):
    """A test client signed in to the patient area as the given account."""
    return signed_in_client
