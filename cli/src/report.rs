//! `report`: the quarterly report of one quarter, from the same inputs as `reconcile`, as a
//! PDF (and its data with `--json`).

use std::path::PathBuf;

use cie_pagamenti::report::{DraftReason, QuarterlyReport};
use cie_pagamenti::{Moment, PriceSchedule, Quarter};

use crate::output::{argument, Failure, Out, Status};
use crate::reconcile::{compute, ReconcileArgs};

/// Arguments of `report`.
#[derive(clap::Args)]
pub(crate) struct ReportArgs {
    /// Il trimestre, es. 2024-Q1 (dal 2020-Q1, già concluso).
    #[arg(long)]
    quarter: String,
    /// Dove scrivere il PDF (predefinito: rapporto-<comune>-<trimestre>.pdf nella cartella corrente).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Il Responsabile del Servizio CIE è anche il Responsabile del Servizio Finanziario (una sola firma).
    #[arg(long)]
    same_person: bool,
    /// Nome e cognome di chi firma, nell'ordine dei blocchi di firma (Responsabile del Servizio CIE, poi Responsabile del Servizio Finanziario); ripetibile.
    #[arg(long = "firmatario", value_name = "NOME")]
    signatories: Vec<String>,
    #[command(flatten)]
    inputs: ReconcileArgs,
}

/// A file name from the municipality's name: letters and digits, the rest as `-`.
fn default_name(comune: &str, quarter: Quarter) -> PathBuf {
    let slug: String = comune
        .chars()
        .map(|c| if c.is_alphanumeric() { c.to_lowercase().next().unwrap_or(c) } else { '-' })
        .collect::<String>()
        .split('-')
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    PathBuf::from(format!("rapporto-{slug}-{quarter}.pdf"))
}

pub(crate) fn run(out: &Out, args: &ReportArgs) -> Result<Status, Failure> {
    let quarter = Quarter::parse(&args.quarter).map_err(argument("--quarter"))?;
    let now = crate::reconcile::now_of(args.inputs.now.as_deref())?;
    if quarter < Quarter::PORTAL_FIRST {
        return Err(Failure::Usage(format!(
            "--quarter {quarter}: {}",
            out.t(
                "trimestre precedente al portale (prima del 2020): si comunica per e-mail",
                "quarter before the portal (before 2020): reported by e-mail"
            )
        )));
    }
    if cie_pagamenti::reconciliation::last_ended_quarter(now).is_none_or(|ended| quarter > ended) {
        return Err(Failure::Usage(format!(
            "--quarter {quarter}: {}",
            out.t("il trimestre non è ancora concluso", "the quarter has not ended yet")
        )));
    }
    let outcome = compute(&args.inputs, out)?;
    let report = QuarterlyReport::from_allocation(
        args.inputs.comune(),
        quarter,
        &outcome.allocation,
        outcome.cieonline.get(&quarter).copied(),
        args.same_person,
        outcome.now,
        &PriceSchedule::builtin(),
    );
    let mut report = report;
    for (block, name) in report.signatories.iter_mut().zip(&args.signatories) {
        block.name = Some(name.trim().to_owned()).filter(|n| !n.is_empty());
    }
    let transmitted = Quarter::parse_set(&args.inputs.transmitted).map_err(argument("--transmitted"))?;
    report.check_previous(outcome.lifespan_first, |p| transmitted.contains(&p));
    let path = args.out.clone().unwrap_or_else(|| default_name(args.inputs.comune(), quarter));
    // The footer shows when the file was made; `--now` only decides the rules.
    let pdf = cie_pagamenti_pdf::render(&report, Moment::from_aware(&chrono::Utc::now()))?;
    std::fs::write(&path, pdf).map_err(|e| {
        Failure::Usage(format!(
            "{}: {} ({})",
            path.display(),
            out.t("impossibile scrivere il file", "cannot write the file"),
            e.kind()
        ))
    })?;
    if out.json {
        let mut value = serde_json::to_value(&report).unwrap_or_default();
        value["pdf"] = serde_json::json!(path.display().to_string());
        out.print_json(&value);
    } else {
        println!(
            "{} {} — {} {}: € {} ({} {}, CIEonline {})",
            out.t("Rapporto", "Report"),
            quarter,
            report.orders.len(),
            out.t("mandati", "orders"),
            report.total.to_portal(),
            report.cards_from_amount,
            out.t("carte", "cards"),
            report.cieonline_cards.map_or_else(|| "n.d.".to_owned(), |n| n.to_string())
        );
        println!("{}: {}", out.t("PDF scritto in", "PDF written to"), path.display());
    }
    if !report.exact {
        let r = outcome.reconciliation.quarters.iter().find(|r| r.quarter == quarter);
        let top_up = r.and_then(|r| r.top_up).map_or_else(String::new, |t| format!(" € {}", t.to_portal()));
        eprintln!(
            "{} {quarter}: {}{top_up}",
            out.t("Trimestre", "Quarter"),
            out.t(
                "NON TRASMISSIBILE: l'importo non è un multiplo esatto di € 16,79; integrare con un mandato di",
                "NOT TRANSMISSIBLE: the amount is not an exact multiple of € 16.79; top up with an order of"
            )
        );
    }
    if report.draft_reasons.contains(&DraftReason::PreviousNotTransmitted) {
        eprintln!(
            "{} {quarter}: {}",
            out.t("Trimestre", "Quarter"),
            out.t(
                "BOZZA: il trimestre precedente non è ancora trasmesso (indicare i trimestri trasmessi con --transmitted)",
                "DRAFT: the previous quarter is not transmitted yet (name the transmitted quarters with --transmitted)"
            )
        );
    }
    // A draft (non-multiple, previous quarter not transmitted) cannot be transmitted: exit 1.
    Ok(if report.draft_reasons.is_empty() { Status::Ok } else { Status::Violation })
}
