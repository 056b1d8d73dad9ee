"""GOV.UK Notify's delivery receipts: Notify posts each message's final status here, with the
bearer token we gave it (NOTIFY_CALLBACK_TOKEN). The receipt is JSON: Notify's `id` for the
message, our `reference`, `to`, `status`, `created_at`, `completed_at`, `sent_at`,
`notification_type` ("email" or "sms"), `template_id` and `template_version`."""

import hmac
import json

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.dateparse import parse_datetime
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from notifications.services import record_delivery


@csrf_exempt  # server to server, authenticated by the bearer token
@require_POST
def delivery_receipt(request: HttpRequest) -> HttpResponse:
    token = settings.NOTIFY_CALLBACK_TOKEN
    given = request.headers.get("Authorization", "").removeprefix("Bearer ")
    if not token or not hmac.compare_digest(given.encode(), token.encode()):
        return JsonResponse({"error": "unauthorised"}, status=401)
    try:
        receipt = json.loads(request.body)
        notify_id, status = str(receipt["id"]), str(receipt["status"])
        reference = str(receipt.get("reference") or "")
        when = parse_datetime(str(receipt.get("completed_at") or receipt.get("sent_at") or ""))
    except (ValueError, KeyError, TypeError, AttributeError):
        return JsonResponse({"error": "a receipt needs an id and a status"}, status=400)
    # An id that is not ours is acknowledged all the same: Notify would otherwise retry it.
    record_delivery(notify_id=notify_id, reference=reference, delivery_status=status, at=when)
    return JsonResponse({"received": True})
