"""Changes to organisations' sites and clinicians. Who works where, and with what
permissions, is governance's (governance/staff.py)."""

from django.db import transaction

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
