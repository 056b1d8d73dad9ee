"""The Django admin holds no patient data: every look at a patient goes through the access
decision and the audit trail, which the admin knows nothing of."""

import pytest
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.fields import GenericForeignKey
from django.db import models
from django.urls import NoReverseMatch, reverse

from governance.models import Consent
from patients.models import Patient
from tests.factories import PatientFactory, UserFactory


def _patient_links(model: type[models.Model]) -> list[str]:
    """How `model` is or points at a patient: itself, a relation to one, or a generic
    relation that could point at anything."""
    if issubclass(model, Patient):
        return [f"{model._meta.label} is a patient"]
    links = []
    for field in model._meta.get_fields():
        if isinstance(field, GenericForeignKey):
            links.append(f"{model._meta.label}.{field.name} can point at any model")
        elif (
            field.is_relation
            and not field.auto_created
            and field.related_model is not None
            and issubclass(field.related_model, Patient)
        ):
            links.append(f"{model._meta.label}.{field.name} points at a patient")
    return links


def test_no_model_in_the_admin_is_or_points_at_a_patient():
    found = []
    for model, model_admin in admin.site._registry.items():
        found += _patient_links(model)
        for inline in model_admin.inlines:
            found += _patient_links(inline.model)
    assert not found, found


def test_the_registry_check_would_catch_a_patient_model():
    """The walk above finds what it is looking for, so its silence means something."""
    assert _patient_links(Patient) == ["patients.Patient is a patient"]
    assert _patient_links(Consent) == ["governance.Consent.patient points at a patient"]
    assert _patient_links(LogEntry) == []  # points at users and content types only


@pytest.fixture
def superuser_client(client, db):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_the_patient_admin_is_gone_even_for_a_superuser(superuser_client):
    with pytest.raises(NoReverseMatch):
        reverse("admin:patients_patient_changelist")
    for path in ("/admin/patients/patient/", "/admin/patients/patient/add/", "/admin/patients/"):
        assert superuser_client.get(path).status_code == 404, path
    assert b"/admin/patients/" not in superuser_client.get(reverse("admin:index")).content


def test_an_organisations_admin_pages_show_none_of_its_patients(superuser_client, practice_a):
    """Deleting an organisation would list the registered patients it protects: the admin
    offers no deleting of organisations at all."""
    patient = PatientFactory(registered_practice=practice_a)
    for name in ("change", "delete"):
        url = reverse(f"admin:practices_organisation_{name}", args=[practice_a.pk])
        response = superuser_client.get(url)
        assert patient.family_name.encode() not in response.content, name
        assert patient.nhs_number.encode() not in response.content, name
    delete = reverse("admin:practices_organisation_delete", args=[practice_a.pk])
    assert superuser_client.get(delete).status_code == 403
    changelist = superuser_client.post(
        reverse("admin:practices_organisation_changelist"),
        {"action": "delete_selected", "_selected_action": [practice_a.pk]},
    )
    assert patient.family_name.encode() not in changelist.content
