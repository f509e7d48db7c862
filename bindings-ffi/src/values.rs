//! Value operations of the C API: prices, fees, causale, quarters, dates, fortnights, mailbox,
//! passwords, APR constants. Dates cross as ISO text (`2024-03-31`), money as `int64_t` cents.

use std::ffi::c_char;

use chrono::NaiveDate;
use cie_pagamenti::apr::{ConnectionType, FlagPair};
use cie_pagamenti::calendar::{parse_date, parse_iso_date, pre2020_mailbox};
use cie_pagamenti::password::{check_password_change, generate_password};
use cie_pagamenti::pricing::causale;
use cie_pagamenti::{Amount, ErrorCode, Fortnight, Lang, PriceSchedule, Quarter};

use crate::{core, guard, invalid, put, put_rules, put_string, text, CieQuarter, CieStatus};

/// An optional ISO date argument: null = none.
///
/// # Safety
/// `p` is null or a NUL-terminated string.
pub(crate) unsafe fn optional_day(p: *const c_char) -> Result<Option<NaiveDate>, CieStatus> {
    if p.is_null() {
        return Ok(None);
    }
    // SAFETY: forwarded contract.
    Ok(Some(core(parse_iso_date(unsafe { text(p) }?))?))
}

/// A required ISO date argument.
///
/// # Safety
/// `p` is a NUL-terminated string (null gives `CIE_STATUS_INVALID_ARGUMENT`).
unsafe fn day(p: *const c_char) -> Result<NaiveDate, CieStatus> {
    // SAFETY: forwarded contract.
    core(parse_iso_date(unsafe { text(p) }?))
}

/// A quarter coming from C, checked (year 1..=9999, number 1..=4).
pub(crate) fn quarter(q: CieQuarter) -> Result<Quarter, CieStatus> {
    core(Quarter::new(q.year, q.number))
}

pub(crate) fn c_quarter(q: Quarter) -> CieQuarter {
    CieQuarter { year: q.year(), number: q.number() }
}

fn lang(l: i32) -> Lang {
    if l == 1 {
        Lang::En
    } else {
        Lang::It
    }
}

/// The price of one CIE in force on a date (amounts in cents).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct CiePrice {
    /// Unit price paid to the State (VAT included).
    pub unit_cents: i64,
    /// Net of VAT.
    pub net_cents: i64,
    /// VAT.
    pub vat_cents: i64,
    /// VAT rate in percent.
    pub vat_rate_percent: u32,
    /// Share returned to the municipality.
    pub municipal_share_cents: i64,
    /// Share of the Ministry.
    pub ministry_share_cents: i64,
    /// First day of validity: year, month, day.
    pub valid_from_year: i32,
    /// Month 1..=12.
    pub valid_from_month: u32,
    /// Day 1..=31.
    pub valid_from_day: u32,
}

/// What the citizen pays (cents).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct CieCitizenFee {
    /// The State's price.
    pub state_cents: i64,
    /// The municipal fixed fee (doubled for a duplicate).
    pub fixed_fee_cents: i64,
    /// The secretarial fee.
    pub secretarial_fee_cents: i64,
    /// The total.
    pub total_cents: i64,
}

/// Parses a machine-format amount (`"1234.56"`, `"1234"`) into cents.
///
/// # Safety
/// `text_in` is a NUL-terminated string; `out_cents` is writable.
#[no_mangle]
pub unsafe extern "C" fn cie_amount_parse_machine(text_in: *const c_char, out_cents: *mut i64) -> CieStatus {
    guard(|| {
        // SAFETY: forwarded contract.
        let amount = core(Amount::parse_machine(unsafe { text(text_in) }?))?;
        unsafe { put(out_cents, amount.cents()) }
    })
}

/// The amount due for `cards` cards at the price in force on `on` (ISO date, or null = current).
///
/// # Safety
/// `on` is null or a NUL-terminated string; `out_cents` is writable.
#[no_mangle]
pub unsafe extern "C" fn cie_amount_for_cards(cards: u64, on: *const c_char, out_cents: *mut i64) -> CieStatus {
    guard(|| {
        let schedule = PriceSchedule::builtin();
        // SAFETY: forwarded contract.
        let price = core(schedule.price_at(unsafe { optional_day(on) }?))?;
        let amount = core(price.amount_for_cards(cards))?;
        unsafe { put(out_cents, amount.cents()) }
    })
}

/// The price in force on `day` (ISO date, or null = current).
///
/// # Safety
/// `day_in` is null or a NUL-terminated string; `out` is writable.
#[no_mangle]
pub unsafe extern "C" fn cie_price_on(day_in: *const c_char, out: *mut CiePrice) -> CieStatus {
    use chrono::Datelike;
    guard(|| {
        let schedule = PriceSchedule::builtin();
        // SAFETY: forwarded contract.
        let p = core(schedule.price_at(unsafe { optional_day(day_in) }?))?;
        let price = CiePrice {
            unit_cents: p.unit.cents(),
            net_cents: p.net.cents(),
            vat_cents: p.vat.cents(),
            vat_rate_percent: p.vat_rate_percent,
            municipal_share_cents: p.municipal_share.cents(),
            ministry_share_cents: p.ministry_share.cents(),
            valid_from_year: p.valid_from.year(),
            valid_from_month: p.valid_from.month(),
            valid_from_day: p.valid_from.day(),
        };
        unsafe { put(out, price) }
    })
}

/// The citizen fee (§1.5) at the current price: `fixed_fee_cents` and `secretarial_fee_cents`
/// are null for the defaults (€5,16 and €0,26) or point to the municipality's own amounts.
///
/// # Safety
/// The two fee pointers are null or readable; `out` is writable.
#[no_mangle]
pub unsafe extern "C" fn cie_citizen_fee(
    duplicate: bool,
    fixed_fee_cents: *const i64,
    secretarial_fee_cents: *const i64,
    out: *mut CieCitizenFee,
) -> CieStatus {
    guard(|| {
        // SAFETY: null or readable per the contract.
        let read = |p: *const i64| (!p.is_null()).then(|| Amount::from_cents(unsafe { p.read() }));
        let fee = core(PriceSchedule::builtin().current().citizen_fee(
            duplicate,
            read(fixed_fee_cents),
            read(secretarial_fee_cents),
        ))?;
        let fee = CieCitizenFee {
            state_cents: fee.state.cents(),
            fixed_fee_cents: fee.fixed_fee.cents(),
            secretarial_fee_cents: fee.secretarial_fee.cents(),
            total_cents: fee.total.cents(),
        };
        unsafe { put(out, fee) }
    })
}

/// The payment description (§1.6) for `cards` cards of a fortnight (`"2024-03-2"`).
///
/// # Safety
/// The strings are NUL-terminated; `out` is writable (free with `cie_string_free`).
#[no_mangle]
pub unsafe extern "C" fn cie_causale(
    municipality: *const c_char,
    fortnight: *const c_char,
    cards: u64,
    out: *mut *mut c_char,
) -> CieStatus {
    guard(|| {
        // SAFETY: forwarded contract.
        let (name, fortnight) = unsafe { (text(municipality)?, text(fortnight)?) };
        let fortnight = core(Fortnight::parse(fortnight))?;
        let description = core(causale(name, fortnight, cards))?;
        unsafe { put_string(out, &description) }
    })
}

/// Parses a quarter (`"2024-Q1"`, case-insensitive).
///
/// # Safety
/// `text_in` is a NUL-terminated string; `out` is writable.
#[no_mangle]
pub unsafe extern "C" fn cie_quarter_parse(text_in: *const c_char, out: *mut CieQuarter) -> CieStatus {
    guard(|| {
        // SAFETY: forwarded contract.
        let q = core(Quarter::parse(unsafe { text(text_in) }?))?;
        unsafe { put(out, c_quarter(q)) }
    })
}

/// Checks that a quarter is one the portal knows (2020-Q1 or later).
#[no_mangle]
pub extern "C" fn cie_quarter_ensure_portal(q: CieQuarter) -> CieStatus {
    guard(|| core(quarter(q)?.ensure_portal()).map(|_| ()))
}

/// Text forms of a quarter: `what` 0 = canonical (`2024-Q1`), 1 = Italian label
/// (`1° trimestre 2024`), 2 = English label, 3 = first day, 4 = last day (ISO dates).
///
/// # Safety
/// `out` is writable (free with `cie_string_free`).
#[no_mangle]
pub unsafe extern "C" fn cie_quarter_text(q: CieQuarter, what: u32, out: *mut *mut c_char) -> CieStatus {
    guard(|| {
        let q = quarter(q)?;
        let s = match what {
            0 => q.to_string(),
            1 => q.label_it(),
            2 => q.label_en(),
            3 => q.first_day().to_string(),
            4 => q.last_day().to_string(),
            _ => return Err(invalid("what: 0..=4")),
        };
        unsafe { put_string(out, &s) }
    })
}

/// The quarter after (`step` = 1) or before (`step` = -1) `q`.
///
/// # Safety
/// `out` is writable.
#[no_mangle]
pub unsafe extern "C" fn cie_quarter_step(q: CieQuarter, step: i32, out: *mut CieQuarter) -> CieStatus {
    guard(|| {
        let q = quarter(q)?;
        let moved = match step {
            1 => q.next(),
            -1 => q.previous(),
            _ => return Err(invalid("step: 1 or -1")),
        };
        let moved = moved.ok_or_else(|| invalid("no such quarter"))?;
        unsafe { put(out, c_quarter(moved)) }
    })
}

/// Parses a portal date (`gg/mm/aaaa`); `out` receives the ISO date (free with `cie_string_free`).
///
/// # Safety
/// `text_in` is a NUL-terminated string; `out` is writable.
#[no_mangle]
pub unsafe extern "C" fn cie_date_parse(text_in: *const c_char, out: *mut *mut c_char) -> CieStatus {
    guard(|| {
        // SAFETY: forwarded contract.
        let date = core(parse_date(unsafe { text(text_in) }?))?;
        unsafe { put_string(out, &date.to_string()) }
    })
}

/// The fortnight of an ISO date: `out` receives its canonical form (`2024-03-2`).
///
/// # Safety
/// `day_in` is a NUL-terminated string; `out` is writable (free with `cie_string_free`).
#[no_mangle]
pub unsafe extern "C" fn cie_fortnight_of(day_in: *const c_char, out: *mut *mut c_char) -> CieStatus {
    guard(|| {
        // SAFETY: forwarded contract.
        let f = core(Fortnight::of(unsafe { day(day_in) }?))?;
        unsafe { put_string(out, &f.to_string()) }
    })
}

/// Dates of a fortnight (`"2024-03-2"`) as ISO text: `what` 0 = first day, 1 = last day,
/// 2 = payment due date (§2.4).
///
/// # Safety
/// `fortnight` is a NUL-terminated string; `out` is writable (free with `cie_string_free`).
#[no_mangle]
pub unsafe extern "C" fn cie_fortnight_date(fortnight: *const c_char, what: u32, out: *mut *mut c_char) -> CieStatus {
    guard(|| {
        // SAFETY: forwarded contract.
        let f = core(Fortnight::parse(unsafe { text(fortnight) }?))?;
        let date = match what {
            0 => f.first_day(),
            1 => f.last_day(),
            2 => f.due_date(),
            _ => return Err(invalid("what: 0..=2")),
        };
        unsafe { put_string(out, &date.to_string()) }
    })
}

/// The pre-2020 payment mailbox of a municipality by name (§2.5).
///
/// # Safety
/// `name` is a NUL-terminated string; `out` is writable (free with `cie_string_free`).
#[no_mangle]
pub unsafe extern "C" fn cie_pre2020_mailbox(name: *const c_char, out: *mut *mut c_char) -> CieStatus {
    guard(|| {
        // SAFETY: forwarded contract.
        let mailbox = core(pre2020_mailbox(unsafe { text(name) }?))?;
        unsafe { put_string(out, mailbox) }
    })
}

/// Checks a password change (§6.5): `out_unmet` receives the number of unmet rules and
/// `out_codes` (may be null) their codes, comma-separated (free with `cie_string_free`).
///
/// # Safety
/// The strings are NUL-terminated; `out_unmet` writable; `out_codes` null or writable.
#[no_mangle]
pub unsafe extern "C" fn cie_password_change_check(
    current: *const c_char,
    new: *const c_char,
    confirmation: *const c_char,
    out_unmet: *mut u32,
    out_codes: *mut *mut c_char,
) -> CieStatus {
    guard(|| {
        // SAFETY: forwarded contract.
        let (current, new, confirmation) = unsafe { (text(current)?, text(new)?, text(confirmation)?) };
        let unmet = check_password_change(current, new, confirmation);
        unsafe { put_rules(&unmet, out_unmet, out_codes) }
    })
}

/// The message of any error or password-rule code (`lang` 0 = Italian, 1 = English); an unknown
/// code gives `CIE_STATUS_INVALID_ARGUMENT`.
///
/// # Safety
/// `code` is a NUL-terminated string; `out` is writable (free with `cie_string_free`).
#[no_mangle]
pub unsafe extern "C" fn cie_code_message(code: *const c_char, lang_in: i32, out: *mut *mut c_char) -> CieStatus {
    guard(|| {
        // SAFETY: forwarded contract.
        let code = ErrorCode::from_code(unsafe { text(code) }?).ok_or_else(|| invalid("unknown code"))?;
        unsafe { put_string(out, code.message(lang(lang_in))) }
    })
}

/// A random password of `length` characters meeting every rule (§6.6), from the OS CSPRNG.
///
/// # Safety
/// `out` is writable (free with `cie_string_free`).
#[no_mangle]
pub unsafe extern "C" fn cie_password_generate(length: usize, out: *mut *mut c_char) -> CieStatus {
    guard(|| {
        let password = core(generate_password(length))?;
        unsafe { put_string(out, password.expose()) }
    })
}

/// Parses an APR flag (`pair` such as `"S/N"`, `"SI/NO"`, `"1/0"`).
///
/// # Safety
/// The strings are NUL-terminated; `out` is writable.
#[no_mangle]
pub unsafe extern "C" fn cie_apr_parse_flag(pair: *const c_char, text_in: *const c_char, out: *mut bool) -> CieStatus {
    guard(|| {
        // SAFETY: forwarded contract.
        let (pair, value) = unsafe { (text(pair)?, text(text_in)?) };
        let flag = core(core(FlagPair::from_name(pair))?.parse(value))?;
        unsafe { put(out, flag) }
    })
}

/// Formats an APR flag in a pair's spelling.
///
/// # Safety
/// `pair` is NUL-terminated; `out` is writable (free with `cie_string_free`).
#[no_mangle]
pub unsafe extern "C" fn cie_apr_format_flag(pair: *const c_char, value: bool, out: *mut *mut c_char) -> CieStatus {
    guard(|| {
        // SAFETY: forwarded contract.
        let pair = core(FlagPair::from_name(unsafe { text(pair) }?))?;
        unsafe { put_string(out, pair.format(value)) }
    })
}

/// Parses an APR connection type; `out` receives its canonical name.
///
/// # Safety
/// `text_in` is NUL-terminated; `out` is writable (free with `cie_string_free`).
#[no_mangle]
pub unsafe extern "C" fn cie_apr_connection_type(text_in: *const c_char, out: *mut *mut c_char) -> CieStatus {
    guard(|| {
        // SAFETY: forwarded contract.
        let kind = core(ConnectionType::parse(unsafe { text(text_in) }?))?;
        unsafe { put_string(out, &kind.to_string()) }
    })
}
