"""Reads about organisations, scoped to what the acting organisation may see."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from practices.models import Clinician, Membership, Organisation, Site


def sites_of(organisation: Organisation) -> QuerySet[Site]:
    return Site.objects.filter(organisation=organisation).order_by("name")


def clinicians_of(organisation: Organisation) -> QuerySet[Clinician]:
    return Clinician.objects.filter(organisation=organisation).order_by("family_name", "given_name")


def staff_of(organisation: Organisation) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(organisation=organisation)
        .select_related("user")
        .order_by("-is_active", "user__last_name", "user__first_name")
    )


def member_practices_of(hub: Organisation) -> QuerySet[Organisation]:
    return hub.member_practices.order_by("name")


def get_site_of_or_404(organisation: Organisation, public_id) -> Site:
    return get_object_or_404(Site, organisation=organisation, public_id=public_id)


def get_clinician_of_or_404(organisation: Organisation, public_id) -> Clinician:
    return get_object_or_404(Clinician, organisation=organisation, public_id=public_id)


def get_membership_of_or_404(organisation: Organisation, public_id) -> Membership:
    return get_object_or_404(
        Membership.objects.select_related("user", "organisation"),
        organisation=organisation,
        public_id=public_id,
    )
