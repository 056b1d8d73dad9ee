"""The OpenAPI schema and Swagger UI, for staff only, served from our own origin.

Swagger UI's page and its start-up script come from two requests (SpectacularSwaggerSplitView)
and our template drops drf-spectacular's inline <style>, so the page runs under the site's
strict Content-Security-Policy unchanged.
"""

from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.exceptions import NotAuthenticated

from api.base import WorksForAnOrganisation
from api.permissions import TwoFactorRequired, TwoFactorVerified


class ApiSchemaView(SpectacularAPIView):
    permission_classes = [WorksForAnOrganisation, TwoFactorVerified]


class ApiDocsView(SpectacularSwaggerSplitView):
    permission_classes = [WorksForAnOrganisation, TwoFactorVerified]
    template_name = "api/docs.html"
    url_name = "api_schema"

    def handle_exception(self, exc):
        # A person in a browser: sign in first, then enter a code, on the pages for them.
        if isinstance(exc, NotAuthenticated):
            return redirect_to_login(self.request.get_full_path())
        if isinstance(exc, TwoFactorRequired):
            return redirect(exc.url)
        return super().handle_exception(exc)
