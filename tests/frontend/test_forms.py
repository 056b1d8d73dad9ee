"""Radios with a hint under a choice: the hint is shown under its radio and read out with it,
and an error on the radios links from the summary to the first of them."""

from django import forms
from django.template.loader import render_to_string

from frontend.forms import HintedRadioSelect, NHSForm


class _WhereForm(NHSForm):
    where = forms.ChoiceField(
        label="Where",
        choices=[("hub", "The hub"), ("practice", "The practice")],
        widget=HintedRadioSelect(hints={"hub": "Every practice's patients"}),
    )


def test_a_hint_is_shown_under_its_radio_and_read_out_with_it():
    html = render_to_string("components/field.html", {"field": _WhereForm()["where"]})

    assert (
        '<div class="nhsuk-hint nhsuk-radios__hint" id="id_where_0-hint">'
        "Every practice&#x27;s patients</div>" in html
    )
    assert 'id="id_where_0" required aria-describedby="id_where_0-hint"' in html
    assert "id_where_1-hint" not in html  # no hint, nothing to point at
    assert '<fieldset class="nhsuk-fieldset"' in html  # shown as radios, with a legend


def test_an_error_on_hinted_radios_links_to_the_first_radio():
    form = _WhereForm({"where": ""})
    form.is_valid()

    html = render_to_string("components/error_summary.html", {"form": form})

    assert '<a href="#id_where_0">Select where</a>' in html
