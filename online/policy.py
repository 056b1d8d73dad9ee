"""Which hub a patient books through online, and that hub's rules for it."""

from online.models import OnlinePolicy
from patients.models import Patient
from practices.models import Organisation, Site


def hub_of(patient: Patient) -> Organisation | None:
    """The hub the patient's practice pools its evening and weekend appointments in."""
    return patient.registered_practice.hubs.order_by("pk").first()


def policy_of(hub: Organisation) -> OnlinePolicy:
    """The hub's rules, or the defaults when it has set none."""
    return OnlinePolicy.objects.filter(hub=hub).first() or OnlinePolicy(hub=hub)


def practices_of(hub: Organisation) -> list[int]:
    """The practices whose slots the hub's patients may book online."""
    return list(hub.member_practices.values_list("pk", flat=True))


def home_site(patient: Patient):
    """The patient's practice's first site: where 'nearest' is measured from."""
    return patient.registered_practice.sites.order_by("pk").first()


def sites_of(hub: Organisation):
    """The open surgeries of the hub's practices, for a patient to say which they can reach."""
    return Site.objects.filter(
        organisation__in=hub.member_practices.all(), is_active=True
    ).order_by("name")
