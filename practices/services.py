"""Changes to organisations' sites and clinicians. Who works where, and with what
permissions, is governance's (governance/staff.py)."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from practices.models import Clinician, Organisation, Site

SITE_FIELDS = (
    "name",
    "address_line_1",
    "address_line_2",
    "town",
    "postcode",
    "latitude",
    "longitude",
    "is_active",
)
CLINICIAN_FIELDS = ("title", "given_name", "family_name", "gender", "job_role", "is_active")


def _apply(instance, fields: tuple[str, ...], values: dict) -> None:
    unknown = set(values) - set(fields)
    if unknown:
        raise TypeError(f"Unexpected fields: {', '.join(sorted(unknown))}")
    for name, value in values.items():
        setattr(instance, name, value)


@transaction.atomic
def create_site(*, by, organisation: Organisation, **values) -> Site:
    site = Site(organisation=organisation)
    _apply(site, SITE_FIELDS, values)
    site.full_clean()
    site.save()
    return site


@transaction.atomic
def update_site(*, by, site: Site, **values) -> Site:
    _apply(site, SITE_FIELDS, values)
    site.full_clean()
    site.save()
    return site


@transaction.atomic
def create_clinician(*, by, organisation: Organisation, **values) -> Clinician:
    clinician = Clinician(organisation=organisation)
    _apply(clinician, CLINICIAN_FIELDS, values)
    clinician.full_clean()
    clinician.save()
    return clinician


@transaction.atomic
def update_clinician(*, by, clinician: Clinician, **values) -> Clinician:
    _apply(clinician, CLINICIAN_FIELDS, values)
    clinician.full_clean()
    clinician.save()
    return clinician


# More than any practice in England has: a figure above it is a typing slip.
LARGEST_LIST = 250_000


@transaction.atomic
def set_list_size(*, by, practice: Organisation, patients: int, on: datetime.date) -> Organisation:
    """The practice's registered list size, counted on `on` (not in the future)."""
    if not practice.is_practice:
        raise ValidationError("Only a GP practice has registered patients.")
    errors = {}
    if not 0 < patients <= LARGEST_LIST:
        errors["patients"] = f"Enter a number from 1 to {LARGEST_LIST:,}"
    if on > timezone.localdate():
        errors["on"] = "The date the list was counted must be today or in the past"
    if errors:
        raise ValidationError(errors)
    practice.list_size, practice.list_size_on = patients, on
    practice.save(update_fields=["list_size", "list_size_on", "updated_at"])
    return practice
