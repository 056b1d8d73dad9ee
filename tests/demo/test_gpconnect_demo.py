"""The demo's GP Connect consumer: the README's example request, as written, finds the
hub's slots released to NHS 111."""

import datetime
import io
import uuid

from django.core.management import call_command
from django.utils import timezone

from demo.gpconnect import DEMO_CONSUMER_ASID, ensure_demo_consumer_key
from gpconnect_facade.models import Consumer


def test_the_readme_search_as_yorkshire_nhs_111_finds_the_hubs_slots(
    demo, client, settings, tmp_path
):
    settings.VAR_DIR = tmp_path
    key_file = ensure_demo_consumer_key()
    assert key_file == tmp_path / "gpconnect-demo-consumer.pem" and key_file.exists()
    assert ensure_demo_consumer_key() == key_file  # the second run keeps key and consumer
    root = "http://testserver/gpconnect/U99001/STU3/1"
    out = io.StringIO()
    call_command(
        "gpconnect_jwt",
        "--asid",
        DEMO_CONSUMER_ASID,
        "--key",
        str(key_file),
        "--interaction",
        "search-free-slots",
        "--audience",
        root,
        stdout=out,
    )
    today = timezone.localdate()
    response = client.get(
        "/gpconnect/U99001/STU3/1/Slot",
        {
            "start": f"ge{today}",
            "end": f"le{today + datetime.timedelta(days=13)}",
            "status": "free",
            "_include": "Slot:schedule",
            "_include:recurse": "Schedule:actor:Location",
        },
        headers={
            "Ssp-TraceID": str(uuid.uuid4()),
            "Ssp-From": DEMO_CONSUMER_ASID,
            "Ssp-To": settings.GPCONNECT_PROVIDER_ASID,
            "Ssp-InteractionID": "urn:nhs:names:services:gpconnect:fhir:rest:search:slot-1",
            "Authorization": f"Bearer {out.getvalue().strip()}",
        },
    )

    assert response.status_code == 200, response.content
    kinds = [entry["resource"]["resourceType"] for entry in response.json()["entry"]]
    assert "Slot" in kinds and "Location" in kinds
    consumer = Consumer.objects.get(asid=DEMO_CONSUMER_ASID)
    assert consumer.organisation.ods_code == "NZZ02"
