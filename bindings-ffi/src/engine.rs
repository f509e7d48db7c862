//! Allocation (§3) and reconciliation (§4) through the C API: cards as an array of epoch seconds,
//! orders as an array of `cie_order_t`, the result as an opaque `cie_allocation_t` read through
//! accessors or as JSON.

use std::collections::{BTreeMap, BTreeSet};
use std::ffi::c_char;

use std::sync::OnceLock;

use cie_pagamenti::allocation::{allocate_columns, Allocation, AllocationTable};
use cie_pagamenti::orders::{declared_period, OrderColumns};
use cie_pagamenti::reconciliation::{reconcile_allocation, reconcile_groups, GroupedInput, Lifespan};
use cie_pagamenti::{Amount, Moment, PriceSchedule};

use crate::values::{c_quarter, optional_day, quarter};
use crate::{core, guard, invalid, put, put_string, text, CieQuarter, CieStatus};

/// A payment order as C gives it.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct CieOrder {
    /// The order number (NUL-terminated).
    pub number: *const c_char,
    /// The order date, ISO (`2024-04-10`).
    pub date: *const c_char,
    /// The amount in cents.
    pub amount_cents: i64,
    /// First day of the declared period (ISO) or null.
    pub period_from: *const c_char,
    /// Last day of the declared period (ISO) or null; both or neither.
    pub period_to: *const c_char,
}

/// One quarter of an allocation.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct CieQuarterAllocation {
    /// The quarter.
    pub quarter: CieQuarter,
    /// Cards signed in the quarter.
    pub cards_signed: u64,
    /// Cards of the quarter paid by orders.
    pub cards_paid: u64,
    /// Amount allocated to the quarter (cents).
    pub amount_cents: i64,
    /// Cards of the quarter not paid.
    pub unpaid_cards: u64,
    /// What is still owed for the quarter (cents).
    pub debit_cents: i64,
}

/// A CIEonline count for a quarter.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct CieQuarterCards {
    /// The quarter.
    pub quarter: CieQuarter,
    /// Cards issued according to CIEonline.
    pub cards: u64,
}

/// An opaque allocation result.
pub struct AllocationHandle {
    /// The columnar result: totals and quarters are read from it.
    table: AllocationTable,
    /// The orders, kept for the per-order records.
    orders: OrderColumns,
    /// The per-order records, built on the first `cie_allocation_json`.
    records: OnceLock<Allocation>,
}

impl AllocationHandle {
    fn records(&self) -> &Allocation {
        self.records.get_or_init(|| self.table.clone().into_allocation(self.orders.to_orders()))
    }
}

/// A C array as a slice; null is accepted only with length 0.
///
/// # Safety
/// `p` is null or valid for reads of `len` elements.
unsafe fn slice<'a, T>(p: *const T, len: usize, what: &str) -> Result<&'a [T], CieStatus> {
    if len == 0 {
        return Ok(&[]);
    }
    if p.is_null() {
        return Err(invalid(&format!("null {what} with non-zero length")));
    }
    if len.checked_mul(std::mem::size_of::<T>()).is_none_or(|b| b > isize::MAX as usize) {
        return Err(invalid(&format!("{what} length")));
    }
    // SAFETY: non-null, readable for `len` elements per the contract, size checked above.
    Ok(unsafe { std::slice::from_raw_parts(p, len) })
}

/// Allocates payment orders to the quarters of the cards they pay (§3) at the built-in prices.
/// `cards` are signing moments in UTC epoch seconds, in any order. On success `*out` receives a
/// handle: free it with `cie_allocation_free`. A refused order or card gives its status and
/// leaves `*out` untouched.
///
/// # Safety
/// `cards` is null (with `n_cards` 0) or readable for `n_cards` values; `orders` likewise with
/// `n_orders`, each order's strings NUL-terminated (the period pointers may be null); `out` is
/// writable.
#[no_mangle]
pub unsafe extern "C" fn cie_allocate(
    cards: *const i64,
    n_cards: usize,
    orders: *const CieOrder,
    n_orders: usize,
    out: *mut *mut AllocationHandle,
) -> CieStatus {
    guard(|| {
        if out.is_null() {
            return Err(invalid("null out-pointer"));
        }
        // SAFETY: forwarded contract.
        let (cards, raw) = unsafe { (slice(cards, n_cards, "cards")?, slice(orders, n_orders, "orders")?) };
        let mut orders = OrderColumns::with_capacity(raw.len());
        for o in raw {
            // SAFETY: each string is null or NUL-terminated per the contract.
            let (number, date) = unsafe { (text(o.number)?, crate::values::optional_day(o.date)?) };
            let date = date.ok_or_else(|| invalid("null order date"))?;
            // SAFETY: each string is null or NUL-terminated per the contract.
            let (from, to) = unsafe { (optional_day(o.period_from)?, optional_day(o.period_to)?) };
            let period = core(declared_period(from, to))?;
            core(orders.push(number, date, Amount::from_cents(o.amount_cents), period))?;
        }
        let table = core(allocate_columns(cards, &orders, &PriceSchedule::builtin()))?;
        let handle = AllocationHandle { table, orders, records: OnceLock::new() };
        unsafe { put(out, Box::into_raw(Box::new(handle))) }
    })
}

/// Frees an allocation. Null is ignored.
///
/// # Safety
/// `allocation` is null or from `cie_allocate`, not yet freed.
#[no_mangle]
pub unsafe extern "C" fn cie_allocation_free(allocation: *mut AllocationHandle) {
    if !allocation.is_null() {
        // SAFETY: created by `Box::into_raw` in `cie_allocate`, per the contract.
        drop(unsafe { Box::from_raw(allocation) });
    }
}

/// Borrows the allocation behind a handle.
///
/// # Safety
/// `p` is null or a live handle.
unsafe fn handle<'a>(p: *const AllocationHandle) -> Result<&'a AllocationHandle, CieStatus> {
    if p.is_null() {
        return Err(invalid("null allocation"));
    }
    // SAFETY: non-null and live per the contract.
    Ok(unsafe { &*p })
}

/// Totals of an allocation: credit (paid beyond the cards), debit (owed for unpaid cards), cards.
/// Any out-pointer may be null.
///
/// # Safety
/// `allocation` from `cie_allocate`; out-pointers null or writable.
#[no_mangle]
pub unsafe extern "C" fn cie_allocation_totals(
    allocation: *const AllocationHandle,
    out_credit_cents: *mut i64,
    out_debit_cents: *mut i64,
    out_cards: *mut u64,
) -> CieStatus {
    guard(|| {
        // SAFETY: forwarded contract.
        let a = &unsafe { handle(allocation) }?.table;
        // SAFETY: each pointer checked for null before the write.
        unsafe {
            if !out_credit_cents.is_null() {
                put(out_credit_cents, a.credit.cents())?;
            }
            if !out_debit_cents.is_null() {
                put(out_debit_cents, a.debit.cents())?;
            }
            if !out_cards.is_null() {
                put(out_cards, a.cards)?;
            }
        }
        Ok(())
    })
}

/// The number of quarters of an allocation (read them with `cie_allocation_quarter`).
///
/// # Safety
/// `allocation` from `cie_allocate`; `out` writable.
#[no_mangle]
pub unsafe extern "C" fn cie_allocation_quarter_count(
    allocation: *const AllocationHandle,
    out: *mut usize,
) -> CieStatus {
    guard(|| {
        // SAFETY: forwarded contract.
        let n = unsafe { handle(allocation) }?.table.quarters.len();
        unsafe { put(out, n) }
    })
}

/// The `index`-th quarter of an allocation, in chronological order.
///
/// # Safety
/// `allocation` from `cie_allocate`; `out` writable.
#[no_mangle]
pub unsafe extern "C" fn cie_allocation_quarter(
    allocation: *const AllocationHandle,
    index: usize,
    out: *mut CieQuarterAllocation,
) -> CieStatus {
    guard(|| {
        // SAFETY: forwarded contract.
        let a = &unsafe { handle(allocation) }?.table;
        let (q, row) = a.quarters.iter().nth(index).ok_or_else(|| invalid("quarter index out of range"))?;
        let row = CieQuarterAllocation {
            quarter: c_quarter(*q),
            cards_signed: row.cards_signed,
            cards_paid: row.cards_paid,
            amount_cents: row.amount.cents(),
            unpaid_cards: row.unpaid_cards,
            debit_cents: row.debit.cents(),
        };
        unsafe { put(out, row) }
    })
}

/// The whole allocation as JSON (the CLI's `--json` fields: orders with portions and split flag,
/// quarters, credit, debit). Free with `cie_string_free`.
///
/// # Safety
/// `allocation` from `cie_allocate`; `out` writable.
#[no_mangle]
pub unsafe extern "C" fn cie_allocation_json(allocation: *const AllocationHandle, out: *mut *mut c_char) -> CieStatus {
    guard(|| {
        // SAFETY: forwarded contract.
        let a = unsafe { handle(allocation) }?.records();
        let json = serde_json::to_string(a).map_err(|_| invalid("allocation not serialisable"))?;
        unsafe { put_string(out, &json) }
    })
}

/// Reconciles an allocation (§4) with CIEonline counts, the transmitted quarters and `now` (ISO
/// moment); `first` is the municipality's first quarter on the portal (null = 2020-Q1, the
/// portal's first). `out` receives the Resoconto dei Trimestri as JSON (free with
/// `cie_string_free`).
///
/// # Safety
/// `allocation` from `cie_allocate`; the arrays null (with length 0) or readable; `first` null or
/// readable; `now` NUL-terminated; `out` writable.
#[no_mangle]
pub unsafe extern "C" fn cie_reconcile(
    allocation: *const AllocationHandle,
    cieonline: *const CieQuarterCards,
    n_cieonline: usize,
    transmitted: *const CieQuarter,
    n_transmitted: usize,
    first: *const CieQuarter,
    now: *const c_char,
    out: *mut *mut c_char,
) -> CieStatus {
    guard(|| {
        // SAFETY: forwarded contract.
        let a = &unsafe { handle(allocation) }?.table;
        let (counts, sent, now) = unsafe {
            (slice(cieonline, n_cieonline, "cieonline")?, slice(transmitted, n_transmitted, "transmitted")?, text(now)?)
        };
        let now = core(Moment::parse(now))?;
        let mut cie = BTreeMap::new();
        for c in counts {
            *cie.entry(quarter(c.quarter)?).or_insert(0u64) += c.cards;
        }
        let sent: BTreeSet<_> = sent.iter().map(|q| quarter(*q)).collect::<Result<_, _>>()?;
        let mut lifespan = Lifespan::default();
        if !first.is_null() {
            // SAFETY: non-null and readable per the contract.
            lifespan.first = quarter(unsafe { first.read() })?;
        }
        let result = reconcile_allocation(a, &cie, &sent, lifespan, now, &PriceSchedule::builtin());
        let json = serde_json::to_string(&result).map_err(|_| invalid("reconciliation not serialisable"))?;
        unsafe { put_string(out, &json) }
    })
}

/// Allocation, Resoconto and settlement of one municipality from a JSON case, as JSON (free
/// with `cie_string_free`): the core's `statement_json`. Input: `{"now", "municipality"?,
/// "cards": [moment text], "orders": [{"number", "date", "amount", "period_from"?,
/// "period_to"?}], "cieonline"?, "states"?, "transmitted_on"?, "first_quarter"?,
/// "last_quarter"?}`; amounts as machine text.
///
/// # Safety
/// `input` NUL-terminated; `out` writable.
#[no_mangle]
pub unsafe extern "C" fn cie_statement_json(input: *const c_char, out: *mut *mut c_char) -> CieStatus {
    guard(|| {
        // SAFETY: forwarded contract.
        let json = core(cie_pagamenti::reconciliation::statement_json(unsafe { text(input) }?))?;
        unsafe { put_string(out, &json) }
    })
}

/// The order check (SPEC §5 "Order check") on the portal form's texts, as JSON (free with
/// `cie_string_free`): `{order, findings: [{code, severity, field, message_it, message_en,
/// fields}], cards, top_up, quarters, missed_due_date}`. Texts as typed in the portal: dates
/// `gg/mm/aaaa`, amount `1234,56` (strict: `1.000` is the finding `AMOUNT_FORMAT`), empty or
/// null period ends for no period. `today` is the Rome civil date (ISO or `gg/mm/aaaa`). Every
/// rule is a finding; the status is an error only for unusable arguments.
///
/// # Safety
/// Every text NUL-terminated (the period ends may be null); `out` writable.
#[no_mangle]
pub unsafe extern "C" fn cie_order_check(
    number: *const c_char,
    date: *const c_char,
    amount: *const c_char,
    period_from: *const c_char,
    period_to: *const c_char,
    today: *const c_char,
    out: *mut *mut c_char,
) -> CieStatus {
    guard(|| {
        // SAFETY: forwarded contract.
        let (number, date, amount, today) = unsafe { (text(number)?, text(date)?, text(amount)?, text(today)?) };
        let end = |p: *const c_char| -> Result<&str, CieStatus> {
            if p.is_null() {
                Ok("")
            } else {
                // SAFETY: non-null and NUL-terminated per the contract.
                unsafe { text(p) }
            }
        };
        let (from, to) = (end(period_from)?, end(period_to)?);
        let today = core(cie_pagamenti::calendar::parse_any_date(today))?;
        let check =
            cie_pagamenti::orders::check_order_form(number, date, amount, from, to, today, &PriceSchedule::builtin());
        let json = serde_json::to_string(&check).map_err(|_| invalid("order check not serialisable"))?;
        unsafe { put_string(out, &json) }
    })
}

/// Reads an export (SPEC §11) into the import layer's JSON document (free with
/// `cie_string_free`): `kind` is `orders`, `cards` or `cieonline`; `data`/`len` the file's bytes
/// (CSV in UTF-8, UTF-16 or Windows-1252; XLSX, XLS, ODS; OPI XML for orders). `now` (ISO, or
/// null) makes later dates findings; `sheet` (or null: the first) picks a spreadsheet's sheet;
/// `municipality` (or null) checks the causali. Output `{rows: [... each with line],
/// findings: [{line, column, code, severity, message_it, message_en, fields}], source}`; a
/// file that cannot be read at all is an error status (`FILE_EMPTY`, `COLUMN_MISSING`,
/// `FILE_FORMAT`, `INPUT_FORMAT` for an unknown kind).
///
/// # Safety
/// `kind` NUL-terminated; `data` readable for `len` bytes (or null with `len` 0); `now`,
/// `sheet`, `municipality` NUL-terminated or null; `out` writable.
#[no_mangle]
pub unsafe extern "C" fn cie_read_export_json(
    kind: *const c_char,
    data: *const u8,
    len: usize,
    now: *const c_char,
    sheet: *const c_char,
    municipality: *const c_char,
    out: *mut *mut c_char,
) -> CieStatus {
    guard(|| {
        let optional = |p: *const c_char| -> Result<Option<&str>, CieStatus> {
            // SAFETY: null or NUL-terminated per the contract.
            if p.is_null() {
                Ok(None)
            } else {
                unsafe { text(p) }.map(Some)
            }
        };
        // SAFETY: forwarded contract.
        let (kind, data) = unsafe { (text(kind)?, slice(data, len, "data")?) };
        let now = optional(now)?.map(Moment::parse).transpose();
        let options = cie_pagamenti_import::Options {
            now: core(now)?,
            sheet: optional(sheet)?.map(str::to_owned),
            municipality: optional(municipality)?.map(str::to_owned),
        };
        let json = core(cie_pagamenti_import::read_export_json(kind, data, &options))?;
        unsafe { put_string(out, &json) }
    })
}

/// A CIEonline count of one group (municipality) of a national batch.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct CieGroupCount {
    /// The group (`0..groups`).
    pub group: u32,
    /// The quarter.
    pub quarter: CieQuarter,
    /// Cards issued according to CIEonline.
    pub cards: u64,
}

/// A transmitted quarter of one group of a national batch.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct CieGroupQuarter {
    /// The group (`0..groups`).
    pub group: u32,
    /// The quarter.
    pub quarter: CieQuarter,
}

/// The national job (§3.4): every group (municipality, numbered `0..groups` by the caller)
/// allocated and reconciled on its own, as the core's `reconcile_groups` does, on this thread.
/// Cards: `card_group[i]` signed at `card_epoch[i]` (UTC seconds), fastest sorted by group;
/// orders: `orders[i]` of group `order_group[i]`. `out` receives JSON (free with
/// `cie_string_free`): `[{rows: [quarter rows as cie_reconcile gives them], summary: {group,
/// cards, orders, credit, debit, discrepancies, mismatches, missing_quarters, error}}]`, one per
/// group in group order. A group that cannot be reconciled (a card outside the calendar) has
/// its `error` with the card's row, and does not stop the others.
///
/// # Safety
/// Each array null (with length 0) or readable for its length (`card_group` and `card_epoch`
/// `n_cards`, `order_group` and `orders` `n_orders`); the order strings as for `cie_allocate`;
/// `now` NUL-terminated; `out` writable.
#[no_mangle]
#[allow(clippy::too_many_arguments)] // one pointer and length per C array
pub unsafe extern "C" fn cie_reconcile_groups_json(
    groups: usize,
    card_group: *const u32,
    card_epoch: *const i64,
    n_cards: usize,
    order_group: *const u32,
    orders: *const CieOrder,
    n_orders: usize,
    cieonline: *const CieGroupCount,
    n_cieonline: usize,
    transmitted: *const CieGroupQuarter,
    n_transmitted: usize,
    now: *const c_char,
    out: *mut *mut c_char,
) -> CieStatus {
    guard(|| {
        // SAFETY: forwarded contract.
        let (card_group, card_epoch, order_group, raw, counts, sent, now) = unsafe {
            (
                slice(card_group, n_cards, "card_group")?,
                slice(card_epoch, n_cards, "card_epoch")?,
                slice(order_group, n_orders, "order_group")?,
                slice(orders, n_orders, "orders")?,
                slice(cieonline, n_cieonline, "cieonline")?,
                slice(transmitted, n_transmitted, "transmitted")?,
                text(now)?,
            )
        };
        let now = core(Moment::parse(now))?;
        let mut orders = OrderColumns::with_capacity(raw.len());
        for o in raw {
            // SAFETY: each string is null or NUL-terminated per the contract.
            let (number, date) = unsafe { (text(o.number)?, optional_day(o.date)?) };
            let date = date.ok_or_else(|| invalid("null order date"))?;
            // SAFETY: as above.
            let (from, to) = unsafe { (optional_day(o.period_from)?, optional_day(o.period_to)?) };
            let period = core(declared_period(from, to))?;
            core(orders.push(number, date, Amount::from_cents(o.amount_cents), period))?;
        }
        let counts = counts
            .iter()
            .map(|c| Ok((c.group, quarter(c.quarter)?, c.cards)))
            .collect::<Result<Vec<_>, CieStatus>>()?;
        let sent = sent.iter().map(|t| Ok((t.group, quarter(t.quarter)?))).collect::<Result<Vec<_>, CieStatus>>()?;
        let input = core(GroupedInput::with_order_columns(
            groups,
            card_group,
            card_epoch,
            order_group,
            orders,
            &counts,
            &sent,
        ))?;
        let results = reconcile_groups(&input, Lifespan::default(), now, &PriceSchedule::builtin());
        // A group number out of range inside a run of the group column is found as the
        // groups are reconciled: the call's error, as for one found when splitting.
        core(input.check())?;
        let json = serde_json::to_string(&results).map_err(|_| invalid("results not serialisable"))?;
        unsafe { put_string(out, &json) }
    })
}
