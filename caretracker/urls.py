from django.urls import path

from caretracker import task_views, views

app_name = "caretracker"

urlpatterns = [
    path("", views.caseload, name="caseload"),
    path("inbox/", task_views.inbox, name="inbox"),
    path("records/<uuid:enrolment_id>/", views.record, name="record"),
    path("records/<uuid:enrolment_id>/tasks/new/", task_views.task_create, name="task_create"),
    path("tasks/<uuid:task_id>/", task_views.task, name="task"),
]
