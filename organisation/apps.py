from django.apps import AppConfig


class OrganisationConfig(AppConfig):
    """Staff pages for the organisation a user acts for: the home page for their role,
    choosing an organisation, and the organisation's sites, clinicians and staff."""

    name = "organisation"
