"""Organisations, their sites and clinicians, and the staff who work for them."""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from practices.ods import normalise_ods_code
from practices.postcodes import validate_postcode
from practices.roles import Role


class Organisation(models.Model):
    class Kind(models.TextChoices):
        GP_PRACTICE = "gp-practice", "GP practice"
        HUB = "hub", "Hub"
        URGENT_CARE = "urgent-care", "Urgent care service"
        CARE_HOME = "care-home", "Care home"
        COMMUNITY = "community", "Community service"
        OUT_OF_HOURS = "out-of-hours", "Out-of-hours service"
        NHS_111 = "nhs-111", "NHS 111"
        HOSPITAL = "hospital", "Hospital trust"
        SOCIAL_CARE = "social-care", "Social care"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    ods_code = models.CharField("ODS code", max_length=10, unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    phone = models.CharField(max_length=30, blank=True)
    member_practices = models.ManyToManyField(
        "self",
        symmetrical=False,
        related_name="hubs",
        blank=True,
        help_text="For a hub: the GP practices that pool appointments in it.",
    )
    # For a practice: its registered list size and the date it was counted, as the practice
    # manager last gave them; Enhanced Access is measured per 1,000 registered patients.
    list_size = models.PositiveIntegerField(null=True, blank=True)
    list_size_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        permissions = [
            ("view_organisation_details", "View the organisation's sites, clinicians and staff"),
            ("manage_sites", "Add and change the organisation's sites"),
            ("manage_clinicians", "Add and change the organisation's clinicians"),
            ("manage_staff", "Add staff and change their roles"),
            ("view_registered_patients", "See the organisation's registered patients"),
            ("manage_registered_patients", "Register patients and change their details"),
            ("book_for_patients", "Book, cancel and rebook appointments for patients"),
            ("manage_sessions", "Publish sessions, set release rules, block slots"),
            ("view_patient_records", "View patient records, subject to the access decision"),
            ("use_care_tracker", "Use the care tracker"),
            ("manage_care_plans", "Enrol patients, keep care plans and care teams"),
            ("use_care_diary", "Find patients, book and log contacts in the care diary"),
            ("record_consent", "Record a patient's consent"),
            ("break_glass", "Break glass for a patient with no other basis"),
            ("manage_agreements", "Propose, accept and end sharing agreements"),
            ("grant_access", "Give honorary access to the organisation"),
            ("review_access", "See access reports and review break-glass events"),
            ("view_reports", "See reports on the organisation's appointments, in counts"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.ods_code})"

    def clean(self) -> None:
        self.ods_code = normalise_ods_code(
            self.ods_code, gp_practice=self.kind == self.Kind.GP_PRACTICE
        )

    @property
    def is_practice(self) -> bool:
        return self.kind == self.Kind.GP_PRACTICE

    @property
    def is_hub(self) -> bool:
        return self.kind == self.Kind.HUB


class Site(models.Model):
    """A surgery building: the main surgery or a branch."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="sites")
    name = models.CharField(max_length=200)
    address_line_1 = models.CharField(max_length=200)
    address_line_2 = models.CharField(max_length=200, blank=True)
    town = models.CharField(max_length=100)
    postcode = models.CharField(max_length=8, validators=[validate_postcode])
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["organisation", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"], name="site_name_unique_per_org"
            ),
            models.CheckConstraint(
                condition=(models.Q(latitude__isnull=True) & models.Q(longitude__isnull=True))
                | (models.Q(latitude__isnull=False) & models.Q(longitude__isnull=False)),
                name="site_coordinates_paired",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}, {self.postcode}"


def clinician_name(title: str, given_name: str, family_name: str) -> str:
    """How a clinician is named to staff and patients: "Dr Amara Okafor"."""
    return " ".join(part for part in (title, given_name, family_name) if part)


class Clinician(models.Model):
    class Gender(models.TextChoices):
        FEMALE = "female", "Female"
        MALE = "male", "Male"
        OTHER = "other", "Other"
        UNKNOWN = "unknown", "Not stated"

    class JobRole(models.TextChoices):
        """Spine Directory Service (SDS) job-role codes used by GP Connect."""

        GP = "R0260", "General medical practitioner"
        SALARIED_GP = "R0270", "Salaried GP"
        LOCUM_GP = "R0262", "Locum GP"
        SESSIONAL_GP = "R6300", "Sessional GP"
        GP_REGISTRAR = "R6200", "GP registrar"
        ADVANCED_PRACTITIONER = "E1001", "Advanced practitioner"
        PHYSICIAN_ASSOCIATE = "E1003", "Physician associate"
        NURSE_PRACTITIONER = "R0600", "Nurse practitioner"
        PRACTICE_NURSE = "R0620", "Practice nurse"
        PHARMACIST = "R1290", "Pharmacist"
        PARAMEDIC = "R1070", "Paramedic"
        PHYSIOTHERAPIST = "R1110", "Physiotherapist"
        HEALTHCARE_ASSISTANT = "R1480", "Healthcare assistant"
        PHLEBOTOMIST = "R1590", "Phlebotomist"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="clinicians"
    )
    title = models.CharField(max_length=20, blank=True)
    given_name = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100)
    gender = models.CharField(max_length=10, choices=Gender.choices, default=Gender.UNKNOWN)
    job_role = models.CharField("SDS job role", max_length=5, choices=JobRole.choices)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["family_name", "given_name"]

    def __str__(self) -> str:
        return clinician_name(self.title, self.given_name, self.family_name)


# Which roles make sense at which kind of organisation.
ROLES_BY_KIND: dict[str, frozenset[str]] = {
    Organisation.Kind.GP_PRACTICE: frozenset(
        {
            Role.PRACTICE_MANAGER,
            Role.PRACTICE_RECEPTIONIST,
            Role.CLINICIAN,
            Role.CARE_COORDINATOR,
            Role.IG_LEAD,
        }
    ),
    Organisation.Kind.HUB: frozenset(
        {
            Role.HUB_MANAGER,
            Role.HUB_RECEPTIONIST,
            Role.CLINICIAN,
            Role.CARE_COORDINATOR,
            Role.IG_LEAD,
        }
    ),
    Organisation.Kind.URGENT_CARE: frozenset(
        {Role.URGENT_CARE_CLINICIAN, Role.CLINICIAN, Role.IG_LEAD}
    ),
    Organisation.Kind.OUT_OF_HOURS: frozenset(
        {Role.URGENT_CARE_CLINICIAN, Role.CLINICIAN, Role.IG_LEAD}
    ),
    Organisation.Kind.NHS_111: frozenset({Role.URGENT_CARE_CLINICIAN, Role.IG_LEAD}),
    Organisation.Kind.CARE_HOME: frozenset(
        {Role.CARE_HOME_STAFF, Role.CARE_COORDINATOR, Role.IG_LEAD}
    ),
    Organisation.Kind.COMMUNITY: frozenset(
        {Role.DISTRICT_NURSE, Role.CLINICIAN, Role.CARE_COORDINATOR, Role.IG_LEAD}
    ),
    Organisation.Kind.HOSPITAL: frozenset(
        {Role.HOSPITAL_CLINICIAN, Role.CARE_COORDINATOR, Role.IG_LEAD}
    ),
    Organisation.Kind.SOCIAL_CARE: frozenset(
        {Role.SOCIAL_WORKER, Role.CARE_COORDINATOR, Role.IG_LEAD}
    ),
}


def role_choices_for(organisation: Organisation) -> list[tuple[str, str]]:
    """The roles staff may hold at this kind of organisation, as form choices."""
    allowed = ROLES_BY_KIND.get(organisation.kind, frozenset())
    return [(value, label) for value, label in Role.choices if value in allowed]


class MembershipQuerySet(models.QuerySet["Membership"]):
    def live(self, at=None) -> "MembershipQuerySet":
        """Active and within its dates (honorary contracts have dates; staff posts do not)."""
        at = at or timezone.now()
        return self.filter(
            Q(starts_at__isnull=True) | Q(starts_at__lte=at),
            Q(ends_at__isnull=True) | Q(ends_at__gt=at),
            is_active=True,
        )


class Membership(models.Model):
    """A user's role at one organisation: the only way staff act for an organisation.

    An access grant (honorary contract) is a membership with dates, made by governance.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=30, choices=Role.choices)
    is_active = models.BooleanField(default=True)
    starts_at = models.DateTimeField(null=True, blank=True)
    ends_at = models.DateTimeField(null=True, blank=True)
    # The CIS2 UUID (the `sub` of the smartcard user) that may sign in as this membership,
    # set by whoever manages the organisation's staff (ADR 0009); blank: no CIS2 sign-in here.
    cis2_uid = models.CharField("CIS2 UUID", max_length=64, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"], name="one_membership_per_user_and_org"
            ),
            # One member of staff per CIS2 identity in each organisation; also the index
            # CIS2 sign-in looks memberships up by.
            models.UniqueConstraint(
                fields=["cis2_uid", "organisation"],
                condition=~Q(cis2_uid=""),
                name="one_membership_per_cis2_identity_and_org",
            ),
            models.CheckConstraint(
                condition=Q(starts_at__isnull=True)
                | Q(ends_at__isnull=True)
                | Q(ends_at__gt=models.F("starts_at")),
                name="membership_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} at {self.organisation.name}"

    def is_live(self, at=None) -> bool:
        """`MembershipQuerySet.live`, for a membership already read."""
        at = at or timezone.now()
        return (
            self.is_active
            and (self.starts_at is None or self.starts_at <= at)
            and (self.ends_at is None or self.ends_at > at)
        )

    def clean(self) -> None:
        allowed = ROLES_BY_KIND.get(self.organisation.kind, frozenset())
        if self.role not in allowed:
            raise ValidationError(
                {
                    "role": f"A {self.get_role_display().lower()} cannot work at a "
                    f"{self.organisation.get_kind_display().lower()}."
                }
            )


class ClinicalSystemLink(models.Model):
    """A practice's link to its own clinical system, for write-back and slot import.

    Off until the practice manager turns it on; while off, nothing is sent to the practice
    system and nothing is imported from it."""

    class Kind(models.TextChoices):
        GP_CONNECT = "gp-connect", "GP Connect"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    practice = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="clinical_system_link"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.GP_CONNECT)
    base_url = models.URLField("Base URL", max_length=300)
    enabled = models.BooleanField(default=False)
    switched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    switched_at = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(switched_by__isnull=True, switched_at__isnull=True)
                | Q(switched_by__isnull=False, switched_at__isnull=False),
                name="clinical_system_link_switched_by_and_at_paired",
            ),
            models.CheckConstraint(
                condition=Q(last_error="", last_error_at__isnull=True)
                | (~Q(last_error="") & Q(last_error_at__isnull=False)),
                name="clinical_system_link_last_error_and_at_paired",
            ),
        ]

    def __str__(self) -> str:
        state = "on" if self.enabled else "off"
        return f"{self.practice.name}: {self.get_kind_display()} ({state})"
