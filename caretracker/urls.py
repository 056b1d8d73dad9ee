from django.urls import path

from caretracker import enrolment_views, plan_views, task_views, views

app_name = "caretracker"

CARE, ESCALATION = {"kind": "care"}, {"kind": "escalation"}

urlpatterns = [
    path("", views.caseload, name="caseload"),
    path("inbox/", task_views.inbox, name="inbox"),
    path("patients/<uuid:patient_id>/enrol/", enrolment_views.enrol, name="enrol"),
    path("records/<uuid:enrolment_id>/", views.record, name="record"),
    path("records/<uuid:enrolment_id>/team/", enrolment_views.team, name="team"),
    path("records/<uuid:enrolment_id>/team/add/", enrolment_views.team_add, name="team_add"),
    path("records/<uuid:enrolment_id>/end/", enrolment_views.end, name="end"),
    path("records/<uuid:enrolment_id>/hospital/", views.hospital_stay, name="hospital_stay"),
    path("records/<uuid:enrolment_id>/care-plan/", plan_views.plan_edit, CARE, name="care_plan"),
    path(
        "records/<uuid:enrolment_id>/care-plan/history/",
        plan_views.plan_history,
        CARE,
        name="care_plan_history",
    ),
    path(
        "records/<uuid:enrolment_id>/escalation-plan/",
        plan_views.plan_edit,
        ESCALATION,
        name="escalation_plan",
    ),
    path(
        "records/<uuid:enrolment_id>/escalation-plan/history/",
        plan_views.plan_history,
        ESCALATION,
        name="escalation_plan_history",
    ),
    path("records/<uuid:enrolment_id>/tasks/new/", task_views.task_create, name="task_create"),
    path("tasks/<uuid:task_id>/", task_views.task, name="task"),
]
