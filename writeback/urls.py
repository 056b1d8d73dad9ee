"""Write-back pages: the practice system problems worklist for whoever books, and the
practice manager's switch for the practice's link to its clinical system."""

from django.urls import path

from writeback import views

app_name = "writeback"

urlpatterns = [
    path("problems/", views.problem_list, name="problems"),
    path("problems/<uuid:message_id>/", views.problem_detail, name="problem"),
    path("problems/<uuid:message_id>/rebook/", views.problem_rebook, name="problem_rebook"),
    path("problems/<uuid:message_id>/retry/", views.problem_retry, name="problem_retry"),
    path("problems/<uuid:message_id>/done/", views.problem_done, name="problem_done"),
    path("clinical-system/", views.clinical_system_link, name="clinical_system_link"),
]
