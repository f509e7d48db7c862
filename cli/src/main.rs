//! `cie-pagamenti`: the command-line front end. Italian output by default (`--lang en`),
//! `--json` for machines. Exit codes: 0 all good, 1 a rule was violated, 2 usage or
//! unreadable input. Every rule is computed by the core library; this crate only reads
//! arguments and files and prints.

mod basics;
mod check;
mod orders;
mod output;
mod reconcile;
mod report;
mod workflow;

use std::process::ExitCode;

use cie_pagamenti::Lang;
use clap::{Parser, Subcommand};

use crate::output::Out;

/// Le regole dei Pagamenti CIE (carta d'identità elettronica) a riga di comando: carte da un
/// importo, trimestri, riconciliazione, rapporto trimestrale, controllo dei mandati.
#[derive(Parser)]
#[command(name = "cie-pagamenti", version, about)]
struct Cli {
    /// Lingua dei messaggi: it (predefinita) o en.
    #[arg(long, global = true, default_value = "it", value_parser = parse_lang)]
    lang: Lang,
    /// Stampa JSON invece del testo.
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    command: Command,
}

fn parse_lang(text: &str) -> Result<Lang, String> {
    Lang::parse(text).ok_or_else(|| "it, en".to_owned())
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
    /// Imputa i mandati ai trimestri secondo la data di firma delle carte e stampa il Resoconto dei Trimestri.
    Reconcile(reconcile::ReconcileArgs),
    /// Scrive il rapporto trimestrale di un trimestre in PDF (stessi file di `reconcile`).
    Report(report::ReportArgs),
    /// Portal workflow: event logs.
    Workflow {
        #[command(subcommand)]
        what: WorkflowCommand,
    },
    /// File dei mandati.
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
    /// Controlla riga per riga un file di mandati (CSV o foglio di calcolo).
    Check {
        /// Il file: colonne «Numero», «Data», «Importo» e, facoltative, «Dal», «Al», «Causale».
        file: std::path::PathBuf,
        /// Il momento del controllo (predefinito: adesso): i mandati con data successiva sono segnalati.
        #[arg(long)]
        now: Option<String>,
        /// Foglio da leggere nei fogli di calcolo (predefinito: il primo).
        #[arg(long)]
        sheet: Option<String>,
    },
}

/// An argument error of clap, said in the chosen language (clap's own text is English); help
/// and version are printed as they are.
fn argument_error(e: &clap::Error) -> ExitCode {
    use clap::error::{ContextKind, ErrorKind};
    if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) {
        let _ = e.print();
        return ExitCode::SUCCESS;
    }
    let args: Vec<String> = std::env::args().collect();
    let english = args.windows(2).any(|w| w[0] == "--lang" && w[1] == "en") || args.iter().any(|a| a == "--lang=en");
    let lang = if english { Lang::En } else { Lang::It };
    let context = |kind: ContextKind| e.get(kind).map(ToString::to_string).unwrap_or_default();
    let (it, en) = match e.kind() {
        ErrorKind::UnknownArgument => ("opzione sconosciuta", "unknown option"),
        ErrorKind::InvalidSubcommand => ("comando sconosciuto", "unknown command"),
        ErrorKind::InvalidValue | ErrorKind::ValueValidation => ("valore non valido", "invalid value"),
        ErrorKind::MissingRequiredArgument => ("manca un argomento obbligatorio", "a required argument is missing"),
        ErrorKind::MissingSubcommand | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            ("manca il comando", "the command is missing")
        }
        ErrorKind::ArgumentConflict => ("opzioni incompatibili", "options that cannot be used together"),
        ErrorKind::TooManyValues | ErrorKind::WrongNumberOfValues | ErrorKind::TooFewValues => {
            ("numero di valori errato", "wrong number of values")
        }
        _ => ("argomenti non validi", "invalid arguments"),
    };
    let what =
        [ContextKind::InvalidArg, ContextKind::InvalidSubcommand, ContextKind::InvalidValue, ContextKind::PriorArg]
            .into_iter()
            .map(context)
            .filter(|t| !t.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
    let hint =
        lang.pick("Usare --help per l'elenco dei comandi e delle opzioni.", "Use --help for the commands and options.");
    if what.is_empty() {
        eprintln!("{}. {hint}", lang.pick(it, en));
    } else {
        eprintln!("{}: {what}. {hint}", lang.pick(it, en));
    }
    ExitCode::from(2)
}

/// A reader that closes the pipe (`… | head -2`) ends the program quietly with exit 0, as the
/// reader chose to stop, instead of the panic of `println!` on a broken pipe (no `unsafe` to
/// restore SIGPIPE: the workspace forbids it).
fn quiet_on_closed_pipe() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let payload = info.payload();
        let text = payload
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| payload.downcast_ref::<&str>().copied())
            .unwrap_or_default();
        if text.contains("failed printing to stdout") {
            std::process::exit(0);
        }
        default(info);
    }));
}

fn main() -> ExitCode {
    quiet_on_closed_pipe();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return argument_error(&e),
    };
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
        Command::Orders { what: OrdersCommand::Check { file, now, sheet } } => {
            orders::check(&out, &file, now.as_deref(), sheet)
        }
        Command::Reconcile(args) => reconcile::run(&out, &args),
        Command::Report(args) => report::run(&out, &args),
        Command::Workflow { what: WorkflowCommand::Replay { events } } => workflow::replay(&out, &events),
    };
    match result {
        Ok(status) => status.into(),
        Err(failure) => out.fail(&failure),
    }
}
