//! `cie-pagamenti` for JavaScript (wasm-bindgen). Every function converts JS values, calls the
//! core and converts back; errors become plain objects `{code, messageIt, messageEn, fields}`
//! that the package's `index.js` rethrows as `CieError` instances (real `Error`s). Money is
//! text (`"1234,56"` or `"1234.56"`); a JS `number` for money is refused with
//! `FLOAT_NOT_ALLOWED`. Dates and moments are ISO text.

use cie_pagamenti::calendar::{parse_any_date, pre2020_mailbox as core_mailbox, Fortnight};
use cie_pagamenti::identifiers as id;
use cie_pagamenti::orders::{declared_period, OrderColumns, PaymentOrder};
use cie_pagamenti::password::{check_password_change as core_change, generate_password as core_generate, PasswordRule};
use cie_pagamenti::pricing::causale as core_causale;
use cie_pagamenti::{Amount, CieError, ErrorCode, FieldValue, Lang, Moment, PriceSchedule, Quarter};
use js_sys::{Array, Object, Reflect};
use wasm_bindgen::prelude::*;

// Counts and positions cross as JS numbers: every one is below 2^53 (an amount of at most
// 999 999 999,99 pays fewer than 6·10^7 cards), so the conversion is exact.
#[allow(clippy::cast_precision_loss)]
fn number(n: i64) -> f64 {
    n as f64
}

/// A coded error as a plain JS object (rethrown as `CieError` by `index.js`).
fn error_object(code: ErrorCode, message_it: &str, message_en: &str, fields: Vec<(&str, FieldValue)>) -> JsValue {
    let object = Object::new();
    let fields_object = Object::new();
    for (k, v) in fields {
        let value = match v {
            FieldValue::Int(i) => JsValue::from_f64(number(i)),
            FieldValue::Text(t) => JsValue::from_str(&t),
        };
        let _ = Reflect::set(&fields_object, &JsValue::from_str(k), &value);
    }
    let _ = Reflect::set(&object, &"cieError".into(), &JsValue::TRUE);
    let _ = Reflect::set(&object, &"code".into(), &code.as_str().into());
    let _ = Reflect::set(&object, &"messageIt".into(), &message_it.into());
    let _ = Reflect::set(&object, &"messageEn".into(), &message_en.into());
    let _ = Reflect::set(&object, &"fields".into(), &fields_object);
    object.into()
}

fn err(e: &dyn CieError) -> JsValue {
    error_object(e.code(), &e.message(Lang::It), &e.message(Lang::En), e.fields())
}

fn coded(code: ErrorCode, detail: &str) -> JsValue {
    error_object(
        code,
        &format!("{} ({detail})", code.message_it()),
        &format!("{} ({detail})", code.message_en()),
        Vec::new(),
    )
}

trait JsResult<T> {
    fn js(self) -> Result<T, JsValue>;
}

impl<T, E: CieError> JsResult<T> for Result<T, E> {
    fn js(self) -> Result<T, JsValue> {
        self.map_err(|e| err(&e))
    }
}

/// A string argument, or a coded error for `undefined`, `null`, numbers, objects.
fn text(value: &JsValue, code: ErrorCode) -> Result<String, JsValue> {
    value.as_string().ok_or_else(|| coded(code, "expected a string"))
}

/// Money: text in portal or machine format; a JS number is refused.
fn money(value: &JsValue) -> Result<Amount, JsValue> {
    if value.as_f64().is_some() || value.is_bigint() {
        return Err(coded(
            ErrorCode::FloatNotAllowed,
            "JS numbers are binary floating point: pass the amount as a string, e.g. \"1234,56\"",
        ));
    }
    Amount::parse(&text(value, ErrorCode::AmountFormat)?).js()
}

fn opt_date(value: &JsValue) -> Result<Option<chrono::NaiveDate>, JsValue> {
    if value.is_undefined() || value.is_null() {
        Ok(None)
    } else {
        parse_any_date(&text(value, ErrorCode::DateFormat)?).js().map(Some)
    }
}

fn json<T: serde::Serialize>(value: &T) -> JsValue {
    js_sys::JSON::parse(&serde_json::to_string(value).unwrap_or_default()).unwrap_or(JsValue::NULL)
}

// The objects returned to JS are typed structs serialised straight to JSON text: building
// `serde_json::Value` trees (the `json!` macro) compiled a second serialiser into the module.

/// A stable code with its catalogue messages.
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct CodeMessages {
    code: &'static str,
    message_it: &'static str,
    message_en: &'static str,
}

impl CodeMessages {
    fn of(code: ErrorCode) -> CodeMessages {
        CodeMessages { code: code.as_str(), message_it: code.message_it(), message_en: code.message_en() }
    }
}

#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct QuarterInfo {
    canonical: Quarter,
    label_it: String,
    first_day: chrono::NaiveDate,
    last_day: chrono::NaiveDate,
    next: Option<Quarter>,
    previous: Option<Quarter>,
}

#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct FortnightInfo {
    canonical: Fortnight,
    first_day: chrono::NaiveDate,
    last_day: chrono::NaiveDate,
    due_date: chrono::NaiveDate,
}

/// One row of the per-quarter table of an allocation (amounts as machine text).
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct QuarterRow {
    cards_signed: u64,
    cards_paid: u64,
    amount: String,
    unpaid_cards: u64,
    debit: String,
}

#[derive(serde::Serialize)]
struct QuarterTable {
    quarters: std::collections::BTreeMap<String, QuarterRow>,
    credit: String,
    debit: String,
    cards: u64,
}

/// Strict portal amount `1234,56` → machine text `"1234.56"`.
#[wasm_bindgen(js_name = parseAmount)]
pub fn parse_amount(value: &JsValue) -> Result<String, JsValue> {
    Amount::parse_portal(&text(value, ErrorCode::AmountFormat)?).js().map(|a| a.to_string())
}

/// Machine amount `1234.56` → machine text.
#[wasm_bindgen(js_name = parseAmountMachine)]
pub fn parse_amount_machine(value: &JsValue) -> Result<String, JsValue> {
    Amount::parse_machine(&text(value, ErrorCode::AmountFormat)?).js().map(|a| a.to_string())
}

/// Any amount text → portal format `1234,56`.
#[wasm_bindgen(js_name = formatAmount)]
pub fn format_amount(value: &JsValue) -> Result<String, JsValue> {
    money(value).map(Amount::to_portal)
}

/// Cards paid by an amount; a non-multiple throws `AMOUNT_NOT_MULTIPLE` with `topUp`.
#[wasm_bindgen(js_name = cardsForAmount)]
pub fn cards_for_amount(amount: &JsValue, on: &JsValue) -> Result<f64, JsValue> {
    let schedule = PriceSchedule::builtin();
    let price = schedule.price_at(opt_date(on)?).js()?;
    price.cards_for_amount(money(amount)?).js().map(|n| number(n as i64))
}

/// The amount paying `cards` cards (machine text).
#[wasm_bindgen(js_name = amountForCards)]
pub fn amount_for_cards(cards: u32, on: &JsValue) -> Result<String, JsValue> {
    let schedule = PriceSchedule::builtin();
    let price = schedule.price_at(opt_date(on)?).js()?;
    price.amount_for_cards(u64::from(cards)).js().map(|a| a.to_string())
}

/// The price on a day (or the current one).
#[wasm_bindgen(js_name = priceOn)]
pub fn price_on(day: &JsValue) -> Result<JsValue, JsValue> {
    let schedule = PriceSchedule::builtin();
    schedule.price_at(opt_date(day)?).js().map(json)
}

/// What a citizen pays.
#[wasm_bindgen(js_name = citizenFee)]
pub fn citizen_fee(duplicate: bool, fixed_fee: &JsValue, secretarial_fee: &JsValue) -> Result<JsValue, JsValue> {
    let opt = |v: &JsValue| if v.is_undefined() || v.is_null() { Ok(None) } else { money(v).map(Some) };
    let schedule = PriceSchedule::builtin();
    schedule.current().citizen_fee(duplicate, opt(fixed_fee)?, opt(secretarial_fee)?).js().map(|f| json(&f))
}

/// The payment description for a fortnight (`2024-03-2`).
#[wasm_bindgen]
pub fn causale(municipality: &JsValue, fortnight: &JsValue, cards: u32) -> Result<String, JsValue> {
    let f = Fortnight::parse(&text(fortnight, ErrorCode::FortnightFormat)?).js()?;
    core_causale(&text(municipality, ErrorCode::MunicipalityName)?, f, u64::from(cards)).js()
}

/// The quarter (`2024-Q1`) of an ISO moment, in Europe/Rome civil time.
#[wasm_bindgen(js_name = quarterOf)]
pub fn quarter_of(moment: &JsValue) -> Result<String, JsValue> {
    let m = Moment::parse(&text(moment, ErrorCode::MomentFormat)?).js()?;
    m.quarter().js().map(|q| q.to_string())
}

/// A quarter's facts: canonical text, Italian label, first/last day, next/previous.
#[wasm_bindgen(js_name = quarterInfo)]
pub fn quarter_info(quarter: &JsValue) -> Result<JsValue, JsValue> {
    let q = Quarter::parse(&text(quarter, ErrorCode::QuarterFormat)?).js()?;
    Ok(json(&QuarterInfo {
        canonical: q,
        label_it: q.label_it(),
        first_day: q.first_day(),
        last_day: q.last_day(),
        next: q.next(),
        previous: q.previous(),
    }))
}

/// Strict portal date `gg/mm/aaaa` → ISO.
#[wasm_bindgen(js_name = parseDate)]
pub fn parse_date(value: &JsValue) -> Result<String, JsValue> {
    cie_pagamenti::calendar::parse_date(&text(value, ErrorCode::DateFormat)?).js().map(|d| d.to_string())
}

/// The fortnight of a day with its due date.
#[wasm_bindgen(js_name = fortnightOf)]
pub fn fortnight_of(day: &JsValue) -> Result<JsValue, JsValue> {
    let d = parse_any_date(&text(day, ErrorCode::DateFormat)?).js()?;
    let f = Fortnight::of(d).js()?;
    Ok(json(&FortnightInfo { canonical: f, first_day: f.first_day(), last_day: f.last_day(), due_date: f.due_date() }))
}

/// Mailbox for reports before 2020.
#[wasm_bindgen(js_name = pre2020Mailbox)]
pub fn pre2020_mailbox(name: &JsValue) -> Result<String, JsValue> {
    core_mailbox(&text(name, ErrorCode::MunicipalityName)?).js().map(str::to_owned)
}

macro_rules! validators {
    ($($validate:ident / $js_validate:literal, $is_valid:ident / $js_is_valid:literal, $core:path, $code:ident;)*) => {$(
        /// Validates and normalises, or throws a coded error naming why.
        #[wasm_bindgen(js_name = $js_validate)]
        pub fn $validate(value: &JsValue) -> Result<String, JsValue> {
            $core(&text(value, ErrorCode::$code)?).js()
        }

        /// True when valid; false for anything else (never throws).
        #[wasm_bindgen(js_name = $js_is_valid)]
        pub fn $is_valid(value: &JsValue) -> bool {
            value.as_string().is_some_and(|v| $core(&v).is_ok())
        }
    )*};
}

validators! {
    validate_fiscal_code / "validateFiscalCode", is_valid_fiscal_code / "isValidFiscalCode", id::validate_fiscal_code, FiscalCodeLength;
    validate_vat_number / "validateVatNumber", is_valid_vat_number / "isValidVatNumber", id::validate_vat_number, VatNumberFormat;
    validate_iban / "validateIban", is_valid_iban / "isValidIban", id::validate_iban, IbanFormat;
    validate_cap / "validateCap", is_valid_cap / "isValidCap", id::validate_cap, CapFormat;
    validate_email / "validateEmail", is_valid_email / "isValidEmail", id::validate_email, EmailFormat;
    validate_phone / "validatePhone", is_valid_phone / "isValidPhone", id::validate_phone, PhoneFormat;
}

fn codes(rules: &[PasswordRule]) -> Array {
    rules.iter().map(|r| JsValue::from_str(r.code().as_str())).collect()
}

/// Unmet password rules (codes), in checklist order.
#[wasm_bindgen(js_name = checkPassword)]
pub fn check_password(password: &JsValue) -> Result<Array, JsValue> {
    Ok(codes(&cie_pagamenti::password::check_password(&text(password, ErrorCode::PasswordTooShort)?)))
}

/// The policy plus confirmation and "different from the current one".
#[wasm_bindgen(js_name = checkPasswordChange)]
pub fn check_password_change(current: &JsValue, new: &JsValue, confirmation: &JsValue) -> Result<Array, JsValue> {
    let t = |v| text(v, ErrorCode::PasswordTooShort);
    Ok(codes(&core_change(&t(current)?, &t(new)?, &t(confirmation)?)))
}

/// The catalogue messages of a stable code: `{code, messageIt, messageEn}` (for forms that show
/// a rule's text before any error happens).
#[wasm_bindgen(js_name = errorMessage)]
pub fn error_message(code: &JsValue) -> Result<JsValue, JsValue> {
    let code = ErrorCode::from_code(&text(code, ErrorCode::InputFormat)?)
        .ok_or_else(|| coded(ErrorCode::InputFormat, "unknown code"))?;
    Ok(json(&CodeMessages::of(code)))
}

/// The checklist: `[{code, messageIt, messageEn}]`.
#[wasm_bindgen(js_name = passwordRules)]
pub fn password_rules() -> JsValue {
    let rules: Vec<CodeMessages> = PasswordRule::POLICY.iter().map(|r| CodeMessages::of(r.code())).collect();
    json(&rules)
}

/// A password from `crypto.getRandomValues` that satisfies the policy.
#[wasm_bindgen(js_name = generatePassword)]
pub fn generate_password(length: Option<u32>) -> Result<String, JsValue> {
    core_generate(length.map_or(16, |l| l as usize)).js().map(|p| p.expose().to_owned())
}

/// Payment orders from JS objects `{number, date, amount, periodFrom?, periodTo?}`.
fn payment_orders(orders: &Array) -> Result<Vec<cie_pagamenti::orders::PaymentOrder>, JsValue> {
    let mut list = Vec::with_capacity(orders.length() as usize);
    for o in orders.iter() {
        let get = |k: &str| Reflect::get(&o, &JsValue::from_str(k)).unwrap_or(JsValue::UNDEFINED);
        let date = parse_any_date(&text(&get("date"), ErrorCode::DateFormat)?).js()?;
        // Both ends or neither: the core's one rule (a half period is PERIOD_INCOMPLETE).
        let period =
            cie_pagamenti::orders::declared_period(opt_date(&get("periodFrom"))?, opt_date(&get("periodTo"))?).js()?;
        list.push(
            cie_pagamenti::orders::PaymentOrder::new(
                &text(&get("number"), ErrorCode::OrderNumberInvalid)?,
                date,
                money(&get("amount"))?,
                period,
            )
            .js()?,
        );
    }
    Ok(list)
}

/// Allocation at national scale: `cards` is a `BigInt64Array` of signing moments in UTC epoch
/// seconds (read in place, no per-card object), `orders` as for `allocateAndReconcile`. Returns
/// the per-quarter table `{quarters: {"2024-Q1": {cardsSigned, cardsPaid, amount, unpaidCards,
/// debit}}, credit, debit, cards}`; per-order detail comes from `allocateAndReconcile`.
#[wasm_bindgen(js_name = allocateEpochs)]
pub fn allocate_epochs(cards: &JsValue, orders: &JsValue) -> Result<JsValue, JsValue> {
    let cards = epoch_cards(cards)?;
    let orders = orders.dyn_ref::<Array>().ok_or_else(|| coded(ErrorCode::InputFormat, "orders: an array"))?;
    let list = payment_orders(orders)?;
    // Only the per-quarter table is returned: the columnar result, no per-order records.
    Ok(quarter_table(&allocate_list(&cards, &list, &PriceSchedule::builtin())?))
}

/// The allocation of a list of orders. Every allocation of this module goes through
/// `OrderColumns`, so that the core's allocation (generic over its order source) is compiled
/// once: a smaller `.wasm`.
fn allocate_list(
    cards: &[i64],
    list: &[PaymentOrder],
    schedule: &PriceSchedule,
) -> Result<cie_pagamenti::allocation::AllocationTable, JsValue> {
    let columns: OrderColumns = list.iter().collect();
    cie_pagamenti::allocation::allocate_columns(cards, &columns, schedule).js()
}

fn epoch_cards(cards: &JsValue) -> Result<Vec<i64>, JsValue> {
    Ok(cards
        .dyn_ref::<js_sys::BigInt64Array>()
        .ok_or_else(|| coded(ErrorCode::InputFormat, "cards: a BigInt64Array of epoch seconds"))?
        .to_vec())
}

/// A typed column of `columns`: `None` when absent; refused when of another type.
fn typed_column<T: JsCast>(columns: &JsValue, key: &str, what: &str) -> Result<Option<T>, JsValue> {
    let value = Reflect::get(columns, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED);
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    if key == "amountCents" && value.is_instance_of::<js_sys::Float64Array>() {
        return Err(coded(
            ErrorCode::FloatNotAllowed,
            "amountCents: integer cents in a BigInt64Array, never floating point",
        ));
    }
    value.dyn_into::<T>().map(Some).map_err(|_| coded(ErrorCode::InputFormat, &format!("{key}: {what}")))
}

/// The day of a day-number column (days since 1970-01-01); `i32::MIN` = none.
fn column_day(days: i32, row: usize) -> Result<Option<chrono::NaiveDate>, JsValue> {
    if days == i32::MIN {
        return Ok(None);
    }
    cie_pagamenti::calendar::date_of_day_number(days)
        .map(Some)
        .ok_or_else(|| coded(ErrorCode::DateInvalid, &format!("row {row}: day out of range")))
}

/// The order numbers of a column (an array of strings), read in one piece: joined by newlines
/// on the JS side and split here. No valid number contains a newline; when the pieces outnumber
/// the rows, the items are read one by one so that the faulty one is refused with its row.
fn number_column(numbers: &Array) -> Result<Vec<String>, JsValue> {
    let count = numbers.length() as usize;
    let all_text = numbers.every(&mut |v, _, _| v.is_string());
    if all_text {
        let joined = numbers.join("\n").as_string().unwrap_or_default();
        if let Some(pieces) = cie_pagamenti::orders::joined_column(&joined, count) {
            return Ok(pieces.map(str::to_owned).collect());
        }
    }
    numbers
        .iter()
        .enumerate()
        .map(|(row, v)| {
            v.as_string().filter(|n| !n.trim().contains('\n')).ok_or_else(|| {
                coded(ErrorCode::OrderNumberInvalid, &format!("row {row}: a string without line breaks"))
            })
        })
        .collect()
}

/// Allocation at national scale with the orders as columns: `cards` a `BigInt64Array` of epoch
/// seconds, `columns` `{number: string[], date: Int32Array, amountCents: BigInt64Array,
/// periodFrom?: Int32Array, periodTo?: Int32Array}` — dates as days since 1970-01-01
/// (`Date.UTC(y, m - 1, d) / 86400000`), `-2147483648` for "no period". No JS object is read
/// per order. Returns the per-quarter table, as `allocateEpochs`.
#[wasm_bindgen(js_name = allocateColumns)]
pub fn allocate_columns(cards: &JsValue, columns: &JsValue) -> Result<JsValue, JsValue> {
    let cards = epoch_cards(cards)?;
    if !columns.is_object() {
        return Err(coded(ErrorCode::InputFormat, "columns: an object of columns"));
    }
    let numbers = typed_column::<Array>(columns, "number", "an array of strings")?
        .ok_or_else(|| coded(ErrorCode::InputFormat, "number: the column is missing"))?;
    let dates = typed_column::<js_sys::Int32Array>(columns, "date", "an Int32Array of days since 1970-01-01")?
        .ok_or_else(|| coded(ErrorCode::InputFormat, "date: the column is missing"))?
        .to_vec();
    let cents = typed_column::<js_sys::BigInt64Array>(columns, "amountCents", "a BigInt64Array of cents")?
        .ok_or_else(|| coded(ErrorCode::InputFormat, "amountCents: the column is missing"))?
        .to_vec();
    let day_column = |key: &str| -> Result<Option<Vec<i32>>, JsValue> {
        Ok(typed_column::<js_sys::Int32Array>(columns, key, "an Int32Array of days since 1970-01-01")?
            .map(|a| a.to_vec()))
    };
    let (from, to) = (day_column("periodFrom")?, day_column("periodTo")?);
    let numbers = number_column(&numbers)?;
    let n = numbers.len();
    if dates.len() != n
        || cents.len() != n
        || from.as_ref().is_some_and(|f| f.len() != n)
        || to.as_ref().is_some_and(|t| t.len() != n)
    {
        return Err(coded(ErrorCode::InputFormat, "columns of different lengths"));
    }
    let mut orders = OrderColumns::with_capacity(n);
    for (row, number) in numbers.iter().enumerate() {
        let date = column_day(dates[row], row)?
            .ok_or_else(|| coded(ErrorCode::DateFormat, &format!("row {row}: the order date is missing")))?;
        let start = from.as_ref().map(|f| column_day(f[row], row)).transpose()?.flatten();
        let end = to.as_ref().map(|t| column_day(t[row], row)).transpose()?.flatten();
        let period = declared_period(start, end).map_err(|e| coded(e.code(), &format!("row {row}: {e}")))?;
        orders.push(number, date, Amount::from_cents(cents[row]), period).js()?;
    }
    let allocation = cie_pagamenti::allocation::allocate_columns(&cards, &orders, &PriceSchedule::builtin()).js()?;
    Ok(quarter_table(&allocation))
}

/// The per-quarter table of an allocation for JS.
fn quarter_table(allocation: &cie_pagamenti::allocation::AllocationTable) -> JsValue {
    let quarters = allocation
        .quarters
        .iter()
        .map(|(q, r)| {
            let row = QuarterRow {
                cards_signed: r.cards_signed,
                cards_paid: r.cards_paid,
                amount: r.amount.to_string(),
                unpaid_cards: r.unpaid_cards,
                debit: r.debit.to_string(),
            };
            (q.to_string(), row)
        })
        .collect();
    json(&QuarterTable {
        quarters,
        credit: allocation.credit.to_string(),
        debit: allocation.debit.to_string(),
        cards: allocation.cards,
    })
}

/// What `allocateAndReconcile` returns.
#[derive(serde::Serialize)]
struct Outcome<'a> {
    allocation: &'a cie_pagamenti::allocation::Allocation,
    reconciliation: &'a cie_pagamenti::reconciliation::Reconciliation,
}

/// Allocation and reconciliation for in-browser reports: cards are ISO moments, orders
/// `{number, date, amount, periodFrom?, periodTo?}` with text amounts; returns
/// `{allocation, reconciliation}`.
#[wasm_bindgen(js_name = allocateAndReconcile)]
pub fn allocate_and_reconcile(
    cards: &Array,
    orders: &Array,
    cieonline: &JsValue,
    transmitted: &JsValue,
    now: &JsValue,
) -> Result<JsValue, JsValue> {
    let mut epochs = Vec::with_capacity(cards.length() as usize);
    for c in cards.iter() {
        epochs.push(Moment::parse(&text(&c, ErrorCode::MomentFormat)?).js()?.epoch());
    }
    let list = payment_orders(orders)?;
    let schedule = PriceSchedule::builtin();
    let allocation = allocate_list(&epochs, &list, &schedule)?.into_allocation(list);
    let counts: std::collections::BTreeMap<Quarter, u64> = if cieonline.is_object() {
        let mut m = std::collections::BTreeMap::new();
        for key in Object::keys(&Object::from(cieonline.clone())).iter() {
            let q = Quarter::parse(&text(&key, ErrorCode::QuarterFormat)?).js()?;
            let n =
                Reflect::get(cieonline, &key).ok().and_then(|v| v.as_f64()).filter(|n| *n >= 0.0 && n.fract() == 0.0);
            m.insert(
                q,
                n.ok_or_else(|| coded(ErrorCode::InputFormat, "card counts are non-negative integers"))? as u64,
            );
        }
        m
    } else {
        std::collections::BTreeMap::new()
    };
    let transmitted = if transmitted.is_undefined() || transmitted.is_null() {
        String::new()
    } else {
        text(transmitted, ErrorCode::QuarterFormat)?
    };
    let set = Quarter::parse_set(&transmitted).js()?;
    let now = Moment::parse(&text(now, ErrorCode::MomentFormat)?).js()?;
    let reconciliation = cie_pagamenti::reconciliation::reconcile_allocation(
        &allocation,
        &counts,
        &set,
        cie_pagamenti::reconciliation::Lifespan::default(),
        now,
        &schedule,
    );
    Ok(json(&Outcome { allocation: &allocation, reconciliation: &reconciliation }))
}

/// The quarter actions a profile may take in a state, for enabling buttons: `profile` is
/// `"operator"`, `"manager"`, `"no_profile"` or `"support"`; `state` is `"in_progress"`,
/// `"completing"`, `"closing"`, `"transmitted"`, or `null` for a quarter not created yet.
#[wasm_bindgen(js_name = allowedActions)]
pub fn allowed_actions(state: &JsValue, profile: &JsValue) -> Result<JsValue, JsValue> {
    use cie_pagamenti::reconciliation::QuarterState;
    use cie_pagamenti::workflow::Role;
    let role = Role::parse(&text(profile, ErrorCode::InputFormat)?)
        .ok_or_else(|| coded(ErrorCode::InputFormat, "profile: operator, manager, no_profile or support"))?;
    let state =
        if state.is_null() || state.is_undefined() {
            None
        } else {
            let name = text(state, ErrorCode::InputFormat)?;
            Some(QuarterState::parse(&name).ok_or_else(|| {
                coded(ErrorCode::InputFormat, "state: in_progress, completing, closing or transmitted")
            })?)
        };
    Ok(json(&cie_pagamenti::workflow::allowed_actions(role, state)))
}

/// A SediCIE site's completeness: `{status: "complete"}` or `{status: "incomplete", missing}`.
/// The site is `{id, data: {...}, contacts: [], securityOfficers: [], installationContact,
/// issuanceManager, transmitted}`; the core's snake_case names are accepted too.
#[wasm_bindgen(js_name = siteStatus)]
pub fn site_status(site: &JsValue) -> Result<JsValue, JsValue> {
    Ok(json(&site_from_js(site)?.status().view()))
}

/// Reads a site from a JS object property by property: the browser build carries no JSON
/// deserialiser (serde_json's, with its float formatting, cost 5 KB gzipped of the budget).
fn site_from_js(site: &JsValue) -> Result<cie_pagamenti::sites::Site, JsValue> {
    let missing = |name: &str| coded(ErrorCode::SiteFieldRequired, name);
    if !site.is_object() {
        return Err(missing("site: expected an object"));
    }
    // camelCase first, then the core's snake_case name.
    let get = |o: &JsValue, camel: &str, snake: &str| -> JsValue {
        let v = Reflect::get(o, &JsValue::from_str(camel)).unwrap_or(JsValue::UNDEFINED);
        if v.is_undefined() {
            Reflect::get(o, &JsValue::from_str(snake)).unwrap_or(JsValue::UNDEFINED)
        } else {
            v
        }
    };
    let opt_text = |o: &JsValue, camel: &str, snake: &str| -> Result<Option<String>, JsValue> {
        let v = get(o, camel, snake);
        if v.is_null() || v.is_undefined() {
            Ok(None)
        } else {
            v.as_string().map(Some).ok_or_else(|| missing(snake))
        }
    };
    let text = |o: &JsValue, camel: &str, snake: &str| opt_text(o, camel, snake)?.ok_or_else(|| missing(snake));
    let count = |o: &JsValue, name: &str| -> Result<u32, JsValue> {
        get(o, name, name)
            .as_f64()
            .filter(|n| n.fract() == 0.0 && (0.0..=f64::from(u32::MAX)).contains(n))
            .map(|n| n as u32)
            .ok_or_else(|| missing(name))
    };
    let codes = |camel: &str, snake: &str| -> Result<std::collections::BTreeSet<String>, JsValue> {
        let v = get(site, camel, snake);
        if !Array::is_array(&v) {
            return Err(missing(snake));
        }
        Array::from(&v).iter().map(|c| c.as_string().ok_or_else(|| missing(snake))).collect()
    };
    let data = get(site, "data", "data");
    if !data.is_object() {
        return Err(missing("data"));
    }
    Ok(cie_pagamenti::sites::Site {
        id: count(site, "id")?,
        data: cie_pagamenti::sites::SiteData {
            name: text(&data, "name", "name")?,
            address: text(&data, "address", "address")?,
            street_number: text(&data, "streetNumber", "street_number")?,
            cap: text(&data, "cap", "cap")?,
            tax_code: opt_text(&data, "taxCode", "tax_code")?,
            iban: opt_text(&data, "iban", "iban")?,
            workstations: count(&data, "workstations")?,
            operators: count(&data, "operators")?,
            payment_type: text(&data, "paymentType", "payment_type")?,
            connection_type: text(&data, "connectionType", "connection_type")?,
        },
        contacts: codes("contacts", "contacts")?,
        security_officers: codes("securityOfficers", "security_officers")?,
        installation_contact: opt_text(site, "installationContact", "installation_contact")?,
        issuance_manager: opt_text(site, "issuanceManager", "issuance_manager")?,
        transmitted: get(site, "transmitted", "transmitted").as_bool().ok_or_else(|| missing("transmitted"))?,
    })
}

/// True when an e-mail and its confirmation are the same address (the "Aggiungi utente" rule).
#[wasm_bindgen(js_name = emailsMatch)]
pub fn emails_match(email: &JsValue, confirmation: &JsValue) -> bool {
    match (email.as_string(), confirmation.as_string()) {
        (Some(a), Some(b)) => cie_pagamenti::users::emails_match(&a, &b),
        _ => false,
    }
}

/// What a payment order's causale says (§1.6): `{municipality, cards, period: [from, to]}`, each
/// `null` when the text does not say it. Never throws for a string.
#[wasm_bindgen(js_name = parseCausale)]
pub fn parse_causale(causale: &JsValue) -> Result<JsValue, JsValue> {
    Ok(json(&cie_pagamenti::pricing::parse_causale(&text(causale, ErrorCode::InputFormat)?)))
}

/// The *Aggiungi utente* name check (SPEC §7): the fiscal code's first six letters against the
/// surname and the name. Throws the code's own error when the code is invalid; otherwise
/// `{code, foundSurname, foundName, expectedSurname, expectedName, matches, warning}` where
/// `warning` is `null` or `{code: "FISCAL_CODE_NAME_MISMATCH", messageIt, messageEn, fields}`
/// (a warning: the form still submits).
#[wasm_bindgen(js_name = fiscalCodeMatchesName)]
pub fn fiscal_code_matches_name(code: &JsValue, surname: &JsValue, name: &JsValue) -> Result<JsValue, JsValue> {
    let field = |v: &JsValue| v.as_string().unwrap_or_default();
    let check =
        id::fiscal_code_matches_name(&text(code, ErrorCode::FiscalCodeLength)?, &field(surname), &field(name)).js()?;
    let result = json(&check);
    // A warning is data, not a thrown error: no `cieError` marker.
    let warning = check.warning().map_or(JsValue::NULL, |w| {
        let object = err(&w);
        let _ = Reflect::delete_property(&object.clone().into(), &"cieError".into());
        object
    });
    let _ = Reflect::set(&result, &"warning".into(), &warning);
    Ok(result)
}

/// The order check of the portal's form (SPEC §5 "Order check"), on the texts as typed: strict
/// portal amounts (`1234,56`, never `1.000`), `gg/mm/aaaa` dates, empty period fields for no
/// period. `today` is the Rome civil date as `gg/mm/aaaa` or ISO, or an ISO moment (its date in
/// Rome). Returns `{order, findings:
/// [{code, severity, field, message_it, message_en}], cards, top_up, quarters, missed_due_date}`.
/// With a `causale` (optional), its mismatches with the order (count, period, `municipality`
/// when given) are warnings of the field `causale` (§1.6).
#[wasm_bindgen(js_name = checkOrderForm)]
#[allow(clippy::too_many_arguments)] // the form's fields, as JS passes them
pub fn check_order_form(
    number: &JsValue,
    date: &JsValue,
    amount: &JsValue,
    period_from: &JsValue,
    period_to: &JsValue,
    today: &JsValue,
    causale: &JsValue,
    municipality: &JsValue,
) -> Result<JsValue, JsValue> {
    let field = |v: &JsValue| v.as_string().unwrap_or_default();
    // A date, or a moment (the browser's `new Date().toISOString()`) read as its Rome date: the
    // components need no time-zone data of their own (Intl's took 35 ms to load).
    let today = text(today, ErrorCode::DateFormat)?;
    let today = match parse_any_date(&today) {
        Ok(day) => day,
        Err(e) => Moment::parse(&today).map_err(|_| err(&e))?.rome_date().js()?,
    };
    let check = cie_pagamenti::orders::check_order_form(
        &field(number),
        &field(date),
        &field(amount),
        &field(period_from),
        &field(period_to),
        today,
        &PriceSchedule::builtin(),
    );
    let check = match causale.as_string().filter(|c| !c.trim().is_empty()) {
        Some(text) => check.with_causale(&text, municipality.as_string().as_deref(), &PriceSchedule::builtin()),
        None => check,
    };
    Ok(json(&check))
}

/// Replays a JSON event log and returns the state summary at `now` (ISO moment): what the
/// shared workflow scenarios compare in every binding. A refused event throws `EVENT_REJECTED`
/// with its `index` and `cause`.
#[cfg(feature = "workflow")]
#[wasm_bindgen(js_name = replaySummary)]
pub fn replay_summary(log: &JsValue, now: &JsValue) -> Result<JsValue, JsValue> {
    let log = text(log, ErrorCode::EventLogFormat)?;
    let now = Moment::parse(&text(now, ErrorCode::MomentFormat)?).js()?;
    let portal = cie_pagamenti::workflow::Portal::replay(&log).js()?;
    Ok(json(&portal.summary(now)))
}

/// Allocation, Resoconto and settlement of one municipality from a case (the core's
/// `statement_json`; the object is passed as JSON): the shape every binding shares.
#[cfg(feature = "workflow")]
#[wasm_bindgen(js_name = statement)]
pub fn statement(case: &JsValue) -> Result<JsValue, JsValue> {
    let input = js_sys::JSON::stringify(case)
        .ok()
        .and_then(|s| JsValue::from(s).as_string())
        .ok_or_else(|| coded(ErrorCode::InputFormat, "the case is not a JSON object"))?;
    let out = cie_pagamenti::reconciliation::statement_json(&input).js()?;
    js_sys::JSON::parse(&out).map_err(|_| coded(ErrorCode::InputFormat, "not JSON"))
}
