//! `national`: the national job (§3.4) from files with a municipality column: every
//! municipality allocated and reconciled on its own (the core's `reconcile_groups`, groups
//! shared among the machine's cores), one CSV row per municipality and quarter and one summary
//! row per municipality.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use cie_pagamenti::reconciliation::{GroupResult, GroupedInput, Lifespan, QuarterState};
use cie_pagamenti::{PriceSchedule, Quarter};
use cie_pagamenti_import::{read_cards, read_cieonline, read_orders, Finding, Options, Severity};
use serde_json::json;

use crate::output::{Failure, Out, Status};
use crate::reconcile::{import_located, now_of};

/// Arguments of `national`.
#[derive(clap::Args)]
pub(crate) struct NationalArgs {
    /// Carte firmate di molti Comuni: CSV o foglio di calcolo con le colonne «Comune» (o «Codice ISTAT») e «Data firma».
    #[arg(long)]
    cards: PathBuf,
    /// Mandati di molti Comuni: CSV o foglio di calcolo con «Comune» (o «Codice ISTAT»), «Numero», «Data», «Importo».
    #[arg(long)]
    orders: PathBuf,
    /// Conteggi CIEonline: «Comune» (o «Codice ISTAT»), «Trimestre», «Carte».
    #[arg(long)]
    cieonline: Option<PathBuf>,
    /// Il momento della riconciliazione (predefinito: adesso).
    #[arg(long)]
    now: Option<String>,
    /// Dove scrivere le righe per Comune e trimestre (CSV); il riepilogo per Comune va in <nome>-riepilogo.csv.
    #[arg(long, default_value = "riconciliazione-nazionale.csv")]
    out: PathBuf,
}

/// The key of a row, or a finding when the file has none.
fn key(file: &str, line: u64, municipality: Option<&String>, missing: &mut Vec<(String, Finding)>) -> Option<String> {
    if municipality.is_none() {
        missing.push((
            file.to_owned(),
            Finding {
                line,
                column: Some("municipality"),
                code: cie_pagamenti::ErrorCode::ColumnMissing,
                severity: Severity::Error,
                message_it: "Manca il Comune della riga (colonna «Comune» o «Codice ISTAT»)".to_owned(),
                message_en: "The row's municipality is missing (column «Comune» or «Codice ISTAT»)".to_owned(),
                fields: BTreeMap::new(),
            },
        ));
    }
    municipality.cloned()
}

fn write_csv(path: &Path, header: &[&str], rows: &[Vec<String>], out: &Out) -> Result<(), Failure> {
    let mut w = csv::WriterBuilder::new().delimiter(b';').from_writer(Vec::new());
    let fail = |_| Failure::Usage(format!("{}: {}", path.display(), out.t("impossibile scrivere", "cannot write")));
    w.write_record(header).map_err(fail)?;
    for r in rows {
        w.write_record(r).map_err(fail)?;
    }
    let bytes = w.into_inner().map_err(|_| Failure::Usage(path.display().to_string()))?;
    std::fs::write(path, bytes).map_err(|e| {
        Failure::Usage(format!(
            "{}: {} ({})",
            path.display(),
            out.t("impossibile scrivere il file", "cannot write the file"),
            e.kind()
        ))
    })
}

fn text<T: ToString>(v: Option<T>) -> String {
    v.map_or_else(String::new, |v| v.to_string())
}

pub(crate) fn run(out: &Out, args: &NationalArgs) -> Result<Status, Failure> {
    let now = now_of(args.now.as_deref())?;
    let options = Options { now: Some(now), ..Options::default() };
    let mut findings = Vec::new();
    let cards = import_located(&args.cards, out, read_cards, &options, &mut findings)?;
    let orders = import_located(&args.orders, out, read_orders, &options, &mut findings)?;
    let counts = match &args.cieonline {
        Some(path) => import_located(path, out, read_cieonline, &options, &mut findings)?,
        None => Vec::new(),
    };
    let cieonline_file = args.cieonline.as_ref().map(|p| p.display().to_string()).unwrap_or_default();
    // The municipalities, numbered in code order; rows without one are findings.
    let mut missing = Vec::new();
    let (cards_file, orders_file) = (args.cards.display().to_string(), args.orders.display().to_string());
    let card_keys: Vec<Option<String>> =
        cards.iter().map(|c| key(&cards_file, c.line, c.value.municipality.as_ref(), &mut missing)).collect();
    let order_keys: Vec<Option<String>> =
        orders.iter().map(|o| key(&orders_file, o.line, o.value.municipality.as_ref(), &mut missing)).collect();
    for c in &counts {
        key(&cieonline_file, c.line, c.value.municipality.as_ref(), &mut missing);
    }
    findings.extend(missing);
    if findings.iter().any(|(_, f)| f.severity == Severity::Error) {
        return Err(Failure::Input(findings));
    }
    let mut index: BTreeMap<String, u32> = BTreeMap::new();
    for k in
        card_keys.iter().chain(&order_keys).flatten().chain(counts.iter().filter_map(|c| c.value.municipality.as_ref()))
    {
        let next = u32::try_from(index.len()).unwrap_or(u32::MAX);
        index.entry(k.clone()).or_insert(next);
    }
    // Numbers in code order (the output is sorted by municipality).
    for (n, v) in index.values_mut().enumerate() {
        *v = u32::try_from(n).unwrap_or(u32::MAX);
    }
    let group = |k: &Option<String>| k.as_ref().and_then(|k| index.get(k)).copied().unwrap_or(0);
    let card_group: Vec<u32> = card_keys.iter().map(group).collect();
    let epochs: Vec<i64> = cards.iter().map(|c| c.value.signed_at.epoch()).collect();
    let grouped = orders.into_iter().zip(&order_keys).map(|(o, k)| (group(k), o.value.order)).collect();
    let cie: Vec<(u32, Quarter, u64)> =
        counts.iter().map(|c| (group(&c.value.municipality), c.value.quarter, c.value.cards)).collect();
    let input = GroupedInput::new(index.len(), &card_group, &epochs, grouped, &cie, &[])
        .map_err(|e| Failure::Rule(Box::new(e)))?;
    let results = reconcile_all(&input, now);
    let summary_path = write_outputs(args, &index, &results, out)?;
    let rows_written: usize = results.iter().map(|r| r.rows.len()).sum();
    let with_discrepancies = results.iter().filter(|r| r.summary.discrepancies > 0).count();
    let with_errors = results.iter().filter(|r| r.summary.error.is_some()).count();
    if out.json {
        out.print_json(&json!({
            "municipalities": results.len(),
            "rows": rows_written,
            "with_discrepancies": with_discrepancies,
            "with_errors": with_errors,
            "out": args.out.display().to_string(),
            "summary": summary_path.display().to_string(),
        }));
    } else {
        println!(
            "{} {}: {} {} {}, {} {}",
            results.len(),
            out.t("Comuni riconciliati", "municipalities reconciled"),
            rows_written,
            out.t("righe per trimestre in", "quarter rows in"),
            args.out.display(),
            out.t("riepilogo in", "summary in"),
            summary_path.display()
        );
        println!(
            "{}: {with_discrepancies}; {}: {with_errors}",
            out.t("Comuni con discrepanze", "municipalities with discrepancies"),
            out.t("Comuni non riconciliati (errore)", "municipalities not reconciled (error)")
        );
    }
    Ok(if with_errors > 0 { Status::Violation } else { Status::Ok })
}

/// Every group reconciled, the groups shared among the machine's cores (they are independent).
fn reconcile_all(input: &GroupedInput, now: cie_pagamenti::Moment) -> Vec<GroupResult> {
    let schedule = PriceSchedule::builtin();
    let threads = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    let mut results = vec![GroupResult::default(); input.len()];
    let chunk = input.len().div_ceil(threads).max(1);
    std::thread::scope(|scope| {
        for (k, part) in results.chunks_mut(chunk).enumerate() {
            let (input, schedule) = (input, &schedule);
            scope.spawn(move || input.reconcile_into(k * chunk, part, Lifespan::default(), now, schedule));
        }
    });
    results
}

/// Writes the quarter rows to `--out` and the summaries beside it; returns the summaries' path.
fn write_outputs(
    args: &NationalArgs,
    index: &BTreeMap<String, u32>,
    results: &[GroupResult],
    out: &Out,
) -> Result<PathBuf, Failure> {
    let names: Vec<&String> = index.keys().collect();
    let mut rows = Vec::new();
    let mut summaries = Vec::new();
    for r in results {
        let name = names.get(r.summary.group as usize).map_or("", |n| n.as_str());
        for q in &r.rows {
            rows.push(vec![
                name.to_owned(),
                q.quarter.to_string(),
                q.amount.to_string(),
                q.cards_from_amount.to_string(),
                q.exact.to_string(),
                text(q.top_up),
                text(q.cieonline_cards),
                text(q.discrepancy),
                text(q.mismatch),
                text(q.state.map(QuarterState::as_str)),
            ]);
        }
        let s = &r.summary;
        summaries.push(vec![
            name.to_owned(),
            s.cards.to_string(),
            s.orders.to_string(),
            s.credit.to_string(),
            s.debit.to_string(),
            s.discrepancies.to_string(),
            s.mismatches.to_string(),
            s.missing_quarters.iter().map(ToString::to_string).collect::<Vec<_>>().join(","),
            text(s.error.as_ref().map(|e| e.code.as_str())),
        ]);
    }
    write_csv(
        &args.out,
        &[
            "municipality",
            "quarter",
            "amount",
            "cards_from_amount",
            "exact",
            "top_up",
            "cieonline_cards",
            "discrepancy",
            "mismatch",
            "state",
        ],
        &rows,
        out,
    )?;
    let summary_path = args.out.with_file_name(format!(
        "{}-riepilogo.csv",
        args.out.file_stem().map_or_else(|| "riconciliazione".into(), |s| s.to_string_lossy())
    ));
    write_csv(
        &summary_path,
        &[
            "municipality",
            "cards",
            "orders",
            "credit",
            "debit",
            "discrepancies",
            "mismatches",
            "missing_quarters",
            "error",
        ],
        &summaries,
        out,
    )?;
    Ok(summary_path)
}
