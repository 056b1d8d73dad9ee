import datetime

from django.urls import reverse

from online.models import OnlinePolicy


def test_a_hub_manager_sets_the_rules_for_booking_online(client_for, hub_manager, hub):
    client = client_for(hub_manager)
    page = client.get(reverse("online_staff:policy"))
    assert page.status_code == 200
    assert page.context["form"].initial["max_future_bookings"] == 2
    response = client.post(
        reverse("online_staff:policy"),
        {
            "max_future_bookings": 3,
            "cancel_cutoff_hours": 4,
            "hold_minutes": 6,
            "offer_minutes": 45,
        },
    )
    assert response.status_code == 302
    policy = OnlinePolicy.objects.get(hub=hub)
    assert policy.max_future_bookings == 3
    assert policy.cancel_cutoff == datetime.timedelta(hours=4)
    assert policy.hold_for == datetime.timedelta(minutes=6)
    assert policy.offer_held_for == datetime.timedelta(minutes=45)
    assert b"Rules for booking online" in client.get(reverse("organisation:organisation")).content


def test_bad_values_say_what_to_fix(client_for, hub_manager, hub):
    response = client_for(hub_manager).post(
        reverse("online_staff:policy"),
        {
            "max_future_bookings": 0,
            "cancel_cutoff_hours": "",
            "hold_minutes": 6,
            "offer_minutes": 45,
        },
    )
    assert response.status_code == 200
    assert b"There is a problem" in response.content
    assert b"Enter how many hours before patients can cancel" in response.content
    assert not OnlinePolicy.objects.exists()


def test_receptionists_and_practices_cannot_change_them(
    client_for, hub_receptionist, practice_manager_a
):
    assert client_for(hub_receptionist).get(reverse("online_staff:policy")).status_code == 403
    assert client_for(practice_manager_a).get(reverse("online_staff:policy")).status_code == 403
