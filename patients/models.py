"""Patients, identified by NHS number and registered at one GP practice."""

import uuid

from django.db import models

from patients.nhs_number import format_nhs_number, validate_nhs_number
from practices.postcodes import validate_postcode


class PatientQuerySet(models.QuerySet["Patient"]):
    def registered_at(self, organisation) -> "PatientQuerySet":
        return self.filter(registered_practice=organisation)


class Patient(models.Model):
    class Gender(models.TextChoices):
        """FHIR administrative gender, as GP Connect uses it."""

        FEMALE = "female", "Female"
        MALE = "male", "Male"
        OTHER = "other", "Other"
        UNKNOWN = "unknown", "Unknown"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    nhs_number = models.CharField(
        "NHS number", max_length=10, unique=True, validators=[validate_nhs_number]
    )
    title = models.CharField(max_length=20, blank=True)
    given_name = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100)
    date_of_birth = models.DateField()
    gender = models.CharField(max_length=10, choices=Gender.choices)
    address_line_1 = models.CharField(max_length=200, blank=True)
    address_line_2 = models.CharField(max_length=200, blank=True)
    town = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=8, blank=True, validators=[validate_postcode])
    phone = models.CharField(max_length=30, blank=True)
    mobile = models.CharField(max_length=30, blank=True)
    email = models.EmailField(blank=True)
    registered_practice = models.ForeignKey(
        "practices.Organisation",
        on_delete=models.PROTECT,
        related_name="registered_patients",
        limit_choices_to={"kind": "gp-practice"},
    )
    is_sensitive = models.BooleanField(
        "sensitive (S-flag)",
        default=False,
        help_text="Never shown outside the registered practice.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PatientQuerySet.as_manager()

    class Meta:
        ordering = ["family_name", "given_name"]
        indexes = [
            models.Index(fields=["registered_practice", "family_name", "given_name"]),
            models.Index(fields=["family_name", "date_of_birth"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(nhs_number__regex=r"^[0-9]{10}$"), name="nhs_number_ten_digits"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.formatted_nhs_number})"

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name.upper()}"

    @property
    def formatted_nhs_number(self) -> str:
        return format_nhs_number(self.nhs_number)
