from django import template

from patients.nhs_number import format_nhs_number

register = template.Library()


@register.filter
def nhs_number(value: str) -> str:
    """999 123 4567, the way NHS numbers are read aloud and checked."""
    return format_nhs_number(value or "")
