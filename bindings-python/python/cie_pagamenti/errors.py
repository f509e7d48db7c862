"""Exceptions of cie_pagamenti: one root, one subclass per error family.

Every exception carries the stable ``code`` (identical in every binding), ``message_it``
(the portal's language, also ``str(exc)``), ``message_en`` and the structured fields of the
error as attributes (e.g. ``AmountNotMultipleError.top_up``). Money fields are ``Decimal``.
The mapping from codes to classes lives in ``bindings-python/src/errors.rs``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Dict

_MONEY_FIELDS = {"remainder", "top_up"}


class CieError(Exception):
    """Root of every error of the library."""

    code: str
    message_it: str
    message_en: str
    fields: Dict[str, Any]

    def __init__(self, code: str, message_it: str, message_en: str, fields: Dict[str, Any]) -> None:
        super().__init__(message_it)
        self.code = code
        self.message_it = message_it
        self.message_en = message_en
        self.fields = {k: Decimal(v) if k in _MONEY_FIELDS else v for k, v in fields.items()}
        for name, value in self.fields.items():
            setattr(self, name, value)

    def __reduce__(self) -> Any:
        return (type(self), (self.code, self.message_it, self.message_en, self.fields))


class AmountError(CieError, ValueError):
    """An amount that is not valid money (format, precision, sign, size)."""


class AmountNotMultipleError(AmountError):
    """The amount is not an exact multiple of the price per card (blocking).

    Attributes ``cards_below`` (int), ``remainder`` and ``top_up`` (Decimal).
    """

    cards_below: int
    remainder: Decimal
    top_up: Decimal


class FloatNotAllowedError(CieError, TypeError):
    """A float was given for money: binary floating point cannot hold cents exactly."""


class PriceError(CieError, ValueError):
    """No price is defined for the date."""


class DateError(CieError, ValueError):
    """A date, moment, fortnight or period that is not valid."""


class QuarterError(CieError, ValueError):
    """A quarter that is not valid or out of range."""


class MunicipalityNameError(CieError, ValueError):
    """A municipality name that cannot be used."""


class FiscalCodeError(CieError, ValueError):
    """An invalid personal fiscal code (``position``, ``character``, ``expected`` when known)."""


class VatNumberError(CieError, ValueError):
    """An invalid VAT number / numeric fiscal code."""


class IbanError(CieError, ValueError):
    """An invalid Italian IBAN."""


class CapError(CieError, ValueError):
    """An invalid postcode (CAP)."""


class EmailError(CieError, ValueError):
    """An invalid e-mail address."""


class PhoneError(CieError, ValueError):
    """An invalid phone number."""


class PasswordError(CieError, ValueError):
    """A password that cannot be generated or accepted."""


class NotAuthorizedError(CieError, PermissionError):
    """The actor may not do this (``NOT_AUTHORIZED``) or is blocked (``USER_BLOCKED``)."""


class UserError(CieError, ValueError):
    """A user-administration rule refused the command."""


class WorkflowError(CieError, ValueError):
    """A quarter-workflow rule refused the command."""


class ReportError(CieError, ValueError):
    """The signed report is refused, or the PDF could not be rendered."""


class SiteError(CieError, ValueError):
    """A SediCIE rule refused the operation."""


class InputError(CieError, ValueError):
    """An input that cannot be read."""


class EventLogError(CieError, ValueError):
    """An event log that cannot be replayed (``index`` and ``cause`` when an event is refused)."""


__all__ = [
    "AmountError",
    "AmountNotMultipleError",
    "CapError",
    "CieError",
    "DateError",
    "EmailError",
    "EventLogError",
    "FiscalCodeError",
    "FloatNotAllowedError",
    "IbanError",
    "InputError",
    "MunicipalityNameError",
    "NotAuthorizedError",
    "PasswordError",
    "PhoneError",
    "PriceError",
    "QuarterError",
    "ReportError",
    "SiteError",
    "UserError",
    "VatNumberError",
    "WorkflowError",
]
