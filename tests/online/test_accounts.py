import datetime

import pytest
from django.contrib.auth.hashers import check_password
from django.utils import timezone

from governance.access import PatientNotFound
from governance.actions import Action
from governance.models import AuditEvent
from online import accounts
from online.models import LinkageKey
from online.nhs_login import NhsLoginIdentity
from tests.governance.helpers import actor_for

SOMEWHERE = accounts.Actor(user=None, request_id="r1", client_address="192.0.2.1")


def _register(patient, key, **changes):
    details = {
        "actor": SOMEWHERE,
        "key": key,
        "nhs_number": patient.nhs_number,
        "date_of_birth": patient.date_of_birth,
        "family_name": patient.family_name.upper(),
        "email": "Ada@Example.com",
        "password": "a long enough password",
    }
    return accounts.register_with_key(**{**details, **changes})


def test_a_practice_prints_a_key_kept_only_as_a_hash(practice_manager_a, patient_a):
    key = accounts.issue_linkage_key(by=actor_for(practice_manager_a), patient=patient_a)
    stored = LinkageKey.objects.get()
    assert key not in stored.key_hash and len(key) == 14
    assert stored.expires_at > timezone.now() + datetime.timedelta(days=27)
    assert AuditEvent.objects.filter(action=Action.LINKAGE_KEY_ISSUE, patient=patient_a).exists()


def test_another_practices_staff_cannot_print_a_key(practice_manager_b, patient_a):
    with pytest.raises(PatientNotFound):
        accounts.issue_linkage_key(by=actor_for(practice_manager_b), patient=patient_a)
    assert not LinkageKey.objects.exists()


def test_registering_with_a_key_and_matching_details_makes_an_account(
    practice_manager_a, patient_a
):
    key = accounts.issue_linkage_key(by=actor_for(practice_manager_a), patient=patient_a)
    account = _register(patient_a, key.lower().replace("-", " "))
    assert account.patient == patient_a
    assert account.email == "ada@example.com"
    assert check_password("a long enough password", account.password)
    assert account.email_verified_at is None
    assert LinkageKey.objects.get().used_at is not None
    assert accounts.account_with_password("ada@example.com", "a long enough password") == account


@pytest.mark.parametrize(
    "changes",
    [{"family_name": "Someone"}, {"date_of_birth": datetime.date(1901, 1, 1)}, {"key": None}],
)
def test_a_key_with_details_that_do_not_match_is_refused_and_audited(
    practice_manager_a, patient_a, changes
):
    key = accounts.issue_linkage_key(by=actor_for(practice_manager_a), patient=patient_a)
    if "key" in changes:
        key = changes.pop("key") or accounts.new_key()  # a key, but not the one printed
    with pytest.raises(accounts.RegistrationRefused):
        _register(patient_a, key, **changes)
    assert LinkageKey.objects.get().used_at is None
    assert AuditEvent.objects.filter(
        action=Action.ONLINE_REGISTER, outcome=AuditEvent.Outcome.DENIED
    ).exists()


def test_a_key_works_once_and_not_after_it_expires(practice_manager_a, patient_a, patient_b):
    key = accounts.issue_linkage_key(by=actor_for(practice_manager_a), patient=patient_a)
    _register(patient_a, key)
    with pytest.raises(accounts.RegistrationRefused):
        _register(patient_a, key, email="other@example.com")
    second = accounts.issue_linkage_key(by=actor_for(practice_manager_a), patient=patient_a)
    LinkageKey.objects.filter(used_at=None).update(expires_at=timezone.now())
    with pytest.raises(accounts.RegistrationRefused):
        _register(patient_a, second)


def test_a_new_key_stops_the_last_one_working(practice_manager_a, patient_a):
    first = accounts.issue_linkage_key(by=actor_for(practice_manager_a), patient=patient_a)
    accounts.issue_linkage_key(by=actor_for(practice_manager_a), patient=patient_a)
    with pytest.raises(accounts.RegistrationRefused):
        _register(patient_a, first)


def test_the_email_confirmation_link_confirms_the_address_once_changed_it_does_not(
    practice_manager_a, patient_a
):
    key = accounts.issue_linkage_key(by=actor_for(practice_manager_a), patient=patient_a)
    account = _register(patient_a, key)
    token = accounts.email_confirmation_token(account)
    assert accounts.confirm_email(token).email_verified_at is not None
    with pytest.raises(accounts.RegistrationRefused):
        accounts.confirm_email(token[:-2] + "xx")
    account.email = "new@example.com"
    account.save()
    with pytest.raises(accounts.RegistrationRefused):
        accounts.confirm_email(token)


def _identity(patient, **changes) -> NhsLoginIdentity:
    values = {
        "subject": "nhs-login-subject-1",
        "nhs_number": patient.nhs_number,
        "identity_level": "P9",
        "given_name": patient.given_name,
        "family_name": patient.family_name,
        "birthdate": patient.date_of_birth,
        "email": "ada@example.com",
        "email_verified": True,
        "phone_number": "+447700900123",
    }
    return NhsLoginIdentity(**{**values, **changes})


def test_nhs_login_at_p9_links_the_record_by_nhs_number_and_date_of_birth(patient_a):
    account = accounts.account_for_nhs_login(_identity(patient_a), actor=SOMEWHERE)
    assert (account.patient, account.identity_level) == (patient_a, "P9")
    again = accounts.account_for_nhs_login(_identity(patient_a), actor=SOMEWHERE)
    assert again == account
    assert AuditEvent.objects.filter(action=Action.ONLINE_REGISTER, patient=patient_a).count() == 1


def test_nhs_login_below_p9_or_without_a_matching_record_is_refused(patient_a):
    with pytest.raises(accounts.RegistrationRefused, match="prove who you are"):
        accounts.account_for_nhs_login(_identity(patient_a, identity_level="P5"), actor=SOMEWHERE)
    with pytest.raises(accounts.RegistrationRefused, match="could not find"):
        accounts.account_for_nhs_login(
            _identity(patient_a, birthdate=datetime.date(1950, 1, 1)), actor=SOMEWHERE
        )
