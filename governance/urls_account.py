"""The signed-in user's own account: two-factor authentication."""

from django.urls import path

from governance.views import two_factor

app_name = "account"

urlpatterns = [
    path("", two_factor.overview, name="overview"),
    path("set-up/", two_factor.set_up, name="set_up"),
    path("verify/", two_factor.verify, name="verify"),
    path("recovery-codes/", two_factor.recovery_codes, name="recovery_codes"),
    path("recovery-codes/new/", two_factor.new_recovery_codes, name="new_recovery_codes"),
]
