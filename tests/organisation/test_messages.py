from django.urls import reverse

from notifications.models import Message


def _message(organisation_id, status, **fields):
    return Message.objects.create(
        key=f"k{Message.objects.count()}",
        organisation_id=organisation_id,
        status=status,
        template="appointment-booked",
        **{"to": "ada@example.com", **fields},
    )


def test_the_hub_sees_its_messages_failed_first_masked(
    client_for, hub_receptionist, hub, practice_a
):
    _message(
        hub.pk,
        Message.Status.UNDELIVERED,
        channel="sms",
        to="+447700900123",
        delivery_status="permanent-failure",
    )
    _message(hub.pk, Message.Status.DELIVERED)
    _message(practice_a.pk, Message.Status.FAILED, to="someone@example.com")
    client = client_for(hub_receptionist)
    page = client.get(reverse("organisation:messages")).content.decode()
    assert "07••• ••0123" in page and "+447700900123" not in page
    assert "Not delivered" in page and "Delivered" not in page.split("<table")[-1]
    assert "someone" not in page  # another organisation's
    everything = client.get(reverse("organisation:messages"), {"show": "all"}).content.decode()
    assert "a•••@example.com" in everything and "ada@example.com" not in everything
