//! Foundations: quarter of 10 M moments, fiscal code, IBAN and amount parsing.

use std::hint::black_box;

use cie_pagamenti::calendar::quarter_of_epoch;
use cie_pagamenti::identifiers::{is_valid_fiscal_code, is_valid_iban, validate_fiscal_code, validate_iban};
use cie_pagamenti::Amount;
use cie_pagamenti_benches::{fiscal_codes, random_epochs};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};

fn quarter_of_moments(c: &mut Criterion) {
    let epochs = random_epochs(10_000_000, 42);
    let mut group = c.benchmark_group("quarter_of");
    group.throughput(Throughput::Elements(epochs.len() as u64));
    group.sample_size(10);
    group.bench_function("10M epoch seconds", |b| {
        b.iter(|| {
            let mut per_number = [0u64; 5];
            for &t in black_box(&epochs) {
                if let Ok(q) = quarter_of_epoch(t) {
                    per_number[q.number() as usize] += 1;
                }
            }
            per_number
        });
    });
    group.finish();
}

fn validators(c: &mut Criterion) {
    let codes = fiscal_codes(1024, 7);
    let mut i = 0;
    c.bench_function("validate_fiscal_code", |b| {
        b.iter(|| {
            i = (i + 1) & 1023;
            validate_fiscal_code(black_box(&codes[i]))
        });
    });
    c.bench_function("is_valid_fiscal_code", |b| {
        b.iter(|| {
            i = (i + 1) & 1023;
            is_valid_fiscal_code(black_box(&codes[i]))
        });
    });
    c.bench_function("is_valid_iban", |b| b.iter(|| is_valid_iban(black_box("IT81J0100003245348010374600"))));
    c.bench_function("validate_iban", |b| b.iter(|| validate_iban(black_box("IT81J0100003245348010374600"))));
    c.bench_function("parse_amount portal", |b| b.iter(|| Amount::parse_portal(black_box("123456,78"))));
    c.bench_function("parse_amount machine", |b| b.iter(|| Amount::parse_machine(black_box("123456.78"))));
}

criterion_group!(benches, quarter_of_moments, validators);
criterion_main!(benches);
