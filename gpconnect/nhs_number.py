"""NHS number structure: ten digits, the last a Modulus 11 check digit over the first nine.

(The same rule as `patients.nhs_number`, restated here so this package needs no Django.)
"""


def is_valid_nhs_number(value: str) -> bool:
    if not isinstance(value, str) or len(value) != 10 or not value.isdigit():
        return False
    total = sum(
        int(digit) * weight for digit, weight in zip(value[:9], range(10, 1, -1), strict=True)
    )
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(value[9])
