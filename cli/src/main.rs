//! `cie-pagamenti`: the command-line front end. Italian output by default (`--lang en`),
//! `--json` for machines. Exit codes: 0 all good, 1 a rule was violated, 2 usage or
//! unreadable input. Every rule is computed by the core library; this crate only reads
//! arguments and files and prints.

mod basics;
mod check;
mod help;
mod national;
mod orders;
mod output;
mod reconcile;
mod report;
mod workflow;

use std::process::ExitCode;

use cie_pagamenti::Lang;
use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};

use crate::output::Out;

/// Le regole dei Pagamenti CIE (carta d'identità elettronica) a riga di comando: carte da un
/// importo, trimestri, riconciliazione, rapporto trimestrale, controllo dei mandati.
#[derive(Parser)]
#[command(
    name = "cie-pagamenti",
    version,
    about = "Le regole dei Pagamenti CIE a riga di comando: carte, trimestri, riconciliazione dei mandati, rapporto trimestrale.",
    subcommand_help_heading = "Comandi",
    subcommand_value_name = "COMANDO",
    next_help_heading = "Opzioni"
)]
struct Cli {
    /// Lingua dei messaggi: it (predefinita) o en.
    #[arg(long, global = true, default_value = "it", hide_default_value = true, value_parser = parse_lang)]
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
    /// Carte pagate da un importo (1234,56 o 1234.56); spiega l'integrazione di un importo non multiplo.
    Cards {
        /// L'importo.
        amount: String,
        /// Prezzo in vigore in questa data (gg/mm/aaaa o ISO); predefinito: il prezzo attuale.
        #[arg(long)]
        on: Option<String>,
    },
    /// Il corrispettivo di una carta e le sue parti.
    Price {
        /// Data (gg/mm/aaaa o ISO); predefinito: il prezzo attuale.
        #[arg(long)]
        on: Option<String>,
    },
    /// Quanto paga il cittadino per una CIE.
    Fee {
        /// Duplicato per smarrimento o furto (diritto fisso raddoppiato).
        #[arg(long)]
        duplicate: bool,
        /// Diritto fisso comunale (predefinito 5,16).
        #[arg(long)]
        fixed_fee: Option<String>,
        /// Diritti di segreteria (predefinito 0,26).
        #[arg(long)]
        secretarial_fee: Option<String>,
    },
    /// Il trimestre di ogni momento (ora civile di Roma).
    QuarterOf {
        /// Momenti ISO, con o senza fuso (senza fuso = ora di Roma).
        #[arg(required = true)]
        moments: Vec<String>,
    },
    /// Le quindicine di un anno e le scadenze dei versamenti.
    DueDates {
        /// L'anno.
        year: i32,
    },
    /// La causale richiesta dallo Stato per una quindicina.
    Causale {
        /// Nome del Comune.
        #[arg(long)]
        comune: String,
        /// Quindicina, es. 2024-03-2 (seconda metà di marzo 2024).
        #[arg(long)]
        fortnight: String,
        /// Numero di carte.
        #[arg(long)]
        cards: u64,
    },
    /// Casella di posta per le comunicazioni di carte e versamenti precedenti al 2020.
    Mailbox {
        /// Nome del Comune.
        name: String,
    },
    /// Controlla identificativi, o una password letta dallo standard input.
    Check {
        #[command(subcommand)]
        what: check::CheckCommand,
    },
    /// Strumenti per le password.
    Password {
        #[command(subcommand)]
        what: PasswordCommand,
    },
    /// Imputa i mandati ai trimestri secondo la data di firma delle carte e stampa il Resoconto dei Trimestri.
    Reconcile(reconcile::ReconcileCommand),
    /// Riconciliazione nazionale: ogni Comune di file con la colonna «Comune» (o «Codice ISTAT») riconciliato da solo, in un solo comando; righe per Comune e trimestre in CSV o Parquet (lo stesso lavoro di `reconcile --national`).
    National(national::NationalArgs),
    /// Scrive il rapporto trimestrale di un trimestre in PDF (stessi file di `reconcile`).
    Report(report::ReportArgs),
    /// Flusso di lavoro del portale: registri degli eventi.
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
    /// Genera una password conforme alle regole del portale (generatore casuale del sistema).
    Generate {
        /// Lunghezza (10–128).
        #[arg(long, default_value_t = 16)]
        length: usize,
    },
}

#[derive(Subcommand)]
enum WorkflowCommand {
    /// Ricostruisce lo stato del portale da un registro JSON degli eventi e lo stampa.
    Replay {
        /// Il registro degli eventi (come lo scrive `Portal::events_json`).
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

/// The language asked for with `--lang`, read before the arguments are parsed (the help and
/// clap's errors need it first).
fn requested_lang() -> Lang {
    let args: Vec<String> = std::env::args().collect();
    let english = args.windows(2).any(|w| w[0] == "--lang" && w[1] == "en") || args.iter().any(|a| a == "--lang=en");
    if english {
        Lang::En
    } else {
        Lang::It
    }
}

/// An argument error of clap, said in the chosen language (clap's own text is English); help
/// and version are printed as they are.
fn argument_error(e: &clap::Error) -> ExitCode {
    use clap::error::{ContextKind, ErrorKind};
    if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) {
        let _ = e.print();
        return ExitCode::SUCCESS;
    }
    let lang = requested_lang();
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
    let parsed = help::localized(Cli::command(), requested_lang())
        .try_get_matches()
        .and_then(|matches| Cli::from_arg_matches(&matches));
    let cli = match parsed {
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
        Command::Reconcile(args) => reconcile::run_command(&out, &args),
        Command::National(args) => national::run(&out, &args.job()),
        Command::Report(args) => report::run(&out, &args),
        Command::Workflow { what: WorkflowCommand::Replay { events } } => workflow::replay(&out, &events),
    };
    match result {
        Ok(status) => status.into(),
        Err(failure) => out.fail(&failure),
    }
}
