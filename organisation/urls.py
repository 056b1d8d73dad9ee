from django.urls import path

from organisation import messages, views

app_name = "organisation"

urlpatterns = [
    path("", views.organisation, name="organisation"),
    path("list-size/", views.list_size, name="list_size"),
    path("sites/new/", views.site_create, name="site_create"),
    path("sites/<uuid:site_id>/", views.site_edit, name="site_edit"),
    path("clinicians/new/", views.clinician_create, name="clinician_create"),
    path("clinicians/<uuid:clinician_id>/", views.clinician_edit, name="clinician_edit"),
    path("staff/new/", views.staff_add, name="staff_add"),
    path("staff/<uuid:membership_id>/", views.staff_edit, name="staff_edit"),
    path("messages/", messages.messages_sent, name="messages"),
]
