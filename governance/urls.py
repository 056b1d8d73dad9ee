from django.urls import path

from governance.views import (
    access_history,
    access_report,
    agreements,
    alerts,
    break_glass,
    break_glass_reviews,
    consent,
    grants,
    index,
    relationships,
)

app_name = "governance"

urlpatterns = [
    path("patients/<uuid:patient_id>/consent/", consent.consent_record, name="consent_record"),
    path("break-glass/", break_glass.break_glass, name="break_glass"),
    path("relationships/claim/", relationships.relationship_claim, name="relationship_claim"),
    # Information governance: the IG lead's screens.
    path("", index.governance_index, name="index"),
    path("alerts/", alerts.alert_list, name="alerts"),
    path("alerts/count/", alerts.alert_count, name="alert_count"),
    path("agreements/", agreements.agreement_list, name="agreements"),
    path("agreements/new/", agreements.agreement_propose, name="agreement_propose"),
    path("agreements/<uuid:agreement_id>/", agreements.agreement_detail, name="agreement_detail"),
    path(
        "agreements/<uuid:agreement_id>/renew/", agreements.agreement_renew, name="agreement_renew"
    ),
    path(
        "agreements/<uuid:agreement_id>/accept/",
        agreements.agreement_accept,
        name="agreement_accept",
    ),
    path(
        "agreements/<uuid:agreement_id>/decline/",
        agreements.agreement_decline,
        name="agreement_decline",
    ),
    path("agreements/<uuid:agreement_id>/end/", agreements.agreement_end, name="agreement_end"),
    path("grants/", grants.grant_list, name="grants"),
    path("grants/new/", grants.grant_create, name="grant_create"),
    path("grants/<uuid:grant_id>/revoke/", grants.grant_revoke, name="grant_revoke"),
    path("break-glass/reviews/", break_glass_reviews.review_list, name="break_glass_reviews"),
    path(
        "break-glass/reviews/<uuid:break_glass_id>/",
        break_glass_reviews.review_detail,
        name="break_glass_review",
    ),
    path("relationships/reviews/", relationships.review_list, name="relationship_reviews"),
    path(
        "relationships/reviews/<uuid:relationship_id>/",
        relationships.review_detail,
        name="relationship_review",
    ),
    path("access-report/", access_report.access_report, name="access_report"),
    path("access-report/export/", access_report.access_report_csv, name="access_report_csv"),
    path(
        "patients/<uuid:patient_id>/access/",
        access_history.patient_access_history,
        name="patient_access_history",
    ),
]
