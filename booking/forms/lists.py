"""The window a list of bookings shows."""

import datetime

from django import forms
from django.utils import timezone

from frontend.forms import refuse_unsupported_date, validate_supported_date


class BookingListForm(forms.Form):
    """The window of a bookings list: from a day, for some weeks."""

    date = forms.DateField(required=False, validators=[validate_supported_date])
    weeks = forms.TypedChoiceField(
        coerce=int, choices=[(1, "1 week"), (2, "2 weeks"), (4, "4 weeks")], required=False
    )

    def window(self) -> tuple[datetime.date, int]:
        valid = self.is_valid()
        refuse_unsupported_date(self)
        first = (valid and self.cleaned_data["date"]) or timezone.localdate()
        weeks = (valid and self.cleaned_data["weeks"]) or 2
        return first, weeks * 7
