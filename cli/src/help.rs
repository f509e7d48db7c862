//! The help in the user's language: the Italian texts are the doc comments of the arguments;
//! the English ones are here, by command path and argument id (a test checks that every
//! Italian text has its English one). Headings, `--help` and `--version` in both languages.

use clap::{Arg, ArgAction, Command};

use cie_pagamenti::Lang;

/// English help by command path (`""` the program, `"orders check"` a subcommand) and, after a
/// space, argument id.
const ENGLISH: &[(&str, &str)] = &[
    ("", "The CIE Payments rules on the command line: cards, quarters, reconciliation of payment orders, quarterly report."),
    (" lang", "Language of messages: it (default) or en"),
    (" json", "Print JSON instead of text"),
    ("cards", "Cards paid by an amount (1234,56 or 1234.56); explains the top-up of an amount that is not a multiple"),
    ("cards amount", "The amount"),
    ("cards on", "Price in force on this date (dd/mm/yyyy or ISO); default: the current price"),
    ("price", "The fee of one card and its parts"),
    ("price on", "Date (dd/mm/yyyy or ISO); default: the current price"),
    ("fee", "What a citizen pays for a CIE"),
    ("fee duplicate", "Duplicate after loss or theft (fixed fee doubled)"),
    ("fee fixed_fee", "Municipal fixed fee (default 5,16)"),
    ("fee secretarial_fee", "Secretarial fees (default 0,26)"),
    ("quarter-of", "The quarter of each moment (Rome civil time)"),
    ("quarter-of moments", "ISO moments, with or without offset (without = Rome time)"),
    ("due-dates", "The fortnights of a year and the payment due dates"),
    ("due-dates year", "The year"),
    ("causale", "The causale the State requires for a fortnight"),
    ("causale comune", "Name of the municipality"),
    ("causale fortnight", "Fortnight, e.g. 2024-03-2 (second half of March 2024)"),
    ("causale cards", "Number of cards"),
    ("mailbox", "Mailbox for communications about cards and payments before 2020"),
    ("mailbox name", "Name of the municipality"),
    ("check", "Checks identifiers, or a password read from standard input"),
    ("check fiscal-code", "A person's fiscal code, omocodia included"),
    ("check fiscal-code values", "Values; `-` reads them one per line from standard input"),
    ("check fiscal-code surname", "Surname to compare with the code (a warning when it does not match, SPEC §7)"),
    ("check fiscal-code name", "First name to compare with the code (a warning when it does not match, SPEC §7)"),
    ("check vat-number", "VAT number / numeric fiscal code (11 digits)"),
    ("check vat-number values", "Values; `-` reads them one per line from standard input"),
    ("check iban", "Italian IBAN (mod-97 and CIN)"),
    ("check iban values", "Values; `-` reads them one per line from standard input"),
    ("check cap", "Postal code (CAP)"),
    ("check cap values", "Values; `-` reads them one per line from standard input"),
    ("check email", "E-mail address"),
    ("check email values", "Values; `-` reads them one per line from standard input"),
    ("check phone", "Telephone number"),
    ("check phone values", "Values; `-` reads them one per line from standard input"),
    ("check password", "A password read from standard input (never shown): the list of the portal's rules"),
    ("password", "Password tools"),
    ("password generate", "Generates a password that meets the portal's rules (the system's random generator)"),
    ("password generate length", "Length (10–128)"),
    ("reconcile", "Assigns the payment orders to quarters by the signing date of the cards and prints the quarters' statement (Resoconto dei Trimestri)"),
    ("reconcile cards", CARDS_EN),
    ("reconcile orders", ORDERS_EN),
    ("reconcile cash_journal", JOURNAL_EN),
    ("reconcile cieonline", CIEONLINE_EN),
    ("reconcile sheet", SHEET_EN),
    ("reconcile transmitted", TRANSMITTED_EN),
    ("reconcile comune", "Name of the municipality (required, except with --national)"),
    ("reconcile national", "National reconciliation (§3.4): files with a «Comune» (or «Codice ISTAT») column, CSV, spreadsheets or Parquet; every municipality reconciled on its own; rows per municipality and quarter in --out"),
    ("reconcile out", "With --national: where to write the rows per municipality and quarter (CSV, or Parquet when the name ends in .parquet); the summary per municipality goes beside it, <name>-riepilogo.<extension>"),
    ("reconcile now", NOW_EN),
    ("reconcile year", YEAR_EN),
    ("reconcile first_quarter", FIRST_EN),
    ("reconcile last_quarter", LAST_EN),
    ("national", "National reconciliation: every municipality of files with a «Comune» (or «Codice ISTAT») column reconciled on its own, in one command; rows per municipality and quarter as CSV or Parquet (the same job as `reconcile --national`)"),
    ("national cards", "Signed cards of many municipalities: CSV, spreadsheet or Parquet with the columns «Comune» (or «Codice ISTAT») and «Data firma»"),
    ("national orders", "Payment orders of many municipalities: CSV, spreadsheet or Parquet with «Comune» (or «Codice ISTAT»), «Numero», «Data», «Importo»"),
    ("national cieonline", "CIEonline counts: «Comune» (or «Codice ISTAT»), «Trimestre», «Carte»"),
    ("national now", "The moment of the reconciliation (default: now)"),
    ("national out", "Where to write the rows per municipality and quarter (CSV, or Parquet when the name ends in .parquet); the summary per municipality goes beside it, <name>-riepilogo.<extension>"),
    ("report", "Writes the quarterly report of a quarter as PDF (same files as `reconcile`)"),
    ("report quarter", "The quarter, e.g. 2024-Q1 (from 2020-Q1, already ended)"),
    ("report out", "Where to write the PDF (default: rapporto-<comune>-<quarter>.pdf in the current folder)"),
    ("report same_person", "The head of the CIE service is also the head of the finance service (one signature)"),
    ("report signatories", "Name of each signatory, in the order of the signature blocks (head of the CIE service, then head of the finance service); repeatable"),
    ("report cards", CARDS_EN),
    ("report orders", ORDERS_EN),
    ("report cash_journal", JOURNAL_EN),
    ("report cieonline", CIEONLINE_EN),
    ("report sheet", SHEET_EN),
    ("report transmitted", TRANSMITTED_EN),
    ("report comune", "Name of the municipality"),
    ("report now", NOW_EN),
    ("report year", YEAR_EN),
    ("report first_quarter", FIRST_EN),
    ("report last_quarter", LAST_EN),
    ("workflow", "The portal's workflow: event logs"),
    ("workflow replay", "Rebuilds the portal's state from a JSON event log and prints it"),
    ("workflow replay events", "The event log (as `Portal::events_json` writes it)"),
    ("orders", "Payment order files"),
    ("orders check", "Checks a payment order file row by row (CSV or spreadsheet)"),
    ("orders check file", "The file: columns «Numero», «Data», «Importo» and, optional, «Dal», «Al», «Causale»"),
    ("orders check now", "The moment of the check (default: now): orders dated after it are reported"),
    ("orders check sheet", SHEET_EN),
];

const CARDS_EN: &str = "Signed cards: CSV (UTF-8, UTF-16 or Windows-1252; `;`, `,` or tab) or spreadsheet (XLSX, XLS, ODS); column «Data firma» (dd/mm/yyyy hh:mm or ISO, Rome time) and, optional, «Numero carta»";
const ORDERS_EN: &str = "Payment orders: CSV, spreadsheet or OPI flow (SIOPE+, only the CIE orders); columns «Numero», «Data», «Importo» and, optional, «Dal», «Al», «Causale» (the period is read from the causale when «Dal» and «Al» are missing)";
const JOURNAL_EN: &str =
    "The treasurer's OPI cash journal (flusso_giornale_di_cassa): reversed orders are left out, with a warning";
const CIEONLINE_EN: &str = "CIEonline counts: CSV or spreadsheet; columns «Trimestre» and «Carte»";
const SHEET_EN: &str = "Sheet to read in spreadsheets (default: the first)";
const TRANSMITTED_EN: &str = "Quarters already transmitted, e.g. 2020-Q1..2024-Q2 or a comma-separated list";
const NOW_EN: &str = "The moment of the reconciliation (default: now): decides which quarters have ended; later dates in the files are reported";
const YEAR_EN: &str = "Reconcile one year only (e.g. 2024): its four quarters";
const FIRST_EN: &str = "First quarter of a municipality founded after 2020-Q1";
const LAST_EN: &str = "Last quarter of a municipality dissolved";

fn english(key: &str) -> Option<&'static str> {
    ENGLISH.iter().find(|(k, _)| *k == key).map(|(_, v)| *v)
}

/// The command line with its help in `lang`.
pub(crate) fn localized(cmd: Command, lang: Lang) -> Command {
    localize(cmd, "", lang, true)
}

fn localize(mut cmd: Command, path: &str, lang: Lang, root: bool) -> Command {
    if lang == Lang::En {
        if let Some(about) = english(path) {
            cmd = cmd.about(about).long_about(None);
        }
    }
    let usage = lang.pick("Uso:", "Usage:");
    cmd = cmd
        .help_template(format!("{{about-with-newline}}\n{usage} {{usage}}\n\n{{all-args}}{{after-help}}"))
        .subcommand_help_heading(lang.pick("Comandi", "Commands"))
        .subcommand_value_name(lang.pick("COMANDO", "COMMAND"))
        .disable_help_subcommand(true)
        .disable_help_flag(true)
        .arg(
            Arg::new("help")
                .short('h')
                .long("help")
                .action(ArgAction::Help)
                .help(lang.pick("Mostra questo aiuto", "Print help")),
        );
    if root {
        cmd = cmd.disable_version_flag(true).arg(
            Arg::new("version")
                .short('V')
                .long("version")
                .action(ArgAction::Version)
                .help(lang.pick("Mostra la versione", "Print version")),
        );
    }
    let ids: Vec<String> = cmd.get_arguments().map(|a| a.get_id().to_string()).collect();
    for id in ids {
        let key = format!("{path} {id}");
        let text = if lang == Lang::En { english(&key) } else { None };
        cmd = cmd.mut_arg(id, |a| {
            let heading =
                if a.is_positional() { lang.pick("Argomenti", "Arguments") } else { lang.pick("Opzioni", "Options") };
            let a = a.help_heading(heading);
            match text {
                Some(t) => a.help(t).long_help(None),
                None => a,
            }
        });
    }
    let names: Vec<String> = cmd.get_subcommands().map(|s| s.get_name().to_owned()).collect();
    for name in names {
        let sub = format!("{path} {name}").trim().to_owned();
        cmd = cmd.mut_subcommand(name, |s| localize(s, &sub, lang, false));
    }
    cmd
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    /// Every command and argument with an Italian help has its English one.
    fn walk(cmd: &Command, path: &str, missing: &mut Vec<String>) {
        if cmd.get_about().is_some() && english(path).is_none() {
            missing.push(path.to_owned());
        }
        for a in cmd.get_arguments() {
            let key = format!("{path} {}", a.get_id());
            if a.get_help().is_some() && english(&key).is_none() {
                missing.push(key);
            }
        }
        for s in cmd.get_subcommands() {
            walk(s, format!("{path} {}", s.get_name()).trim(), missing);
        }
    }

    #[test]
    fn every_italian_help_has_its_english() {
        let mut missing = Vec::new();
        walk(&crate::Cli::command(), "", &mut missing);
        assert!(missing.is_empty(), "no English help for: {missing:?}");
        let keys: Vec<&str> = ENGLISH.iter().map(|(k, _)| *k).collect();
        let mut unique = keys.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), keys.len(), "a key twice");
    }

    #[test]
    fn help_in_each_language() {
        let render = |lang: Lang, args: &[&str]| {
            let e = localized(crate::Cli::command(), lang).try_get_matches_from(args).err().unwrap();
            e.render().to_string()
        };
        let it = render(Lang::It, &["cie-pagamenti", "reconcile", "--help"]);
        assert!(it.contains("Uso:") && it.contains("Opzioni:") && it.contains("Mostra questo aiuto"), "{it}");
        assert!(!it.contains("Print help") && !it.contains("Usage:"), "{it}");
        let en = render(Lang::En, &["cie-pagamenti", "--lang", "en", "reconcile", "--help"]);
        assert!(en.contains("Usage:") && en.contains("Reconcile one year only") && en.contains("Print help"), "{en}");
        assert!(!en.contains("Riconcilia") && !en.contains("Opzioni"), "{en}");
        let top = render(Lang::En, &["cie-pagamenti", "--help"]);
        assert!(top.contains("Commands:") && top.contains("Payment order files"), "{top}");
    }
}
