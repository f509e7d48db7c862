//! The national-year workload of the cross-binding benchmark (benches/cross/run.sh).
//!
//! `cross data DIR` writes the seeded national year (10 M cards, 833 k orders) as
//! `DIR/cards.i64` (little-endian epoch seconds) and `DIR/orders.csv`
//! (`number;date;cents;period_from;period_to`), the input every binding reads;
//! `cross allocate DIR` times the Rust allocation of it and prints the median in ms.
use std::io::Write;
use std::time::Instant;

use cie_pagamenti::allocation::{
    allocate, allocate_columns, allocate_counted, allocate_table, allocate_totals, CardCounts,
};
use cie_pagamenti::calendar::{date_of_day_number, day_number};
use cie_pagamenti::orders::{joined_numbers, OrderColumns, PaymentOrder};
use cie_pagamenti::{Amount, PriceSchedule};

/// Fisher–Yates with the benches' seeded generator.
fn shuffle<T>(items: &mut [T], seed: u64) {
    let mut rng = cie_pagamenti_benches::SplitMix(seed);
    for i in (1..items.len()).rev() {
        items.swap(i, (rng.next_u64() % (i as u64 + 1)) as usize);
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let (Some(verb), Some(dir)) = (args.get(1), args.get(2)) else {
        return Err(
            "usage: cross data DIR | cross allocate DIR [table|columns] [shuffled] [cards-only|orders-only]".into()
        );
    };
    let dir = std::path::Path::new(dir);
    match verb.as_str() {
        "data" => {
            std::fs::create_dir_all(dir)?;
            let (cards, orders) = cie_pagamenti_benches::national_year(10_000_000, 833_000, 2024);
            let bytes: Vec<u8> = cards.iter().flat_map(|c| c.to_le_bytes()).collect();
            std::fs::write(dir.join("cards.i64"), bytes)?;
            let mut csv = std::io::BufWriter::new(std::fs::File::create(dir.join("orders.csv"))?);
            for o in &orders {
                let (from, to) = o.period.map(|(a, b)| (a.to_string(), b.to_string())).unwrap_or_default();
                writeln!(csv, "{};{};{};{};{}", o.number, o.date, o.amount.cents(), from, to)?;
            }
            csv.flush()?;
        }
        "allocate" => {
            let bytes = std::fs::read(dir.join("cards.i64"))?;
            let cards: Vec<i64> =
                bytes.chunks_exact(8).map(|c| i64::from_le_bytes(c.try_into().unwrap_or([0; 8]))).collect();
            let mut orders = Vec::new();
            for line in std::fs::read_to_string(dir.join("orders.csv"))?.lines() {
                let f: Vec<&str> = line.split(';').collect();
                let day = |s: &str| cie_pagamenti::calendar::parse_iso_date(s);
                let period = if f[3].is_empty() { None } else { Some((day(f[3])?, day(f[4])?)) };
                orders.push(PaymentOrder::new(f[0], day(f[1])?, Amount::from_cents(f[2].parse()?), period)?);
            }
            let schedule = PriceSchedule::builtin();
            // The records (what the bindings return) by default; `table` times the columnar
            // result, `shuffled` shuffles cards and orders first.
            let table = args.iter().skip(3).any(|a| a == "table");
            // `columns`: what the Python and C bindings do — build `OrderColumns` row by row from
            // the numbers joined by newlines and day counts, then `allocate_columns`; prints the
            // median total and, after it, the median of the build alone.
            let columns = args.iter().skip(3).any(|a| a == "columns");
            let (mut cards, mut orders) = (cards, orders);
            // `cards-only` / `orders-only`: one side of the input, to see where the time goes.
            if args.iter().skip(3).any(|a| a == "cards-only") {
                orders.clear();
            }
            if args.iter().skip(3).any(|a| a == "orders-only") {
                cards.clear();
            }
            if args.iter().skip(3).any(|a| a == "shuffled") {
                shuffle(&mut cards, 9);
                shuffle(&mut orders, 11);
            }
            if columns {
                let (total, build, alone) = time_columns(&cards, &orders, &schedule)?;
                println!("{total:.1} {build:.1} {alone:.1}");
                return Ok(());
            }
            let mut times = Vec::new();
            for _ in 0..runs() {
                let input = orders.clone();
                let start = Instant::now();
                let quarters = if table {
                    allocate_table(&cards, &input, &schedule)?.quarters.len()
                } else {
                    allocate(&cards, input, &schedule)?.quarters.len()
                };
                times.push(start.elapsed().as_secs_f64() * 1e3);
                std::hint::black_box(quarters);
            }
            times.sort_by(f64::total_cmp);
            println!("{:.1}", times[times.len() / 2]);
        }
        _ => {
            return Err(
                "usage: cross data DIR | cross allocate DIR [table|columns] [shuffled] [cards-only|orders-only]".into(),
            )
        }
    }
    Ok(())
}

/// The `columns` mode: medians of (build + `allocate_columns`, the build alone,
/// `allocate_columns` alone on columns built beforehand), in ms.
fn time_columns(
    cards: &[i64],
    orders: &[PaymentOrder],
    schedule: &PriceSchedule,
) -> Result<(f64, f64, f64), Box<dyn std::error::Error>> {
    let joined = orders.iter().map(|o| o.number.as_str()).collect::<Vec<_>>().join("\n");
    let epoch = date_of_day_number(0).ok_or("epoch")?;
    let days: Vec<i64> = orders.iter().map(|o| i64::from(day_number(o.date))).collect();
    let cents: Vec<i64> = orders.iter().map(|o| o.amount.cents()).collect();
    let periods: Vec<Option<(i64, i64)>> =
        orders.iter().map(|o| o.period.map(|(a, b)| (i64::from(day_number(a)), i64::from(day_number(b))))).collect();
    let (mut totals, mut builds) = (Vec::new(), Vec::new());
    for _ in 0..runs() {
        let start = Instant::now();
        let mut built = OrderColumns::with_capacity(days.len());
        // as the Python binding: the last day read remembered per column
        let mut memo = [(i64::MIN, epoch); 3];
        let mut day = |column: usize, d: i64| match memo[column] {
            (last, date) if last == d => Ok(date),
            _ => {
                let date = i32::try_from(d).ok().and_then(date_of_day_number).ok_or("day")?;
                memo[column] = (d, date);
                Ok::<_, &str>(date)
            }
        };
        for (row, number) in joined_numbers(&joined).enumerate() {
            let period = match periods[row] {
                Some((a, b)) => Some((day(1, a)?, day(2, b)?)),
                None => None,
            };
            built.push(number, day(0, days[row])?, Amount::from_cents(cents[row]), period)?;
        }
        builds.push(start.elapsed().as_secs_f64() * 1e3);
        let quarters = allocate_columns(cards, &built, schedule)?.quarters.len();
        totals.push(start.elapsed().as_secs_f64() * 1e3);
        std::hint::black_box(quarters);
    }
    let mut alone = Vec::new();
    let built: OrderColumns = orders.iter().collect();
    for _ in 0..runs() {
        let start = Instant::now();
        std::hint::black_box(allocate_columns(cards, &built, schedule)?.quarters.len());
        alone.push(start.elapsed().as_secs_f64() * 1e3);
    }
    alone.sort_by(f64::total_cmp);
    if std::env::var_os("CROSS_LOOP").is_some() {
        // the loop alone, cards counted beforehand: with the detail, and totals only
        let counts = CardCounts::of(cards)?;
        let (mut detail, mut only) = (Vec::new(), Vec::new());
        for _ in 0..runs() {
            let start = Instant::now();
            std::hint::black_box(allocate_counted(&counts, &built, schedule)?.quarters.len());
            detail.push(start.elapsed().as_secs_f64() * 1e3);
            let start = Instant::now();
            std::hint::black_box(allocate_totals(&counts, &built, schedule)?.quarters.len());
            only.push(start.elapsed().as_secs_f64() * 1e3);
        }
        detail.sort_by(f64::total_cmp);
        only.sort_by(f64::total_cmp);
        eprintln!("loop with detail {:.1} ms, totals only {:.1} ms", detail[detail.len() / 2], only[only.len() / 2]);
    }
    totals.sort_by(f64::total_cmp);
    builds.sort_by(f64::total_cmp);
    let median = |v: &[f64]| v[v.len() / 2];
    Ok((median(&totals), median(&builds), median(&alone)))
}

/// Timed runs per measurement: 5, or `CROSS_RUNS` (more, to profile the allocation alone).
fn runs() -> usize {
    std::env::var("CROSS_RUNS").ok().and_then(|r| r.parse().ok()).filter(|&r| r > 0).unwrap_or(5)
}
