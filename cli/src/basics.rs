//! Small commands over pricing and the calendar.

use cie_pagamenti::calendar::{format_date, parse_any_date, pre2020_mailbox, Fortnight};
use cie_pagamenti::pricing::{causale as build_causale, PricingError};
use cie_pagamenti::{Amount, CieError, Moment, PriceSchedule};
use serde_json::json;

use crate::output::{error_json, table, Failure, Out, Status};

fn date_arg(on: Option<&str>) -> Result<Option<chrono::NaiveDate>, Failure> {
    on.map(parse_any_date).transpose().map_err(Failure::from)
}

pub(crate) fn cards(out: &Out, amount: &str, on: Option<&str>) -> Result<Status, Failure> {
    let schedule = PriceSchedule::builtin();
    let price = schedule.price_at(date_arg(on)?)?;
    let amount = Amount::parse(amount)?;
    match price.cards_for_amount(amount) {
        Ok(cards) => {
            if out.json {
                out.print_json(&json!({ "amount": amount, "unit_price": price.unit, "cards": cards }));
            } else {
                println!(
                    "€ {} = {cards} {} × € {}",
                    amount.to_portal(),
                    out.t("carte", "cards"),
                    price.unit.to_portal()
                );
            }
            Ok(Status::Ok)
        }
        Err(e @ PricingError::NotMultiple { .. }) => {
            if out.json {
                out.print_json(
                    &json!({ "amount": amount, "unit_price": price.unit, "error": error_json(&e, out.lang) }),
                );
            } else {
                println!("{}: {}", e.code(), e.message(out.lang));
            }
            Ok(Status::Violation)
        }
        Err(e) => Err(e.into()),
    }
}

pub(crate) fn price(out: &Out, on: Option<&str>) -> Result<Status, Failure> {
    let schedule = PriceSchedule::builtin();
    let p = schedule.price_at(date_arg(on)?)?;
    if out.json {
        out.print_json(&serde_json::to_value(p).unwrap_or_default());
    } else {
        let rows = vec![
            vec![out.t("Corrispettivo per carta", "Price per card").to_owned(), p.unit.to_portal()],
            vec![out.t("Imponibile", "Net").to_owned(), p.net.to_portal()],
            vec![format!("IVA {}%", p.vat_rate_percent), p.vat.to_portal()],
            vec![out.t("Quota riassegnata al Comune", "Municipal share").to_owned(), p.municipal_share.to_portal()],
            vec![out.t("Quota al Ministero dell'Interno", "Ministry share").to_owned(), p.ministry_share.to_portal()],
            vec![out.t("In vigore dal", "Valid from").to_owned(), format_date(p.valid_from)],
        ];
        println!("{}", table(&[out.t("Voce", "Item"), "€"], &rows));
    }
    Ok(Status::Ok)
}

pub(crate) fn fee(
    out: &Out,
    duplicate: bool,
    fixed: Option<&str>,
    secretarial: Option<&str>,
) -> Result<Status, Failure> {
    let fixed = fixed.map(Amount::parse).transpose()?;
    let secretarial = secretarial.map(Amount::parse).transpose()?;
    let schedule = PriceSchedule::builtin();
    let fee = schedule.current().citizen_fee(duplicate, fixed, secretarial)?;
    if out.json {
        out.print_json(&serde_json::to_value(fee).unwrap_or_default());
    } else {
        let rows = vec![
            vec![out.t("Corrispettivo allo Stato", "State price").to_owned(), fee.state.to_portal()],
            vec![out.t("Diritto fisso comunale", "Municipal fixed fee").to_owned(), fee.fixed_fee.to_portal()],
            vec![out.t("Diritti di segreteria", "Secretarial fee").to_owned(), fee.secretarial_fee.to_portal()],
            vec![out.t("Totale", "Total").to_owned(), fee.total.to_portal()],
        ];
        println!("{}", table(&[out.t("Voce", "Item"), "€"], &rows));
    }
    Ok(Status::Ok)
}

#[allow(clippy::unnecessary_wraps)] // every command has the same signature
pub(crate) fn quarter_of(out: &Out, moments: &[String]) -> Result<Status, Failure> {
    let mut status = Status::Ok;
    let mut results = Vec::new();
    for text in moments {
        let result = Moment::parse(text).and_then(|m| Ok((m, m.quarter()?)));
        match result {
            Ok((moment, quarter)) => {
                if out.json {
                    results.push(json!({ "input": text, "rome": moment.to_string(), "quarter": quarter }));
                } else {
                    let label = match out.lang {
                        cie_pagamenti::Lang::It => quarter.label_it(),
                        cie_pagamenti::Lang::En => quarter.label_en(),
                    };
                    println!("{text}\t{moment}\t{quarter}\t{label}");
                }
            }
            Err(e) => {
                status = Status::Violation;
                if out.json {
                    results.push(json!({ "input": text, "error": error_json(&e, out.lang) }));
                } else {
                    eprintln!("{text}\t{}: {}", e.code(), e.message(out.lang));
                }
            }
        }
    }
    if out.json {
        out.print_json(&json!(results));
    }
    Ok(status)
}

pub(crate) fn due_dates(out: &Out, year: i32) -> Result<Status, Failure> {
    let fortnights = Fortnight::of_year(year)?;
    if out.json {
        let rows: Vec<_> = fortnights
            .iter()
            .map(|f| json!({ "fortnight": f, "from": f.first_day(), "to": f.last_day(), "due": f.due_date() }))
            .collect();
        out.print_json(&json!(rows));
    } else {
        let rows: Vec<Vec<String>> = fortnights
            .iter()
            .map(|f| {
                vec![f.to_string(), format_date(f.first_day()), format_date(f.last_day()), format_date(f.due_date())]
            })
            .collect();
        let header =
            [out.t("Quindicina", "Fortnight"), out.t("Dal", "From"), out.t("Al", "To"), out.t("Scadenza", "Due")];
        println!("{}", table(&header, &rows));
    }
    Ok(Status::Ok)
}

pub(crate) fn causale(out: &Out, comune: &str, fortnight: &str, cards: u64) -> Result<Status, Failure> {
    let fortnight = Fortnight::parse(fortnight)?;
    let text = build_causale(comune, fortnight, cards)?;
    let schedule = PriceSchedule::builtin();
    let amount = schedule.price_at(Some(fortnight.last_day()))?.amount_for_cards(cards)?;
    if out.json {
        out.print_json(&json!({
            "causale": text,
            "amount": amount,
            "iban": cie_pagamenti::pricing::TREASURY_IBAN,
            "chapter": cie_pagamenti::pricing::TREASURY_CHAPTER,
            "due": fortnight.due_date(),
        }));
    } else {
        println!("{text}");
        println!("{}: € {}", out.t("Importo", "Amount"), amount.to_portal());
        println!("IBAN: {} ({})", cie_pagamenti::pricing::TREASURY_IBAN, cie_pagamenti::pricing::TREASURY_CHAPTER);
        println!("{}: {}", out.t("Scadenza", "Due"), format_date(fortnight.due_date()));
    }
    Ok(Status::Ok)
}

pub(crate) fn mailbox(out: &Out, name: &str) -> Result<Status, Failure> {
    let mailbox = pre2020_mailbox(name)?;
    if out.json {
        out.print_json(&json!({ "municipality": name, "mailbox": mailbox }));
    } else {
        println!("{mailbox}");
    }
    Ok(Status::Ok)
}
