//! The C API of cie-pagamenti. Every function returns a [`CieStatus`] (`CIE_STATUS_OK` = 0 or
//! one value per stable error code); the message of the last failure on the calling thread is
//! read with `cie_last_error_message`. Nothing crosses unchecked: null pointers and invalid
//! UTF-8 give `CIE_STATUS_INVALID_ARGUMENT`, and every body runs under `catch_unwind`.
//!
//! Strings returned through `char **out` are owned by the caller: free them with
//! `cie_string_free`. Money crosses as `int64_t` cents or as decimal text.

#![allow(unsafe_code)]

#[allow(clippy::enum_variant_names)] // the prefix is the C naming (CIE_STATUS_…)
mod status;

mod engine;
mod values;

pub use engine::*;
pub use values::*;

use std::cell::RefCell;
use std::ffi::{c_char, CStr, CString};
use std::panic::{catch_unwind, AssertUnwindSafe};

use cie_pagamenti::identifiers as id;
use cie_pagamenti::workflow::Portal;
use cie_pagamenti::{Amount, CieError, Lang, Moment, PriceSchedule};
pub use status::CieStatus;

/// A quarter: year and number (1–4).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct CieQuarter {
    /// The year.
    pub year: i32,
    /// 1..=4.
    pub number: u32,
}

thread_local! {
    static LAST: RefCell<(CString, CString, CString)> = RefCell::new((CString::default(), CString::default(), CString::default()));
    static FIELDS: RefCell<CString> = RefCell::new(CString::from(c"{}"));
}

pub(crate) fn remember(code: &'static str, it: &str, en: &str) {
    let clean = |s: &str| CString::new(s.replace('\0', " ")).unwrap_or_default();
    LAST.with(|l| *l.borrow_mut() = (clean(it), clean(en), clean(code)));
    FIELDS.with(|f| *f.borrow_mut() = CString::from(c"{}"));
}

pub(crate) fn fail(e: &dyn CieError) -> CieStatus {
    remember(e.code().as_str(), &e.message(Lang::It), &e.message(Lang::En));
    let json = CString::new(e.fields_json().replace('\0', " ")).unwrap_or_default();
    FIELDS.with(|f| *f.borrow_mut() = json);
    CieStatus::from(e.code())
}

pub(crate) fn invalid(what: &str) -> CieStatus {
    remember("INVALID_ARGUMENT", &format!("Argomento non valido: {what}"), &format!("Invalid argument: {what}"));
    CieStatus::CieStatusInvalidArgument
}

/// Runs a body, catching any panic at the boundary.
pub(crate) fn guard(body: impl FnOnce() -> Result<(), CieStatus>) -> CieStatus {
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(())) => CieStatus::CieStatusOk,
        Ok(Err(status)) => status,
        Err(_) => {
            remember("INTERNAL", "Errore interno", "Internal error");
            CieStatus::CieStatusInternal
        }
    }
}

/// A borrowed C string as UTF-8.
///
/// # Safety
/// `p` is null or points to a NUL-terminated string valid for the call.
pub(crate) unsafe fn text<'a>(p: *const c_char) -> Result<&'a str, CieStatus> {
    if p.is_null() {
        return Err(invalid("null pointer"));
    }
    // SAFETY: non-null and NUL-terminated by the caller's contract.
    unsafe { CStr::from_ptr(p) }.to_str().map_err(|_| invalid("not UTF-8"))
}

/// Writes a value through an out-pointer.
///
/// # Safety
/// `out` is null or valid for a write of `T`.
pub(crate) unsafe fn put<T>(out: *mut T, value: T) -> Result<(), CieStatus> {
    if out.is_null() {
        return Err(invalid("null out-pointer"));
    }
    // SAFETY: non-null and writable by the caller's contract.
    unsafe { out.write(value) };
    Ok(())
}

/// Gives a string to the caller (free with `cie_string_free`).
///
/// # Safety
/// As [`put`].
pub(crate) unsafe fn put_string(out: *mut *mut c_char, s: &str) -> Result<(), CieStatus> {
    let owned = CString::new(s.replace('\0', " ")).map_err(|_| invalid("string"))?;
    // SAFETY: forwarded contract.
    unsafe { put(out, owned.into_raw()) }
}

pub(crate) fn core<T, E: CieError>(r: Result<T, E>) -> Result<T, CieStatus> {
    r.map_err(|e| fail(&e))
}

/// The message of the last failure on this thread: `lang` 0 = Italian, 1 = English. The pointer
/// stays valid until the next failing call on the same thread; do not free it.
#[no_mangle]
pub extern "C" fn cie_last_error_message(lang: i32) -> *const c_char {
    LAST.with(|l| {
        let l = l.borrow();
        if lang == 1 {
            l.1.as_ptr()
        } else {
            l.0.as_ptr()
        }
    })
}

/// The stable code of the last failure on this thread (`""` if none; `INVALID_ARGUMENT` and
/// `INTERNAL` for the two boundary statuses). Valid until the next failing call on the same
/// thread; do not free it.
#[no_mangle]
pub extern "C" fn cie_last_error_code() -> *const c_char {
    LAST.with(|l| l.borrow().2.as_ptr())
}

/// The structured fields of the last failure on this thread as a JSON object (e.g.
/// `{"length":15}` for `FISCAL_CODE_LENGTH`; `{}` when the error has none). The pointer stays
/// valid until the next failing call on the same thread; do not free it.
#[no_mangle]
pub extern "C" fn cie_last_error_fields_json() -> *const c_char {
    FIELDS.with(|f| f.borrow().as_ptr())
}

/// Frees a string returned by this library. Null is ignored.
///
/// # Safety
/// `s` is null or a pointer returned through a `char **out` of this library, not yet freed.
/// Freeing twice is undefined behaviour.
#[no_mangle]
pub unsafe extern "C" fn cie_string_free(s: *mut c_char) {
    if !s.is_null() {
        // SAFETY: returned by `CString::into_raw` in this library, per the contract.
        drop(unsafe { CString::from_raw(s) });
    }
}

/// Parses an amount in the portal format (`"1234,56"`: comma, exactly two decimals, no thousands
/// separator, §1.2) into cents, as Python's `parse_amount` and JS's `parseAmount` do; machine text
/// (`"1234.56"`) goes through `cie_amount_parse_machine`.
///
/// # Safety
/// `text_in` is a NUL-terminated string; `out_cents` is writable.
#[no_mangle]
pub unsafe extern "C" fn cie_amount_parse(text_in: *const c_char, out_cents: *mut i64) -> CieStatus {
    guard(|| {
        // SAFETY: forwarded contract.
        let amount = core(Amount::parse_portal(unsafe { text(text_in) }?))?;
        unsafe { put(out_cents, amount.cents()) }
    })
}

/// Formats cents in the portal format `1234,56`; the string is freed with `cie_string_free`.
///
/// # Safety
/// `out` is writable.
#[no_mangle]
pub unsafe extern "C" fn cie_amount_format(cents: i64, out: *mut *mut c_char) -> CieStatus {
    // SAFETY: forwarded contract.
    guard(|| unsafe { put_string(out, &Amount::from_cents(cents).to_portal()) })
}

/// Cards paid by an amount in cents at the price in force on `on` (an ISO date, or null for the
/// current price). On `CIE_STATUS_AMOUNT_NOT_MULTIPLE`, `out_cards` receives the whole cards and
/// `out_top_up_cents` what a further payment must add.
///
/// # Safety
/// `on` is null or a NUL-terminated string; both out-pointers are writable.
#[no_mangle]
pub unsafe extern "C" fn cie_cards_for_amount(
    cents: i64,
    on: *const c_char,
    out_cards: *mut u64,
    out_top_up_cents: *mut i64,
) -> CieStatus {
    guard(|| {
        let schedule = PriceSchedule::builtin();
        // SAFETY: forwarded contract.
        let price = core(schedule.price_at(unsafe { values::optional_day(on) }?))?;
        match price.cards_for_amount(Amount::from_cents(cents)) {
            Ok(n) => unsafe {
                // SAFETY: forwarded contract.
                put(out_cards, n)?;
                put(out_top_up_cents, 0)
            },
            Err(e) => {
                if let cie_pagamenti::pricing::PricingError::NotMultiple { cards_below, top_up, .. } = e {
                    // SAFETY: forwarded contract.
                    unsafe {
                        put(out_cards, cards_below)?;
                        put(out_top_up_cents, top_up.cents())?;
                    }
                }
                Err(fail(&e))
            }
        }
    })
}

/// The quarter of an ISO moment (naive = Europe/Rome local time).
///
/// # Safety
/// `moment` is a NUL-terminated string; `out` is writable.
#[no_mangle]
pub unsafe extern "C" fn cie_quarter_of(moment: *const c_char, out: *mut CieQuarter) -> CieStatus {
    guard(|| {
        // SAFETY: forwarded contract.
        let q = core(core(Moment::parse(unsafe { text(moment) }?))?.quarter())?;
        unsafe { put(out, CieQuarter { year: q.year(), number: q.number() }) }
    })
}

/// The quarter of a moment given as UTC epoch seconds.
///
/// # Safety
/// `out` is writable.
#[no_mangle]
pub unsafe extern "C" fn cie_quarter_of_epoch(seconds: i64, out: *mut CieQuarter) -> CieStatus {
    guard(|| {
        let q = core(Moment::from_epoch(seconds).quarter())?;
        // SAFETY: forwarded contract.
        unsafe { put(out, CieQuarter { year: q.year(), number: q.number() }) }
    })
}

/// Shared body of the validators.
///
/// # Safety
/// As the validators.
unsafe fn validate(
    value: *const c_char,
    out: *mut *mut c_char,
    check: fn(&str) -> Result<String, id::IdentifierError>,
) -> CieStatus {
    guard(|| {
        // SAFETY: forwarded contract.
        let normalized = core(check(unsafe { text(value) }?))?;
        if out.is_null() {
            Ok(())
        } else {
            unsafe { put_string(out, &normalized) }
        }
    })
}

/// The name check of *Aggiungi utente* (SPEC §7) as JSON (free with `cie_string_free`):
/// `{code, found_surname, found_name, expected_surname, expected_name, matches, warning}`, where
/// `warning` is null or `{code: "FISCAL_CODE_NAME_MISMATCH", message_it, message_en, fields}`.
/// A mismatch is a warning, not an error status; an invalid code is its own error status.
///
/// # Safety
/// The three texts NUL-terminated; `out` writable.
#[no_mangle]
pub unsafe extern "C" fn cie_fiscal_code_matches_name(
    code: *const c_char,
    surname: *const c_char,
    name: *const c_char,
    out: *mut *mut c_char,
) -> CieStatus {
    guard(|| {
        // SAFETY: forwarded contract.
        let (code, surname, name) = unsafe { (text(code)?, text(surname)?, text(name)?) };
        let json = core(id::fiscal_code_matches_name_json(code, surname, name))?;
        unsafe { put_string(out, &json) }
    })
}

/// Validates a personal fiscal code; on success the normalised value is written to `out` (free with
/// `cie_string_free`); `out` may be null to only validate.
///
/// # Safety
/// `value` is a NUL-terminated string; `out` is null or writable.
#[no_mangle]
pub unsafe extern "C" fn cie_fiscal_code_validate(value: *const c_char, out: *mut *mut c_char) -> CieStatus {
    // SAFETY: forwarded contract.
    unsafe { validate(value, out, id::validate_fiscal_code) }
}

/// Validates a VAT number / numeric fiscal code; on success the normalised value is written to `out` (free with
/// `cie_string_free`); `out` may be null to only validate.
///
/// # Safety
/// `value` is a NUL-terminated string; `out` is null or writable.
#[no_mangle]
pub unsafe extern "C" fn cie_vat_number_validate(value: *const c_char, out: *mut *mut c_char) -> CieStatus {
    // SAFETY: forwarded contract.
    unsafe { validate(value, out, id::validate_vat_number) }
}

/// Validates an Italian IBAN; on success the normalised value is written to `out` (free with
/// `cie_string_free`); `out` may be null to only validate.
///
/// # Safety
/// `value` is a NUL-terminated string; `out` is null or writable.
#[no_mangle]
pub unsafe extern "C" fn cie_iban_validate(value: *const c_char, out: *mut *mut c_char) -> CieStatus {
    // SAFETY: forwarded contract.
    unsafe { validate(value, out, id::validate_iban) }
}

/// Validates a CAP; on success the normalised value is written to `out` (free with
/// `cie_string_free`); `out` may be null to only validate.
///
/// # Safety
/// `value` is a NUL-terminated string; `out` is null or writable.
#[no_mangle]
pub unsafe extern "C" fn cie_cap_validate(value: *const c_char, out: *mut *mut c_char) -> CieStatus {
    // SAFETY: forwarded contract.
    unsafe { validate(value, out, id::validate_cap) }
}

/// Validates an e-mail address; on success the normalised value is written to `out` (free with
/// `cie_string_free`); `out` may be null to only validate.
///
/// # Safety
/// `value` is a NUL-terminated string; `out` is null or writable.
#[no_mangle]
pub unsafe extern "C" fn cie_email_validate(value: *const c_char, out: *mut *mut c_char) -> CieStatus {
    // SAFETY: forwarded contract.
    unsafe { validate(value, out, id::validate_email) }
}

/// Validates a phone number; on success the normalised value is written to `out` (free with
/// `cie_string_free`); `out` may be null to only validate.
///
/// # Safety
/// `value` is a NUL-terminated string; `out` is null or writable.
#[no_mangle]
pub unsafe extern "C" fn cie_phone_validate(value: *const c_char, out: *mut *mut c_char) -> CieStatus {
    // SAFETY: forwarded contract.
    unsafe { validate(value, out, id::validate_phone) }
}

/// Checks a password; `out_unmet` receives the number of unmet rules and `out_codes` (may be
/// null) their codes, comma-separated (free with `cie_string_free`).
///
/// # Safety
/// `password` is a NUL-terminated string; `out_unmet` writable; `out_codes` null or writable.
#[no_mangle]
pub unsafe extern "C" fn cie_password_check(
    password: *const c_char,
    out_unmet: *mut u32,
    out_codes: *mut *mut c_char,
) -> CieStatus {
    guard(|| {
        // SAFETY: forwarded contract.
        let unmet = cie_pagamenti::password::check_password(unsafe { text(password) }?);
        unsafe { put_rules(&unmet, out_unmet, out_codes) }
    })
}

/// Writes unmet password rules: their number, and their codes comma-separated when `out_codes`
/// is not null.
///
/// # Safety
/// `out_unmet` writable; `out_codes` null or writable.
pub(crate) unsafe fn put_rules(
    unmet: &[cie_pagamenti::password::PasswordRule],
    out_unmet: *mut u32,
    out_codes: *mut *mut c_char,
) -> Result<(), CieStatus> {
    let codes: Vec<&str> = unmet.iter().map(|r| r.code().as_str()).collect();
    // SAFETY: forwarded contract.
    unsafe {
        put(out_unmet, codes.len() as u32)?;
        if !out_codes.is_null() {
            put_string(out_codes, &codes.join(","))?;
        }
    }
    Ok(())
}

/// An opaque portal.
pub struct PortalHandle(Portal);

/// A new, empty portal; free with `cie_portal_free`.
#[no_mangle]
pub extern "C" fn cie_portal_new() -> *mut PortalHandle {
    Box::into_raw(Box::new(PortalHandle(Portal::new())))
}

/// Frees a portal. Null is ignored.
///
/// # Safety
/// `portal` is null or from `cie_portal_new`/`cie_portal_replay`, not yet freed.
#[no_mangle]
pub unsafe extern "C" fn cie_portal_free(portal: *mut PortalHandle) {
    if !portal.is_null() {
        // SAFETY: created by `Box::into_raw` here, per the contract.
        drop(unsafe { Box::from_raw(portal) });
    }
}

/// Executes one command given as JSON (the event-log form, e.g.
/// `{"create_quarter": {"municipality": "A", "quarter": "2024-Q1"}}`) by `actor` (a fiscal code
/// or `"support"`) at `now` (ISO moment).
///
/// # Safety
/// `portal` from `cie_portal_new`; the strings NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn cie_portal_execute(
    portal: *mut PortalHandle,
    actor: *const c_char,
    now: *const c_char,
    command_json: *const c_char,
) -> CieStatus {
    // SAFETY: forwarded contract.
    unsafe { execute_with(portal, None, actor, now, command_json) }
}

/// `cie_portal_execute` and `cie_portal_execute_if`: the command read from JSON and executed,
/// guarded by the expected event count when one is given.
///
/// # Safety
/// As `cie_portal_execute`.
unsafe fn execute_with(
    portal: *mut PortalHandle,
    expected_events: Option<u64>,
    actor: *const c_char,
    now: *const c_char,
    command_json: *const c_char,
) -> CieStatus {
    guard(|| {
        if portal.is_null() {
            return Err(invalid("null portal"));
        }
        // SAFETY: forwarded contract.
        let (actor, now, json) = unsafe { (text(actor)?, text(now)?, text(command_json)?) };
        let actor = cie_pagamenti::users::Actor::parse(actor);
        let now = core(Moment::parse(now))?;
        let command = Portal::command_from_json(json).map_err(|e| fail(&e))?;
        // SAFETY: non-null, exclusively borrowed for the call per the contract.
        let portal = unsafe { &mut *portal };
        core(match expected_events {
            None => portal.0.execute(&actor, now, command),
            Some(n) => portal.0.execute_if(usize::try_from(n).unwrap_or(usize::MAX), &actor, now, command),
        })
    })
}

/// The versioned JSON event log (free with `cie_string_free`).
///
/// # Safety
/// `portal` from `cie_portal_new`; `out` writable.
#[no_mangle]
pub unsafe extern "C" fn cie_portal_events_json(portal: *const PortalHandle, out: *mut *mut c_char) -> CieStatus {
    guard(|| {
        if portal.is_null() {
            return Err(invalid("null portal"));
        }
        // SAFETY: non-null per the contract.
        let json = unsafe { &*portal }.0.events_json();
        unsafe { put_string(out, &json) }
    })
}

/// Rebuilds a portal from its event log; free the result with `cie_portal_free`.
///
/// # Safety
/// `json` NUL-terminated; `out` writable.
#[no_mangle]
pub unsafe extern "C" fn cie_portal_replay(json: *const c_char, out: *mut *mut PortalHandle) -> CieStatus {
    guard(|| {
        // SAFETY: forwarded contract.
        let portal = core(Portal::replay(unsafe { text(json) }?))?;
        unsafe { put(out, Box::into_raw(Box::new(PortalHandle(portal)))) }
    })
}

/// The state summary at `now` (ISO moment) as JSON (free with `cie_string_free`): quarters with
/// their state and orders by identity (`"2024/12"`), CIEonline counts, users. What the shared
/// workflow scenarios compare.
///
/// # Safety
/// `portal` from `cie_portal_new`/`cie_portal_replay`; `now` NUL-terminated; `out` writable.
#[no_mangle]
pub unsafe extern "C" fn cie_portal_summary_json(
    portal: *const PortalHandle,
    now: *const c_char,
    out: *mut *mut c_char,
) -> CieStatus {
    guard(|| {
        if portal.is_null() {
            return Err(invalid("null portal"));
        }
        // SAFETY: forwarded contract.
        let now = core(Moment::parse(unsafe { text(now) }?))?;
        // SAFETY: non-null per the contract.
        let json = unsafe { &*portal }.0.summary(now).to_string();
        unsafe { put_string(out, &json) }
    })
}

/// How many events the portal holds, for `cie_portal_execute_if`.
///
/// # Safety
/// `portal` from `cie_portal_new`/`cie_portal_replay`; `out` writable.
#[no_mangle]
pub unsafe extern "C" fn cie_portal_event_count(portal: *const PortalHandle, out: *mut u64) -> CieStatus {
    guard(|| {
        if portal.is_null() {
            return Err(invalid("null portal"));
        }
        // SAFETY: non-null per the contract.
        let count = unsafe { &*portal }.0.event_count() as u64;
        unsafe { put(out, count) }
    })
}

/// `cie_portal_execute` for a command computed on a state of `expected_events` events:
/// `STALE_STATE` when another command was accepted in the meantime.
///
/// # Safety
/// As `cie_portal_execute`.
#[no_mangle]
pub unsafe extern "C" fn cie_portal_execute_if(
    portal: *mut PortalHandle,
    expected_events: u64,
    actor: *const c_char,
    now: *const c_char,
    command_json: *const c_char,
) -> CieStatus {
    // SAFETY: forwarded contract.
    unsafe { execute_with(portal, Some(expected_events), actor, now, command_json) }
}
