"""Every audit action and basis the code writes reads as words in the IG lead's access report,
never as a raw code: the code may name only actions and bases from the vocabulary, and the
report labels every one of them."""

import ast
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from governance.access import Basis, Purpose
from governance.actions import Action
from governance.audit import Actor, record_event
from governance.models import AuditEvent
from governance.reports import action_label, basis_label, csv_rows, purpose_label

ROOT = Path(__file__).resolve().parents[2]
SOURCE = [
    path
    for path in ROOT.rglob("*.py")
    if not {"tests", "migrations", ".venv", "node_modules", "bench"} & set(path.parts)
]
VOCABULARY = {"action": ("Action", Action), "basis": ("Basis", Basis)}


def _keywords_in_use(name: str) -> list[tuple[str, int, ast.expr]]:
    """Every `name=` keyword passed in the application's code, except to argparse."""
    found = []
    for path in SOURCE:
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if not isinstance(node, ast.Call):
                continue
            if isinstance(node.func, ast.Attribute) and node.func.attr == "add_argument":
                continue
            found += [
                (str(path.relative_to(ROOT)), node.lineno, keyword.value)
                for keyword in node.keywords
                if keyword.arg == name
            ]
    return found


def _named_values(value: ast.expr) -> list[ast.expr]:
    """The values an expression may take: both sides of `a if c else b`."""
    if isinstance(value, ast.IfExp):
        return [*_named_values(value.body), *_named_values(value.orelse)]
    return [value]


@pytest.mark.parametrize("keyword", sorted(VOCABULARY))
def test_the_code_names_only_actions_and_bases_from_the_vocabulary(keyword):
    enum_name, enum = VOCABULARY[keyword]
    uses = _keywords_in_use(keyword)
    assert uses, f"no {keyword}= found: the scan is broken"
    wrong = []
    for path, line, value in uses:
        for part in _named_values(value):
            if isinstance(part, ast.Constant) and part.value != "":
                wrong.append(f"{path}:{line} writes {part.value!r}: use {enum_name}")
            elif isinstance(part, ast.JoinedStr):
                wrong.append(f"{path}:{line} builds a {keyword} from parts: use {enum_name}")
            elif (
                isinstance(part, ast.Attribute)
                and isinstance(part.value, ast.Name)
                and part.value.id == enum_name
                and part.attr not in enum.__members__
            ):
                wrong.append(f"{path}:{line} names {enum_name}.{part.attr}, which does not exist")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize(
    ("enum", "label"),
    [(Action, action_label), (Basis, basis_label), (Purpose, purpose_label)],
)
def test_every_action_basis_and_purpose_has_words_of_its_own(enum, label):
    for member in enum:
        words = label(member.value)
        assert words and words != member.value, f"{member!r} has no label"
        # TextChoices makes up "Patient view" from a name given no label: ours are sentences.
        assert words != member.name.replace("_", " ").title(), f"{member!r} has no label"


def test_the_access_report_shows_every_action_in_words(client_for, ig_lead_a, practice_a):
    actor = Actor(user=ig_lead_a, membership=ig_lead_a.memberships.get(), request_id="test")
    for action in Action:
        record_event(actor=actor, action=action, basis=Basis.REGISTERED_PRACTICE)
    page = client_for(ig_lead_a).get(reverse("governance:access_report"), {"page": 1})
    text = page.content.decode()
    shown = [action for action in Action if action.label in text]
    # The report pages; every action on the first page reads as words, none as its code.
    assert shown and all(f">{action.value}<" not in text for action in Action)


def test_the_csv_export_writes_labels_not_codes(db):
    event = AuditEvent(
        sequence=1,
        action=Action.BOOKING_CREATE,
        purpose=Purpose.BOOK,
        basis=Basis.CARE_RELATIONSHIP,
        outcome=AuditEvent.Outcome.ALLOWED,
        actor_username="u",
        actor_name="U",
    )
    event.occurred_at = timezone.now()
    [_, row] = list(csv_rows([event]))
    assert Action.BOOKING_CREATE.label in row and Basis.CARE_RELATIONSHIP.label in row
    assert Purpose.BOOK.label in row
