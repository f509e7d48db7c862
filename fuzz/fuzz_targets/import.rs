//! The import layer on arbitrary bytes: CSV (any encoding and delimiter), spreadsheets (the ZIP
//! and OLE2 magic numbers lead to calamine), Parquet (`PAR1`) and OPI XML. Never a panic; every row read or
//! reported: the rows read and the error findings never share a line. The streamed readers
//! agree with the readers of bytes in memory.
#![no_main]
use cie_pagamenti::allocation::CardCounts;
use cie_pagamenti_import::{
    read_cards, read_cieonline, read_opi_cash_journal, read_opi_orders_from, read_orders, tally_card_bytes, Options,
    Severity,
};
use libfuzzer_sys::fuzz_target;

/// Whether a panic was raised inside the third-party Parquet/Arrow decoders, which the import
/// layer contains (`catch_unwind` around the decoding: the file is refused with `FILE_FORMAT`).
fn in_contained_decoder(info: &std::panic::PanicHookInfo<'_>) -> bool {
    info.location().is_some_and(|l| {
        let file = l.file().replace('\\', "/");
        file.contains("/parquet-") || file.contains("/arrow-")
    })
}

fuzz_target!(
    init: {
        // libfuzzer-sys aborts at every panic, before unwinding. A panic of the decoders the
        // import layer contains unwinds to that containment instead (then the assertions
        // below see its error); any other panic still aborts and is a crash.
        let abort = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !in_contained_decoder(info) {
                abort(info);
            }
        }));
    },
    |data: &[u8]| {
    let options = Options::default();
    if let Ok(orders) = read_orders(data, &options) {
        for f in orders.findings.iter().filter(|f| f.severity == Severity::Error) {
            assert!(orders.rows.iter().all(|r| r.line != f.line), "line {} both read and refused", f.line);
        }
    }
    let cards = read_cards(data, &options);
    let tally = tally_card_bytes(data, &options);
    match (&cards, &tally) {
        (Ok(c), Ok(t)) => {
            assert_eq!(c.findings, t.findings, "the tally's findings differ from the rows'");
            let epochs: Vec<i64> = c.rows.iter().map(|r| r.value.signed_at.epoch()).collect();
            assert_eq!(CardCounts::of(&epochs).ok().as_ref(), Some(&t.counts), "the tally's counts differ");
        }
        (Err(a), Err(b)) => assert_eq!(a, b),
        _ => panic!("read_cards and tally_cards disagree: {:?} / {:?}", cards.is_ok(), tally.is_ok()),
    }
    let _ = read_opi_orders_from(data, &options);
    let _ = read_cieonline(data, &options);
    let _ = read_opi_cash_journal(data);
});
