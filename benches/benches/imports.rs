//! The import layer on exports of national size, side by side with what a Rust user would write
//! without it: the `csv` crate reading the same file with `chrono` parsing the moments (no
//! encoding detection, no header folding, no findings). Throughput in bytes.
use std::fmt::Write;
use std::hint::black_box;

use cie_pagamenti_import::{read_cards, read_orders, tally_card_bytes, Options};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};

/// `rows` card rows `data_firma;numero_carta` with Rome-local moments over 2024.
fn cards_csv(rows: usize) -> Vec<u8> {
    let mut text = String::with_capacity(rows * 36);
    text.push_str("Data firma;Numero carta\n");
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    for i in 0..rows {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let second = x % (366 * 86_400);
        let (day, rest) = (second / 86_400, second % 86_400);
        let date = chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap() + chrono::Days::new(day);
        let _ = writeln!(
            text,
            "{}T{:02}:{:02}:{:02};CA{i:08}",
            date.format("%Y-%m-%d"),
            rest / 3600,
            rest / 60 % 60,
            rest % 60
        );
    }
    text.into_bytes()
}

/// An OPI flusso_ordinativi of `orders` CIE orders (one beneficiary each).
fn opi(orders: usize) -> Vec<u8> {
    let mut text = String::from("<?xml version=\"1.0\"?>\n<flusso_ordinativi><esercizio>2024</esercizio>\n");
    for i in 0..orders {
        let day = 1 + i % 28;
        let _ = writeln!(
            text,
            "<mandato><tipo_operazione>INSERIMENTO</tipo_operazione><numero_mandato>{i}</numero_mandato>\
             <data_mandato>2024-03-{day:02}</data_mandato><importo_mandato>33.58</importo_mandato>\
             <informazioni_beneficiario><progressivo_beneficiario>1</progressivo_beneficiario>\
             <importo_beneficiario>33.58</importo_beneficiario><sepa_credit_transfer><iban>IT81J0100003245348010374600</iban>\
             </sepa_credit_transfer><causale>Comune di Castelprova corrispettivo per il rilascio di n. 2 carte d'identità \
             elettroniche (01/03/2024-{day:02}/03/2024)</causale></informazioni_beneficiario></mandato>"
        );
    }
    text.push_str("</flusso_ordinativi>\n");
    text.into_bytes()
}

fn imports(c: &mut Criterion) {
    let cards = cards_csv(2_000_000);
    let mut group = c.benchmark_group("import");
    group.sample_size(10);
    group.throughput(Throughput::Bytes(cards.len() as u64));
    group.bench_function("read_cards 2 M rows (CSV)", |b| {
        b.iter(|| black_box(read_cards(black_box(&cards), &Options::default()).unwrap().rows.len()));
    });
    group.bench_function("tally_cards 2 M rows (CSV, streamed into per-day counts)", |b| {
        b.iter(|| black_box(tally_card_bytes(black_box(&cards), &Options::default()).unwrap().counts.cards()));
    });
    group.bench_function("csv crate + chrono, same file (baseline)", |b| {
        b.iter(|| {
            let mut reader = csv::ReaderBuilder::new().delimiter(b';').from_reader(black_box(&cards[..]));
            let mut n = 0usize;
            for record in reader.records() {
                let record = record.unwrap();
                let t = chrono::NaiveDateTime::parse_from_str(&record[0], "%Y-%m-%dT%H:%M:%S").unwrap();
                n += usize::from(t.and_utc().timestamp() > 0);
            }
            black_box(n)
        });
    });
    let flow = opi(100_000);
    group.throughput(Throughput::Bytes(flow.len() as u64));
    group.bench_function("read_orders OPI 100 k orders", |b| {
        b.iter(|| black_box(read_orders(black_box(&flow), &Options::default()).unwrap().rows.len()));
    });
    group.finish();
}

criterion_group!(benches, imports);
criterion_main!(benches);
