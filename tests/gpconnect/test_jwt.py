"""The unsigned audit JWT: built with every claim, refused when one is wrong."""

import base64
import json
from datetime import UTC, datetime, timedelta

import pytest

from gpconnect import codes
from gpconnect.jwt import (
    InvalidToken,
    RequestingDevice,
    RequestingOrganisation,
    RequestingPractitioner,
    Scope,
    build_claims,
    decode_unsigned,
    encode_unsigned,
    patient_record,
    read_bearer_token,
    validate_claims,
)

NOW = datetime(2026, 10, 25, 18, 30, tzinfo=UTC)


def _claims(**overrides):
    claims = build_claims(
        issuer="https://hub-diary.example",
        audience="https://practice.example/A10001/STU3/1/gpconnect",
        scope=Scope.PATIENT_WRITE,
        device=RequestingDevice(
            id="web",
            identifier_system=codes.SYSTEM_HUB_DIARY_DEVICE,
            identifier_value="web-1",
            model="Hub Diary",
            version="0.1",
        ),
        organisation=RequestingOrganisation(ods_code="U30003", name="Aire Valley Hub"),
        practitioner=RequestingPractitioner.from_display_name(id="user-42", name="Ada Lovelace"),
        now=NOW,
        requested_record=patient_record("9990000018"),
    )
    claims.update(overrides)
    return claims


def test_build_claims_expire_300_seconds_after_issue():
    claims = _claims()

    assert claims["exp"] - claims["iat"] == 300
    assert claims["iat"] == int(NOW.timestamp())
    assert claims["reason_for_request"] == "directcare"
    assert claims["requested_scope"] == "patient/*.write"


def test_build_claims_name_the_requesting_user_and_their_own_organisation():
    claims = _claims()

    assert claims["sub"] == claims["requesting_practitioner"]["id"] == "user-42"
    assert claims["requesting_practitioner"]["name"] == [{"family": "Lovelace", "given": ["Ada"]}]
    identifiers = {i["system"]: i["value"] for i in claims["requesting_practitioner"]["identifier"]}
    assert identifiers[codes.SYSTEM_SDS_USER_ID] == "UNK"
    assert identifiers[codes.SYSTEM_HUB_DIARY_USER] == "user-42"
    assert claims["requesting_organization"]["identifier"] == [
        {"system": codes.SYSTEM_ODS_CODE, "value": "U30003"}
    ]


def test_encoded_token_is_unsigned_and_decodes_to_the_same_claims():
    token = encode_unsigned(_claims())

    header = json.loads(base64.urlsafe_b64decode(token.split(".")[0] + "=="))
    assert header == {"alg": "none", "typ": "JWT"}
    assert token.endswith(".")
    assert decode_unsigned(token) == _claims()


def test_validate_claims_reads_out_the_audit_facts():
    claims = validate_claims(_claims(), now=NOW + timedelta(seconds=10))

    assert claims.organisation_ods == "U30003"
    assert claims.organisation_name == "Aire Valley Hub"
    assert claims.practitioner_id == "user-42"
    assert claims.practitioner_name == "Ada Lovelace"
    assert claims.scope is Scope.PATIENT_WRITE


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"iss": ""}, "iss"),
        ({"sub": "someone-else"}, "sub"),
        ({"aud": None}, "aud"),
        ({"exp": int(NOW.timestamp()) + 600}, "300 seconds"),
        ({"iat": "now"}, "iat"),
        ({"reason_for_request": "secondaryuses"}, "directcare"),
        ({"requested_scope": "patient/*.*"}, "requested_scope"),
        ({"requesting_device": {"resourceType": "Device"}}, "requesting_device"),
        (
            {"requesting_organization": {"resourceType": "Organization", "name": "No code"}},
            "ODS code",
        ),
        ({"requesting_practitioner": None}, "requesting_practitioner"),
        ({"requested_record": {"resourceType": "Device"}}, "requested_record"),
    ],
)
def test_validate_claims_refuses_a_missing_or_wrong_claim(overrides, message):
    with pytest.raises(InvalidToken, match=message):
        validate_claims(_claims(**overrides), now=NOW)


def test_validate_claims_refuses_an_expired_token():
    with pytest.raises(InvalidToken, match="expired"):
        validate_claims(_claims(), now=NOW + timedelta(seconds=300))


def test_validate_claims_refuses_a_token_from_the_future():
    with pytest.raises(InvalidToken, match="future"):
        validate_claims(_claims(), now=NOW - timedelta(minutes=2))


def test_validate_claims_refuses_the_wrong_scope_for_the_endpoint():
    with pytest.raises(InvalidToken, match=r"patient/\*\.read"):
        validate_claims(
            _claims(requested_scope="organization/*.read"), now=NOW, scopes={Scope.PATIENT_READ}
        )


def test_practitioner_without_sds_identifiers_is_refused():
    practitioner = _claims()["requesting_practitioner"]
    practitioner["identifier"] = [practitioner["identifier"][2]]

    with pytest.raises(InvalidToken, match="sds-user-id"):
        validate_claims(_claims(requesting_practitioner=practitioner), now=NOW)


@pytest.mark.parametrize(
    "header",
    [None, "", "Basic abc", "Bearer ", "Bearer a.b", "Bearer e30.e30.signature"],
)
def test_read_bearer_token_refuses_malformed_headers(header):
    with pytest.raises(InvalidToken):
        read_bearer_token(header, now=NOW)


def test_read_bearer_token_refuses_a_signed_algorithm():
    header = base64.urlsafe_b64encode(b'{"alg":"HS256"}').rstrip(b"=").decode()
    payload = encode_unsigned(_claims()).split(".")[1]

    with pytest.raises(InvalidToken, match="none"):
        read_bearer_token(f"Bearer {header}.{payload}.", now=NOW)


def test_read_bearer_token_accepts_a_good_token():
    claims = read_bearer_token(f"Bearer {encode_unsigned(_claims())}", now=NOW)

    assert claims.subject == "user-42"
