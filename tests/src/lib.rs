//! The Rust runner of the shared conformance vectors. Each vector is
//! `{"op": …, "input": {…}, "expect": …}` or `{"op": …, "input": {…}, "error": CODE, "fields": {…}}`;
//! every binding runs the same files through its own API. [`run`] maps an operation to the
//! core call; nothing is computed here.

use cie_pagamenti::apr::{ConnectionType, FlagPair};
use cie_pagamenti::calendar::{parse_date, parse_iso_date, pre2020_mailbox, Fortnight};
use cie_pagamenti::identifiers as id;
use cie_pagamenti::password::{check_password, check_password_change, PasswordRule};
use cie_pagamenti::pricing::causale;
use cie_pagamenti::workflow::Portal;
use cie_pagamenti::{Amount, CieError, ErrorCode, Lang, Moment, PriceSchedule, Quarter};
use serde_json::{json, Map, Value};

/// A coded error as the vectors describe it.
#[derive(Debug, PartialEq)]
pub struct Failure {
    /// The stable code.
    pub code: String,
    /// Structured fields.
    pub fields: Map<String, Value>,
}

impl<E: CieError> From<E> for Failure {
    fn from(e: E) -> Failure {
        let fields = serde_json::from_str(&e.fields_json()).unwrap_or_default();
        // Every error must have both messages.
        assert!(!e.message(Lang::It).is_empty() && !e.message(Lang::En).is_empty());
        Failure { code: e.code().as_str().to_owned(), fields }
    }
}

fn text<'a>(input: &'a Value, key: &str) -> &'a str {
    input.get(key).and_then(Value::as_str).unwrap_or_default()
}

fn day(input: &Value, key: &str) -> Result<Option<chrono::NaiveDate>, Failure> {
    input.get(key).and_then(Value::as_str).map(parse_iso_date).transpose().map_err(Failure::from)
}

fn amount(input: &Value, key: &str) -> Result<Option<Amount>, Failure> {
    input.get(key).and_then(Value::as_str).map(Amount::parse).transpose().map_err(Failure::from)
}

fn rule_codes(rules: &[PasswordRule]) -> Value {
    json!(rules.iter().map(|r| r.code().as_str()).collect::<Vec<_>>())
}

/// Runs one operation of the vectors.
pub fn run(op: &str, input: &Value) -> Result<Value, Failure> {
    let schedule = PriceSchedule::builtin();
    Ok(match op {
        "parse_amount" => json!(Amount::parse_portal(text(input, "text"))?),
        "parse_amount_machine" => json!(Amount::parse_machine(text(input, "text"))?),
        "format_amount" => json!(Amount::parse_machine(text(input, "amount"))?.to_portal()),
        "cards_for_amount" => {
            let price = schedule.price_at(day(input, "on")?)?;
            json!(price.cards_for_amount(amount(input, "amount")?.unwrap_or_default())?)
        }
        "amount_for_cards" => {
            let cards = input.get("cards").and_then(Value::as_u64).unwrap_or_default();
            json!(schedule.current().amount_for_cards(cards)?)
        }
        "price_on" => json!(schedule.price_at(day(input, "day")?)?),
        "citizen_fee" => {
            let duplicate = input.get("duplicate").and_then(Value::as_bool).unwrap_or(false);
            json!(schedule.current().citizen_fee(
                duplicate,
                amount(input, "fixed_fee")?,
                amount(input, "secretarial_fee")?
            )?)
        }
        "causale" => {
            let fortnight = Fortnight::parse(text(input, "fortnight"))?;
            let cards = input.get("cards").and_then(Value::as_u64).unwrap_or_default();
            json!(causale(text(input, "municipality"), fortnight, cards)?)
        }
        "quarter_of" => json!(Moment::parse(text(input, "moment"))?.quarter()?),
        "parse_date" => json!(parse_date(text(input, "text"))?),
        "quarter" => {
            let q = Quarter::parse(text(input, "text"))?;
            json!({
                "canonical": q, "label_it": q.label_it(), "first_day": q.first_day(), "last_day": q.last_day(),
                "next": q.next(), "previous": q.previous(),
            })
        }
        "portal_quarter" => json!(Quarter::parse(text(input, "text"))?.ensure_portal()?),
        "fortnight" => {
            let f = Fortnight::of(day(input, "day")?.unwrap_or_default())?;
            json!({ "canonical": f, "first_day": f.first_day(), "last_day": f.last_day(), "due_date": f.due_date() })
        }
        "pre2020_mailbox" => json!(pre2020_mailbox(text(input, "name"))?),
        "validate_fiscal_code" => json!(id::validate_fiscal_code(text(input, "value"))?),
        "validate_vat_number" => json!(id::validate_vat_number(text(input, "value"))?),
        "validate_iban" => json!(id::validate_iban(text(input, "value"))?),
        "validate_cap" => json!(id::validate_cap(text(input, "value"))?),
        "validate_email" => json!(id::validate_email(text(input, "value"))?),
        "validate_phone" => json!(id::validate_phone(text(input, "value"))?),
        "check_password" => rule_codes(&check_password(text(input, "password"))),
        "check_password_change" => {
            rule_codes(&check_password_change(text(input, "current"), text(input, "new"), text(input, "confirmation")))
        }
        "password_rule_message" => {
            json!(ErrorCode::from_code(text(input, "code")).map(ErrorCode::message_it))
        }
        "apr_parse_flag" => json!(FlagPair::from_name(text(input, "pair"))?.parse(text(input, "text"))?),
        "apr_format_flag" => {
            let value = input.get("value").and_then(Value::as_bool).unwrap_or(false);
            json!(FlagPair::from_name(text(input, "pair"))?.format(value))
        }
        "apr_connection_type" => json!(ConnectionType::parse(text(input, "text"))?.to_string()),
        "statement" => {
            let text = cie_pagamenti::reconciliation::statement_json(&input.to_string())?;
            serde_json::from_str(&text).unwrap_or_default()
        }
        "workflow_scenario" => {
            // The event log named by the vector, in `tests/vectors/logs/`.
            let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("vectors/logs").join(text(input, "log"));
            let log = std::fs::read_to_string(&path).unwrap_or_default();
            Portal::replay(&log)?.summary(Moment::parse(text(input, "now"))?)
        }
        other => return Err(Failure { code: format!("UNKNOWN_OP {other}"), fields: Map::new() }),
    })
}
