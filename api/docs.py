"""The OpenAPI schema and Swagger UI, for staff only, served from our own origin.

Swagger UI's page and its start-up script come from two requests (SpectacularSwaggerSplitView)
and our template drops drf-spectacular's inline <style>, so the page runs under the site's
strict Content-Security-Policy unchanged.
"""

from django.contrib.auth.views import redirect_to_login
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.exceptions import NotAuthenticated

from api.base import WorksForAnOrganisation


class ApiSchemaView(SpectacularAPIView):
    permission_classes = [WorksForAnOrganisation]


class ApiDocsView(SpectacularSwaggerSplitView):
    permission_classes = [WorksForAnOrganisation]
    template_name = "api/docs.html"
    url_name = "api_schema"

    def handle_exception(self, exc):
        if isinstance(exc, NotAuthenticated):  # a person in a browser: sign in first
            return redirect_to_login(self.request.get_full_path())
        return super().handle_exception(exc)
