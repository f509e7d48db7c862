//! `orders check FILE.csv`: a municipality's payment-order file, row by row.

use std::path::Path;

use cie_pagamenti::calendar::format_date;
use cie_pagamenti::orders::{split_date_conflicts, PaymentOrder};
use cie_pagamenti::pricing::PricingError;
use cie_pagamenti::{Amount, CieError, ErrorCode, PriceSchedule, Quarter};
use serde_json::{json, Value};

use crate::input::{read_order, CsvInput, ORDER_COLUMNS};
use crate::output::{error_json, table, Failure, Out, Status};

/// One row's outcome.
struct Checked {
    line: u64,
    cells: Vec<Option<String>>,
    order: Option<PaymentOrder>,
    cards: Option<u64>,
    errors: Vec<Box<dyn CieError>>,
    warnings: Vec<String>,
}

pub(crate) fn check(out: &Out, path: &Path) -> Result<Status, Failure> {
    let schedule = PriceSchedule::builtin();
    let mut input = CsvInput::open(path, &ORDER_COLUMNS)?;
    let mut checked = Vec::new();
    for row in input.rows() {
        let row = row?;
        let (order, mut errors) = read_order(&row);
        let mut cards = None;
        let mut warnings = Vec::new();
        if let Some(order) = &order {
            // Cards are priced by their signing date: the declared period's end if any, else the order date.
            match schedule.price_on(order.priced_on()).and_then(|p| p.cards_for_amount(order.amount)) {
                Ok(n) => cards = Some(n),
                Err(e) => {
                    if let PricingError::NotMultiple { cards_below, .. } = e {
                        cards = Some(cards_below);
                    }
                    errors.push(Box::new(e));
                }
            }
            if let Some(due) = order.missed_due_date() {
                warnings.push(format!(
                    "{} {}",
                    out.t("pagamento oltre la scadenza del", "payment after the due date of"),
                    format_date(due)
                ));
            }
        }
        checked.push(Checked { line: row.line, cells: row.cells, order, cards, errors, warnings });
    }
    let orders: Vec<PaymentOrder> = checked.iter().filter_map(|c| c.order.clone()).collect();
    let owners: Vec<usize> = checked.iter().enumerate().filter(|(_, c)| c.order.is_some()).map(|(i, _)| i).collect();
    for (i, conflict) in split_date_conflicts(&orders) {
        checked[owners[i]].errors.push(Box::new(conflict));
    }
    let violations = checked.iter().filter(|c| !c.errors.is_empty()).count();
    if out.json {
        print_json(out, &checked, violations);
    } else {
        print_text(out, &checked, violations);
    }
    Ok(if violations == 0 { Status::Ok } else { Status::Violation })
}

fn quarter_hint(order: &PaymentOrder) -> String {
    match order.period {
        Some((from, to)) => match (Quarter::of_date(from), Quarter::of_date(to)) {
            (Ok(a), Ok(b)) if a == b => a.to_string(),
            (Ok(a), Ok(b)) => format!("{a}+{b}"),
            _ => String::new(),
        },
        None => String::new(),
    }
}

fn print_text(out: &Out, checked: &[Checked], violations: usize) {
    let rows: Vec<Vec<String>> = checked
        .iter()
        .map(|c| {
            let cell = |i: usize| c.cells.get(i).cloned().flatten().unwrap_or_default();
            let outcome = if c.errors.is_empty() {
                std::iter::once("OK".to_owned()).chain(c.warnings.iter().cloned()).collect::<Vec<_>>().join("; ")
            } else {
                c.errors.iter().map(|e| e.code().as_str().to_owned()).collect::<Vec<_>>().join(", ")
            };
            vec![
                c.line.to_string(),
                c.order.as_ref().map_or_else(|| cell(0), |o| o.number.clone()),
                c.order.as_ref().map_or_else(|| cell(1), |o| format_date(o.date)),
                c.order.as_ref().map_or_else(|| cell(2), |o| o.amount.to_portal()),
                c.cards.map(|n| n.to_string()).unwrap_or_default(),
                c.order.as_ref().map(quarter_hint).unwrap_or_default(),
                outcome,
            ]
        })
        .collect();
    let header = [
        out.t("Riga", "Line"),
        out.t("Numero", "Number"),
        out.t("Data", "Date"),
        out.t("Importo", "Amount"),
        out.t("Carte", "Cards"),
        out.t("Trimestre", "Quarter"),
        out.t("Esito", "Outcome"),
    ];
    println!("{}", table(&header, &rows));
    let total = checked.iter().filter_map(|c| c.order.as_ref()).fold(Amount::ZERO, |t, o| t.saturating_add(o.amount));
    let cards: u64 = checked.iter().filter(|c| c.errors.is_empty()).filter_map(|c| c.cards).sum();
    println!();
    println!(
        "{}: {}  {}: € {}  {}: {cards}",
        out.t("Mandati", "Orders"),
        checked.len(),
        out.t("Totale", "Total"),
        total.to_portal(),
        out.t("Carte (righe valide)", "Cards (valid rows)")
    );
    for c in checked.iter().filter(|c| !c.errors.is_empty()) {
        for e in &c.errors {
            eprintln!("{} {}: {}: {}", out.t("riga", "line"), c.line, e.code(), e.message(out.lang));
        }
    }
    if violations > 0 {
        eprintln!("{}: {violations}", out.t("Righe con errori", "Rows with errors"));
    }
}

fn print_json(out: &Out, checked: &[Checked], violations: usize) {
    let rows: Vec<Value> = checked
        .iter()
        .map(|c| {
            json!({
                "line": c.line,
                "order": c.order,
                "cards": c.cards,
                "valid": c.errors.is_empty(),
                "errors": c.errors.iter().map(|e| error_json(e.as_ref(), out.lang)).collect::<Vec<_>>(),
                "warnings": c.warnings,
            })
        })
        .collect();
    out.print_json(&json!({ "rows": rows, "violations": violations, "blocking": checked.iter().any(|c| c.errors.iter().any(|e| e.code() == ErrorCode::AmountNotMultiple)) }));
}
