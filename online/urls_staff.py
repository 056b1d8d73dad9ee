"""Staff pages of patients online: the hub's rules for booking online, registration keys
and the hub's waiting list."""

from django.urls import path

from online.views import policy

app_name = "online_staff"

urlpatterns = [
    path("booking-online/", policy.online_policy, name="policy"),
]
