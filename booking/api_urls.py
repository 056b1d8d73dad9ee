"""The REST API, version 1: included at /api/v1/ (see booking/api/)."""

from django.urls import path

from booking.api import views

app_name = "api"

urlpatterns = [
    path("slots/", views.SlotSearchApi.as_view(), name="slot_search"),
    path("bookings/", views.BookingListApi.as_view(), name="booking_list"),
    path("bookings/create/", views.BookingCreateApi.as_view(), name="booking_create"),
    path("bookings/<uuid:booking_id>/", views.BookingDetailApi.as_view(), name="booking_detail"),
    path(
        "bookings/<uuid:booking_id>/cancel/",
        views.BookingCancelApi.as_view(),
        name="booking_cancel",
    ),
    path(
        "bookings/<uuid:booking_id>/rebook/",
        views.BookingRebookApi.as_view(),
        name="booking_rebook",
    ),
    path(
        "bookings/<uuid:booking_id>/amend/",
        views.BookingAmendApi.as_view(),
        name="booking_amend",
    ),
    path(
        "bookings/<uuid:booking_id>/status/",
        views.BookingStatusApi.as_view(),
        name="booking_status",
    ),
]
