"""Who may call the API at all, before any operation's own checks. Imported by DRF's
settings (DEFAULT_PERMISSION_CLASSES), so this module must not import rest_framework.views,
nor anything that does."""

from rest_framework.authentication import SessionAuthentication
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from governance.two_factor import next_step_url, second_factor_done, two_factor_required_for


class TwoFactorRequired(PermissionDenied):
    """A browser session that has given its password but not yet a code. `url` is where
    to enter one (or set up an authenticator app first)."""

    default_code = "two-factor-required"

    def __init__(self, url: str) -> None:
        super().__init__()
        self.url = url


class TwoFactorVerified(BasePermission):
    """When staff must use two-factor, the API refuses a session without the code in its
    own error shape (api/errors.py), saying where to enter one: the pages send such a
    session there instead. Tokens are for systems, and are not asked."""

    def has_permission(self, request: Request, view) -> bool:
        if not isinstance(request.successful_authenticator, SessionAuthentication):
            return True
        user = request.user
        if second_factor_done(user, request._request.session) or not two_factor_required_for(
            user, request._request.memberships
        ):
            return True
        raise TwoFactorRequired(next_step_url(user, request._request.get_full_path()))
