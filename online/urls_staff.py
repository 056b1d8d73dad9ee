"""Staff pages of patients online: the hub's rules for booking online, registration keys
and the hub's waiting list."""

from django.urls import path

from online.views import policy, staff

app_name = "online_staff"

urlpatterns = [
    path("booking-online/", policy.online_policy, name="policy"),
    path("waiting-list/", staff.waiting_list, name="waiting_list"),
    path(
        "waiting-list/add/<uuid:patient_id>/",
        staff.add_to_waiting_list,
        name="add_to_waiting_list",
    ),
    path(
        "waiting-list/<uuid:entry_id>/remove/",
        staff.remove_from_waiting_list,
        name="remove_from_waiting_list",
    ),
    path(
        "registration-key/<uuid:patient_id>/",
        staff.registration_key,
        name="registration_key",
    ),
]
