"""The two forms of staff two-factor authentication: a first code, and a code at sign-in."""

import re

from django import forms
from django.core.exceptions import ValidationError

from frontend.forms import NHSForm

_SEPARATORS = re.compile(r"[\s-]+")
_TOTP = re.compile(r"\d{6}")
_RECOVERY = re.compile(r"[a-z2-7]{8}")  # django-otp's static tokens: 8 base32 characters


def _code_widget(*, numeric: bool) -> forms.TextInput:
    attrs = {
        "autocomplete": "one-time-code",
        "autocapitalize": "off",
        "spellcheck": "false",
        "class": "nhsuk-input--width-10",
    }
    if numeric:
        attrs |= {"inputmode": "numeric", "maxlength": "7"}
    return forms.TextInput(attrs=attrs)


class _CodeForm(NHSForm):
    def add_error(self, field: str | None, error) -> None:
        """Also mark the input, for the wrong-code errors the service adds after cleaning."""
        super().add_error(field, error)
        widget = self.fields["code"].widget
        if "nhsuk-input--error" not in widget.attrs.get("class", ""):
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} nhsuk-input--error".strip()


class ConfirmAuthenticatorForm(_CodeForm):
    code = forms.CharField(
        label="Enter the 6-digit code your app shows",
        widget=_code_widget(numeric=True),
        error_messages={"required": "Enter the 6-digit code from your authenticator app."},
    )

    def clean_code(self) -> str:
        code = _SEPARATORS.sub("", self.cleaned_data["code"])
        if not _TOTP.fullmatch(code):
            raise ValidationError("The code must be 6 digits, like 123456.", code="format")
        return code


class VerifyCodeForm(_CodeForm):
    code = forms.CharField(
        label="Security code",
        help_text="The 6-digit code from your authenticator app, or one of your recovery codes.",
        widget=_code_widget(numeric=False),
        error_messages={
            "required": "Enter the 6-digit code from your authenticator app, or a recovery code."
        },
    )

    def clean_code(self) -> str:
        code = _SEPARATORS.sub("", self.cleaned_data["code"]).lower()
        if not (_TOTP.fullmatch(code) or _RECOVERY.fullmatch(code)):
            raise ValidationError(
                "Enter a 6-digit code, like 123456, or an 8-character recovery code.",
                code="format",
            )
        return code
