"""One practice's GP Connect API as one requester calls it: every call carries a fresh audit
JWT naming the requester's own organisation and identity (never the hub's host), the
Spine headers (Ssp-TraceID, Ssp-InteractionID, Ssp-From and Ssp-To where known) and FHIR
JSON."""

import json
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from gpconnect.jwt import (
    RequestingOrganisation,
    RequestingPractitioner,
    build_claims,
    encode_unsigned,
)
from gpconnect.rest import (
    FHIR_JSON,
    FHIR_JSON_UTF8,
    SSP_FROM,
    SSP_INTERACTION_ID,
    SSP_TO,
    SSP_TRACE_ID,
    Interaction,
    etag,
)
from practices.clinical_systems.base import Requester

from .answers import Answer
from .endpoints import ConsumerSystem, PracticeEndpoint
from .transport import Transport


@dataclass(frozen=True)
class PracticeAPI:
    ods: str
    endpoint: PracticeEndpoint
    requester: Requester
    consumer: ConsumerSystem
    transport: Transport
    clock: Callable[[], datetime]

    def call(
        self,
        interaction: Interaction,
        method: str,
        path: str,
        *,
        query: Sequence[tuple[str, str]] = (),
        body: Mapping[str, Any] | None = None,
        if_match: str = "",
        record: Mapping[str, Any] | None = None,
    ) -> Answer:
        """One interaction's request under the practice's service root, and its answer.
        `record`: the patient or organisation whose record is asked for, for the JWT."""
        claims = build_claims(
            issuer=self.consumer.url,
            audience=self.endpoint.base_url,
            scope=interaction.scope,
            device=self.consumer.device(),
            organisation=RequestingOrganisation(
                ods_code=self.requester.organisation_ods, name=self.requester.organisation_name
            ),
            practitioner=RequestingPractitioner.from_display_name(
                id=self.requester.user_id, name=self.requester.user_name
            ),
            now=self.clock(),
            requested_record=record,
        )
        headers = {
            "Accept": FHIR_JSON,
            "Authorization": f"Bearer {encode_unsigned(claims)}",
            SSP_TRACE_ID: str(uuid.uuid4()),
            SSP_INTERACTION_ID: interaction.interaction_id,
        }
        if self.consumer.asid:
            headers[SSP_FROM] = self.consumer.asid
        if self.endpoint.asid:
            headers[SSP_TO] = self.endpoint.asid
        content = None
        if body is not None:
            content = json.dumps(body).encode()
            headers["Content-Type"] = FHIR_JSON_UTF8
        if if_match:
            headers["If-Match"] = etag(if_match)
        # Registering a patient is not the booking: a lost answer is retried, not reconciled.
        writes = method in {"POST", "PUT"} and interaction is not Interaction.REGISTER_PATIENT
        return self.transport.send(
            method,
            self.endpoint.base_url + path,
            params=list(query),
            headers=headers,
            content=content,
            writes=writes,
            what=f"{interaction.name.lower().replace('_', ' ')} at {self.ods}",
        )
