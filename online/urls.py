"""The patient area, under /patient/, with a session of its own (online.middleware)."""

from django.urls import path

from online.views import account, appointments, history, waiting_list

app_name = "online"

urlpatterns = [
    path("", account.start, name="start"),
    path("sign-in/nhs-login/", account.nhs_login_start, name="nhs_login"),
    path("sign-in/nhs-login/callback/", account.nhs_login_callback, name="nhs_login_callback"),
    path("sign-in/", account.password_sign_in, name="sign_in"),
    path("sign-out/", account.sign_out_view, name="sign_out"),
    path("signed-out/", account.signed_out, name="signed_out"),
    path("register/", account.register, name="register"),
    path("register/account/", account.register_account, name="register_account"),
    path("register/confirm/<str:token>/", account.confirm_email, name="confirm_email"),
    path("appointments/", appointments.appointments, name="appointments"),
    path("appointments/<uuid:booking_id>/", appointments.appointment, name="appointment"),
    path("appointments/<uuid:booking_id>/booked/", appointments.booked, name="booked"),
    path("appointments/<uuid:booking_id>/cancel/", appointments.cancel, name="cancel"),
    path("book/", appointments.find_time, name="find_time"),
    path("book/hold/", appointments.hold, name="hold"),
    path("book/reason/", appointments.reason, name="reason"),
    path("book/check/", appointments.check, name="check"),
    path("waiting-list/", waiting_list.waiting_list, name="waiting_list"),
    path("waiting-list/leave/", waiting_list.leave, name="leave_waiting_list"),
    path("offers/<str:token>/", waiting_list.offer, name="offer"),
    path("record-access/", history.record_access_view, name="record_access"),
]
