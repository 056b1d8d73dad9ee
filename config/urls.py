from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from api.docs import ApiDocsView, ApiSchemaView
from config.health import healthz, readyz
from config.metrics import metrics
from governance.views.sign_in import SignInView
from notifications.views import delivery_receipt
from organisation import views as organisation_views

handler400 = "frontend.views.bad_request"
handler403 = "frontend.views.permission_denied"
handler404 = "frontend.views.page_not_found"
handler500 = "frontend.views.server_error"

urlpatterns = [
    path("", organisation_views.home, name="home"),
    path("accounts/login/", SignInView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/cis2/", include("governance.urls_cis2")),
    path(
        "organisation/choose/", organisation_views.choose_organisation, name="choose_organisation"
    ),
    path("organisation/", include("organisation.urls")),
    path("patients/", include("patient_record.urls")),
    path("diary/", include("booking.urls")),
    path("write-back/", include("writeback.urls")),
    path("care-diary/", include("carediary.urls")),
    path("care-tracker/", include("caretracker.urls")),
    path("governance/", include("governance.urls")),
    path("patient/", include("online.urls")),
    path("online-services/", include("online.urls_staff")),
    path("account/two-factor/", include("governance.urls_account")),
    path("api/v1/", include("api.urls")),
    path("gpconnect/", include("gpconnect_facade.urls")),
    path("reports/", include("reports.urls")),
    path("api/schema/", ApiSchemaView.as_view(), name="api_schema"),
    path("api/docs/", ApiDocsView.as_view(), name="api_docs"),
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("metrics", metrics, name="metrics"),
    path("notifications/notify/receipts/", delivery_receipt, name="notify_receipts"),
    path("admin/", admin.site.urls),
]
