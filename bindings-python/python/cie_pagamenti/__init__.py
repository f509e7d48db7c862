"""cie_pagamenti — the rules of the Italian CIE payment accounting, exactly.

Money is ``decimal.Decimal`` (a ``float`` raises ``FloatNotAllowedError``, a ``TypeError``),
dates are ``datetime.date``, moments ``datetime.datetime`` (naive = Europe/Rome local time).
Every rule is computed by the Rust core; this module only shapes results.
"""

from __future__ import annotations

import dataclasses
import os
import json
import operator
from dataclasses import dataclass
from functools import cached_property
from datetime import date, datetime, timezone
from decimal import Decimal
from typing import IO, Any, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple, Union

from . import errors
from ._native import (
    CitizenFee,
    OrderAllocation,
    Portion,
    PrePortalRow,
    Price,
    QuarterAllocation,
    QuarterRow,
    Reconciliation,
    SiteRegistry,
    citizen_fee,
    fiscal_code_matches_name,
    price_on,
    Fortnight,
    Quarter,
    amount_for_cards,
    apr_connection_type,
    apr_format_flag,
    apr_parse_flag,
    cards_for_amount,
    causale,
    check_password,
    check_password_change,
    format_amount,
    generate_password,
    is_valid_cap,
    is_valid_email,
    is_valid_fiscal_code,
    is_valid_iban,
    is_valid_phone,
    is_valid_vat_number,
    parse_amount,
    parse_amount_machine,
    parse_date,
    password_rules,
    pre2020_mailbox,
    quarter_of,
    validate_cap,
    validate_caps,
    validate_email,
    validate_emails,
    validate_fiscal_code,
    validate_fiscal_codes,
    validate_iban,
    validate_ibans,
    validate_phone,
    validate_phones,
    validate_vat_number,
    validate_vat_numbers,
)
from . import _native
from .errors import AmountNotMultipleError, CieError, FloatNotAllowedError

_Date = date
Money = Union[Decimal, str, int]
DateLike = Union[date, str]
MomentLike = Union[datetime, date, str, int]
QuarterLike = Union[Quarter, str]


def _optional(module: str) -> Any:
    """An optional package, or the coded error ``INPUT_FORMAT`` naming what to install."""
    try:
        return __import__(module)
    except ImportError as exc:
        extra = {
            "pandas": "pip install 'cie-pagamenti[pandas]'",
            "numpy": "pip install numpy",
            "pyarrow": "pip install pyarrow",
            "polars": "pip install polars",
        }[module]
        raise _native.coded_error("INPUT_FORMAT", f"{module} is needed for this call: {extra}") from exc


# The Arrow type each column kind of `_native.arrow_table` gets (for `ArrowTable`'s repr).
_ARROW_TYPES = {"text": "string", "cents": "decimal128(18, 2)", "int": "int64", "bool": "bool"}


class ArrowTable:
    """Result rows as Arrow data, through the Arrow PyCapsule interface
    (``__arrow_c_stream__``): ``pyarrow.table(t)``, ``polars.DataFrame(t)`` and DuckDB
    (``select ... from t``) read it without a copy, and making it needs no Arrow package.
    ``to_pyarrow()`` and ``to_polars()`` convert it (each needs its package: a coded error
    ``INPUT_FORMAT`` names it otherwise)."""

    __slots__ = ("_table", "_fields")

    def __init__(self, columns: List[Tuple[str, Any, str]]) -> None:
        self._table = _native.arrow_table(columns)
        self._fields = [(name, _ARROW_TYPES.get(kind, kind)) for name, _, kind in columns]

    def __arrow_c_stream__(self, requested_schema: Any = None) -> Any:
        """The rows as an Arrow C stream (the PyCapsule interface)."""
        return self._table.__arrow_c_stream__(requested_schema)

    def __arrow_c_schema__(self) -> Any:
        """The schema as an Arrow C schema (the PyCapsule interface)."""
        return self._table.__arrow_c_schema__()

    @property
    def num_rows(self) -> int:
        """Number of rows."""
        return int(self._table.num_rows)

    @property
    def num_columns(self) -> int:
        """Number of columns."""
        return len(self._fields)

    @property
    def column_names(self) -> List[str]:
        """The column names, in order."""
        return [name for name, _ in self._fields]

    @property
    def shape(self) -> Tuple[int, int]:
        """(rows, columns)."""
        return (self.num_rows, self.num_columns)

    def __len__(self) -> int:
        return self.num_rows

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}: {kind}" for name, kind in self._fields)
        return f"ArrowTable({self.num_rows} rows; {fields})"

    def to_pyarrow(self) -> Any:
        """A ``pyarrow.Table`` of the rows (needs pyarrow)."""
        return _optional("pyarrow").table(self)

    def to_polars(self) -> Any:
        """A ``polars.DataFrame`` of the rows (needs polars)."""
        return _optional("polars").DataFrame(self)


class _Result:
    """Common behaviour of result objects."""

    def to_dict(self) -> Dict[str, Any]:
        """The result as plain data (Decimal, date and str values), for JSON or pandas."""

        def plain(v: Any) -> Any:
            if isinstance(v, (Quarter, Fortnight)):
                return str(v)
            if isinstance(v, list):
                return [plain(x) for x in v]
            if isinstance(v, tuple):
                return tuple(plain(x) for x in v)
            if isinstance(v, dict):
                return {str(plain(k)): plain(x) for k, x in v.items()}
            if hasattr(v, "to_dict") and not isinstance(v, type):
                return v.to_dict()
            if dataclasses.is_dataclass(v) and not isinstance(v, type):
                return {f.name: plain(getattr(v, f.name)) for f in dataclasses.fields(v)}
            return v

        return plain(self)  # type: ignore[no-any-return]


@dataclass(frozen=True)
class PaymentOrder(_Result):
    """A payment order: number, date, amount and optionally the (from, to) period it pays."""

    number: str
    date: _Date
    amount: Money
    period: Optional[Tuple[_Date, _Date]] = None


class Allocation(_Result):
    """The outcome of :func:`allocate`. ``quarters``, ``credit``, ``debit`` and ``cards`` come
    from the totals computed by :func:`allocate`; the per-order detail (``orders``,
    :meth:`order`, the report) is computed on first access, by the same allocation run again
    with detail (on a national year about as long as the first call), then kept."""

    def __init__(self, native: Any) -> None:
        self._native = native
        self._quarters: Optional[Dict[Quarter, QuarterAllocation]] = None
        self._orders: Optional[List[OrderAllocation]] = None

    @property
    def credit(self) -> Decimal:
        """Total credit of the orders."""
        return self._native.credit  # type: ignore[no-any-return]

    @property
    def debit(self) -> Decimal:
        """Total value of unpaid cards."""
        return self._native.debit  # type: ignore[no-any-return]

    @property
    def cards(self) -> int:
        """Total cards."""
        return self._native.cards  # type: ignore[no-any-return]

    @property
    def quarters(self) -> Dict[Quarter, QuarterAllocation]:
        """Per quarter: cards signed/paid/unpaid, amount, debit."""
        if self._quarters is None:
            self._quarters = self._native.quarters()
        return self._quarters

    @property
    def orders(self) -> List[OrderAllocation]:
        """Orders in processing order (date, then number)."""
        if self._orders is None:
            self._orders = self._native.orders()
        return self._orders

    def order(self, number: str) -> Optional[OrderAllocation]:
        """The first order with this number."""
        return next((o for o in self.orders if o.number == number), None)

    def quarters_frame(self) -> Any:
        """Per-quarter results as a pandas DataFrame (pandas imported on demand)."""
        pd = _optional("pandas")

        rows = [{"quarter": str(q), **v.to_dict()} for q, v in self.quarters.items()]
        return pd.DataFrame(rows).set_index("quarter")

    def to_dict(self) -> Dict[str, Any]:
        return {
            "quarters": {str(q): v.to_dict() for q, v in self.quarters.items()},
            "orders": [o.to_dict() for o in self.orders],
            "credit": self.credit,
            "debit": self.debit,
            "cards": self.cards,
        }

    def __repr__(self) -> str:
        return f"Allocation(cards={self.cards}, credit={self.credit!r}, debit={self.debit!r})"


_ORDER_KINDS = {"number": "text", "date": "days", "amount_cents": "int", "period_from": "days", "period_to": "days"}


def _is_arrow(data: Any) -> bool:
    """An object with the Arrow PyCapsule interface (pyarrow, polars, DuckDB, …). pandas frames
    keep their numpy path: their Arrow export needs pyarrow, which is optional."""
    if data is None or isinstance(data, Mapping) or type(data).__module__.startswith("pandas"):
        return False
    return hasattr(data, "__arrow_c_stream__") or hasattr(data, "__arrow_c_array__")


def _collected(data: Any) -> Any:
    """A polars ``LazyFrame`` is a query: the call reads its result (``collect()``)."""
    kind = type(data)
    if kind.__name__ == "LazyFrame" and kind.__module__.startswith("polars") and hasattr(data, "collect"):
        return data.collect()
    return data


def _arrow_columns(data: Any, kinds: Mapping[str, str], threads: int = 0) -> Any:
    """The columns of an Arrow table as numpy arrays and lists (``int64`` epoch seconds, days
    since 1970, cents; text; keys numbered on ``threads`` threads, 0: one per core); anything
    else passes unchanged. A polars ``LazyFrame`` is collected first."""
    data = _collected(data)
    if not _is_arrow(data):
        return data
    return _native.arrow_columns(data, list(kinds.items()), threads)


def _arrow_cards(cards: Any) -> Any:
    """Cards given as an Arrow array (timestamps or int64 epoch seconds) or a table with
    ``signed_at``: an int64 numpy array, sharing the Arrow buffer when it is one chunk of
    ``timestamp[s]``/``int64`` without nulls."""
    cards = _collected(cards)
    return _native.arrow_array(cards, "seconds", "signed_at") if _is_arrow(cards) else cards


def _epochs(cards: Any) -> Any:
    """A numpy datetime64 array becomes an int64 epoch-seconds view, a time-zone-aware pandas
    column the same instants' epoch seconds; anything else passes."""
    if getattr(getattr(cards, "dtype", None), "tz", None) is not None and hasattr(cards, "dt"):
        # `datetime64[ns, Europe/Rome]`: the instants in UTC, then without the zone.
        cards = cards.dt.tz_convert("UTC").dt.tz_localize(None)
    if hasattr(cards, "to_numpy") and getattr(getattr(cards, "dtype", None), "kind", "") == "M":
        cards = cards.to_numpy()  # a pandas column of moments: its numpy datetime64 values
    dtype = getattr(cards, "dtype", None)
    if dtype is not None and getattr(dtype, "kind", "") == "M":
        return cards.astype("datetime64[s]").view("int64")
    return cards


def _order_columns(orders: Any) -> Tuple[Any, Any, Any, Any, Any, Optional[bytes]]:
    """Columns of orders given as a pandas DataFrame or a mapping of columns: ``number``,
    ``date``, ``amount_cents`` (integers: exact cents) and optionally ``period_from``/``period_to``
    (missing = NaT/None). A float amount column is refused: money is never binary floating point.
    Numbers: ``str`` (joined into one string, split natively), ``int``, an integer numpy/pandas
    column (read in place and written in decimal natively) or a numpy text column (its code
    points read natively)."""
    np = _optional("numpy")

    def days(column: Any) -> Any:
        if getattr(getattr(column, "dtype", None), "tz", None) is not None:
            # 00:30 in Rome is the day before in UTC: no single date to read.
            raise _native.coded_error(
                "DATE_FORMAT", "moments with a time zone where dates are expected: give dates, or moments without a zone"
            )
        return np.ascontiguousarray(np.asarray(column, dtype="datetime64[D]").view("int64"))

    cents = np.asarray(orders["amount_cents"])
    if cents.dtype.kind in "iu":
        cents = np.ascontiguousarray(cents, dtype=np.int64)  # no copy when already int64
    # any other dtype (floats above all) is refused by the native layer with a coded error
    has_period = "period_from" in orders and "period_to" in orders

    def periods() -> Tuple[Any, Any]:
        if not has_period:
            return None, None
        return days(orders["period_from"]), days(orders["period_to"])

    numbers = orders["number"]
    if hasattr(numbers, "dtype"):
        # An integer column (as read from CSV): read in place, written in decimal natively.
        # Decided on the array numpy gives, not on the declared dtype: a pandas nullable
        # `Int64` column holding NA becomes floats there and goes the item-by-item way,
        # which refuses the NA with its row (never a made-up number).
        array = np.asarray(numbers)
        integer = array.dtype.kind == "i" or (array.dtype.kind == "u" and array.dtype.itemsize < 8)
        if integer and array.ndim == 1:
            integers = np.ascontiguousarray(array, dtype=np.int64)
            return (integers, days(orders["date"]), cents, *periods(), None)
        if array.dtype.kind == "U" and array.ndim == 1:
            # numpy text: its code points, one row per number (in native byte order), decoded
            # natively without a Python string per number.
            width = max(1, array.dtype.itemsize // 4)
            points = np.ascontiguousarray(array, dtype=np.dtype(("U", width))).view(np.uint32).reshape(len(array), width)
            return (points, days(orders["date"]), cents, *periods(), None)
    if not isinstance(numbers, list):
        numbers = numbers.tolist() if hasattr(numbers, "tolist") else list(numbers)
    try:  # one string for the native layer to split: no Python object read per order
        joined: Optional[bytes] = "\n".join(numbers).encode("utf-8")
    except (TypeError, UnicodeEncodeError):  # int numbers, lone surrogates: read one by one
        joined = None
    return (
        numbers,
        days(orders["date"]),
        cents,
        *periods(),
        joined,
    )


def allocate(cards: Any, orders: Any, schedule: Optional[Sequence[Price]] = None) -> Allocation:
    """Allocates payment orders to the quarters of the cards they pay (signing dates).

    ``cards``: a numpy ``int64`` epoch-seconds or ``datetime64`` array (read in place, the GIL
    released while working), an Arrow array of timestamps or epoch seconds (or a table with
    ``signed_at``: pyarrow, polars, DuckDB; one chunk of ``timestamp[s]``/``int64`` is read
    without a copy; a polars ``LazyFrame`` is collected), a pandas column with a time zone, or
    any iterable of ``datetime`` (naive = Rome local), ``date``, ISO ``str`` or ``int`` epoch
    seconds.

    ``orders``: an iterable of :class:`PaymentOrder`, or — for national volumes — columns: an
    Arrow table, a pandas DataFrame or a mapping with ``number``, ``date``, ``amount_cents`` (integer cents) and
    optionally ``period_from``/``period_to``, read as arrays without a Python object per order.

    ``schedule``: the prices as a sequence of :class:`Price` (default: the built-in €16,79 from
    2016-07-04); each card is priced by its signing date.
    """
    cards = _arrow_cards(cards)
    orders = _arrow_columns(orders, _ORDER_KINDS)
    if hasattr(orders, "columns") or isinstance(orders, Mapping):
        np = _optional("numpy")

        try:
            epochs = np.ascontiguousarray(_epochs(cards), dtype=np.int64)
            columns = _order_columns(orders)
        except CieError:
            raise  # already coded, with its own message
        except (TypeError, ValueError, KeyError, OverflowError) as exc:
            # a missing column, a column that is not a sequence, text where dates are expected
            raise _native.coded_error("INPUT_FORMAT", f"orders as columns: {exc!r}") from exc
        return Allocation(_native.allocate_columns(epochs, *columns, schedule=schedule))
    return Allocation(_native.allocate(_epochs(cards), orders, schedule))


_GROUP_SUMMARY_FIELDS = (
    "cards", "orders", "credit", "debit", "discrepancies", "mismatches", "missing_quarters",
    "error_code", "error_row", "error",
)
# The summary columns in the order of `_GROUP_SUMMARY_FIELDS` (amounts in cents).
_GROUP_SUMMARY_COLUMNS = (
    "cards", "orders", "credit_cents", "debit_cents", "discrepancies", "mismatches", "missing_quarters",
    "error_code", "error_row", "error",
)


@dataclass(frozen=True)
class GroupedReconciliation:
    """The national job's result. ``columns``: one entry per group and quarter, as columns (the
    ``by`` key, ``quarter``, ``amount_cents`` and ``top_up_cents`` in exact integer cents,
    ``cards_from_amount``, ``exact``, ``cieonline_cards``, ``discrepancy``, ``mismatch``,
    ``state``, ``zero_quarter``); ``rows`` gives the same as dicts with Decimal amounts.
    ``summary_columns``: one entry per group, as columns (the ``by`` key, ``cards``,
    ``orders``, ``credit_cents``, ``debit_cents``, ``discrepancies``, ``mismatches``,
    ``missing_quarters``, and the error that kept a group from being reconciled:
    ``error_code``, ``error_row`` of the input, ``error``); ``summaries`` gives the same as
    dicts with Decimal ``credit`` and ``debit``."""

    by: str
    columns: Dict[str, Any]
    summary_columns: Dict[str, Any]

    @cached_property
    def summaries(self) -> List[Dict[str, Any]]:
        """One dict per group (built when first read), amounts as Decimal."""
        s = self.summary_columns
        lists = [s[self.by]] + [s[name].tolist() if hasattr(s[name], "tolist") else s[name] for name in _GROUP_SUMMARY_COLUMNS]
        out = []
        for key, cards, orders, credit, debit, *rest in zip(*lists):
            out.append({
                self.by: key,
                "cards": cards,
                "orders": orders,
                "credit": Decimal(credit).scaleb(-2),
                "debit": Decimal(debit).scaleb(-2),
                **dict(zip(_GROUP_SUMMARY_FIELDS[4:], rest)),
            })
        return out

    @property
    def rows(self) -> List[Dict[str, Any]]:
        """One dict per group and quarter, amounts as Decimal."""
        cols = self.columns
        out = []
        for i in range(len(cols["quarter"])):
            top_up = cols["top_up_cents"][i]
            out.append({
                self.by: cols[self.by][i],
                "quarter": cols["quarter"][i],
                "amount": Decimal(int(cols["amount_cents"][i])) / 100,
                "cards_from_amount": int(cols["cards_from_amount"][i]),
                "exact": bool(cols["exact"][i]),
                "top_up": None if top_up is None else Decimal(top_up) / 100,
                "cieonline_cards": cols["cieonline_cards"][i],
                "discrepancy": cols["discrepancy"][i],
                "mismatch": cols["mismatch"][i],
                "state": cols["state"][i],
                "zero_quarter": bool(cols["zero_quarter"][i]),
            })
        return out

    def frame(self) -> Any:
        """The quarter rows as a pandas DataFrame (needs the ``pandas`` extra); amounts in
        integer cents."""
        pd = _optional("pandas")
        return pd.DataFrame(self.columns)

    def summary_frame(self) -> Any:
        """The summaries as a pandas DataFrame (needs the ``pandas`` extra)."""
        pd = _optional("pandas")
        return pd.DataFrame(self.summaries, columns=[self.by, *_GROUP_SUMMARY_FIELDS])

    def arrow(self) -> ArrowTable:
        """The quarter rows as an :class:`ArrowTable` (``__arrow_c_stream__``), which
        ``pyarrow.table(...)``, ``polars.DataFrame(...)`` or DuckDB read (no extra needed here).
        ``amount`` and ``top_up`` are ``decimal128(18, 2)``: exact euros, never floats."""
        cols = self.columns
        return ArrowTable([
            (self.by, cols[self.by], "text"),
            ("quarter", cols["quarter"], "text"),
            ("amount", cols["amount_cents"], "cents"),
            ("cards_from_amount", cols["cards_from_amount"], "int"),
            ("exact", cols["exact"], "bool"),
            ("top_up", cols["top_up_cents"], "cents"),
            ("cieonline_cards", cols["cieonline_cards"], "int"),
            ("discrepancy", cols["discrepancy"], "int"),
            ("mismatch", cols["mismatch"], "int"),
            ("state", cols["state"], "text"),
            ("zero_quarter", cols["zero_quarter"], "bool"),
        ])

    def summary_arrow(self) -> ArrowTable:
        """The per-municipality summaries as an :class:`ArrowTable` (see :meth:`arrow`);
        ``credit`` and ``debit`` as ``decimal128(18, 2)``, ``missing_quarters`` as text
        (``2024-Q1,2024-Q2``)."""
        s = self.summary_columns
        return ArrowTable([
            (self.by, s[self.by], "text"),
            ("cards", s["cards"], "int"),
            ("orders", s["orders"], "int"),
            ("credit", s["credit_cents"], "cents"),
            ("debit", s["debit_cents"], "cents"),
            ("discrepancies", s["discrepancies"], "int"),
            ("mismatches", s["mismatches"], "int"),
            ("missing_quarters", [",".join(q) for q in s["missing_quarters"]], "text"),
            ("error_code", s["error_code"], "text"),
            ("error_row", s["error_row"], "int"),
            ("error", s["error"], "text"),
        ])


def _fixed_width_keys(np: Any, keys: List[Any]) -> Optional[Tuple[int, List[Any]]]:
    """The key columns as bytes of one fixed width, when they are all numpy text (``<U``/``S``)
    or all integers: equal keys are then equal bytes. ``None`` otherwise (objects, floats,
    text beside integers: compared as Python values)."""
    arrays = [k for k in keys if k is not None]
    kinds = {a.dtype.kind for a in arrays}
    if not arrays or any(a.ndim != 1 for a in arrays):
        return None
    if kinds <= {"i", "u"}:
        if any(a.dtype.kind == "u" and a.dtype.itemsize == 8 for a in arrays):
            return None
        common = np.dtype(np.int64)
    elif len(kinds) == 1 and kinds <= {"U", "S"}:
        common = np.result_type(*arrays)
    else:
        return None
    return common.itemsize, [np.ascontiguousarray(a, dtype=common).view(np.uint8) for a in arrays]


# The tables whose key columns `_factorize` numbers, in order.
_KEY_TABLES = ("cards", "orders", "cieonline", "transmitted")


def _missing_key(key: Any) -> bool:
    """None, NaN, NaT or pandas' NA: no municipality (a key never equal to itself is missing)."""
    if key is None:
        return True
    try:
        return bool(key != key)
    except TypeError:  # pandas.NA: its comparisons are NA, which has no truth value
        return True


def _numbered(np: Any, table: str, values: List[Any], index: Dict[Any, int]) -> Any:
    """The group number of each key of `values`, new keys numbered on from `index` (which they
    are added to); a missing key is ``INPUT_FORMAT`` naming the table, how many and the first
    row."""
    out = np.empty(len(values), dtype=np.int64)
    for row, k in enumerate(values):
        number = index.get(k)
        if number is None:
            if _missing_key(k):
                count = sum(1 for v in values if _missing_key(v))
                raise _native.coded_error(
                    "INPUT_FORMAT", f"{table}: {count} missing values of the key column (the first at row {row})"
                )
            number = index[k] = len(index)
        out[row] = number
    return out


def _factorize(np: Any, keys: List[Any], threads: int = 0, card_runs: bool = False) -> Tuple[List[Any], List[Any], Any]:
    """Group numbers for the key columns (cards first, then orders, CIEonline counts,
    transmitted quarters; ``None`` for a table not given), numbered by first appearance.
    Fixed-width keys (numpy text or integers) are numbered natively (a long column on
    ``threads`` threads, 0: one per core), each run of one key (a file partitioned by
    municipality) read in one comparison; other keys through a dict.

    Returns the names, the numbers of each column, and ``None``; with ``card_runs``, when the
    cards' keys are fixed-width and each group's cards are one run, the cards' numbers are an
    empty array and the third item is where each group's run ends (``uint64``)."""
    fixed = _fixed_width_keys(np, keys)
    present = [i for i, k in enumerate(keys) if k is not None]
    if fixed is not None:
        width, columns = fixed
        numbers, first_column, first_row, card_ends = _native.key_groups(width, columns, threads, card_runs and keys[0] is not None)
        # Groups are numbered column after column (first appearances in column order): each
        # column's new keys taken in one step, as Python values.
        bounds = np.searchsorted(first_column, np.arange(len(present) + 1))
        names = []
        for position, i in enumerate(present):
            names += keys[i][first_row[bounds[position]:bounds[position + 1]]].tolist()
        groups: List[Any] = [np.zeros(0, dtype=np.int64)] * len(keys)
        for i, n in zip(present, numbers):  # uint32 for the cards, int64 for the other tables
            groups[i] = n if i == 0 else n.astype(np.int64)
        return names, groups, card_ends
    index: Dict[Any, int] = {}
    groups = [
        _numbered(np, table, [] if column is None else column.tolist(), index)
        for table, column in zip(_KEY_TABLES, keys)
    ]
    names = list(index)  # in order of first appearance (the numbers)
    groups[0] = groups[0].astype(np.uint32)
    return names, groups, None


def reconcile_groups(
    cards: Any,
    orders: Any,
    cieonline: Any = None,
    *,
    by: str = "municipality",
    transmitted: Any = None,
    now: Optional[MomentLike] = None,
    first_quarter: Optional[QuarterLike] = None,
    threads: int = 0,
) -> GroupedReconciliation:
    """Every municipality allocated and reconciled on its own (SPEC §3.4), in one call: the
    national job. Each argument is an Arrow table (any object with ``__arrow_c_stream__``:
    pyarrow, polars, a DuckDB relation; a polars ``LazyFrame`` is collected), a pandas
    DataFrame or a mapping of columns, with a ``by`` column (ISTAT code or name):

    - ``cards``: ``signed_at`` (numpy ``datetime64``, ``int64`` epoch seconds, or a pandas
      column with a time zone: the same instants);
    - ``orders``: ``number``, ``date``, ``amount_cents`` (integer cents; floats are refused) and
      optionally ``period_from``/``period_to``;
    - ``cieonline`` (optional): ``quarter`` (``2024-Q1``) and ``cards``;
    - ``transmitted`` (optional): ``quarter``.

    The groups are reconciled on ``threads`` threads (0: one per core), the GIL released. Each
    group's rows are exactly those of reconciling that municipality alone. A group that cannot
    be reconciled has no rows and its summary says why (``error_code``, ``error_row`` of the
    cards, ``error``): a card outside the calendar, a price missing, a card signed after ``now``
    (``CARD_DATE_FUTURE``), an order dated after now's day in Rome (``ORDER_DATE_FUTURE``),
    two CIEonline counts for one quarter (``CIEONLINE_DUPLICATE``); the other groups are not
    affected."""
    np = _optional("numpy")
    try:
        threads = operator.index(threads)
    except TypeError:
        threads = -1
    if threads < 0:
        raise _native.coded_error("INPUT_FORMAT", "threads: a whole number, 0 (one per core) or more")
    when = now if now is not None else datetime.now(timezone.utc)
    # The cards' keys also as runs when each municipality's cards are one (a partitioned file).
    cards = _arrow_columns(cards, {by: "key-runs", "signed_at": "seconds"}, threads)
    orders = _arrow_columns(orders, {by: "key", **_ORDER_KINDS})
    cieonline = _arrow_columns(cieonline, {by: "key", "quarter": "text", "cards": "int"})
    transmitted = _arrow_columns(transmitted, {by: "key", "quarter": "text"})
    # Arrow keys arrive as (codes, names): the cards' millions of keys stay integers, and the
    # other tables' keys are numbered in the same space.
    key_names: Optional[List[Any]] = None
    card_ends: Any = None  # or where each group's run of cards ends, the cards then not numbered
    if isinstance(cards, dict) and isinstance(cards.get(by), tuple):
        codes, key_names, card_ends = cards[by]
        cards = {**cards, by: codes}
        index = {name: i for i, name in enumerate(key_names)}

        def recode(table: Any, name: str) -> Any:
            if table is not None and not isinstance(table, Mapping) and hasattr(table, "columns"):
                table = {column: table[column] for column in table.columns}  # a pandas DataFrame
            if table is None or not isinstance(table, Mapping) or by not in table:
                return table
            keys = table[by]
            if isinstance(keys, tuple):
                # Codes of this table's names (in order of first appearance): each name
                # numbered once, the codes mapped in one vectorised step.
                codes, names = keys
                mapping = np.asarray([index.setdefault(k, len(index)) for k in names], dtype=np.int64)
                out = mapping[np.asarray(codes, dtype=np.int64)] if len(codes) else np.zeros(0, dtype=np.int64)
            else:
                out = _numbered(np, name, keys.tolist() if hasattr(keys, "tolist") else list(keys), index)
            return {**table, by: out}

        orders, cieonline = recode(orders, "orders"), recode(cieonline, "cieonline")
        transmitted = recode(transmitted, "transmitted")
        key_names = sorted(index, key=index.__getitem__)
    else:
        # Arrow tables beside non-Arrow cards: their keys as plain values.
        def plain(table: Any) -> Any:
            if isinstance(table, dict) and isinstance(table.get(by), tuple):
                codes, names = table[by]
                return {**table, by: [names[k] for k in codes.tolist()]}
            return table

        orders, cieonline, transmitted = plain(orders), plain(cieonline), plain(transmitted)

    def column(table: Any, name: str) -> Any:
        return np.asarray(table[name])

    def key_column(table: Any) -> Any:
        keys = table[by]
        if isinstance(keys, (list, tuple)) and any(_missing_key(k) for k in keys):
            # numpy would turn ["032001", nan] into the text "nan": kept as objects, refused.
            return np.asarray(keys, dtype=object)
        return np.asarray(keys)

    try:
        keys = [key_column(t) if t is not None else None for t in (cards, orders, cieonline, transmitted)]
        if key_names is not None:
            # Already numbered: densely, by first appearance in the cards, then the others.
            uniques: List[Any] = key_names
            group = [np.ascontiguousarray(keys[0], dtype=np.uint32)]
            for table, k in zip(_KEY_TABLES[1:], keys[1:]):
                if k is not None and k.dtype.kind not in "iu":
                    # Keys not numbered above are never taken for group numbers.
                    raise _native.coded_error("INPUT_FORMAT", f"{table}: keys of a kind that cannot be matched with the cards'")
                group.append(np.asarray([] if k is None else k, dtype=np.int64))
        else:
            uniques, group, card_ends = _factorize(np, keys, threads, card_runs=True)
        epochs = np.ascontiguousarray(_epochs(cards["signed_at"]), dtype=np.int64)
        numbers, order_days, cents, period_from, period_to, joined = _order_columns(orders)
        cie_quarter = list(cieonline["quarter"]) if cieonline is not None else []
        cie_cards = np.asarray([], dtype=np.int64)
        if cieonline is not None:
            cie_cards = column(cieonline, "cards")
            if cie_cards.dtype.kind != "f":  # floats go on as they are: refused natively, as amounts are
                cie_cards = np.ascontiguousarray(cie_cards, dtype=np.int64)
        tr_quarter = list(transmitted["quarter"]) if transmitted is not None else []
    except CieError:
        raise  # already coded, with its own message
    except (TypeError, ValueError, KeyError, OverflowError) as exc:
        raise _native.coded_error("INPUT_FORMAT", f"reconcile_groups columns: {exc!r}") from exc
    columns, summary_columns = _native.reconcile_groups_columns(
        len(uniques), group[0], epochs, group[1], numbers, joined, order_days, cents, period_from, period_to,
        group[2], cie_quarter, cie_cards, group[3], tr_quarter, when, first_quarter, threads, card_ends,
    )
    names = np.asarray([k.item() if hasattr(k, "item") else k for k in uniques] + [None], dtype=object)
    group_of_row = columns.pop("group")
    out = {by: names[group_of_row] if len(group_of_row) else np.asarray([], dtype=object)}
    out.update(columns)
    group_of_summary = summary_columns.pop("group")
    return GroupedReconciliation(by=by, columns=out, summary_columns={by: names[group_of_summary].tolist(), **summary_columns})


def quarter_of_many(moments: Any) -> Any:
    """Quarters of a numpy ``datetime64`` or ``int64`` epoch-seconds array, as an ``int32``
    array of codes ``year * 10 + number`` (``20241`` = 2024-Q1; 0 = outside the calendar)."""
    np = _optional("numpy")

    array = np.ascontiguousarray(_epochs(moments), dtype=np.int64)
    return _native.quarter_codes(array)


def reconcile(
    allocation: Union[Allocation, Mapping[QuarterLike, Money]],
    cieonline: Optional[Mapping[QuarterLike, int]] = None,
    transmitted: Optional[Iterable[QuarterLike]] = None,
    now: Optional[MomentLike] = None,
    first_quarter: Optional[QuarterLike] = None,
    last_quarter: Optional[QuarterLike] = None,
    schedule: Optional[Sequence[Price]] = None,
) -> Reconciliation:
    """Reconciles an allocation (or per-quarter amounts) with CIEonline counts.

    ``now`` decides which quarters have ended (default: the current time); ``schedule`` prices
    each quarter (default: the built-in €16,79).
    """
    when = now if now is not None else datetime.now(timezone.utc)
    if isinstance(allocation, Allocation):
        return _native.reconcile(when, allocation._native, None, dict(cieonline or {}), transmitted, first_quarter, last_quarter, schedule)
    return _native.reconcile(when, None, dict(allocation), dict(cieonline or {}), transmitted, first_quarter, last_quarter, schedule)


def check_order(
    number: str,
    date: DateLike,
    amount: Money,
    period: Optional[Tuple[Optional[DateLike], Optional[DateLike]]] = None,
    causale: Optional[str] = None,
    *,
    now: Optional[MomentLike] = None,
    municipality: Optional[str] = None,
    schedule: Optional[Sequence[Price]] = None,
) -> Dict[str, Any]:
    """The order check (SPEC §5): every finding of an order, not just the first. With a
    ``causale``, its mismatches with the order (card count, period, ``municipality``) are
    warnings of the field ``causale`` (§1.6).

    Returns ``{"order", "findings": [{"code", "severity", "field", "message_it", "message_en",
    "fields"}], "cards", "top_up", "quarters", "missed_due_date"}`` (amounts as machine text).
    ``period`` is ``(from, to)``; a pair with one end ``None`` is the finding
    ``PERIOD_INCOMPLETE``. ``now`` (default: the current time) decides what is in the future;
    ``schedule`` (a sequence of :class:`Price`) replaces the built-in €16,79.
    A value of the wrong type (a float amount, a datetime for a date) raises ``CieError``.
    """
    when = now if now is not None else datetime.now(timezone.utc)
    return _native.check_order(number, date, amount, period, when, causale, municipality, schedule)  # type: ignore[no-any-return]


def check_order_form(
    number: str, date: str, amount: str, period_from: str = "", period_to: str = "", *, now: Optional[MomentLike] = None
) -> Dict[str, Any]:
    """The order check on the portal form's texts, as typed: strict ``gg/mm/aaaa`` dates and
    ``1234,56`` amounts (``1.000`` is ``AMOUNT_FORMAT``), empty period fields for no period.
    Same result as :func:`check_order`; nothing raises for a bad text, it is a finding."""
    when = now if now is not None else datetime.now(timezone.utc)
    return _native.check_order_form(number, date, amount, period_from, period_to, when)  # type: ignore[no-any-return]


Source = Union[str, "os.PathLike[str]", bytes, bytearray, memoryview, IO[bytes]]


def _bytes_of(source: Source) -> bytes:
    if isinstance(source, (bytes, bytearray, memoryview)):
        return bytes(source)
    if hasattr(source, "read"):
        data = source.read()  # type: ignore[union-attr]
        if isinstance(data, str):
            raise _native.coded_error("INPUT_FORMAT", "open the file in binary mode ('rb'): the encoding is detected from the bytes")
        return bytes(data)
    with open(os.fspath(source), "rb") as f:  # type: ignore[arg-type]
        return f.read()


@dataclass(frozen=True)
class Imported(_Result):
    """What an export reader returns: the rows it could read (each with its ``line``), every
    finding (``line``, ``column``, ``code``, ``severity``, ``message_it``, ``message_en``,
    ``fields``), and how the file was read (``source``: format, encoding, delimiter, sheet)."""

    rows: List[Dict[str, Any]]
    findings: List[Dict[str, Any]]
    source: Dict[str, Any]

    @property
    def errors(self) -> List[Dict[str, Any]]:
        """The findings that left a row out."""
        return [f for f in self.findings if f["severity"] == "error"]

    def payment_orders(self) -> List[PaymentOrder]:
        """The orders read, for :func:`allocate`."""
        return [PaymentOrder(r["number"], r["date"], r["amount"], r["period"]) for r in self.rows]

    def epochs(self) -> List[int]:
        """The cards' signing moments as UTC epoch seconds, for :func:`allocate`."""
        return [r["epoch"] for r in self.rows]

    def counts(self) -> Dict[str, int]:
        """CIEonline counts by quarter, for :func:`reconcile`."""
        return {r["quarter"]: r["cards"] for r in self.rows}


def _read_export(kind: str, source: Source, now: Optional[MomentLike], sheet: Optional[str], municipality: Optional[str] = None) -> Imported:
    rows, findings, how = _native.read_export(kind, _bytes_of(source), now, sheet, municipality)
    return Imported(rows=rows, findings=findings, source=how)


def read_orders(
    source: Source, *, now: Optional[MomentLike] = None, sheet: Optional[str] = None, municipality: Optional[str] = None
) -> Imported:
    """Payment orders from an accounting or spreadsheet export or the treasury's OPI file (SPEC
    §11): a path, the bytes, or a binary file object; CSV in UTF-8, UTF-16 or Windows-1252,
    XLSX/XLS/ODS, or OPI XML (only the CIE orders). Rows carry ``number``, ``date``, ``amount``
    (Decimal), ``period`` and ``causale``; every row that cannot be read, every duplicate and
    every order dated after ``now`` is a finding, and a causale that does not match its order
    (count, period, ``municipality``) a warning."""
    return _read_export("orders", source, now, sheet, municipality)


def read_cards(source: Source, *, now: Optional[MomentLike] = None, sheet: Optional[str] = None) -> Imported:
    """Cards from an export: rows carry ``signed_at`` (aware datetime), ``epoch`` and
    ``card_id``; the same card id twice and cards signed after ``now`` are findings."""
    return _read_export("cards", source, now, sheet)


def read_cieonline(source: Source, *, now: Optional[MomentLike] = None, sheet: Optional[str] = None) -> Imported:
    """CIEonline counts from an export: rows carry ``quarter`` and ``cards``; a second count for
    a quarter is a finding (the first stands)."""
    return _read_export("cieonline", source, now, sheet)


def statement(case: Mapping[str, Any], schedule: Optional[Sequence[Price]] = None) -> Dict[str, Any]:
    """Allocation, Resoconto and settlement (credits, debits, offsets "da concordare", portions
    before the portal or needing Support) of one municipality, from the documented input shape:
    ``{"now", "municipality"?, "cards": [moment text], "orders": [{"number", "date", "amount",
    "period_from"?, "period_to"?}], "cieonline"?, "states"?, "transmitted_on"?,
    "first_quarter"?, "last_quarter"?}``. Amounts are machine text (``"302.22"``) in and out.
    """
    return _native.statement(case, schedule)  # type: ignore[no-any-return]


def allocation_report(
    municipality: str, quarter: QuarterLike, allocation: Allocation, cieonline_cards: Optional[int] = None, same_person: bool = False, now: Optional[MomentLike] = None
) -> Tuple[Dict[str, Any], bytes]:
    """The quarterly report of a quarter from an allocation: (data, PDF bytes)."""
    when = now if now is not None else datetime.now(timezone.utc)
    return _native.allocation_report(municipality, quarter, allocation._native, cieonline_cards, same_person, when)  # type: ignore[no-any-return]


class Portal(_native.Portal):
    """The portal aggregate: municipalities, users, quarters. One method per command, each
    taking ``actor`` (a fiscal code, or ``"support"``) and ``now``; a refused command raises a
    :class:`CieError` and changes nothing. ``Portal.replay(events_json)`` rebuilds a portal
    from its event log, re-checking every event."""

    def events(self) -> List[Dict[str, Any]]:  # type: ignore[override]
        """The accepted events, as a JSON-ready list."""
        return json.loads(super().events())["events"]  # type: ignore[no-any-return]

    def events_json(self) -> str:
        """The versioned JSON event log (what :meth:`replay` reads)."""
        return super().events()

    def quarterly_report(self, municipality: str, quarter: QuarterLike, same_person: bool = False, now: Optional[MomentLike] = None) -> Tuple[Dict[str, Any], bytes]:  # type: ignore[override]
        """The quarterly report: (data, PDF bytes)."""
        when = now if now is not None else datetime.now(timezone.utc)
        return super().quarterly_report(municipality, quarter, same_person, when)


Credentials = _native.Credentials

__all__ = [
    "ArrowTable",
    "GroupedReconciliation",
    "reconcile_groups",
    "Allocation",
    "Credentials",
    "AmountNotMultipleError",
    "CieError",
    "CitizenFee",
    "FloatNotAllowedError",
    "Fortnight",
    "OrderAllocation",
    "PaymentOrder",
    "Portal",
    "Portion",
    "Price",
    "Quarter",
    "QuarterAllocation",
    "QuarterRow",
    "PrePortalRow",
    "Reconciliation",
    "SiteRegistry",
    "allocate",
    "allocation_report",
    "check_order",
    "check_order_form",
    "Imported",
    "read_cards",
    "read_cieonline",
    "read_orders",
    "statement",
    "amount_for_cards",
    "apr_connection_type",
    "apr_format_flag",
    "apr_parse_flag",
    "cards_for_amount",
    "causale",
    "check_password",
    "check_password_change",
    "citizen_fee",
    "errors",
    "format_amount",
    "generate_password",
    "is_valid_cap",
    "is_valid_email",
    "fiscal_code_matches_name",
    "is_valid_fiscal_code",
    "is_valid_iban",
    "is_valid_phone",
    "is_valid_vat_number",
    "parse_amount",
    "parse_amount_machine",
    "parse_date",
    "password_rules",
    "pre2020_mailbox",
    "price_on",
    "quarter_of",
    "quarter_of_many",
    "reconcile",
    "validate_cap",
    "validate_caps",
    "validate_email",
    "validate_emails",
    "validate_fiscal_code",
    "validate_fiscal_codes",
    "validate_iban",
    "validate_ibans",
    "validate_phone",
    "validate_phones",
    "validate_vat_number",
    "validate_vat_numbers",
]
