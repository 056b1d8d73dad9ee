"""Write-back pages, included into the booking namespace: the sync-exceptions worklist for
whoever books, and the practice manager's switch for the practice's clinical-system link."""

from django.urls import path

from booking.views import write_back

urlpatterns = [
    path("write-back/", write_back.worklist, name="write_back_worklist"),
    path(
        "write-back/<uuid:message_id>/",
        write_back.exception_detail,
        name="write_back_exception",
    ),
    path(
        "write-back/<uuid:message_id>/rebook/",
        write_back.exception_rebook,
        name="write_back_rebook",
    ),
    path(
        "write-back/<uuid:message_id>/retry/",
        write_back.exception_retry,
        name="write_back_retry",
    ),
    path(
        "write-back/<uuid:message_id>/done/",
        write_back.exception_done,
        name="write_back_done",
    ),
    path(
        "practice/clinical-system/",
        write_back.clinical_system_link,
        name="clinical_system_link",
    ),
]
