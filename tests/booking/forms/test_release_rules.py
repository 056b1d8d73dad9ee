"""The "who may book" fields shared by publishing a session and changing its rules: what
they accept, what they refuse and how they say so, and that a session's stored rules come
back into them unchanged."""

import datetime

import pytest

from booking.forms.release_rules import ReleaseRulesForm
from booking.models import Audience, ReleaseRule
from booking.services.sessions import RuleSpec, _rule_fields

BEFORE, ON_DAY, PUBLISHED = (
    ReleaseRule.Opens.BEFORE_START,
    ReleaseRule.Opens.ON_DAY,
    ReleaseRule.Opens.PUBLISHED,
)


def _post(**fields) -> dict:
    """What the browser sends: every audience's radios as rendered, plus `fields`."""
    data = {f"{audience}-opens": PUBLISHED for audience in Audience.values}
    return {**data, **fields}


def _specs(data: dict) -> set[RuleSpec]:
    form = ReleaseRulesForm(data)
    assert form.is_valid(), _errors(form)
    return set(form.specs())


def _errors(form: ReleaseRulesForm) -> dict:
    found = {}
    for sub in (*form.audiences, form.widening):
        for name, errors in sub.errors.items():
            found[sub.add_prefix(name)] = errors
    return found


# Opening on the day, at a time ---------------------------------------------------------


def test_a_release_can_open_at_a_time_on_the_day():
    specs = _specs(
        _post(
            **{
                "urgent-care-release": "on",
                "urgent-care-opens": ON_DAY,
                "urgent-care-opens_time": "08:00",
            }
        )
    )
    assert specs == {
        RuleSpec(
            audience=Audience.URGENT_CARE,
            opens=ON_DAY,
            opens_days_before=0,
            opens_time=datetime.time(8),
        )
    }


def test_a_time_on_the_day_can_be_some_days_before():
    specs = _specs(
        _post(
            **{
                "online-release": "on",
                "online-opens": ON_DAY,
                "online-opens_time": "18:30",
                "online-days_before": "2",
            }
        )
    )
    [spec] = specs
    assert (spec.opens_days_before, spec.opens_time) == (2, datetime.time(18, 30))


def test_on_the_day_with_no_time_opens_at_midnight():
    [spec] = _specs(_post(**{"online-release": "on", "online-opens": ON_DAY}))
    assert (spec.opens, spec.opens_days_before, spec.opens_time) == (ON_DAY, 0, None)


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        (
            {"hub-opens": BEFORE, "hub-hours_before": "48", "hub-opens_time": "08:00"},
            "hub-opens_time",
            "Clear the time on the day: bookings open some hours before the start or at a "
            "time on the day, not both",
        ),
        (
            {"hub-opens": ON_DAY, "hub-hours_before": "48", "hub-opens_time": "08:00"},
            "hub-hours_before",
            "Clear the hours before the start: bookings open at a time on the day or some "
            "hours before the start, not both",
        ),
        (
            {"hub-opens": BEFORE, "hub-hours_before": "48", "hub-days_before": "1"},
            "hub-days_before",
            "Clear the days before: they go with a time on the day, not with hours before "
            "the start",
        ),
        (
            {"hub-opens": PUBLISHED, "hub-opens_time": "08:00"},
            "hub-opens_time",
            "Clear the time on the day, or choose “On the day, from midnight or a time you set”",
        ),
        (
            {"hub-opens": PUBLISHED, "hub-hours_before": "2"},
            "hub-hours_before",
            "Clear the hours before the start, or choose “A set number of hours before the start”",
        ),
        ({"hub-opens": BEFORE}, "hub-hours_before", "Enter how many hours before the start"),
        (
            {"hub-opens": ON_DAY, "hub-opens_time": "8am"},
            "hub-opens_time",
            "Enter the time on the 24-hour clock, for example 08:00",
        ),
        (
            {"hub-opens": BEFORE, "hub-hours_before": "2", "hub-cut_off_minutes": "120"},
            "hub-cut_off_minutes",
            "Stop bookings less than 2 hours before the start, or they would close before "
            "they open",
        ),
        (
            {"hub-opens": BEFORE, "hub-hours_before": "0"},
            "hub-hours_before",
            "Enter at least 1 hour",
        ),
    ],
)
def test_an_opening_that_is_missing_or_given_two_ways_is_refused_by_its_field(
    fields, field, message
):
    form = ReleaseRulesForm(_post(**{"hub-release": "on", **fields}))
    assert not form.is_valid()
    assert _errors(form) == {field: [message]}


def test_what_is_typed_for_an_audience_not_released_to_is_ignored():
    """Its details are hidden once unticked; a stale value there must not block saving."""
    data = _post(**{"online-opens": BEFORE, "online-hours_before": "x", "online-opens_time": "9"})
    assert _specs(data) == set()


# Automatic wider release ---------------------------------------------------------------


def test_unbooked_slots_widen_to_the_chosen_audiences_at_the_chosen_time():
    specs = _specs(_post(widen="on", widen_hours="3", widen_to=[Audience.ONLINE]))
    assert specs == {RuleSpec(audience=Audience.ONLINE, opens=BEFORE, opens_minutes_before=180)}


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"widen_to": [Audience.ONLINE]}, "widen_hours", "Enter how many hours before the start"),
        ({"widen_hours": "2"}, "widen_to", "Select who to release unbooked slots to"),
        ({"widen_hours": "2", "widen_to": ["hub"]}, "widen_to", None),
    ],
)
def test_widening_needs_a_time_and_an_audience(fields, field, message):
    form = ReleaseRulesForm(_post(widen="on", **fields))
    assert not form.is_valid()
    errors = _errors(form)
    assert list(errors) == [field]
    if message:
        assert errors[field] == [message]


# A session's stored rules, back in the form ----------------------------------------------


def _stored(*specs: RuleSpec) -> list[ReleaseRule]:
    return [ReleaseRule(**_rule_fields(spec)) for spec in specs]


def _comparable(specs) -> list[dict]:
    rows = [
        {**_rule_fields(spec), "audience": str(spec.audience), "opens": str(spec.opens)}
        for spec in specs
    ]
    return sorted(rows, key=repr)


def _as_posted(form: ReleaseRulesForm) -> dict:
    """The form's starting values as a browser would send them back untouched."""
    data = {}
    for sub in (*form.audiences, form.widening):
        for field in sub:
            value = field.value()
            if field.widget_type == "checkbox":
                if value:
                    data[field.html_name] = "on"
            elif isinstance(value, datetime.time):
                data[field.html_name] = value.strftime("%H:%M")
            elif value is not None:
                data[field.html_name] = value
    return data


HUB_48H = RuleSpec(
    audience=Audience.HUB,
    opens=BEFORE,
    opens_minutes_before=48 * 60,
    cut_off_minutes=30,
    ods_codes=("RZZ01", "U30003"),
    quota_per_session=2,
    quota_per_day=3,
)
URGENT_AT_8 = RuleSpec(
    audience=Audience.URGENT_CARE, opens=ON_DAY, opens_days_before=0, opens_time=datetime.time(8)
)
ONLINE_DAY_BEFORE = RuleSpec(audience=Audience.ONLINE, opens=ON_DAY, opens_days_before=1)
WIDEN_URGENT_2H = RuleSpec(audience=Audience.URGENT_CARE, opens=BEFORE, opens_minutes_before=120)
WIDEN_ONLINE_2H = RuleSpec(audience=Audience.ONLINE, opens=BEFORE, opens_minutes_before=120)


@pytest.mark.parametrize(
    "specs",
    [
        (),
        (RuleSpec(audience=Audience.HUB),),
        (HUB_48H, URGENT_AT_8, ONLINE_DAY_BEFORE),
        (HUB_48H, URGENT_AT_8, WIDEN_URGENT_2H),
        (
            RuleSpec(audience=Audience.HUB),
            URGENT_AT_8,
            WIDEN_URGENT_2H,
            ONLINE_DAY_BEFORE,
            WIDEN_ONLINE_2H,
        ),
        (RuleSpec(audience=Audience.HUB), WIDEN_URGENT_2H, WIDEN_ONLINE_2H),
    ],
    ids=["none", "hub-now", "one-each", "urgent-care-widened", "both-widened", "widen-only"],
)
def test_stored_rules_come_back_into_the_form_unchanged(specs):
    shown = ReleaseRulesForm(rules=_stored(*specs))
    assert shown.unshown == []
    saved = ReleaseRulesForm(_as_posted(shown), rules=_stored(*specs))
    assert saved.is_valid(), _errors(saved)
    assert _comparable(saved.specs()) == _comparable(specs)


def test_a_second_rule_that_opens_some_hours_before_shows_as_the_wider_release():
    form = ReleaseRulesForm(
        rules=_stored(RuleSpec(audience=Audience.HUB), URGENT_AT_8, WIDEN_URGENT_2H)
    )
    widening = form.widening
    assert widening["widen"].value() is True
    assert widening["widen_hours"].value() == 2
    assert widening["widen_to"].value() == [Audience.URGENT_CARE]
    urgent = form.audiences[1]
    assert (urgent["opens"].value(), urgent["opens_time"].value()) == (ON_DAY, datetime.time(8))


def test_rules_the_form_cannot_express_are_listed_not_silently_kept():
    by_type = RuleSpec(audience=Audience.URGENT_CARE, organisation_types=("urgent-care",))
    ninety_minutes = RuleSpec(audience=Audience.HUB, opens=BEFORE, opens_minutes_before=90)
    third = RuleSpec(audience=Audience.ONLINE, opens=ON_DAY, opens_days_before=2)
    form = ReleaseRulesForm(rules=_stored(by_type, ninety_minutes, ONLINE_DAY_BEFORE, third))
    assert form.unshown == [
        "Released to urgent care",
        "Released to the hub from 1 hour 30 minutes before the start",
        "Released to patients online from midnight 2 days before",
    ]
