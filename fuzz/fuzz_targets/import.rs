//! The import layer on arbitrary bytes: CSV (any encoding and delimiter), spreadsheets (the ZIP
//! and OLE2 magic numbers lead to calamine) and OPI XML. Never a panic; every row read or
//! reported: the rows read and the error findings never share a line.
#![no_main]
use cie_pagamenti_import::{read_cards, read_cieonline, read_opi_cash_journal, read_orders, Options, Severity};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let options = Options::default();
    if let Ok(orders) = read_orders(data, &options) {
        for f in orders.findings.iter().filter(|f| f.severity == Severity::Error) {
            assert!(orders.rows.iter().all(|r| r.line != f.line), "line {} both read and refused", f.line);
        }
    }
    let _ = read_cards(data, &options);
    let _ = read_cieonline(data, &options);
    let _ = read_opi_cash_journal(data);
});
