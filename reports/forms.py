"""What a report is narrowed by: the days, a practice, a site, and how it is broken down."""

import datetime

from django import forms
from django.utils import timezone

from frontend.forms import NHSDateField, NHSForm
from practices.models import Organisation, Site
from reports.selectors import Scope

DEFAULT_DAYS = 28
MAX_DAYS = 366


class ReportFilterForm(NHSForm):
    date_from = NHSDateField(label="From", required=False, help_text="For example, 3 11 2026")
    date_to = NHSDateField(label="To", required=False, help_text="Up to a year after the start")
    practice = forms.ChoiceField(label="Practice", required=False)
    site = forms.ChoiceField(label="Site", required=False)
    by = forms.ChoiceField(label="Break down by", required=False)

    def __init__(self, *args, practices, sites, breakdowns: dict[str, str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self._practices = {str(p.public_id): p for p in practices}
        self._sites = {str(s.public_id): s for s in sites}
        self.fields["practice"].choices = [("", "All practices")] + [
            (key, p.name) for key, p in self._practices.items()
        ]
        self.fields["site"].choices = [("", "All sites")] + [
            (key, f"{s.name}, {s.postcode}") for key, s in self._sites.items()
        ]
        if breakdowns:
            self.fields["by"].choices = list(breakdowns.items())
        else:
            del self.fields["by"]
        if len(practices) < 2:
            del self.fields["practice"]

    def clean(self):
        data = super().clean()
        last = data.get("date_to") or timezone.localdate()
        first = data.get("date_from") or last - datetime.timedelta(days=DEFAULT_DAYS - 1)
        if last < first:
            self.add_error("date_to", "The end date must be on or after the start date")
        elif (last - first).days >= MAX_DAYS:
            self.add_error("date_to", "Report on up to a year at a time")
        data["date_from"], data["date_to"] = first, last
        site = self._sites.get(data.get("site") or "")
        practice = self._practices.get(data.get("practice") or "")
        if site and practice and site.organisation_id != practice.pk:
            self.add_error("site", "Choose a site of the practice chosen, or all sites")
        return data

    def scope(self) -> Scope:
        data = self.cleaned_data
        practice = self._practices.get(data.get("practice") or "")
        site = self._sites.get(data.get("site") or "")
        practices = (practice,) if practice else tuple(self._practices.values())
        if site:
            practices = tuple(p for p in practices if p.pk == site.organisation_id)
        return Scope(practices, data["date_from"], data["date_to"], site)

    def default_scope(self) -> Scope:
        """The last four weeks across every practice: what a form with errors shows."""
        today = timezone.localdate()
        return Scope(
            tuple(self._practices.values()),
            today - datetime.timedelta(days=DEFAULT_DAYS - 1),
            today,
        )


def sites_of(practices: list[Organisation]) -> list[Site]:
    return list(Site.objects.filter(organisation__in=practices).order_by("name"))
