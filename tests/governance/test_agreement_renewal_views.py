"""The agreement page offers to renew a live agreement, with the following period filled in."""

import datetime
import re

from django.urls import reverse

from governance.models import Scope, SharingAgreement
from governance.renewals import following_period
from tests.factories import SharingAgreementFactory
from tests.governance.helpers import renew

DAY = datetime.timedelta(days=1)


# The pages -------------------------------------------------------------------------------


def test_a_live_agreement_offers_renew(client_for, ig_lead_a, current):
    page = client_for(ig_lead_a).get(
        reverse("governance:agreement_detail", args=[current.public_id])
    )
    renew_url = reverse("governance:agreement_renew", args=[current.public_id])
    assert f'href="{renew_url}"' in page.content.decode()


def test_a_proposal_or_an_ended_agreement_offers_no_renew(client_for, ig_lead_a, current):
    client = client_for(ig_lead_a)
    for status in (SharingAgreement.Status.PROPOSED, SharingAgreement.Status.ENDED):
        SharingAgreement.objects.filter(pk=current.pk).update(status=status)
        page = client.get(reverse("governance:agreement_detail", args=[current.public_id]))
        renew_url = reverse("governance:agreement_renew", args=[current.public_id])
        assert page.status_code == 200 and renew_url not in page.content.decode()


def test_renew_prefills_a_proposal_for_the_following_period(
    client_for, practice_manager_a, current, hub
):
    page = client_for(practice_manager_a).get(
        reverse("governance:agreement_renew", args=[current.public_id])
    )
    assert page.status_code == 200
    content = page.content.decode()
    assert "Renew a sharing agreement" in content
    starts_on, ends_on = following_period(current.starts_on, current.ends_on)
    assert _value(content, "organisation") == hub.ods_code
    for field, day in (("starts_on", starts_on), ("ends_on", ends_on)):
        shown = [_value(content, f"{field}_{part}") for part in ("day", "month", "year")]
        assert shown == [str(day.day), str(day.month), str(day.year)]
    assert _checked(content, "direction", "ours")
    assert _checked(content, "scope", Scope.BOOKING)


def _value(content: str, name: str) -> str | None:
    """The value of the input `name` in the rendered page."""
    for tag in re.findall(r"<input[^>]*>", content):
        if f'name="{name}"' in tag:
            found = re.search(r'value="([^"]*)"', tag)
            return found.group(1) if found else None
    return None


def _checked(content: str, name: str, value: str) -> bool:
    """Whether the radio `name`=`value` is checked in the rendered page."""
    for tag in re.findall(r"<input[^>]*>", content):
        if f'name="{name}"' in tag and f'value="{value}"' in tag:
            return "checked" in tag
    return False


def test_the_hub_renews_a_practices_agreement_the_other_way_round(
    client_for, hub_manager, current, practice_a
):
    page = (
        client_for(hub_manager)
        .get(reverse("governance:agreement_renew", args=[current.public_id]))
        .content.decode()
    )
    assert "Whose patients are shared?" not in page
    assert _value(page, "organisation") == practice_a.ods_code


def test_renewing_through_the_page_proposes_the_successor(
    client_for, practice_manager_a, hub_manager, current
):
    starts_on, ends_on = following_period(current.starts_on, current.ends_on)
    response = client_for(practice_manager_a).post(
        reverse("governance:agreement_renew", args=[current.public_id]),
        {
            "direction": "ours",
            "organisation": current.partner.ods_code,
            "scope": current.scope,
            "starts_on_day": starts_on.day,
            "starts_on_month": starts_on.month,
            "starts_on_year": starts_on.year,
            "ends_on_day": ends_on.day,
            "ends_on_month": ends_on.month,
            "ends_on_year": ends_on.year,
        },
    )
    renewal = SharingAgreement.objects.get(status=SharingAgreement.Status.PROPOSED)
    assert response.status_code == 302
    assert response["Location"] == reverse("governance:agreement_detail", args=[renewal.public_id])
    assert (renewal.starts_on, renewal.ends_on) == (starts_on, ends_on)

    # The hub sees the renewal waiting, and what it renews; the current one links to it.
    hub = client_for(hub_manager)
    detail = hub.get(response["Location"]).content.decode()
    assert ">Accept</button>" in detail and "Renews" in detail
    current_page = hub.get(reverse("governance:agreement_detail", args=[current.public_id]))
    assert "waiting for an answer" in current_page.content.decode()
    assert reverse("governance:agreement_renew", args=[current.public_id]) not in (
        current_page.content.decode()
    )


def test_renewing_with_overlapping_dates_shows_the_reason_on_the_form(
    client_for, practice_manager_a, current
):
    response = client_for(practice_manager_a).post(
        reverse("governance:agreement_renew", args=[current.public_id]),
        {
            "direction": "ours",
            "organisation": current.partner.ods_code,
            "scope": current.scope,
            "starts_on_day": current.ends_on.day,
            "starts_on_month": current.ends_on.month,
            "starts_on_year": current.ends_on.year,
            "ends_on_day": "1",
            "ends_on_month": "1",
            "ends_on_year": str(current.ends_on.year + 2),
        },
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " in content and "There is a problem" in content
    assert "already covers" in content
    assert SharingAgreement.objects.count() == 1


def test_renewing_a_renewed_agreement_goes_to_its_renewal(client_for, practice_manager_a, current):
    renewal = renew(current, by=practice_manager_a)
    response = client_for(practice_manager_a).get(
        reverse("governance:agreement_renew", args=[current.public_id])
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("governance:agreement_detail", args=[renewal.public_id])


def test_renewing_a_proposal_is_refused_with_a_message(client_for, hub_manager, practice_a, hub):
    proposal = SharingAgreementFactory(practice=practice_a, partner=hub, proposed=True)
    response = client_for(hub_manager).get(
        reverse("governance:agreement_renew", args=[proposal.public_id]), follow=True
    )
    assert b"Only a live agreement can be renewed" in response.content
    assert SharingAgreement.objects.count() == 1
