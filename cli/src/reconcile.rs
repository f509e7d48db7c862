//! `reconcile`: the main job. Cards, payment orders and CIEonline counts from CSV files →
//! allocation by signing date and the Resoconto dei Trimestri.

use std::collections::{BTreeMap, BTreeSet};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use cie_pagamenti::allocation::Allocation;
use cie_pagamenti::reconciliation::{statement, Balance, Context, Lifespan, QuarterState, Reconciliation, Settlement};
use cie_pagamenti::{CieError, Moment, PriceSchedule, Quarter};
use serde_json::json;

use crate::input::{read_order, CsvInput, CARD_COLUMNS, CIEONLINE_COLUMNS, ORDER_COLUMNS};
use crate::output::{table, Failure, Out, Status};

/// Arguments of `reconcile`.
#[derive(clap::Args)]
pub(crate) struct ReconcileArgs {
    /// Cards CSV: signed_at (ISO moment or gg/mm/aaaa hh:mm[:ss], Rome local when naive), optional card_id.
    #[arg(long)]
    pub(crate) cards: PathBuf,
    /// Payment orders CSV: number, date, amount, optional period_from, period_to.
    #[arg(long)]
    pub(crate) orders: PathBuf,
    /// CIEonline counts CSV: quarter, cards.
    #[arg(long)]
    pub(crate) cieonline: Option<PathBuf>,
    /// Quarters already transmitted, e.g. 2020-Q1..2024-Q2 or a comma-separated list.
    #[arg(long, default_value = "")]
    pub(crate) transmitted: String,
    /// Municipality name.
    #[arg(long)]
    pub(crate) comune: String,
    /// The moment of the reconciliation (default: now). Decides which quarters have ended.
    #[arg(long)]
    pub(crate) now: Option<String>,
    /// First quarter of a municipality created after 2020-Q1.
    #[arg(long)]
    pub(crate) first_quarter: Option<String>,
    /// Last quarter of a suppressed municipality.
    #[arg(long)]
    pub(crate) last_quarter: Option<String>,
}

/// Everything read and computed.
pub(crate) struct Outcome {
    pub(crate) allocation: Allocation,
    pub(crate) reconciliation: Reconciliation,
    pub(crate) settlement: Settlement,
    pub(crate) pre_portal_mailbox: Option<&'static str>,
    pub(crate) cieonline: BTreeMap<Quarter, u64>,
    pub(crate) now: Moment,
}

fn row_errors(path: &Path, problems: &[(u64, Box<dyn CieError>)], out: &Out) -> Failure {
    for (line, e) in problems.iter().take(20) {
        eprintln!("{}:{line}: {}: {}", path.display(), e.code(), e.message(out.lang));
    }
    if problems.len() > 20 {
        eprintln!("… {} {}", problems.len() - 20, out.t("altri errori", "more errors"));
    }
    Failure::Rule(problems.first().map_or_else(
        || Box::new(cie_pagamenti::calendar::CalendarError::MomentFormat) as Box<dyn CieError>,
        |(_, e)| Box::new(InputError(e.code(), e.message(out.lang))) as Box<dyn CieError>,
    ))
}

/// The value read, or every bad row reported (with their line numbers) as the failure.
fn finish<T>(path: &Path, problems: &[(u64, Box<dyn CieError>)], out: &Out, value: T) -> Result<T, Failure> {
    if problems.is_empty() {
        Ok(value)
    } else {
        Err(row_errors(path, problems, out))
    }
}

/// A row error carried out of the reader (code and message of the first bad row).
#[derive(Debug)]
struct InputError(cie_pagamenti::ErrorCode, String);

impl std::fmt::Display for InputError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.1)
    }
}
impl std::error::Error for InputError {}
impl CieError for InputError {
    fn code(&self) -> cie_pagamenti::ErrorCode {
        self.0
    }
    fn message(&self, _lang: cie_pagamenti::Lang) -> String {
        self.1.clone()
    }
}

fn read_cards(path: &Path, out: &Out) -> Result<Vec<i64>, Failure> {
    let size = std::fs::metadata(path).map_or(0, |m| m.len());
    // About 25 bytes a row: show progress past a million rows when a person is watching.
    let progress = (size > 25_000_000 && std::io::stderr().is_terminal()).then(|| {
        let bar = indicatif::ProgressBar::new(size / 25);
        bar.set_message(out.t("lettura carte", "reading cards").to_owned());
        bar
    });
    let mut input = CsvInput::open(path, &CARD_COLUMNS)?;
    let mut cards = Vec::new();
    let mut problems: Vec<(u64, Box<dyn CieError>)> = Vec::new();
    for row in input.rows() {
        let row = row?;
        let text = row.cells.first().cloned().flatten().unwrap_or_default();
        match Moment::parse(&text) {
            Ok(m) => cards.push(m.epoch()),
            Err(e) => problems.push((row.line, Box::new(e))),
        }
        if let Some(bar) = &progress {
            if cards.len() % 65_536 == 0 {
                bar.set_position(cards.len() as u64);
            }
        }
    }
    if let Some(bar) = progress {
        bar.finish_and_clear();
    }
    finish(path, &problems, out, cards)
}

fn read_orders(path: &Path, out: &Out) -> Result<Vec<cie_pagamenti::orders::PaymentOrder>, Failure> {
    let mut input = CsvInput::open(path, &ORDER_COLUMNS)?;
    let mut orders = Vec::new();
    let mut problems: Vec<(u64, Box<dyn CieError>)> = Vec::new();
    for row in input.rows() {
        let row = row?;
        let (order, errors) = read_order(&row);
        problems.extend(errors.into_iter().map(|e| (row.line, e)));
        orders.extend(order);
    }
    finish(path, &problems, out, orders)
}

fn read_cieonline(path: &Path, out: &Out) -> Result<BTreeMap<Quarter, u64>, Failure> {
    let mut input = CsvInput::open(path, &CIEONLINE_COLUMNS)?;
    let mut counts = BTreeMap::new();
    let mut problems: Vec<(u64, Box<dyn CieError>)> = Vec::new();
    for row in input.rows() {
        let row = row?;
        let quarter = Quarter::parse(&row.cells[0].clone().unwrap_or_default());
        let cards = row.cells[1].clone().unwrap_or_default().trim().parse::<u64>();
        match (quarter, cards) {
            (Ok(q), Ok(n)) => {
                counts.insert(q, n);
            }
            (Err(e), _) => problems.push((row.line, Box::new(e))),
            (_, Err(_)) => problems.push((
                row.line,
                Box::new(InputError(
                    cie_pagamenti::ErrorCode::InputFormat,
                    out.t("numero di carte non valido", "invalid card count").to_owned(),
                )),
            )),
        }
    }
    finish(path, &problems, out, counts)
}

/// Reads the files and computes allocation and reconciliation.
pub(crate) fn compute(args: &ReconcileArgs, out: &Out) -> Result<Outcome, Failure> {
    let now = match &args.now {
        Some(text) => Moment::parse(text)?,
        None => Moment::from_aware(&chrono::Utc::now()),
    };
    let transmitted: BTreeSet<Quarter> = Quarter::parse_set(&args.transmitted)?;
    let lifespan = Lifespan {
        first: args.first_quarter.as_deref().map(Quarter::parse).transpose()?.unwrap_or(Quarter::PORTAL_FIRST),
        last: args.last_quarter.as_deref().map(Quarter::parse).transpose()?,
    };
    let cards = read_cards(&args.cards, out)?;
    let orders = read_orders(&args.orders, out)?;
    let cieonline = args.cieonline.as_deref().map(|p| read_cieonline(p, out)).transpose()?.unwrap_or_default();
    let context = Context {
        cieonline: cieonline.clone(),
        states: transmitted.iter().map(|q| (*q, QuarterState::Transmitted)).collect(),
        lifespan,
        municipality: Some(&args.comune),
        ..Context::default()
    };
    let s = statement(&cards, orders, &context, now, &PriceSchedule::builtin())?;
    Ok(Outcome {
        allocation: s.allocation,
        reconciliation: s.reconciliation,
        settlement: s.settlement,
        pre_portal_mailbox: s.pre_portal_mailbox,
        cieonline,
        now,
    })
}

pub(crate) fn run(out: &Out, args: &ReconcileArgs) -> Result<Status, Failure> {
    let outcome = compute(args, out)?;
    if out.json {
        out.print_json(&json!({
            "municipality": args.comune,
            "now": outcome.now,
            "allocation": outcome.allocation,
            "reconciliation": outcome.reconciliation,
            "settlement": outcome.settlement,
            "pre_portal_mailbox": outcome.pre_portal_mailbox,
        }));
    } else {
        print_text(out, &args.comune, &outcome);
    }
    Ok(Status::Ok)
}

fn print_text(out: &Out, comune: &str, o: &Outcome) {
    print_table(out, comune, o);
    print_summary(out, o);
}

fn print_table(out: &Out, comune: &str, o: &Outcome) {
    let r = &o.reconciliation;
    let a = &o.allocation;
    let now = o.now.rome_date().map(cie_pagamenti::calendar::format_date).unwrap_or_default();
    println!(
        "{} {comune} — {} ({} {now})\n",
        out.t("Comune di", "Municipality of"),
        out.t("Resoconto dei Trimestri", "Quarterly summary"),
        out.t("al", "as of")
    );
    let rows: Vec<Vec<String>> = r
        .quarters
        .iter()
        .map(|row| {
            let alloc = a.quarters.get(&row.quarter).copied().unwrap_or_default();
            let state = row
                .state
                .map_or(out.t("da trasmettere", "not transmitted"), |s| out.lang.pick(s.label_it(), s.label_en()));
            let mut notes = Vec::new();
            if let Some(top_up) = row.top_up {
                notes.push(format!(
                    "{} € {}",
                    out.t("NON MULTIPLO: integrare", "NOT A MULTIPLE: top up"),
                    top_up.to_portal()
                ));
            }
            if let Some(diff) = row.discrepancy {
                notes.push(format!("{} {diff:+}", out.t("discrepanza", "discrepancy")));
            }
            if let Some(diff) = row.mismatch {
                notes.push(format!(
                    "{} {diff:+}",
                    out.t(
                        "ATTENZIONE: differenza con CIEonline prima della trasmissione",
                        "WARNING: differs from CIEonline before transmission"
                    )
                ));
            }
            if row.cieonline_provisional {
                notes.push(out.t("conteggio CIEonline provvisorio", "provisional CIEonline count").to_owned());
            }
            if row.zero_quarter {
                notes.push(out.t("trimestre a zero", "zero quarter").to_owned());
            }
            if alloc.unpaid_cards > 0 {
                notes.push(format!(
                    "{} {} (€ {})",
                    out.t("carte non pagate", "unpaid cards"),
                    alloc.unpaid_cards,
                    alloc.debit.to_portal()
                ));
            }
            vec![
                row.quarter.to_string(),
                row.amount.to_portal(),
                format!("{}{}", row.cards_from_amount, if row.exact { "" } else { "*" }),
                row.cieonline_cards.map_or_else(|| "n.d.".to_owned(), |n| n.to_string()),
                alloc.cards_signed.to_string(),
                state.to_owned(),
                row.municipal_share.to_portal(),
                notes.join("; "),
            ]
        })
        .collect();
    let header = [
        out.t("Trimestre", "Quarter"),
        out.t("Importo €", "Amount €"),
        out.t("Carte da importo", "Cards from amount"),
        out.t("Carte CIEonline", "CIEonline cards"),
        out.t("Carte firmate", "Cards signed"),
        out.t("Stato", "State"),
        out.t("Quota 0,70 €", "Share €0.70"),
        out.t("Note", "Notes"),
    ];
    println!("{}", table(&header, &rows));
}

fn print_summary(out: &Out, o: &Outcome) {
    let r = &o.reconciliation;
    let a = &o.allocation;
    let split: Vec<_> = a.orders.iter().filter(|o| o.split).collect();
    if !split.is_empty() {
        println!(
            "\n{}",
            out.t("Mandati ripartiti su più trimestri (quota parte):", "Orders split over several quarters:")
        );
        for o in split {
            let parts: Vec<String> = o
                .portions
                .iter()
                .map(|p| format!("{} € {} ({} {})", p.quarter, p.amount.to_portal(), p.cards, out.t("carte", "cards")))
                .collect();
            println!(
                "  {} {} € {}: {}",
                order_line(out, &o.order.identity()),
                out.t("totale", "total"),
                o.order.amount.to_portal(),
                parts.join(" + ")
            );
        }
    }
    print_settlement(out, o);
    let scales = match r.balance {
        None => out.t("nessun trimestre trasmesso", "no quarter transmitted").to_owned(),
        Some(b) => {
            let word = match b {
                Balance::Equal => out.t("in equilibrio", "balanced"),
                Balance::Over => out.t(
                    "il Comune ha versato per più carte di quelle emesse",
                    "the municipality paid for more cards than issued",
                ),
                Balance::Under => out.t(
                    "il Comune ha versato per meno carte di quelle emesse",
                    "the municipality paid for fewer cards than issued",
                ),
            };
            format!(
                "{word} ({} {} / {} CIEonline)",
                r.transmitted_cards_from_amount,
                out.t("carte da importi", "cards from amounts"),
                r.transmitted_cieonline_cards
            )
        }
    };
    println!("{}: {scales}", out.t("Bilancia (trimestri trasmessi)", "Scales (transmitted quarters)"));
    if r.balance_incomplete {
        let missing: Vec<String> = r.transmitted_without_count.iter().map(ToString::to_string).collect();
        println!(
            "  {}: {}",
            out.t(
                "INCOMPLETA: trimestri trasmessi senza conteggio CIEonline",
                "INCOMPLETE: transmitted quarters without a CIEonline count"
            ),
            missing.join(", ")
        );
    }
    if r.mismatches > 0 {
        println!(
            "{}: {}",
            out.t(
                "Trimestri da verificare prima della firma (carte da importo ≠ CIEonline)",
                "Quarters to check before signing (cards from amount ≠ CIEonline)"
            ),
            r.mismatches
        );
    }
    println!("{}: {}", out.t("Trimestri con discrepanza", "Quarters with discrepancy"), r.discrepancies);
    println!(
        "{}: € {}  ({}: € {})",
        out.t("Quota comunale spettante", "Municipal share due"),
        r.municipal_share.to_portal(),
        out.t("sospesa per discrepanze", "suspended by discrepancies"),
        r.suspended_share.to_portal()
    );
    let missing: Vec<String> = r.missing_quarters.iter().map(ToString::to_string).collect();
    println!(
        "{}: {}",
        out.t("Trimestri mancanti", "Missing quarters"),
        if missing.is_empty() { "-".to_owned() } else { missing.join(", ") }
    );
    println!(
        "{}: {}",
        out.t("Prossimo trimestre da trasmettere", "Next quarter to transmit"),
        r.next_to_transmit.map_or("-".to_owned(), |q| q.to_string())
    );
}

fn order_line(out: &Out, order: &cie_pagamenti::orders::OrderId) -> String {
    format!("{} {order}", out.t("mandato", "order"))
}

/// Credits, debits, possible offsets, pre-portal and Support-only portions (§3.2–3.3).
fn print_settlement(out: &Out, o: &Outcome) {
    let s = &o.settlement;
    let a = &o.allocation;
    if !s.credits.is_empty() {
        println!(
            "\n{} € {}:",
            out.t("Credito (importi che non pagano carte intere)", "Credit (money not paying whole cards)"),
            a.credit.to_portal()
        );
        for c in &s.credits {
            let quarter = c.quarter.map_or_else(String::new, |q| format!(" ({q})"));
            println!("  {}{quarter}: € {}", order_line(out, &c.order), c.amount.to_portal());
        }
    }
    println!(
        "\n{}: € {} ({})",
        out.t("Debito (carte non pagate)", "Debit (unpaid cards)"),
        a.debit.to_portal(),
        cie_pagamenti::pricing::cards_text(a.quarters.values().map(|q| q.unpaid_cards).sum::<u64>(), out.lang)
    );
    for d in &s.debits {
        println!(
            "  {}: {} (€ {}){}",
            d.quarter,
            cie_pagamenti::pricing::cards_text(d.cards, out.lang),
            d.amount.to_portal(),
            if d.pre_portal { out.t(" — prima del portale", " — before the portal") } else { "" }
        );
    }
    if !s.offsets.is_empty() {
        println!("\n{}:", out.t("Possibili compensazioni", "Possible offsets"));
        for x in &s.offsets {
            println!(
                "  {} ({}) → {}: € {} — {}",
                order_line(out, &x.order),
                x.credit_quarter,
                x.debit_quarter,
                x.amount.to_portal(),
                out.lang.pick(x.note_it, x.note_en)
            );
        }
    }
    if !s.pre_portal.is_empty() || !o.reconciliation.pre_portal.is_empty() {
        println!(
            "\n{}{}:",
            out.t(
                "Prima del portale (trimestri precedenti al 2020, da comunicare via e-mail)",
                "Before the portal (quarters before 2020, to be reported by e-mail)"
            ),
            o.pre_portal_mailbox.map_or_else(String::new, |m| format!(" — {m}"))
        );
        for p in &s.pre_portal {
            println!(
                "  {} → {}: {} (€ {})",
                order_line(out, &p.order),
                p.quarter,
                cie_pagamenti::pricing::cards_text(p.cards, out.lang),
                p.amount.to_portal()
            );
        }
    }
    if !s.needs_support.is_empty() {
        println!(
            "\n{}:",
            out.t(
                "Quote in trimestri già trasmessi (inseribili solo tramite il Supporto Tecnico)",
                "Portions in quarters already transmitted (only through Technical Support)"
            )
        );
        for p in &s.needs_support {
            println!("  {} → {}: € {}", order_line(out, &p.order), p.quarter, p.amount.to_portal());
        }
    }
}
