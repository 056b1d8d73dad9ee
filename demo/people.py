"""Fictional people for the demo: deterministic, so every demo looks the same."""

import datetime
import random

from patients.nhs_number import check_digit

GIVEN_FEMALE = [
    "Olivia",
    "Amelia",
    "Isla",
    "Ava",
    "Mia",
    "Grace",
    "Sophia",
    "Lily",
    "Freya",
    "Emily",
    "Ivy",
    "Ella",
    "Rosie",
    "Evie",
    "Florence",
    "Margaret",
    "Joan",
    "Patricia",
    "Susan",
    "Aisha",
    "Priya",
    "Fatima",
    "Zainab",
    "Chloe",
    "Hannah",
]
GIVEN_MALE = [
    "Oliver",
    "George",
    "Noah",
    "Arthur",
    "Harry",
    "Leo",
    "Muhammad",
    "Jack",
    "Charlie",
    "Oscar",
    "Jacob",
    "Henry",
    "Thomas",
    "Alfie",
    "James",
    "William",
    "David",
    "John",
    "Peter",
    "Michael",
    "Arjun",
    "Omar",
    "Ravi",
    "Kwame",
    "Tomasz",
]
FAMILY = [
    "Smith",
    "Jones",
    "Taylor",
    "Brown",
    "Williams",
    "Wilson",
    "Johnson",
    "Davies",
    "Patel",
    "Wright",
    "Robinson",
    "Thompson",
    "Evans",
    "Walker",
    "White",
    "Roberts",
    "Green",
    "Hall",
    "Wood",
    "Jackson",
    "Clarke",
    "Khan",
    "Hussain",
    "Ahmed",
    "Begum",
    "Shaw",
    "Lewis",
    "Harris",
    "Martin",
    "Cooper",
    "Ward",
    "Turner",
    "Hill",
    "Moore",
    "Kowalski",
    "Okafor",
    "Mensah",
    "O'Brien",
    "Murphy",
    "Singh",
]
STREETS = [
    "Church Lane",
    "Victoria Road",
    "Station Road",
    "Mill Street",
    "Park Avenue",
    "Queens Road",
    "Moor Lane",
    "Chapel Street",
    "Holly Bank",
    "Beech Grove",
    "Aire View",
    "Canal Walk",
    "Westfield Crescent",
    "Meadow Close",
    "Kirk Lane",
]


def test_range_nhs_numbers(rng: random.Random, count: int) -> list[str]:
    """Distinct NHS numbers from the 999 test range with valid check digits."""
    numbers: set[str] = set()
    while len(numbers) < count:
        first_nine = f"999{rng.randrange(1_000_000):06d}"
        digit = check_digit(first_nine)
        if digit is not None:
            numbers.add(first_nine + str(digit))
    return sorted(numbers)


def demo_patient(rng: random.Random, nhs_number: str, town: str, postcode_area: str) -> dict:
    female = rng.random() < 0.52
    given = rng.choice(GIVEN_FEMALE if female else GIVEN_MALE)
    age_days = int(rng.triangular(0, 98, 45) * 365.25)
    return {
        "nhs_number": nhs_number,
        "given_name": given,
        "family_name": rng.choice(FAMILY),
        "gender": "female" if female else "male",
        "date_of_birth": datetime.date(2026, 11, 1) - datetime.timedelta(days=age_days),
        "address_line_1": f"{rng.randrange(1, 180)} {rng.choice(STREETS)}",
        "town": town,
        "postcode": f"{postcode_area} {rng.randrange(1, 10)}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}"
        f"{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}",
        "mobile": f"07700 900{rng.randrange(0, 1000):03d}",  # Ofcom's drama range
        "is_sensitive": rng.random() < 0.02,
    }
