//! Reading the CSV input files (API.md "CLI input files"): a header row, `;` or `,` detected
//! from it, UTF-8 with an optional BOM, English or Italian column names.

use std::fs::File;
use std::io::{BufRead, BufReader, Seek, SeekFrom};
use std::path::Path;

use cie_pagamenti::calendar::parse_any_date;
use cie_pagamenti::orders::{declared_period, normalize_number, OrderField, PaymentOrder};
use cie_pagamenti::{Amount, CieError};

use crate::output::Failure;

/// A column: its canonical name and the header names accepted for it.
pub(crate) struct Column {
    pub(crate) name: &'static str,
    pub(crate) aliases: &'static [&'static str],
    pub(crate) required: bool,
}

/// An open CSV file whose columns are located.
pub(crate) struct CsvInput {
    reader: csv::Reader<BufReader<File>>,
    indices: Vec<Option<usize>>,
    path: String,
}

/// One data row: its line number in the file and its cells by column (in the order the
/// columns were asked for; `None` for an absent optional column or an empty cell).
pub(crate) struct Row {
    pub(crate) line: u64,
    pub(crate) cells: Vec<Option<String>>,
}

impl CsvInput {
    /// Opens a CSV file and finds the columns.
    pub(crate) fn open(path: &Path, columns: &[Column]) -> Result<CsvInput, Failure> {
        let shown = path.display().to_string();
        let unreadable = |e: &dyn std::fmt::Display| Failure::Usage(format!("{shown}: {e}"));
        let mut file = File::open(path).map_err(|e| unreadable(&e))?;
        let mut first = String::new();
        BufReader::new(&mut file).read_line(&mut first).map_err(|e| unreadable(&e))?;
        let delimiter =
            if first.matches(';').count() >= first.matches(',').count() && first.contains(';') { b';' } else { b',' };
        file.seek(SeekFrom::Start(0)).map_err(|e| unreadable(&e))?;
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .flexible(true)
            .trim(csv::Trim::All)
            .from_reader(BufReader::with_capacity(1 << 16, file));
        let headers: Vec<String> = reader
            .headers()
            .map_err(|e| unreadable(&e))?
            .iter()
            .map(|h| h.trim_start_matches('\u{feff}').trim().to_lowercase())
            .collect();
        let mut indices = Vec::with_capacity(columns.len());
        for column in columns {
            let index = headers.iter().position(|h| h == column.name || column.aliases.contains(&h.as_str()));
            if index.is_none() && column.required {
                return Err(Failure::Usage(format!(
                    "{shown}: manca la colonna '{}' / missing column '{}' (intestazioni / headers: {})",
                    column.name,
                    column.name,
                    headers.join(", ")
                )));
            }
            indices.push(index);
        }
        Ok(CsvInput { reader, indices, path: shown })
    }

    /// The rows, streamed.
    pub(crate) fn rows(&mut self) -> impl Iterator<Item = Result<Row, Failure>> + '_ {
        let indices = self.indices.clone();
        let path = self.path.clone();
        self.reader.records().map(move |record| {
            let record = record.map_err(|e| Failure::Usage(format!("{path}: {e}")))?;
            let line = record.position().map_or(0, csv::Position::line);
            let cells = indices
                .iter()
                .map(|i| i.and_then(|i| record.get(i)).filter(|c| !c.is_empty()).map(str::to_owned))
                .collect();
            Ok(Row { line, cells })
        })
    }
}

/// Columns of a payment-order file.
pub(crate) const ORDER_COLUMNS: [Column; 5] = [
    Column { name: "number", aliases: &["numero", "numero_mandato"], required: true },
    Column { name: "date", aliases: &["data", "data_mandato"], required: true },
    Column { name: "amount", aliases: &["importo"], required: true },
    Column { name: "period_from", aliases: &["dal"], required: false },
    Column { name: "period_to", aliases: &["al"], required: false },
];

/// The cells of an order row, read: what could not be read is `None`, with its error.
pub(crate) struct OrderCells {
    pub(crate) number: String,
    pub(crate) date: Option<chrono::NaiveDate>,
    pub(crate) amount: Option<Amount>,
    pub(crate) from: Option<chrono::NaiveDate>,
    pub(crate) to: Option<chrono::NaiveDate>,
    pub(crate) errors: Vec<(OrderField, Box<dyn CieError>)>,
}

/// Reads the cells of an order row, collecting every reading error with its field.
pub(crate) fn read_order_cells(row: &Row) -> OrderCells {
    let mut errors: Vec<(OrderField, Box<dyn CieError>)> = Vec::new();
    let cell = |i: usize| row.cells.get(i).cloned().flatten().unwrap_or_default();
    let date = parse_any_date(&cell(1)).map_err(|e| errors.push((OrderField::Date, Box::new(e)))).ok();
    let amount = Amount::parse(&cell(2)).map_err(|e| errors.push((OrderField::Amount, Box::new(e)))).ok();
    let mut end = |i: usize| {
        row.cells
            .get(i)
            .cloned()
            .flatten()
            .and_then(|text| parse_any_date(&text).map_err(|e| errors.push((OrderField::Period, Box::new(e)))).ok())
    };
    let (from, to) = (end(3), end(4));
    OrderCells { number: cell(0), date, amount, from, to, errors }
}

/// Reads a row into an order, collecting every error of the row (the period through the core's
/// one rule: both ends or neither).
pub(crate) fn read_order(row: &Row) -> (Option<PaymentOrder>, Vec<Box<dyn CieError>>) {
    let cells = read_order_cells(row);
    let mut errors: Vec<Box<dyn CieError>> = cells.errors.into_iter().map(|(_, e)| e).collect();
    let unreadable_end = |i: usize| row.cells.get(i).cloned().flatten().is_some();
    let period_read = !(unreadable_end(3) && cells.from.is_none() || unreadable_end(4) && cells.to.is_none());
    let period = if period_read {
        declared_period(cells.from, cells.to).map_err(|e| errors.push(Box::new(e))).ok()
    } else {
        None
    };
    let order = if let (Some(date), Some(amount), Some(period)) = (cells.date, cells.amount, period) {
        PaymentOrder::new(&cells.number, date, amount, period).map_err(|e| errors.push(Box::new(e))).ok()
    } else {
        if let Err(e) = normalize_number(&cells.number) {
            errors.push(Box::new(e));
        }
        None
    };
    (order, errors)
}

/// Columns of a cards file.
pub(crate) const CARD_COLUMNS: [Column; 2] = [
    Column { name: "signed_at", aliases: &["data_firma", "firmata_il"], required: true },
    Column { name: "card_id", aliases: &["id", "carta", "numero_carta"], required: false },
];

/// Columns of a CIEonline counts file.
pub(crate) const CIEONLINE_COLUMNS: [Column; 2] = [
    Column { name: "quarter", aliases: &["trimestre"], required: true },
    Column { name: "cards", aliases: &["carte"], required: true },
];
