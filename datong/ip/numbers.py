"""Chinese patent application numbers and IPC codes: normalise what users type, then validate.

Application numbers since 2003-10-01 are ``YYYY T NNNNNNN . C``: a 4-digit year, a 1-digit type
(1 invention, 2 utility model, 3 design, 8 PCT invention entering China, 9 PCT utility model), a
7-digit serial and a check character. Earlier numbers are ``YY T NNNNN . C``. The check: multiply
the digits by the weights 2, 3, 4, … (restarting at 2 after 9), sum, take the remainder mod 11;
10 is written ``X``. Users type numbers with or without ``CN``/``ZL``, spaces and the dot.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

KINDS = {
    "1": "invention",
    "2": "utility_model",
    "3": "design",
    "8": "pct_invention",
    "9": "pct_utility_model",
}
_CLEAN = re.compile(r"[\s.\-·。．]+")
_PREFIX = re.compile(r"^(CN|ZL)+")


@dataclass(frozen=True)
class NumberCheck:
    valid: bool
    normalised: str | None
    kind: str | None
    message: str

    def as_dict(self) -> dict:
        return {
            "valid": self.valid,
            "normalised": self.normalised,
            "kind": self.kind,
            "message": self.message,
        }


def check_character(digits: str) -> str:
    """The check character of 8 (pre-2003) or 12 digits."""
    total = sum(int(d) * (2 + i % 8) for i, d in enumerate(digits))
    remainder = total % 11
    return "X" if remainder == 10 else str(remainder)


def check_application_number(raw: str) -> NumberCheck:
    text = _PREFIX.sub("", _CLEAN.sub("", (raw or "").upper()).replace("Ｘ", "X"))
    text = text.translate(str.maketrans("０１２３４５６７８９", "0123456789"))
    if not text:
        return NumberCheck(False, None, None, _("Enter an application number."))
    body, check = text[:-1], text[-1]
    if not re.fullmatch(r"\d+", body) or not re.fullmatch(r"[\dX]", check):
        return NumberCheck(
            False, None, None, _("An application number holds digits and a final check character.")
        )
    if len(body) == 12:
        year, kind_digit = int(body[:4]), body[4]
        if not 2003 <= year <= timezone.localdate().year:
            return NumberCheck(
                False,
                None,
                None,
                _("The year %(year)d in this number is not possible.") % {"year": year},
            )
    elif len(body) == 8:
        kind_digit = body[2]
    elif len(text) in (12, 8) and re.fullmatch(r"\d+", text):
        expected = check_character(text)
        return NumberCheck(
            False,
            None,
            None,
            _("The check character is missing: with it the number reads %(number)s.")
            % {"number": f"{text}.{expected}"},
        )
    else:
        return NumberCheck(
            False,
            None,
            None,
            _(
                "A Chinese application number has 12 digits and a check character (8 before "
                "October 2003), e.g. 200310102344.5."
            ),
        )
    kind = KINDS.get(kind_digit)
    if kind is None:
        return NumberCheck(
            False,
            None,
            None,
            _("The type digit %(digit)s is not a patent type (1, 2, 3, 8 or 9).")
            % {"digit": kind_digit},
        )
    expected = check_character(body)
    normalised = f"{body}.{check}"
    if check != expected:
        return NumberCheck(
            False,
            None,
            kind,
            _(
                "The check character of %(number)s should be %(expected)s, not %(given)s: "
                "please check the digits."
            )
            % {"number": body, "expected": expected, "given": check},
        )
    return NumberCheck(True, normalised, kind, _("Valid application number."))


IPC_RE = re.compile(r"^([A-H])(\d{2})([A-Z])(?:\s*(\d{1,4})\s*/\s*(\d{2,6}))?$")


def normalise_ipc(raw: str) -> str | None:
    """``H01M10/052`` or ``h01m 10/052`` → ``H01M 10/052``; None when it is not an IPC code."""
    text = (raw or "").strip().upper().replace("／", "/")
    match = IPC_RE.match(text)
    if not match:
        return None
    section, klass, subclass, group, subgroup = match.groups()
    head = f"{section}{klass}{subclass}"
    return f"{head} {int(group)}/{subgroup}" if group else head
