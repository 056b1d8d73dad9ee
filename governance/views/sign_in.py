"""The staff sign-in page: a username, a password and (after it) a code; and, where CIS2 is
turned on, the way in with a smartcard."""

from django.conf import settings
from django.contrib.auth.views import LoginView

from governance.forms import SignInForm


class SignInView(LoginView):
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs) -> dict:
        return super().get_context_data(cis2_enabled=settings.CIS2_ENABLED, **kwargs)
