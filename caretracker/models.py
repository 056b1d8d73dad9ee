"""The care tracker's records: who is enrolled, who cares for them, their plans (every version
kept), the tasks between the organisations of their care team, and the contacts urgent care
and hospitals log. Names no view, imports no page."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q


class Enrolment(models.Model):
    """A patient on the care tracker, enrolled by a practice with their consent, with one key
    worker who co-ordinates their care."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="+")
    practice = models.ForeignKey(
        "practices.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    care_home = models.ForeignKey(
        "practices.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        help_text="Where the patient lives, if in a care home",
    )
    key_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    key_worker_organisation = models.ForeignKey(
        "practices.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    enrolled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    enrolled_at = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    end_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["patient"],
                condition=Q(ended_at__isnull=True),
                name="one_open_enrolment_per_patient",
            )
        ]
        indexes = [
            models.Index(fields=["care_home", "ended_at"]),
            models.Index(fields=["key_worker", "ended_at"]),
        ]

    def __str__(self) -> str:
        return f"Enrolment {self.public_id}"

    @property
    def is_open(self) -> bool:
        return self.ended_at is None


class CareTeamMember(models.Model):
    """An organisation (and, where named, one person there) on a patient's care team."""

    class Role(models.TextChoices):
        GP = "gp", "GP"
        ANP = "anp", "Advanced nurse practitioner"
        CARE_COORDINATION = "care-coordination", "Care co-ordination"
        CARE_HOME = "care-home", "Care home"
        DISTRICT_NURSING = "district-nursing", "District nursing"
        SOCIAL_CARE = "social-care", "Social care"
        HOSPITAL = "hospital", "Hospital team"
        OTHER = "other", "Other"

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="team")
    organisation = models.ForeignKey(
        "practices.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        help_text="A named person; blank for the organisation's team as a whole",
    )
    role = models.CharField(max_length=20, choices=Role.choices)
    is_lead = models.BooleanField(
        default=False, help_text="Leads the team: where unanswered tasks go after the key worker"
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "organisation", "user"],
                condition=Q(removed_at__isnull=True),
                nulls_distinct=False,
                name="one_live_place_on_a_care_team",
            )
        ]
        indexes = [models.Index(fields=["organisation", "removed_at"])]

    def __str__(self) -> str:
        return self.get_role_display()


class PlanVersion(models.Model):
    """Common to both plans: every change is a new version, numbered from 1, and none is
    ever changed or removed, so earlier versions stay readable."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.PROTECT, related_name="+")
    number = models.PositiveIntegerField()
    review_due = models.DateField(help_text="When the plan is next to be reviewed")
    change_note = models.CharField(max_length=300, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    changed_by_organisation = models.ForeignKey(
        "practices.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["-number"]

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} version {self.number}"


class CarePlan(PlanVersion):
    summary = models.TextField(help_text="Who the patient is and what matters to them")
    needs = models.TextField(blank=True)
    goals = models.TextField(blank=True)
    actions = models.TextField(blank=True, help_text="Who does what, and how often")

    class Meta(PlanVersion.Meta):
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "number"], name="care_plan_version_unique")
        ]


class EscalationPlan(PlanVersion):
    class Resuscitation(models.TextChoices):
        NOT_RECORDED = "not-recorded", "No decision recorded"
        FOR_CPR = "for-cpr", "For attempted CPR"
        DNACPR = "dnacpr", "Do not attempt CPR (DNACPR)"

    when_deteriorating = models.TextField(help_text="What to do when the patient deteriorates")
    who_to_call = models.TextField(help_text="Who to call, in order, day and night")
    preferences = models.TextField(
        blank=True, help_text="Preferred place of care and of death, and other wishes"
    )
    resuscitation = models.CharField(
        max_length=20, choices=Resuscitation.choices, default=Resuscitation.NOT_RECORDED
    )
    resuscitation_recorded_in = models.CharField(
        max_length=200, blank=True, help_text="Where the decision is recorded (ReSPECT form…)"
    )

    class Meta(PlanVersion.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "number"], name="escalation_plan_version_unique"
            )
        ]


class Task(models.Model):
    """Work one organisation asks of another for a patient. Not taken until the receiving
    team accepts it; unaccepted or overdue, it escalates to the key worker, then the team's
    lead."""

    class Kind(models.TextChoices):
        TASK = "task", "Task"
        RAPID_RESPONSE = "rapid-response", "Rapid response referral"

    class Status(models.TextChoices):
        OFFERED = "offered", "Waiting to be accepted"
        ACCEPTED = "accepted", "Accepted"
        HANDED_BACK = "handed-back", "Handed back"
        COMPLETED = "completed", "Completed"
        CANCELLED = "cancelled", "Cancelled"

    # Still someone's to do.
    OPEN_STATUSES = (Status.OFFERED, Status.ACCEPTED, Status.HANDED_BACK)

    class Escalation(models.IntegerChoices):
        NONE = 0, "Not escalated"
        KEY_WORKER = 1, "Escalated to the key worker"
        TEAM_LEAD = 2, "Escalated to the team's lead"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    enrolment = models.ForeignKey(Enrolment, on_delete=models.PROTECT, related_name="tasks")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.TASK)
    title = models.CharField(max_length=200)
    details = models.TextField(blank=True)
    from_organisation = models.ForeignKey(
        "practices.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    assigned_organisation = models.ForeignKey(
        "practices.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    assigned_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    due_at = models.DateTimeField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OFFERED)
    escalation = models.PositiveSmallIntegerField(
        choices=Escalation.choices, default=Escalation.NONE
    )
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    accepted_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["due_at"]
        indexes = [
            models.Index(fields=["assigned_organisation", "status", "due_at"]),
            models.Index(fields=["status", "due_at"]),
            models.Index(fields=["enrolment", "status"]),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.OFFERED, self.Status.ACCEPTED, self.Status.HANDED_BACK)


class TaskEvent(models.Model):
    """What happened to a task, in order: its history and its part of the timeline."""

    class Kind(models.TextChoices):
        CREATED = "created", "Sent"
        ACCEPTED = "accepted", "Accepted"
        HANDED_BACK = "handed-back", "Handed back"
        REASSIGNED = "reassigned", "Sent on"
        COMPLETED = "completed", "Completed"
        CANCELLED = "cancelled", "Cancelled"
        ESCALATED = "escalated", "Escalated"

    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        help_text="Blank when the escalation job raised it",
    )
    organisation = models.ForeignKey(
        "practices.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(max_length=500, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["task", "at"])]

    def __str__(self) -> str:
        return self.get_kind_display()


class Encounter(models.Model):
    """A contact with the patient outside their practice: an A&E attendance, an out-of-hours
    or NHS 111 contact, a hospital admission or discharge. Logged by the organisation that saw
    them; lands on the patient's timeline."""

    class Kind(models.TextChoices):
        A_AND_E = "a-and-e", "A&E attendance"
        OUT_OF_HOURS = "out-of-hours", "Out-of-hours contact"
        NHS_111 = "nhs-111", "NHS 111 contact"
        ADMISSION = "admission", "Hospital admission"
        DISCHARGE = "discharge", "Hospital discharge"

    class Outcome(models.TextChoices):
        BOOKED = "booked", "Booked into extended access"
        ADVICE = "advice", "Advice given"
        SENT_HOME = "sent-home", "Sent home"
        REFERRED = "referred", "Referred"
        ADMITTED = "admitted", "Admitted"
        DISCHARGED = "discharged", "Discharged"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(
        "practices.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    occurred_at = models.DateTimeField()
    presenting_reason = models.CharField(max_length=300)
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    booking = models.ForeignKey(
        "booking.Booking",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        help_text="The extended-access appointment booked at this contact, if one was",
    )
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-occurred_at"]
        indexes = [
            models.Index(fields=["patient", "occurred_at"]),
            models.Index(fields=["organisation", "occurred_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.public_id}"
