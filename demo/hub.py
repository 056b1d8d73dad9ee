"""The fictional Aire Valley hub: its organisations, sites, clinicians and logins."""

import os
from dataclasses import dataclass

from practices.models import Clinician, Organisation
from practices.roles import Role

Kind = Organisation.Kind
Job = Clinician.JobRole


@dataclass(frozen=True)
class DemoSite:
    name: str
    address: str
    town: str
    postcode: str
    latitude: float
    longitude: float


@dataclass(frozen=True)
class DemoOrganisation:
    ods_code: str
    name: str
    kind: str
    phone: str
    sites: tuple[DemoSite, ...] = ()
    clinicians: tuple[tuple[str, str, str, str, str], ...] = ()  # title, given, family, gender, job
    postcode_area: str = ""
    patients: int = 0  # loaded as records: a sample of the list


# Each demo practice's list size (fictional, of the sizes Leeds practices have).
LIST_SIZES = {
    "A99001": 12_480,
    "A99002": 8_950,
    "A99003": 6_210,
    "A99004": 15_730,
    "A99005": 4_860,
    "A99006": 9_340,
}


HUB = DemoOrganisation(
    "U99001",
    "Aire Valley Extended Access Hub",
    Kind.HUB,
    "0113 496 0000",
    sites=(
        DemoSite("Hub office", "Unit 4, Kirkstall Forge", "Leeds", "LS5 3BF", 53.8183, -1.6021),
    ),
)

PRACTICES = (
    DemoOrganisation(
        "A99001",
        "Riverside Medical Centre",
        Kind.GP_PRACTICE,
        "0113 496 0101",
        sites=(
            DemoSite(
                "Riverside Medical Centre", "12 Canal Wharf", "Leeds", "LS11 5PS", 53.7921, -1.5503
            ),
            DemoSite(
                "Holbeck branch surgery", "3 Water Lane", "Leeds", "LS11 9UD", 53.7898, -1.5560
            ),
        ),
        clinicians=(
            ("Dr", "Amara", "Okafor", "female", Job.GP),
            ("Dr", "Tom", "Hesketh", "male", Job.SALARIED_GP),
            ("", "Jo", "Rennie", "female", Job.NURSE_PRACTITIONER),
            ("", "Sam", "Dale", "male", Job.PHARMACIST),
        ),
        postcode_area="LS11",
        patients=70,
    ),
    DemoOrganisation(
        "A99002",
        "Kirkgate Surgery",
        Kind.GP_PRACTICE,
        "0113 496 0202",
        sites=(DemoSite("Kirkgate Surgery", "40 Kirkgate", "Leeds", "LS2 7DJ", 53.7968, -1.5380),),
        clinicians=(
            ("Dr", "Rajesh", "Menon", "male", Job.GP),
            ("Dr", "Claire", "Fenwick", "female", Job.SESSIONAL_GP),
            ("", "Helen", "Marsh", "female", Job.PRACTICE_NURSE),
            ("", "Dev", "Parmar", "male", Job.HEALTHCARE_ASSISTANT),
        ),
        postcode_area="LS2",
        patients=55,
    ),
    DemoOrganisation(
        "A99003",
        "Meadowbank Health Centre",
        Kind.GP_PRACTICE,
        "0113 496 0303",
        sites=(
            DemoSite(
                "Meadowbank Health Centre", "1 Meadow Road", "Leeds", "LS6 2AB", 53.8190, -1.5720
            ),
            DemoSite("Headingley branch", "88 Otley Road", "Leeds", "LS6 4BA", 53.8262, -1.5810),
        ),
        clinicians=(
            ("Dr", "Fiona", "McLeod", "female", Job.GP),
            ("Dr", "Kwame", "Asante", "male", Job.LOCUM_GP),
            ("", "Ruth", "Penny", "female", Job.PHYSIOTHERAPIST),
            ("", "Lena", "Novak", "female", Job.PHLEBOTOMIST),
        ),
        postcode_area="LS6",
        patients=60,
    ),
    DemoOrganisation(
        "A99004",
        "Hollins Lane Practice",
        Kind.GP_PRACTICE,
        "0113 496 0404",
        sites=(
            DemoSite(
                "Hollins Lane Practice", "27 Hollins Lane", "Leeds", "LS13 1AA", 53.8110, -1.6330
            ),
        ),
        clinicians=(
            ("Dr", "Ian", "Gregson", "male", Job.GP),
            ("", "Beth", "Kilner", "female", Job.ADVANCED_PRACTITIONER),
            ("", "Marek", "Zielinski", "male", Job.PARAMEDIC),
        ),
        postcode_area="LS13",
        patients=45,
    ),
    DemoOrganisation(
        "A99005",
        "St Anne's Family Practice",
        Kind.GP_PRACTICE,
        "0113 496 0505",
        sites=(
            DemoSite(
                "St Anne's Family Practice",
                "5 St Anne's Road",
                "Leeds",
                "LS4 2QA",
                53.8070,
                -1.5910,
            ),
        ),
        clinicians=(
            ("Dr", "Nadia", "Rahman", "female", Job.GP),
            ("Dr", "Luke", "Barraclough", "male", Job.GP_REGISTRAR),
            ("", "Priya", "Shah", "female", Job.PHYSICIAN_ASSOCIATE),
        ),
        postcode_area="LS4",
        patients=40,
    ),
    DemoOrganisation(
        "A99006",
        "Westfield Road Surgery",
        Kind.GP_PRACTICE,
        "0113 496 0606",
        sites=(
            DemoSite(
                "Westfield Road Surgery",
                "210 Westfield Road",
                "Leeds",
                "LS12 3DX",
                53.7930,
                -1.5980,
            ),
        ),
        clinicians=(
            ("Dr", "Gareth", "Pryce", "male", Job.GP),
            ("", "Anne", "Lowther", "female", Job.PRACTICE_NURSE),
        ),
        postcode_area="LS12",
        patients=40,
    ),
)

OTHERS = (
    DemoOrganisation(
        "RZZ01",
        "St Luke's Hospital Emergency Department",
        Kind.URGENT_CARE,
        "0113 496 0700",
        sites=(
            DemoSite(
                "Emergency Department", "Beckett Street", "Leeds", "LS9 7TF", 53.8040, -1.5200
            ),
        ),
    ),
    DemoOrganisation(
        "NZZ01",
        "Aire Valley Out-of-Hours Service",
        Kind.OUT_OF_HOURS,
        "0113 496 0800",
        sites=(
            DemoSite("Out-of-hours base", "Wharf Street", "Leeds", "LS2 7EQ", 53.7960, -1.5370),
        ),
    ),
    DemoOrganisation(
        "NZZ02",
        "Yorkshire NHS 111",
        Kind.NHS_111,
        "0113 496 0850",
    ),
    DemoOrganisation(
        "VZZ01",
        "Beechwood Care Home",
        Kind.CARE_HOME,
        "0113 496 0900",
        sites=(
            DemoSite("Beechwood Care Home", "9 Beech Grove", "Leeds", "LS6 3RT", 53.8230, -1.5760),
        ),
    ),
    DemoOrganisation(
        "RZZ02",
        "Aire Valley Community Nursing",
        Kind.COMMUNITY,
        "0113 496 0950",
    ),
    DemoOrganisation(
        "RZZ03",
        "St Luke's Hospital Frailty Team",
        Kind.HOSPITAL,
        "0113 496 0710",
    ),
    DemoOrganisation(
        "LZZ01",
        "Leeds Adult Social Care",
        Kind.SOCIAL_CARE,
        "0113 496 0990",
    ),
)


DEFAULT_PASSWORD = "hub-diary-demo"  # noqa: S105 - the demo's published password


def demo_password() -> str:
    return os.environ.get("DEMO_PASSWORD") or DEFAULT_PASSWORD


@dataclass(frozen=True)
class DemoLogin:
    username: str
    given_name: str
    family_name: str
    memberships: tuple[tuple[str, str], ...]  # (ODS code, role); empty: an honorary contract
    what: str


LOGINS = (
    DemoLogin(
        "hub.manager",
        "Harriet",
        "Moss",
        (("U99001", Role.HUB_MANAGER),),
        "Hub manager: the hub, its member practices and staff",
    ),
    DemoLogin(
        "hub.reception",
        "Callum",
        "Reid",
        (("U99001", Role.HUB_RECEPTIONIST),),
        "Hub receptionist: books patients across the member practices",
    ),
    DemoLogin(
        "hub.lead",
        "Priya",
        "Nair",
        (("U99001", Role.HUB_RECEPTIONIST), ("A99002", Role.PRACTICE_RECEPTIONIST)),
        "Lead hub receptionist who also runs Kirkgate Surgery's sessions: can book past "
        "Kirkgate's release rules, giving a reason",
    ),
    DemoLogin(
        "practice.manager",
        "Sandra",
        "Holt",
        (("A99001", Role.PRACTICE_MANAGER),),
        "Practice manager at Riverside Medical Centre",
    ),
    DemoLogin(
        "practice.reception",
        "Megan",
        "Lister",
        (("A99002", Role.PRACTICE_RECEPTIONIST),),
        "Receptionist at Kirkgate Surgery",
    ),
    DemoLogin(
        "gp.clinician",
        "Amara",
        "Okafor",
        (("A99001", Role.CLINICIAN),),
        "GP at Riverside Medical Centre",
    ),
    DemoLogin(
        "ig.lead",
        "Imran",
        "Qureshi",
        (("A99001", Role.IG_LEAD),),
        "IG lead (Caldicott guardian) at Riverside Medical Centre",
    ),
    DemoLogin(
        "ae.clinician",
        "Rachel",
        "Stone",
        (("RZZ01", Role.URGENT_CARE_CLINICIAN),),
        "A&E clinician at St Luke's Hospital",
    ),
    DemoLogin(
        "ooh.clinician",
        "Ben",
        "Carter",
        (("NZZ01", Role.URGENT_CARE_CLINICIAN),),
        "Out-of-hours clinician",
    ),
    DemoLogin(
        "care.coordinator",
        "Julie",
        "Ashworth",
        (("U99001", Role.CARE_COORDINATOR),),
        "Care coordinator and key worker for Beechwood Care Home's residents",
    ),
    DemoLogin(
        "care.home",
        "Grace",
        "Oduya",
        (("VZZ01", Role.CARE_HOME_STAFF),),
        "Senior carer at Beechwood Care Home: accepts tasks for the residents",
    ),
    DemoLogin(
        "district.nurse",
        "Tom",
        "Whitaker",
        (("RZZ02", Role.DISTRICT_NURSE),),
        "District nurse: takes rapid response referrals for the care home",
    ),
    DemoLogin(
        "nhs111.clinician",
        "Leah",
        "Marsh",
        (("NZZ02", Role.URGENT_CARE_CLINICIAN),),
        "NHS 111 clinician: books callers into evening and weekend slots",
    ),
    DemoLogin(
        "locum.gp",
        "Kwame",
        "Asante",
        (),
        "Locum GP on a two-week honorary contract at Riverside Medical Centre",
    ),
    DemoLogin(
        "locum.reception",
        "Zoe",
        "Firth",
        (("A99003", Role.PRACTICE_RECEPTIONIST), ("A99004", Role.PRACTICE_RECEPTIONIST)),
        "Receptionist at two practices: chooses which one she is working for",
    ),
)
