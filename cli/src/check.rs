//! `check …` and `password generate`.

use std::io::{BufRead, Read};

use cie_pagamenti::identifiers::{
    fiscal_code_matches_name, validate_cap, validate_email, validate_fiscal_code, validate_iban, validate_phone,
    validate_vat_number, IdentifierError, NameMismatch,
};
use cie_pagamenti::password::{check_password, generate_password, PasswordRule};
use cie_pagamenti::CieError;
use clap::Subcommand;
use serde_json::json;

use crate::output::{Failure, Out, Status};

#[derive(Subcommand)]
pub(crate) enum CheckCommand {
    /// Codice fiscale di una persona, omocodia compresa.
    FiscalCode {
        /// Valori; `-` li legge uno per riga dallo standard input.
        #[arg(required = true)]
        values: Vec<String>,
        /// Cognome da confrontare con il codice (un avviso se non corrisponde, SPEC §7).
        #[arg(long, visible_alias = "cognome")]
        surname: Option<String>,
        /// Nome da confrontare con il codice (un avviso se non corrisponde, SPEC §7).
        #[arg(long, visible_alias = "nome")]
        name: Option<String>,
    },
    /// Partita IVA / codice fiscale numerico (11 cifre).
    VatNumber {
        /// Valori; `-` li legge uno per riga dallo standard input.
        #[arg(required = true)]
        values: Vec<String>,
    },
    /// IBAN italiano (mod-97 e CIN).
    Iban {
        /// Valori; `-` li legge uno per riga dallo standard input.
        #[arg(required = true)]
        values: Vec<String>,
    },
    /// Codice di avviamento postale (CAP).
    Cap {
        /// Valori; `-` li legge uno per riga dallo standard input.
        #[arg(required = true)]
        values: Vec<String>,
    },
    /// Indirizzo e-mail.
    Email {
        /// Valori; `-` li legge uno per riga dallo standard input.
        #[arg(required = true)]
        values: Vec<String>,
    },
    /// Numero di telefono.
    Phone {
        /// Valori; `-` li legge uno per riga dallo standard input.
        #[arg(required = true)]
        values: Vec<String>,
    },
    /// Una password letta dallo standard input (mai mostrata): l'elenco delle regole del portale.
    Password,
}

type Validator = fn(&str) -> Result<String, IdentifierError>;

pub(crate) fn run(out: &Out, command: CheckCommand) -> Result<Status, Failure> {
    let mut names = None;
    let (validator, values): (Validator, Vec<String>) = match command {
        CheckCommand::FiscalCode { values, surname, name } => {
            if surname.is_some() || name.is_some() {
                names = Some((surname.unwrap_or_default(), name.unwrap_or_default()));
            }
            (validate_fiscal_code, values)
        }
        CheckCommand::VatNumber { values } => (validate_vat_number, values),
        CheckCommand::Iban { values } => (validate_iban, values),
        CheckCommand::Cap { values } => (validate_cap, values),
        CheckCommand::Email { values } => (validate_email, values),
        CheckCommand::Phone { values } => (validate_phone, values),
        CheckCommand::Password => return password(out),
    };
    let mut status = Status::Ok;
    let mut report = |input: &str| {
        let result = validator(input);
        if result.is_err() {
            status = Status::Violation;
        }
        print_result(out, input, &result);
        // The name check never changes the exit status: a mismatch is a warning (SPEC §7).
        if let (Ok(_), Some((surname, name))) = (&result, &names) {
            if let Some(w) = fiscal_code_matches_name(input, surname, name).ok().and_then(|c| c.warning()) {
                print_warning(out, input, &w);
            }
        }
    };
    for value in &values {
        if value == "-" {
            for line in std::io::stdin().lock().lines() {
                let line = line.map_err(|e| Failure::Usage(format!("stdin: {e}")))?;
                report(line.trim_end_matches('\r'));
            }
        } else {
            report(value);
        }
    }
    Ok(status)
}

fn print_result(out: &Out, input: &str, result: &Result<String, IdentifierError>) {
    if out.json {
        let line = match result {
            Ok(normalized) => {
                json!({ "input": input, "valid": true, "normalized": normalized, "code": null, "message": null })
            }
            Err(e) => {
                json!({ "input": input, "valid": false, "normalized": null, "code": e.code().as_str(), "message": e.message(out.lang) })
            }
        };
        println!("{line}");
    } else {
        match result {
            Ok(normalized) => println!("{input}\tOK\t{normalized}"),
            Err(e) => println!("{input}\t{}\t{}", e.code(), e.message(out.lang)),
        }
    }
}

fn print_warning(out: &Out, input: &str, warning: &NameMismatch) {
    if out.json {
        let line = json!({ "input": input, "warning": warning.code().as_str(), "message": warning.message(out.lang) });
        println!("{line}");
    } else {
        println!("{input}\t{}\t{}", warning.code(), warning.message(out.lang));
    }
}

fn password(out: &Out) -> Result<Status, Failure> {
    let mut text = String::new();
    std::io::stdin().read_to_string(&mut text).map_err(|_| {
        Failure::Usage(
            out.t("Impossibile leggere la password da stdin", "Cannot read the password from stdin").to_owned(),
        )
    })?;
    let password = text.lines().next().unwrap_or("");
    let unmet = check_password(password);
    if out.json {
        let rules: Vec<_> = PasswordRule::POLICY
            .iter()
            .map(|r| json!({ "code": r.code().as_str(), "message": r.code().message(out.lang), "met": !unmet.contains(r) }))
            .collect();
        out.print_json(&json!({ "valid": unmet.is_empty(), "rules": rules }));
    } else {
        for rule in PasswordRule::POLICY {
            let mark = if unmet.contains(&rule) { "✗" } else { "✓" };
            println!("{mark} {}", rule.code().message(out.lang));
        }
    }
    Ok(if unmet.is_empty() { Status::Ok } else { Status::Violation })
}

pub(crate) fn generate(out: &Out, length: usize) -> Result<Status, Failure> {
    let password = generate_password(length)?;
    if out.json {
        out.print_json(&json!({ "password": password.expose() }));
    } else {
        println!("{}", password.expose());
    }
    Ok(Status::Ok)
}
