//! `report`: the quarterly report of one quarter, from the same inputs as `reconcile`, as a
//! PDF (and its data with `--json`).

use std::path::PathBuf;

use cie_pagamenti::report::QuarterlyReport;
use cie_pagamenti::{PriceSchedule, Quarter};

use crate::output::{Failure, Out, Status};
use crate::reconcile::{compute, ReconcileArgs};

/// Arguments of `report`.
#[derive(clap::Args)]
pub(crate) struct ReportArgs {
    /// The quarter, e.g. 2024-Q1.
    #[arg(long)]
    quarter: String,
    /// Where to write the PDF.
    #[arg(long)]
    out: Option<PathBuf>,
    /// The CIE service manager is also the finance officer (one signature block).
    #[arg(long)]
    same_person: bool,
    #[command(flatten)]
    inputs: ReconcileArgs,
}

pub(crate) fn run(out: &Out, args: &ReportArgs) -> Result<Status, Failure> {
    let quarter = Quarter::parse(&args.quarter)?;
    let outcome = compute(&args.inputs, out)?;
    let report = QuarterlyReport::from_allocation(
        &args.inputs.comune,
        quarter,
        &outcome.allocation,
        outcome.cieonline.get(&quarter).copied().unwrap_or(0),
        args.same_person,
        outcome.now,
        &PriceSchedule::builtin(),
    );
    if let Some(path) = &args.out {
        std::fs::write(path, cie_pagamenti_pdf::render(&report))
            .map_err(|e| Failure::Usage(format!("{}: {e}", path.display())))?;
    }
    if out.json {
        out.print_json(&serde_json::to_value(&report).unwrap_or_default());
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
            report.cieonline_cards
        );
        if let Some(path) = &args.out {
            println!("{}: {}", out.t("PDF scritto in", "PDF written to"), path.display());
        }
    }
    Ok(if report.exact { Status::Ok } else { Status::Violation })
}
