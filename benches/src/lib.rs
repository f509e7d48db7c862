//! Seeded input generators shared by the benchmarks (same seed, same data, every run).

/// SplitMix64: a tiny, fast, seeded generator for benchmark data (not for passwords).
#[derive(Clone, Debug)]
pub struct SplitMix(pub u64);

impl SplitMix {
    /// Next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `lo..hi` (slightly biased, fine for benchmark data).
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.next_u64() % (hi - lo) as u64) as i64
    }
}

/// Epoch seconds of 2020-01-01T00:00:00Z.
pub const FROM_2020: i64 = 1_577_836_800;
/// Epoch seconds of 2025-01-01T00:00:00Z.
pub const TO_2025: i64 = 1_735_689_600;

/// `n` signing moments uniformly spread over 2020–2024, unsorted.
/// The machine a run measures (the CPU model and how many CPUs the process may use), printed
/// beside the figures: the project's shared VM is not always on the same CPU model, and a ratio
/// to a memory-bound reading pass is comparable only between runs on one model.
pub fn machine() -> String {
    let model = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find_map(|l| l.strip_prefix("model name").map(|m| m.trim_start_matches([' ', '\t', ':']).to_owned()))
        })
        .unwrap_or_else(|| std::env::consts::ARCH.to_owned());
    let cpus = std::thread::available_parallelism().map_or(1, usize::from);
    format!("{model}, {cpus} CPUs")
}

pub fn random_epochs(n: usize, seed: u64) -> Vec<i64> {
    let mut rng = SplitMix(seed);
    (0..n).map(|_| rng.range(FROM_2020, TO_2025)).collect()
}

/// `n` valid fiscal codes (with their check character), some omocode.
pub fn fiscal_codes(n: usize, seed: u64) -> Vec<String> {
    const MONTHS: &[u8] = b"ABCDEHLMPRST";
    let mut rng = SplitMix(seed);
    (0..n)
        .map(|_| {
            let mut s: Vec<u8> = (0..6).map(|_| b'A' + (rng.next_u64() % 26) as u8).collect();
            let yy = rng.next_u64() % 100;
            let day = 1 + rng.next_u64() % 28 + if rng.next_u64().is_multiple_of(2) { 40 } else { 0 };
            s.extend(format!("{yy:02}").bytes());
            s.push(MONTHS[(rng.next_u64() % 12) as usize]);
            s.extend(format!("{day:02}").bytes());
            s.push(b'A' + (rng.next_u64() % 26) as u8);
            s.extend(format!("{:03}", rng.next_u64() % 1000).bytes());
            let body = String::from_utf8(s).unwrap_or_default();
            // The check character: the one of 26 candidates the core accepts.
            (b'A'..=b'Z')
                .map(|c| format!("{body}{}", char::from(c)))
                .find(|code| cie_pagamenti::identifiers::validate_fiscal_code(code).is_ok())
                .unwrap_or(body)
        })
        .collect()
}

/// A national year: `cards` signing moments over 2020–2024 (sorted) and `orders` payment
/// orders paying for about as many cards, one in three declaring the fortnight it pays, numbered
/// in date order (so already in processing order).
pub fn national_year(cards: usize, orders: usize, seed: u64) -> (Vec<i64>, Vec<cie_pagamenti::orders::PaymentOrder>) {
    use cie_pagamenti::orders::PaymentOrder;
    use cie_pagamenti::{Amount, Fortnight, Moment};
    let mut rng = SplitMix(seed);
    let mut epochs = random_epochs(cards, seed ^ 0xA5A5);
    epochs.sort_unstable();
    let per_order = (cards / orders.max(1)).max(1) as i64;
    let mut raw = Vec::with_capacity(orders);
    for i in 0..orders {
        let t = rng.range(FROM_2020 + 20 * 86_400, TO_2025);
        let date = Moment::from_epoch(t).rome_date().unwrap_or_default();
        let cards_paid = 1 + rng.range(0, 2 * per_order - 1);
        let period = (i % 3 == 0)
            .then(|| Fortnight::of(date - chrono::Days::new(16)).ok())
            .flatten()
            .map(|f| (f.first_day(), f.last_day()));
        raw.push((date, cards_paid, period));
    }
    // Numbered in date order, as a treasury numbers its orders: the input is in processing
    // order (date, then number), the "sorted input" of the engine's targets.
    raw.sort_by_key(|r| r.0);
    let mut out = Vec::with_capacity(orders);
    for (i, (date, cards_paid, period)) in raw.into_iter().enumerate() {
        if let Ok(order) = PaymentOrder::new(&(i + 1).to_string(), date, Amount::from_cents(cards_paid * 1679), period)
        {
            out.push(order);
        }
    }
    (epochs, out)
}

/// The national year as the ministry has it (§3.4): `municipalities` municipalities of
/// Zipf-like sizes (the k-th has about `cards / (k · H)` cards, H the harmonic number: the
/// largest ~1 M of 8 M), cards of 2024 grouped by municipality (as a partitioned file gives
/// them) in random time order within each, and 24 fortnightly orders per municipality paying
/// its fortnight's cards, a third of them declaring the fortnight. Returns (card group, card
/// epoch, orders with their group).
#[allow(
    clippy::cast_precision_loss,
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    clippy::cast_possible_wrap
)] // sizes of a synthetic generator
pub fn national_groups(
    cards: usize,
    municipalities: usize,
    seed: u64,
) -> (Vec<u32>, Vec<i64>, Vec<(u32, cie_pagamenti::orders::PaymentOrder)>) {
    use cie_pagamenti::orders::PaymentOrder;
    use cie_pagamenti::{Amount, Fortnight, Moment};
    let mut rng = SplitMix(seed);
    let harmonic: f64 = (1..=municipalities).map(|k| 1.0 / k as f64).sum();
    let start = Moment::parse("2024-01-01T00:00:00").map_or(0, Moment::epoch);
    let year = 366 * 86_400u64;
    let (mut groups, mut epochs, mut orders) = (Vec::with_capacity(cards), Vec::with_capacity(cards), Vec::new());
    for m in 0..municipalities {
        let size = ((cards as f64 / (harmonic * (m + 1) as f64)).round() as usize).max(1);
        let mut per_fortnight = [0u64; 24];
        for _ in 0..size {
            let t = start + (rng.next_u64() % year) as i64;
            let fortnight = Moment::from_epoch(t).rome_date().ok().and_then(|d| Fortnight::of(d).ok());
            if let Some(f) = fortnight {
                per_fortnight[((f.month() - 1) * 2 + f.half() - 1) as usize] += 1;
            }
            groups.push(m as u32);
            epochs.push(t);
        }
        for (k, &n) in per_fortnight.iter().enumerate() {
            let f = Fortnight::new(2024, k as u32 / 2 + 1, k as u32 % 2 + 1).ok();
            let Some(f) = f else { continue };
            let (from, to) = (f.first_day(), f.last_day());
            let period = (k % 3 == 0).then_some((from, to));
            if let Ok(o) = PaymentOrder::new(&format!("{}", k + 1), to, Amount::from_cents(n as i64 * 1679), period) {
                orders.push((m as u32, o));
            }
        }
    }
    (groups, epochs, orders)
}
