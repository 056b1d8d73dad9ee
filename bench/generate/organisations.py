"""Hubs and their member practices, the practices' sites and clinicians, and each
practice's booking agreement with its hub."""

import datetime
import uuid
from dataclasses import dataclass

from bench.generate.loader import Loader
from bench.generate.presets import Preset
from bench.generate.rota import CLINICIAN_ROLES

Row = tuple  # (id, ODS code, name, kind)


@dataclass
class Organisations:
    hubs: list[Row]
    practices: list[Row]
    hub_of: dict[int, Row]  # practice id -> its hub
    sites_of: dict[int, list[int]]  # practice id -> site ids
    clinicians_of: dict[int, list[int]]  # practice id -> clinician ids, in CLINICIAN_ROLES order


def load_organisations(load: Loader, preset: Preset) -> Organisations:
    from practices.models import Organisation

    org_id = load.next_id(Organisation)
    hubs = [(org_id + h, f"U{h + 1:05d}", f"Bench Hub {h + 1}", "hub") for h in range(preset.hubs)]
    org_id += preset.hubs
    practices = [
        (org_id + p, f"Y{p + 1:05d}", f"Bench Practice {p + 1}", "gp-practice")
        for p in range(preset.practices)
    ]
    per_hub = preset.practices // preset.hubs
    hub_of = {
        practice[0]: hubs[min(p // per_hub, preset.hubs - 1)]
        for p, practice in enumerate(practices)
    }
    load.done(
        "organisations",
        load.copy(
            Organisation,
            ("id", "public_id", "ods_code", "name", "kind", "phone", "created_at", "updated_at"),
            ((*org[:1], uuid.uuid4(), *org[1:], "", *load.stamp) for org in hubs + practices),
        ),
    )
    load.copy(
        Organisation.member_practices.through,
        ("from_organisation_id", "to_organisation_id"),
        ((hub_of[p[0]][0], p[0]) for p in practices),
    )
    return Organisations(
        hubs=hubs,
        practices=practices,
        hub_of=hub_of,
        sites_of=_load_sites(load, practices),
        clinicians_of=_load_clinicians(load, practices),
    )


def _load_sites(load: Loader, practices: list[Row]) -> dict[int, list[int]]:
    from practices.models import Site

    site_id, sites_of, rows = load.next_id(Site), {}, []
    for practice_id, _, name, _ in practices:
        sites_of[practice_id] = []
        for s in range(1 if load.rng.random() < 0.7 else 2):
            rows.append(
                (site_id, uuid.uuid4(), practice_id, f"{name} site {s + 1}",
                 f"{s + 1} High Street", "", "Leeds", "LS1 4AP",
                 53.8 + load.rng.random() / 10, -1.55 + load.rng.random() / 10, True,
                 *load.stamp)
            )  # fmt: skip
            sites_of[practice_id].append(site_id)
            site_id += 1
    load.done(
        "sites",
        load.copy(
            Site,
            ("id", "public_id", "organisation_id", "name", "address_line_1", "address_line_2",
             "town", "postcode", "latitude", "longitude", "is_active", "created_at",
             "updated_at"),
            rows,
        ),
    )  # fmt: skip
    return sites_of


def _load_clinicians(load: Loader, practices: list[Row]) -> dict[int, list[int]]:
    from practices.models import Clinician

    clinician_id, clinicians_of, rows = load.next_id(Clinician), {}, []
    for practice_id, *_ in practices:
        clinicians_of[practice_id] = []
        for i, role in enumerate(CLINICIAN_ROLES):
            rows.append(
                (clinician_id, uuid.uuid4(), practice_id, "Dr" if i < 2 else "",
                 load.rng.choice(("Sam", "Alex", "Priya", "Tom", "Aisha", "Jo")),
                 f"Clinician{clinician_id}", load.rng.choice(("female", "male")), role, True,
                 *load.stamp)
            )  # fmt: skip
            clinicians_of[practice_id].append(clinician_id)
            clinician_id += 1
    load.done(
        "clinicians",
        load.copy(
            Clinician,
            ("id", "public_id", "organisation_id", "title", "given_name", "family_name",
             "gender", "job_role", "is_active", "created_at", "updated_at"),
            rows,
        ),
    )  # fmt: skip
    return clinicians_of


def load_agreements(load: Loader, organisations: Organisations, receptionists: dict) -> None:
    """Every practice's active booking agreement with its hub, proposed and accepted by one
    of the hub's receptionists."""
    from governance.models import Scope, SharingAgreement

    starts_on = load.today - datetime.timedelta(days=90)
    ends_on = load.today + datetime.timedelta(days=275)
    rows = []
    for practice_id, *_ in organisations.practices:
        hub_id = organisations.hub_of[practice_id][0]
        by = receptionists[hub_id][0].pk
        rows.append(
            (uuid.uuid4(), practice_id, hub_id, Scope.BOOKING, starts_on, ends_on,
             SharingAgreement.Status.ACTIVE, by, practice_id, by, load.now, *load.stamp)
        )  # fmt: skip
    load.done(
        "sharing agreements",
        load.copy(
            SharingAgreement,
            ("public_id", "practice_id", "partner_id", "scope", "starts_on", "ends_on",
             "status", "proposed_by_id", "proposed_by_organisation_id", "decided_by_id",
             "decided_at", "created_at", "updated_at"),
            rows,
        ),
    )  # fmt: skip
