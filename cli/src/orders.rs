//! `orders check FILE.csv`: a municipality's payment-order file, row by row, through the core's
//! order check (every finding of a row, not just the first), plus the file-level rule that the
//! parts of a split order share one date.

use std::path::Path;

use cie_pagamenti::calendar::format_date;
use cie_pagamenti::orders::{
    check_order, split_date_conflicts, OrderCheck, OrderField, OrderFinding, PaymentOrder, Severity,
};
use cie_pagamenti::{Amount, CieError, ErrorCode, PriceSchedule};
use serde_json::{json, Map, Value};

use cie_pagamenti_import::{read_orders, Finding, Options};

use crate::output::{argument, read_file, table, Failure, Out, Status};

/// One row's outcome.
struct Checked {
    line: u64,
    cells: Vec<Option<String>>,
    check: OrderCheck,
}

impl Checked {
    fn errors(&self) -> impl Iterator<Item = &OrderFinding> {
        self.check.findings.iter().filter(|f| f.severity == Severity::Error)
    }

    fn warnings(&self) -> impl Iterator<Item = &OrderFinding> {
        self.check.findings.iter().filter(|f| f.severity == Severity::Warning)
    }

    fn valid(&self) -> bool {
        self.errors().next().is_none()
    }

    /// The order as read, even when a finding blocks it (for the table and the split rule).
    fn order(&self) -> Option<&PaymentOrder> {
        self.check.order.as_ref()
    }
}

fn field_of(column: Option<&str>) -> OrderField {
    match column {
        Some("date") => OrderField::Date,
        Some("amount") => OrderField::Amount,
        Some("period_from" | "period_to" | "causale") => OrderField::Period,
        _ => OrderField::Number,
    }
}

/// A row the import layer refused, as the order check reports rows.
fn refused(f: &Finding) -> OrderFinding {
    OrderFinding {
        code: f.code,
        severity: Severity::Error,
        field: field_of(f.column),
        message_it: f.message_it.clone(),
        message_en: f.message_en.clone(),
        fields: f.fields.clone(),
    }
}

pub(crate) fn check(out: &Out, path: &Path, now: Option<&str>, sheet: Option<String>) -> Result<Status, Failure> {
    let schedule = PriceSchedule::builtin();
    let now = crate::reconcile::now_of(now)?;
    let today = now.rome_date().map_err(argument("--now"))?;
    let bytes = read_file(path, out)?;
    // Dates after `now` are findings of the order check itself (ORDER_DATE_FUTURE).
    let imported = read_orders(&bytes, &Options { now: None, sheet, municipality: None })
        .map_err(|e| Failure::Usage(format!("{}: {}: {}", path.display(), e.code(), e.message(out.lang))))?;
    let mut checked: Vec<Checked> = imported
        .rows
        .iter()
        .map(|row| {
            let o = &row.value.order;
            let (from, to) = o.period.map_or((None, None), |(f, t)| (Some(f), Some(t)));
            let check = check_order(&o.number, Some(o.date), Some(o.amount), from, to, today, &schedule);
            Checked { line: row.line, cells: Vec::new(), check }
        })
        .collect();
    for f in &imported.findings {
        let check = OrderCheck {
            order: None,
            findings: vec![refused(f)],
            cards: None,
            top_up: None,
            quarters: Vec::new(),
            missed_due_date: None,
        };
        match checked.iter_mut().find(|c| c.line == f.line) {
            Some(c) => c.check.findings.push(refused(f)),
            None => checked.push(Checked { line: f.line, cells: Vec::new(), check }),
        }
    }
    checked.sort_by_key(|c| c.line);
    let orders: Vec<PaymentOrder> = checked.iter().filter_map(|c| c.order().cloned()).collect();
    let owners: Vec<usize> = checked.iter().enumerate().filter(|(_, c)| c.order().is_some()).map(|(i, _)| i).collect();
    for (i, conflict) in split_date_conflicts(&orders) {
        checked[owners[i]].check.findings.push(OrderFinding::error(&conflict, OrderField::Date));
    }
    let violations = checked.iter().filter(|c| !c.valid()).count();
    if out.json {
        print_json(out, &checked, violations);
    } else {
        print_text(out, &checked, violations);
    }
    Ok(if violations == 0 { Status::Ok } else { Status::Violation })
}

fn print_text(out: &Out, checked: &[Checked], violations: usize) {
    let rows: Vec<Vec<String>> = checked
        .iter()
        .map(|c| {
            let cell = |i: usize| c.cells.get(i).cloned().flatten().unwrap_or_default();
            let outcome = if c.valid() {
                std::iter::once("OK".to_owned())
                    .chain(c.warnings().map(|w| w.message(out.lang).to_owned()))
                    .collect::<Vec<_>>()
                    .join("; ")
            } else {
                c.errors().map(|e| e.code.as_str()).collect::<Vec<_>>().join(", ")
            };
            let quarters: Vec<String> = c.check.quarters.iter().map(ToString::to_string).collect();
            vec![
                c.line.to_string(),
                c.order().map_or_else(|| cell(0), |o| o.number.clone()),
                c.order().map_or_else(|| cell(1), |o| format_date(o.date)),
                c.order().map_or_else(|| cell(2), |o| o.amount.to_portal()),
                c.check.cards.map(|n| n.to_string()).unwrap_or_default(),
                quarters.join("+"),
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
    let total = checked.iter().filter_map(Checked::order).fold(Amount::ZERO, |t, o| t.saturating_add(o.amount));
    let cards: u64 = checked.iter().filter(|c| c.valid()).filter_map(|c| c.check.cards).sum();
    println!();
    println!(
        "{}: {}  {}: € {}  {}: {cards}",
        out.t("Mandati", "Orders"),
        checked.len(),
        out.t("Totale", "Total"),
        total.to_portal(),
        out.t("Carte (righe valide)", "Cards (valid rows)")
    );
    for c in checked.iter().filter(|c| !c.valid()) {
        for e in c.errors() {
            eprintln!("{} {}: {}: {}", out.t("riga", "line"), c.line, e.code, e.message(out.lang));
        }
    }
    if violations > 0 {
        eprintln!("{}: {violations}", out.t("Righe con errori", "Rows with errors"));
    }
}

/// A finding as the CLI's JSON writes errors: code, message in the chosen language, the field,
/// the structured fields.
fn finding_json(f: &OrderFinding, out: &Out) -> Value {
    let mut object = Map::new();
    object.insert("code".into(), json!(f.code.as_str()));
    object.insert("message".into(), json!(f.message(out.lang)));
    object.insert("field".into(), json!(f.field));
    for (name, value) in &f.fields {
        object.insert((*name).into(), json!(value));
    }
    Value::Object(object)
}

fn print_json(out: &Out, checked: &[Checked], violations: usize) {
    let rows: Vec<Value> = checked
        .iter()
        .map(|c| {
            json!({
                "line": c.line,
                "order": c.order(),
                "cards": c.check.cards,
                "top_up": c.check.top_up,
                "quarters": c.check.quarters,
                "valid": c.valid(),
                "errors": c.errors().map(|f| finding_json(f, out)).collect::<Vec<_>>(),
                "warnings": c.warnings().map(|f| finding_json(f, out)).collect::<Vec<_>>(),
            })
        })
        .collect();
    let blocking = checked.iter().any(|c| c.errors().any(|e| e.code == ErrorCode::AmountNotMultiple));
    out.print_json(&json!({ "rows": rows, "violations": violations, "blocking": blocking }));
}
