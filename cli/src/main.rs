//! `cie-pagamenti`: the command-line front end. Italian output by default (`--lang en`),
//! `--json` for machines. Exit codes: 0 all good, 1 a rule was violated, 2 usage or
//! unreadable input. Every rule is computed by the core library; this crate only reads
//! arguments and files and prints.

mod basics;
mod check;
mod input;
mod orders;
mod output;
mod reconcile;
mod report;
mod workflow;

use std::process::ExitCode;

use cie_pagamenti::Lang;
use clap::{Parser, Subcommand};

use crate::output::Out;

/// Rules of the CIE payment accounting (Pagamenti CIE) on the command line.
#[derive(Parser)]
#[command(name = "cie-pagamenti", version, about)]
struct Cli {
    /// Output language: it (default) or en.
    #[arg(long, global = true, default_value = "it", value_parser = parse_lang)]
    lang: Lang,
    /// Print JSON instead of text.
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    command: Command,
}

fn parse_lang(text: &str) -> Result<Lang, String> {
    Lang::parse(text).ok_or_else(|| "use 'it' or 'en'".to_owned())
}

#[derive(Subcommand)]
enum Command {
    /// Cards paid by an amount (1234,56 or 1234.56); explains the top-up of a non-multiple.
    Cards {
        /// The amount.
        amount: String,
        /// Price on this date (gg/mm/aaaa or ISO); default: the current price.
        #[arg(long)]
        on: Option<String>,
    },
    /// The price of a card and its parts.
    Price {
        /// Date (gg/mm/aaaa or ISO); default: the current price.
        #[arg(long)]
        on: Option<String>,
    },
    /// What a citizen pays for a CIE.
    Fee {
        /// Duplicate after loss or theft (doubled fixed fee).
        #[arg(long)]
        duplicate: bool,
        /// Municipal "diritto fisso" (default 5,16).
        #[arg(long)]
        fixed_fee: Option<String>,
        /// "Diritti di segreteria" (default 0,26).
        #[arg(long)]
        secretarial_fee: Option<String>,
    },
    /// The quarter of each moment (Europe/Rome civil time).
    QuarterOf {
        /// ISO moments, with or without offset (naive = Rome local time).
        #[arg(required = true)]
        moments: Vec<String>,
    },
    /// Fortnights of a year and their payment due dates.
    DueDates {
        /// The year.
        year: i32,
    },
    /// The payment description required by the State for a fortnight.
    Causale {
        /// Municipality name.
        #[arg(long)]
        comune: String,
        /// Fortnight, e.g. 2024-03-2 (second half of March 2024).
        #[arg(long)]
        fortnight: String,
        /// Number of cards.
        #[arg(long)]
        cards: u64,
    },
    /// Mailbox for reports of cards and payments before 2020.
    Mailbox {
        /// Municipality name.
        name: String,
    },
    /// Validate identifiers, or a password read from standard input.
    Check {
        #[command(subcommand)]
        what: check::CheckCommand,
    },
    /// Password tools.
    Password {
        #[command(subcommand)]
        what: PasswordCommand,
    },
    /// Allocate orders to quarters by the cards' signing dates and print the Resoconto dei Trimestri.
    Reconcile(reconcile::ReconcileArgs),
    /// Write the quarterly report of one quarter as PDF (same inputs as `reconcile`).
    Report(report::ReportArgs),
    /// Portal workflow: event logs.
    Workflow {
        #[command(subcommand)]
        what: WorkflowCommand,
    },
    /// Payment-order files.
    Orders {
        #[command(subcommand)]
        what: OrdersCommand,
    },
}

#[derive(Subcommand)]
enum PasswordCommand {
    /// Generate a password that satisfies the portal's policy (OS random generator).
    Generate {
        /// Length (10–128).
        #[arg(long, default_value_t = 16)]
        length: usize,
    },
}

#[derive(Subcommand)]
enum WorkflowCommand {
    /// Rebuild the portal state from a versioned JSON event log and print it.
    Replay {
        /// The event log (as written by `Portal::events_json`).
        events: std::path::PathBuf,
    },
}

#[derive(Subcommand)]
enum OrdersCommand {
    /// Validate a municipality's payment-order CSV row by row.
    Check {
        /// CSV file (columns number/numero, date/data, amount/importo, optional period_from/dal, period_to/al).
        file: std::path::PathBuf,
        /// The moment of the check (default: now): orders dated later are refused.
        #[arg(long)]
        now: Option<String>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let out = Out { lang: cli.lang, json: cli.json };
    let result = match cli.command {
        Command::Cards { amount, on } => basics::cards(&out, &amount, on.as_deref()),
        Command::Price { on } => basics::price(&out, on.as_deref()),
        Command::Fee { duplicate, fixed_fee, secretarial_fee } => {
            basics::fee(&out, duplicate, fixed_fee.as_deref(), secretarial_fee.as_deref())
        }
        Command::QuarterOf { moments } => basics::quarter_of(&out, &moments),
        Command::DueDates { year } => basics::due_dates(&out, year),
        Command::Causale { comune, fortnight, cards } => basics::causale(&out, &comune, &fortnight, cards),
        Command::Mailbox { name } => basics::mailbox(&out, &name),
        Command::Check { what } => check::run(&out, what),
        Command::Password { what: PasswordCommand::Generate { length } } => check::generate(&out, length),
        Command::Orders { what: OrdersCommand::Check { file, now } } => orders::check(&out, &file, now.as_deref()),
        Command::Reconcile(args) => reconcile::run(&out, &args),
        Command::Report(args) => report::run(&out, &args),
        Command::Workflow { what: WorkflowCommand::Replay { events } } => workflow::replay(&out, &events),
    };
    match result {
        Ok(status) => status.into(),
        Err(failure) => out.fail(&failure),
    }
}
