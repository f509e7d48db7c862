"""The shared vectors tests/vectors/*.json through the Python API."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable, Dict

import pytest

import cie_pagamenti as c

VECTORS = Path(__file__).resolve().parents[2] / "tests" / "vectors"


def _money_out(d: Decimal) -> str:
    return f"{d:.2f}"


def _day(text: Any) -> Any:
    return None if text is None else date.fromisoformat(text)


def _plain(obj: Any) -> Any:
    if isinstance(obj, Decimal):
        return _money_out(obj)
    if isinstance(obj, date):
        return obj.isoformat()
    if isinstance(obj, (c.Quarter, c.Fortnight)):
        return str(obj)
    return obj


OPS: Dict[str, Callable[[Dict[str, Any]], Any]] = {
    "parse_amount": lambda i: _money_out(c.parse_amount(i["text"])),
    "parse_amount_machine": lambda i: _money_out(c.parse_amount_machine(i["text"])),
    "format_amount": lambda i: c.format_amount(i["amount"]),
    "cards_for_amount": lambda i: c.cards_for_amount(i["amount"], _day(i.get("on"))),
    "amount_for_cards": lambda i: _money_out(c.amount_for_cards(i["cards"])),
    "price_on": lambda i: {
        **{k: _plain(v) for k, v in c.price_on(_day(i["day"])).to_dict().items() if k != "vat_rate"},
        "vat_rate_percent": int(c.price_on(_day(i["day"])).vat_rate * 100),
    },
    "citizen_fee": lambda i: {k: _plain(v) for k, v in c.citizen_fee(i["duplicate"], i.get("fixed_fee"), i.get("secretarial_fee")).to_dict().items()},
    "causale": lambda i: c.causale(i["municipality"], i["fortnight"], i["cards"]),
    "quarter_of": lambda i: str(c.quarter_of(i["moment"])),
    "parse_date": lambda i: c.parse_date(i["text"]).isoformat(),
    "quarter": lambda i: (lambda q: {
        "canonical": str(q), "label_it": q.label_it, "first_day": q.first_day.isoformat(), "last_day": q.last_day.isoformat(),
        "next": str(q.next()), "previous": str(q.previous()),
    })(c.Quarter.parse(i["text"])),
    "portal_quarter": lambda i: str(c.Quarter.parse(i["text"]).ensure_portal()),
    "fortnight": lambda i: (lambda f: {
        "canonical": str(f), "first_day": f.first_day.isoformat(), "last_day": f.last_day.isoformat(), "due_date": f.due_date.isoformat(),
    })(c.Fortnight.of(i["day"])),
    "pre2020_mailbox": lambda i: c.pre2020_mailbox(i["name"]),
    "validate_fiscal_code": lambda i: c.validate_fiscal_code(i["value"]),
    "validate_vat_number": lambda i: c.validate_vat_number(i["value"]),
    "validate_iban": lambda i: c.validate_iban(i["value"]),
    "validate_cap": lambda i: c.validate_cap(i["value"]),
    "validate_email": lambda i: c.validate_email(i["value"]),
    "validate_phone": lambda i: c.validate_phone(i["value"]),
    "check_password": lambda i: c.check_password(i["password"]),
    "check_password_change": lambda i: c.check_password_change(i["current"], i["new"], i["confirmation"]),
    "password_rule_message": lambda i: next(m for code, m, _ in c.password_rules() if code == i["code"]),
    "apr_parse_flag": lambda i: c.apr_parse_flag(i["pair"], i["text"]),
    "apr_format_flag": lambda i: c.apr_format_flag(i["pair"], i["value"]),
    "apr_connection_type": lambda i: c.apr_connection_type(i["text"]),
    "statement": lambda i: c.statement(i),
    "workflow_scenario": lambda i: c.Portal.replay((VECTORS / "logs" / i["log"]).read_text(encoding="utf-8")).summary(i["now"]),
}

SKIPPED: set = set()


def _cases():
    for path in sorted(VECTORS.glob("*.json")):
        for i, v in enumerate(json.loads(path.read_text(encoding="utf-8"))):
            yield pytest.param(v, id=f"{path.stem}[{i}]-{v['op']}")


@pytest.mark.parametrize("vector", list(_cases()))
def test_vector(vector: Dict[str, Any]) -> None:
    op = vector["op"]
    if op in SKIPPED:
        pytest.skip("not part of the Python surface")
    run = OPS[op]
    if "error" in vector:
        with pytest.raises(c.CieError) as info:
            run(vector["input"])
        assert info.value.code == vector["error"]
        for name, want in vector.get("fields", {}).items():
            got = getattr(info.value, name)
            assert (_money_out(got) if isinstance(got, Decimal) else got) == want
    else:
        assert run(vector["input"]) == vector["expect"]
