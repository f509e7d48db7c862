//! `national`: the national job (§3.4) from files with a municipality column: every
//! municipality allocated and reconciled on its own (the core's `reconcile_groups`, groups
//! shared among the machine's cores), one CSV row per municipality and quarter and one summary
//! row per municipality.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use cie_pagamenti::reconciliation::{GroupResult, GroupedInput, Lifespan, QuarterRow};
use cie_pagamenti::{PriceSchedule, Quarter};
use cie_pagamenti_import::{read_cards, read_cieonline, read_orders, Finding, Options, Severity};
use serde_json::json;

use crate::output::{Failure, Out, Status};
use crate::reconcile::{import_located, now_of};

/// Where the rows go when `--out` is not given.
pub(crate) const DEFAULT_OUT: &str = "riconciliazione-nazionale.csv";

/// Arguments of `national` (the same job as `reconcile --national`).
#[derive(clap::Args)]
pub(crate) struct NationalArgs {
    /// Carte firmate di molti Comuni: CSV, foglio di calcolo o Parquet con le colonne «Comune» (o «Codice ISTAT») e «Data firma».
    #[arg(long)]
    cards: PathBuf,
    /// Mandati di molti Comuni: CSV, foglio di calcolo o Parquet con «Comune» (o «Codice ISTAT»), «Numero», «Data», «Importo».
    #[arg(long)]
    orders: PathBuf,
    /// Conteggi CIEonline: «Comune» (o «Codice ISTAT»), «Trimestre», «Carte».
    #[arg(long)]
    cieonline: Option<PathBuf>,
    /// Il momento della riconciliazione (predefinito: adesso).
    #[arg(long)]
    now: Option<String>,
    /// Dove scrivere le righe per Comune e trimestre (CSV, o Parquet se il nome finisce in .parquet); il riepilogo per Comune va accanto, <nome>-riepilogo.<estensione>.
    #[arg(long, default_value = DEFAULT_OUT)]
    out: PathBuf,
}

/// The files and options of one national job (`national` or `reconcile --national`).
pub(crate) struct Job<'a> {
    pub(crate) cards: &'a Path,
    pub(crate) orders: &'a Path,
    pub(crate) cieonline: Option<&'a Path>,
    pub(crate) now: Option<&'a str>,
    pub(crate) out: &'a Path,
}

impl NationalArgs {
    pub(crate) fn job(&self) -> Job<'_> {
        Job {
            cards: &self.cards,
            orders: &self.orders,
            cieonline: self.cieonline.as_deref(),
            now: self.now.as_deref(),
            out: &self.out,
        }
    }
}

/// The finding of a row without a municipality.
fn missing_municipality(file: &str, line: u64) -> (String, Finding) {
    (
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
    )
}

/// The municipalities of the rows, numbered as they first appear; each name is kept once (a
/// national file has millions of cards and a few thousand municipalities). Consecutive rows of
/// one municipality (a file sorted or partitioned by it) are numbered without a lookup.
#[derive(Default)]
struct Municipalities {
    numbers: HashMap<String, u32>,
    names: Vec<String>,
    last: Option<u32>,
}

impl Municipalities {
    fn number(&mut self, name: &str) -> u32 {
        if let Some(n) = self.last.filter(|&n| self.names[n as usize] == name) {
            return n;
        }
        let n = if let Some(&n) = self.numbers.get(name) {
            n
        } else {
            let n = u32::try_from(self.names.len()).unwrap_or(u32::MAX);
            self.numbers.insert(name.to_owned(), n);
            self.names.push(name.to_owned());
            n
        };
        self.last = Some(n);
        n
    }

    /// The names in code order, and each number's rank in it (the output is sorted by
    /// municipality).
    fn in_code_order(self) -> (Vec<String>, Vec<u32>) {
        let mut order: Vec<u32> = (0..u32::try_from(self.names.len()).unwrap_or(u32::MAX)).collect();
        order.sort_unstable_by(|&a, &b| self.names[a as usize].cmp(&self.names[b as usize]));
        let mut rank = vec![0u32; order.len()];
        for (r, &n) in order.iter().enumerate() {
            rank[n as usize] = u32::try_from(r).unwrap_or(u32::MAX);
        }
        let mut names = self.names;
        let sorted = order.iter().map(|&n| std::mem::take(&mut names[n as usize])).collect();
        (sorted, rank)
    }
}

fn write_csv(path: &Path, header: &[&str], rows: &[Vec<String>], out: &Out) -> Result<(), Failure> {
    let mut w = csv::WriterBuilder::new().delimiter(b';').from_writer(Vec::new());
    let fail = |e: csv::Error| cannot_write(path, out, &e.to_string());
    w.write_record(header).map_err(fail)?;
    for r in rows {
        w.write_record(r).map_err(fail)?;
    }
    let bytes = w.into_inner().map_err(|e| cannot_write(path, out, &e.to_string()))?;
    std::fs::write(path, bytes).map_err(|e| cannot_write(path, out, &e.kind().to_string()))
}

fn text<T: ToString>(v: Option<T>) -> String {
    v.map_or_else(String::new, |v| v.to_string())
}

pub(crate) fn run(out: &Out, args: &Job<'_>) -> Result<Status, Failure> {
    let now = now_of(args.now)?;
    let options = Options { now: Some(now), ..Options::default() };
    let mut findings = Vec::new();
    let cards = import_located(args.cards, out, read_cards, &options, &mut findings)?;
    let orders = import_located(args.orders, out, read_orders, &options, &mut findings)?;
    let counts = match args.cieonline {
        Some(path) => import_located(path, out, read_cieonline, &options, &mut findings)?,
        None => Vec::new(),
    };
    let cieonline_file = args.cieonline.as_ref().map(|p| p.display().to_string()).unwrap_or_default();
    // The municipalities, numbered in code order; rows without one are findings.
    let (cards_file, orders_file) = (args.cards.display().to_string(), args.orders.display().to_string());
    let unnamed =
        |file: &str, line: u64, name: Option<&String>| name.is_none().then(|| missing_municipality(file, line));
    findings.extend(cards.iter().filter_map(|c| unnamed(&cards_file, c.line, c.value.municipality.as_ref())));
    findings.extend(orders.iter().filter_map(|o| unnamed(&orders_file, o.line, o.value.municipality.as_ref())));
    findings.extend(counts.iter().filter_map(|c| unnamed(&cieonline_file, c.line, c.value.municipality.as_ref())));
    if findings.iter().any(|(_, f)| f.severity == Severity::Error) {
        return Err(Failure::Input(findings));
    }
    // The cards become two columns as they are read off (their text freed on the way).
    let mut numbers = Municipalities::default();
    let (mut card_group, mut epochs) = (Vec::with_capacity(cards.len()), Vec::with_capacity(cards.len()));
    for c in cards {
        card_group.push(numbers.number(c.value.municipality.as_deref().unwrap_or_default()));
        epochs.push(c.value.signed_at.epoch());
    }
    let mut order_group: Vec<u32> =
        orders.iter().map(|o| numbers.number(o.value.municipality.as_deref().unwrap_or_default())).collect();
    let mut cie: Vec<(u32, Quarter, u64)> = counts
        .iter()
        .map(|c| (numbers.number(c.value.municipality.as_deref().unwrap_or_default()), c.value.quarter, c.value.cards))
        .collect();
    let (names, rank) = numbers.in_code_order();
    let ranked = |n: &mut u32| *n = rank.get(*n as usize).copied().unwrap_or(*n);
    card_group.iter_mut().for_each(ranked);
    order_group.iter_mut().for_each(ranked);
    for (n, _, _) in &mut cie {
        ranked(n);
    }
    let grouped = order_group.into_iter().zip(orders).map(|(g, o)| (g, o.value.order)).collect();
    let input = GroupedInput::new(names.len(), &card_group, &epochs, grouped, &cie, &[])
        .map_err(|e| Failure::Rule(Box::new(e)))?;
    // The group column read through before the threads share the groups.
    input.check().map_err(|e| Failure::Rule(Box::new(e)))?;
    let results = reconcile_all(&input, now);
    let summary_path = write_outputs(args.out, &names, &results, out)?;
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
    std::thread::scope(|scope| {
        for (first, part) in input.shares(&mut results, threads) {
            let (input, schedule) = (input, &schedule);
            scope.spawn(move || input.reconcile_into(first, part, Lifespan::default(), now, schedule));
        }
    });
    results
}

/// A typed output column: written as text in CSV, with its Arrow type in Parquet.
enum Col {
    Text(Vec<Option<String>>),
    /// Exact amounts in cents (`decimal128(18, 2)` in Parquet, `302.22` in CSV).
    Cents(Vec<Option<i64>>),
    Count(Vec<Option<u64>>),
    Signed(Vec<Option<i64>>),
    Flag(Vec<bool>),
}

impl Col {
    fn text(&self, row: usize) -> String {
        match self {
            Col::Text(v) => v[row].clone().unwrap_or_default(),
            Col::Cents(v) => text(v[row].map(cie_pagamenti::Amount::from_cents)),
            Col::Count(v) => text(v[row]),
            Col::Signed(v) => text(v[row]),
            Col::Flag(v) => v[row].to_string(),
        }
    }

    fn len(&self) -> usize {
        match self {
            Col::Text(v) => v.len(),
            Col::Cents(v) | Col::Signed(v) => v.len(),
            Col::Count(v) => v.len(),
            Col::Flag(v) => v.len(),
        }
    }
}

/// Named columns, written as CSV (`;`) or, for a path ending in `.parquet`, as Parquet.
struct Sheet(Vec<(&'static str, Col)>);

fn cannot_write(path: &Path, out: &Out, why: &str) -> Failure {
    Failure::Usage(format!(
        "{}: {} ({why})",
        path.display(),
        out.t("impossibile scrivere il file", "cannot write the file")
    ))
}

impl Sheet {
    fn write(&self, path: &Path, out: &Out) -> Result<(), Failure> {
        if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("parquet")) {
            return self.write_parquet(path, out);
        }
        let header: Vec<&str> = self.0.iter().map(|(n, _)| *n).collect();
        let rows = self.0.first().map_or(0, |(_, c)| c.len());
        let rows: Vec<Vec<String>> = (0..rows).map(|r| self.0.iter().map(|(_, c)| c.text(r)).collect()).collect();
        write_csv(path, &header, &rows, out)
    }

    fn write_parquet(&self, path: &Path, out: &Out) -> Result<(), Failure> {
        use std::sync::Arc;

        use arrow_array::{ArrayRef, BooleanArray, Decimal128Array, Int64Array, RecordBatch, StringArray, UInt64Array};
        use arrow_schema::{DataType, Field, Schema};

        let fail = |e: &dyn std::fmt::Display| cannot_write(path, out, &e.to_string());
        let mut fields = Vec::new();
        let mut arrays: Vec<ArrayRef> = Vec::new();
        for (name, col) in &self.0 {
            let (kind, array): (DataType, ArrayRef) = match col {
                Col::Text(v) => (DataType::Utf8, Arc::new(StringArray::from(v.clone()))),
                Col::Cents(v) => {
                    let a = Decimal128Array::from(v.iter().map(|c| c.map(i128::from)).collect::<Vec<_>>())
                        .with_precision_and_scale(18, 2)
                        .map_err(|e| fail(&e))?;
                    (DataType::Decimal128(18, 2), Arc::new(a))
                }
                Col::Count(v) => (DataType::UInt64, Arc::new(UInt64Array::from(v.clone()))),
                Col::Signed(v) => (DataType::Int64, Arc::new(Int64Array::from(v.clone()))),
                Col::Flag(v) => (DataType::Boolean, Arc::new(BooleanArray::from(v.clone()))),
            };
            fields.push(Field::new(*name, kind, array.null_count() > 0 || matches!(col, Col::Text(_))));
            arrays.push(array);
        }
        let batch = RecordBatch::try_new(Arc::new(Schema::new(fields)), arrays).map_err(|e| fail(&e))?;
        let file = std::fs::File::create(path).map_err(|e| fail(&e.kind()))?;
        let props = parquet::file::properties::WriterProperties::builder()
            .set_compression(parquet::basic::Compression::SNAPPY)
            .build();
        let mut writer =
            parquet::arrow::ArrowWriter::try_new(file, batch.schema(), Some(props)).map_err(|e| fail(&e))?;
        writer.write(&batch).map_err(|e| fail(&e))?;
        writer.close().map(|_| ()).map_err(|e| fail(&e))
    }
}

/// Writes the quarter rows to `out_path` and the summaries beside it (`<name>-riepilogo.<ext>`,
/// same format); returns the summaries' path.
fn write_outputs(out_path: &Path, names: &[String], results: &[GroupResult], out: &Out) -> Result<PathBuf, Failure> {
    let name_of = |g: u32| names.get(g as usize).map_or(String::new(), |n| (*n).clone());
    let quarters: Vec<(u32, &QuarterRow)> =
        results.iter().flat_map(|r| r.rows.iter().map(move |q| (r.summary.group, q))).collect();
    let rows = Sheet(vec![
        ("municipality", Col::Text(quarters.iter().map(|(g, _)| Some(name_of(*g))).collect())),
        ("quarter", Col::Text(quarters.iter().map(|(_, q)| Some(q.quarter.to_string())).collect())),
        ("amount", Col::Cents(quarters.iter().map(|(_, q)| Some(q.amount.cents())).collect())),
        ("cards_from_amount", Col::Count(quarters.iter().map(|(_, q)| Some(q.cards_from_amount)).collect())),
        ("exact", Col::Flag(quarters.iter().map(|(_, q)| q.exact).collect())),
        ("top_up", Col::Cents(quarters.iter().map(|(_, q)| q.top_up.map(cie_pagamenti::Amount::cents)).collect())),
        ("cieonline_cards", Col::Count(quarters.iter().map(|(_, q)| q.cieonline_cards).collect())),
        ("discrepancy", Col::Signed(quarters.iter().map(|(_, q)| q.discrepancy).collect())),
        ("mismatch", Col::Signed(quarters.iter().map(|(_, q)| q.mismatch).collect())),
        ("state", Col::Text(quarters.iter().map(|(_, q)| q.state.map(|s| s.as_str().to_owned())).collect())),
    ]);
    rows.write(out_path, out)?;
    let s: Vec<&cie_pagamenti::reconciliation::GroupSummary> = results.iter().map(|r| &r.summary).collect();
    let count = |v: usize| Some(u64::try_from(v).unwrap_or(u64::MAX));
    let summaries = Sheet(vec![
        ("municipality", Col::Text(s.iter().map(|s| Some(name_of(s.group))).collect())),
        ("cards", Col::Count(s.iter().map(|s| Some(s.cards)).collect())),
        ("orders", Col::Count(s.iter().map(|s| count(s.orders)).collect())),
        ("credit", Col::Cents(s.iter().map(|s| Some(s.credit.cents())).collect())),
        ("debit", Col::Cents(s.iter().map(|s| Some(s.debit.cents())).collect())),
        ("discrepancies", Col::Count(s.iter().map(|s| count(s.discrepancies)).collect())),
        ("mismatches", Col::Count(s.iter().map(|s| count(s.mismatches)).collect())),
        (
            "missing_quarters",
            Col::Text(
                s.iter()
                    .map(|s| Some(s.missing_quarters.iter().map(ToString::to_string).collect::<Vec<_>>().join(",")))
                    .collect(),
            ),
        ),
        ("error", Col::Text(s.iter().map(|s| s.error.as_ref().map(|e| e.code.as_str().to_owned())).collect())),
    ]);
    let extension = out_path.extension().map_or_else(|| "csv".into(), |e| e.to_string_lossy());
    let summary_path = out_path.with_file_name(format!(
        "{}-riepilogo.{extension}",
        out_path.file_stem().map_or_else(|| "riconciliazione".into(), |s| s.to_string_lossy())
    ));
    summaries.write(&summary_path, out)?;
    Ok(summary_path)
}
