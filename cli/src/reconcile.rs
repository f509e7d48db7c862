//! `reconcile`: the main job. Cards, payment orders and CIEonline counts from CSV files →
//! allocation by signing date and the Resoconto dei Trimestri.

use std::collections::{BTreeMap, BTreeSet};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use cie_pagamenti::allocation::Allocation;
use cie_pagamenti::reconciliation::{
    statement_of_counts, Balance, Context, Lifespan, QuarterState, Reconciliation, Settlement,
};
use cie_pagamenti::{CieError, Moment, PriceSchedule, Quarter};
use serde_json::json;

use cie_pagamenti_import::{
    apply_cash_journal, is_xml, read_cieonline, read_opi_cash_journal, read_opi_orders_from, read_orders, tally_cards,
    Finding, ImportError, Imported, Options, Severity,
};

use crate::output::{argument, finding_json, open_file, read_file, table, Failure, Out, Status};

/// Arguments of `reconcile`.
#[derive(clap::Args)]
pub(crate) struct ReconcileArgs {
    /// Carte firmate: CSV (UTF-8, UTF-16 o Windows-1252; `;`, `,` o tabulazione) o foglio di
    /// calcolo (XLSX, XLS, ODS); colonna «Data firma» (gg/mm/aaaa hh:mm o ISO, ora di Roma) e,
    /// facoltativa, «Numero carta».
    #[arg(long)]
    pub(crate) cards: PathBuf,
    /// Mandati: CSV, foglio di calcolo o flusso OPI (SIOPE+, solo i mandati CIE); colonne
    /// «Numero», «Data», «Importo» e, facoltative, «Dal», «Al», «Causale» (il periodo si legge
    /// dalla causale quando mancano «Dal» e «Al»).
    #[arg(long)]
    pub(crate) orders: PathBuf,
    /// Giornale di cassa OPI del tesoriere (flusso_giornale_di_cassa): i mandati stornati sono
    /// esclusi, con un avviso.
    #[arg(long)]
    pub(crate) cash_journal: Option<PathBuf>,
    /// Conteggi CIEonline: CSV o foglio di calcolo; colonne «Trimestre» e «Carte».
    #[arg(long)]
    pub(crate) cieonline: Option<PathBuf>,
    /// Foglio da leggere nei fogli di calcolo (predefinito: il primo).
    #[arg(long)]
    pub(crate) sheet: Option<String>,
    /// Trimestri già trasmessi, es. 2020-Q1..2024-Q2 o un elenco separato da virgole.
    #[arg(long, default_value = "")]
    pub(crate) transmitted: String,
    /// Nome del Comune (obbligatorio, tranne con --national).
    #[arg(long)]
    pub(crate) comune: Option<String>,
    /// Il momento della riconciliazione (predefinito: adesso): decide quali trimestri sono
    /// chiusi; date successive nei file sono segnalate.
    #[arg(long)]
    pub(crate) now: Option<String>,
    /// Riconcilia un solo anno (es. 2024): i suoi quattro trimestri.
    #[arg(long, conflicts_with_all = ["first_quarter", "last_quarter"])]
    pub(crate) year: Option<i32>,
    /// Primo trimestre di un Comune istituito dopo il 2020-Q1.
    #[arg(long)]
    pub(crate) first_quarter: Option<String>,
    /// Ultimo trimestre di un Comune soppresso.
    #[arg(long)]
    pub(crate) last_quarter: Option<String>,
}

impl ReconcileArgs {
    /// The municipality's name (empty when not given: `compute` refuses it).
    pub(crate) fn comune(&self) -> &str {
        self.comune.as_deref().unwrap_or_default()
    }
}

/// `reconcile`: one municipality, or with `--national` every municipality of the files.
#[derive(clap::Args)]
pub(crate) struct ReconcileCommand {
    #[command(flatten)]
    pub(crate) inputs: ReconcileArgs,
    /// Riconciliazione nazionale (§3.4): file con la colonna «Comune» (o «Codice ISTAT»), CSV, fogli di calcolo o Parquet; ogni Comune riconciliato da solo; righe per Comune e trimestre in --out.
    #[arg(long, conflicts_with_all = ["comune", "cash_journal", "sheet", "year", "first_quarter", "last_quarter", "transmitted"])]
    pub(crate) national: bool,
    /// Con --national: dove scrivere le righe per Comune e trimestre (CSV, o Parquet se il nome finisce in .parquet); il riepilogo per Comune va accanto, <nome>-riepilogo.<estensione>.
    #[arg(long, requires = "national")]
    pub(crate) out: Option<PathBuf>,
}

/// Runs `reconcile`, national or not.
pub(crate) fn run_command(out: &Out, command: &ReconcileCommand) -> Result<Status, Failure> {
    if !command.national {
        return run(out, &command.inputs);
    }
    let inputs = &command.inputs;
    let default_out = PathBuf::from(crate::national::DEFAULT_OUT);
    crate::national::run(
        out,
        &crate::national::Job {
            cards: &inputs.cards,
            orders: &inputs.orders,
            cieonline: inputs.cieonline.as_deref(),
            now: inputs.now.as_deref(),
            out: command.out.as_deref().unwrap_or(&default_out),
        },
    )
}

/// Everything read and computed.
pub(crate) struct Outcome {
    pub(crate) allocation: Allocation,
    pub(crate) reconciliation: Reconciliation,
    pub(crate) settlement: Settlement,
    pub(crate) pre_portal_mailbox: Option<&'static str>,
    pub(crate) cieonline: BTreeMap<Quarter, u64>,
    pub(crate) now: Moment,
    /// The municipality's first quarter (`--first-quarter`, else 2020-Q1).
    pub(crate) lifespan_first: Quarter,
    /// Warnings of the input files (e.g. an order reversed by the treasurer, left out).
    pub(crate) warnings: Vec<(String, Finding)>,
}

/// Reads one input file through the import layer; a file that cannot be read at all is an
/// exit-2 failure naming it, row findings are collected.
pub(crate) fn import<T>(
    path: &Path,
    out: &Out,
    read: impl Fn(&[u8], &Options) -> Result<Imported<T>, ImportError>,
    options: &Options,
    findings: &mut Vec<(String, Finding)>,
) -> Result<Vec<T>, Failure> {
    Ok(import_located(path, out, read, options, findings)?.into_iter().map(|r| r.value).collect())
}

/// [`import`] keeping each row's line.
pub(crate) fn import_located<T>(
    path: &Path,
    out: &Out,
    read: impl Fn(&[u8], &Options) -> Result<Imported<T>, ImportError>,
    options: &Options,
    findings: &mut Vec<(String, Finding)>,
) -> Result<Vec<cie_pagamenti_import::Located<T>>, Failure> {
    let bytes = read_file(path, out)?;
    let file = path.display().to_string();
    let imported =
        read(&bytes, options).map_err(|e| Failure::Usage(format!("{file}: {}: {}", e.code(), e.message(out.lang))))?;
    findings.extend(imported.findings.into_iter().map(|f| (file.clone(), f)));
    Ok(imported.rows)
}

/// The moment of `--now`, or the clock.
pub(crate) fn now_of(text: Option<&str>) -> Result<Moment, Failure> {
    match text {
        Some(text) => Moment::parse(text).map_err(argument("--now")),
        None => Ok(Moment::from_aware(&chrono::Utc::now())),
    }
}

fn lifespan(args: &ReconcileArgs) -> Result<Lifespan, Failure> {
    if let Some(year) = args.year {
        let q = |n| Quarter::new(year, n).map_err(argument("--year"));
        return Ok(Lifespan { first: q(1)?.max(Quarter::PORTAL_FIRST), last: Some(q(4)?) });
    }
    Ok(Lifespan {
        first: args
            .first_quarter
            .as_deref()
            .map(Quarter::parse)
            .transpose()
            .map_err(argument("--first-quarter"))?
            .unwrap_or(Quarter::PORTAL_FIRST),
        last: args.last_quarter.as_deref().map(Quarter::parse).transpose().map_err(argument("--last-quarter"))?,
    })
}

/// Reads the files and computes allocation and reconciliation.
pub(crate) fn compute(args: &ReconcileArgs, out: &Out) -> Result<Outcome, Failure> {
    let now = now_of(args.now.as_deref())?;
    let comune = args.comune();
    if comune.trim().is_empty() {
        return Err(Failure::Argument("--comune", Box::new(cie_pagamenti::calendar::CalendarError::MunicipalityName)));
    }
    let transmitted: BTreeSet<Quarter> = Quarter::parse_set(&args.transmitted).map_err(argument("--transmitted"))?;
    let lifespan = lifespan(args)?;
    let options = Options { now: Some(now), sheet: args.sheet.clone(), municipality: Some(comune.to_owned()) };
    let mut findings = Vec::new();
    let progress = (std::fs::metadata(&args.cards).map_or(0, |m| m.len()) > 300_000_000
        && std::io::stderr().is_terminal())
    .then(|| {
        let bar = indicatif::ProgressBar::new_spinner();
        bar.set_message(out.t("lettura carte", "reading cards").to_owned());
        bar.enable_steady_tick(std::time::Duration::from_millis(200));
        bar
    });
    let cards = {
        // Streamed: memory grows with the days, not with the file.
        let file = args.cards.display().to_string();
        let tally = tally_cards(open_file(&args.cards, out)?, &options)
            .map_err(|e| Failure::Usage(format!("{file}: {}: {}", e.code(), e.message(out.lang))))?;
        findings.extend(tally.findings.into_iter().map(|f| (file.clone(), f)));
        tally.counts
    };
    if let Some(bar) = progress {
        bar.finish_and_clear();
    }
    let orders = read_order_file(args, out, &options, &mut findings)?;
    let cieonline: BTreeMap<Quarter, u64> = match &args.cieonline {
        Some(path) => import(path, out, read_cieonline, &options, &mut findings)?
            .into_iter()
            .map(|c| (c.quarter, c.cards))
            .collect(),
        None => BTreeMap::new(),
    };
    if findings.iter().any(|(_, f)| f.severity == Severity::Error) {
        return Err(Failure::Input(findings));
    }
    let warnings = findings;
    let context = Context {
        cieonline: cieonline.clone(),
        states: transmitted.iter().map(|q| (*q, QuarterState::Transmitted)).collect(),
        lifespan,
        municipality: Some(args.comune()),
        ..Context::default()
    };
    let mut s = statement_of_counts(&cards, orders, &context, now, &PriceSchedule::builtin())?;
    if let Some(year) = args.year {
        // One year's reconciliation: its quarters only.
        s.reconciliation.quarters.retain(|r| r.quarter.year() == year);
    }
    Ok(Outcome {
        allocation: s.allocation,
        reconciliation: s.reconciliation,
        settlement: s.settlement,
        pre_portal_mailbox: s.pre_portal_mailbox,
        cieonline,
        now,
        // `--year` narrows what is shown, not when the municipality began.
        lifespan_first: match &args.first_quarter {
            Some(text) => Quarter::parse(text).map_err(argument("--first-quarter"))?,
            None => Quarter::PORTAL_FIRST,
        },
        warnings,
    })
}

/// The orders file (CSV, spreadsheet or OPI), with the treasurer's cash journal applied when
/// given: reversed orders are left out with a warning.
fn read_order_file(
    args: &ReconcileArgs,
    out: &Out,
    options: &Options,
    findings: &mut Vec<(String, Finding)>,
) -> Result<Vec<cie_pagamenti::orders::PaymentOrder>, Failure> {
    let file = args.orders.display().to_string();
    let unreadable =
        |file: &str, e: &ImportError| Failure::Usage(format!("{file}: {}: {}", e.code(), e.message(out.lang)));
    // An OPI file (all of a municipality's payments: possibly large) is streamed.
    let mut stream = std::io::BufReader::with_capacity(256 * 1024, open_file(&args.orders, out)?);
    let xml = std::io::BufRead::fill_buf(&mut stream).is_ok_and(is_xml);
    let mut imported =
        if xml { read_opi_orders_from(stream, options) } else { read_orders(&read_file(&args.orders, out)?, options) }
            .map_err(|e| unreadable(&file, &e))?;
    if let Some(path) = &args.cash_journal {
        let journal_file = path.display().to_string();
        let journal = read_opi_cash_journal(&read_file(path, out)?).map_err(|e| unreadable(&journal_file, &e))?;
        findings.extend(journal.findings.iter().cloned().map(|f| (journal_file.clone(), f)));
        apply_cash_journal(&mut imported, &journal);
    }
    findings.extend(imported.findings.into_iter().map(|f| (file.clone(), f)));
    Ok(imported.rows.into_iter().map(|r| r.value.order).collect())
}

pub(crate) fn run(out: &Out, args: &ReconcileArgs) -> Result<Status, Failure> {
    let outcome = compute(args, out)?;
    if out.json {
        out.print_json(&json!({
            "municipality": args.comune(),
            "now": outcome.now,
            "allocation": outcome.allocation,
            "reconciliation": outcome.reconciliation,
            "settlement": outcome.settlement,
            "pre_portal_mailbox": outcome.pre_portal_mailbox,
            "findings": outcome.warnings.iter().map(|(file, f)| finding_json(file, f, out.lang)).collect::<Vec<_>>(),
        }));
    } else {
        for (file, f) in &outcome.warnings {
            eprintln!("{file}:{}: {}: {}", f.line, f.code, f.message(out.lang));
        }
        print_text(out, args.comune(), &outcome);
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
