"""Forms that render the NHS.UK way: design-system classes, hints, errors by the field."""

import datetime

from django import forms
from django.core.exceptions import BadRequest, ValidationError

from core.time import EARLIEST_DATE, LATEST_DATE

_WIDGET_CLASSES: list[tuple[type[forms.Widget], str]] = [
    (forms.CheckboxInput, "nhsuk-checkboxes__input"),
    (forms.RadioSelect, "nhsuk-radios__input"),
    (forms.CheckboxSelectMultiple, "nhsuk-checkboxes__input"),
    (forms.Select, "nhsuk-select"),
    (forms.Textarea, "nhsuk-textarea"),
    (forms.widgets.Input, "nhsuk-input"),
]
_ERROR_CLASSES = {
    "nhsuk-input": "nhsuk-input--error",
    "nhsuk-select": "nhsuk-select--error",
    "nhsuk-textarea": "nhsuk-textarea--error",
}


DATE_OUT_OF_RANGE = "out_of_range"


def validate_supported_date(value: datetime.date | None) -> None:
    """Refuse a date outside the years Hub Diary works with (a year 1 or 9999 typed in),
    which would otherwise fall off the calendar in the arithmetic that follows."""
    if value is not None and not EARLIEST_DATE <= value <= LATEST_DATE:
        raise ValidationError(
            f"Enter a date between {EARLIEST_DATE.day} {EARLIEST_DATE:%B %Y} and "
            f"{LATEST_DATE.day} {LATEST_DATE:%B %Y}.",
            code=DATE_OUT_OF_RANGE,
        )


def _base_class(widget: forms.Widget) -> str:
    for widget_type, css in _WIDGET_CLASSES:
        if isinstance(widget, widget_type):
            return css
    return ""


def _say_what_is_missing(field: forms.Field) -> None:
    """'Enter first name' or 'Select gender' rather than Django's 'This field is required.'"""
    if field.error_messages.get("required") != forms.Field.default_error_messages["required"]:
        return
    label = str(field.label or "")
    if not label:
        return
    if len(label) > 1 and label[1].islower():
        label = label[0].lower() + label[1:]
    choosing = isinstance(field.widget, forms.Select | forms.RadioSelect | forms.CheckboxInput)
    field.error_messages["required"] = f"{'Select' if choosing else 'Enter'} {label.rstrip('?')}"


class NHSFormMixin:
    """Adds design-system classes to widgets, and error classes to fields that failed."""

    template_name = "components/form_fields.html"  # what {{ form }} renders

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            _say_what_is_missing(field)
            widget = field.widget
            if isinstance(widget, NHSDateInput):
                continue
            css = _base_class(widget)
            if css:
                existing = widget.attrs.get("class", "")
                widget.attrs["class"] = f"{existing} {css}".strip()

    def full_clean(self) -> None:
        super().full_clean()
        for name in self.errors:
            field = self.fields.get(name)
            if field is None:
                continue
            css = _ERROR_CLASSES.get(_base_class(field.widget))
            if css:
                field.widget.attrs["class"] = f"{field.widget.attrs.get('class', '')} {css}".strip()
            if isinstance(field.widget, NHSDateInput):
                field.widget.has_error = True


class NHSForm(NHSFormMixin, forms.Form):
    pass


class NHSModelForm(NHSFormMixin, forms.ModelForm):
    pass


class HintedRadioSelect(forms.RadioSelect):
    """Radios with a hint under each choice that needs one, as the design system shows them;
    `hints` maps a choice's value to its hint. Templates know it as radios by its widget
    type containing "radioselect"."""

    def __init__(self, attrs=None, choices=(), *, hints: dict[str, str]) -> None:
        super().__init__(attrs, choices)
        self.hints = hints

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        option["hint"] = self.hints.get(str(value), "")
        if option["hint"] and option["attrs"].get("id"):
            option["attrs"]["aria-describedby"] = f"{option['attrs']['id']}-hint"
        return option


class NHSDateInput(forms.MultiWidget):
    """The design system's date input: three boxes for day, month and year."""

    template_name = "components/date_input.html"

    def __init__(self, attrs=None) -> None:
        self.has_error = False
        widgets = {
            "day": forms.TextInput(attrs={"inputmode": "numeric", "maxlength": 2}),
            "month": forms.TextInput(attrs={"inputmode": "numeric", "maxlength": 2}),
            "year": forms.TextInput(attrs={"inputmode": "numeric", "maxlength": 4}),
        }
        super().__init__(widgets, attrs)

    def decompress(self, value):
        if isinstance(value, datetime.date):
            return [value.day, value.month, value.year]
        return [None, None, None]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["has_error"] = self.has_error
        return context


class NHSDateField(forms.MultiValueField):
    widget = NHSDateInput
    default_validators = [validate_supported_date]

    def __init__(self, **kwargs) -> None:
        fields = (forms.CharField(), forms.CharField(), forms.CharField())
        super().__init__(fields=fields, require_all_fields=False, **kwargs)

    def compress(self, data_list):
        if not data_list or not any(data_list):
            return None
        day, month, year = (part.strip() if part else "" for part in data_list)
        if not (day and month and year):
            raise ValidationError("Enter a day, month and year.", code="incomplete")
        if not (day.isdigit() and month.isdigit() and year.isdigit()) or len(year) != 4:
            raise ValidationError("Enter a real date, like 27 3 1957.", code="invalid")
        try:
            return datetime.date(int(year), int(month), int(day))
        except ValueError as exc:
            raise ValidationError("Enter a real date, like 27 3 1957.", code="invalid") from exc


def apply_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form, by the field where it names one."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


def refuse_unsupported_date(form: forms.Form, field: str = "date") -> None:
    """A date in the address outside the years Hub Diary works with is a bad request (400),
    said in words; a date that cannot be read at all falls back to today."""
    if form.has_error(field, code=DATE_OUT_OF_RANGE):
        raise BadRequest(form.errors[field][0])
