//! Printing: text in the chosen language or JSON, and the exit codes.

use std::process::ExitCode;

use cie_pagamenti::{CieError, Lang};
use cie_pagamenti_import::Finding;
use serde_json::{json, Map, Value};

/// How to print.
pub(crate) struct Out {
    pub(crate) lang: Lang,
    pub(crate) json: bool,
}

/// The outcome of a command that ran.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Status {
    /// Everything valid: exit 0.
    Ok,
    /// A rule was violated: exit 1.
    Violation,
}

impl From<Status> for ExitCode {
    fn from(status: Status) -> ExitCode {
        match status {
            Status::Ok => ExitCode::SUCCESS,
            Status::Violation => ExitCode::from(1),
        }
    }
}

/// A command that stopped.
pub(crate) enum Failure {
    /// A rule of the library refused the input: exit 1.
    Rule(Box<dyn CieError>),
    /// A file could not be read or arguments make no sense: exit 2.
    Usage(String),
    /// An argument the library refuses (a bad `--quarter`, `--now`, …): exit 2.
    Argument(&'static str, Box<dyn CieError>),
    /// Rows of input files that cannot be read, duplicates, dates after `now`: exit 2, every
    /// finding with its file and line.
    Input(Vec<(String, Finding)>),
}

/// The library's error of an argument, as an exit-2 failure naming the option.
pub(crate) fn argument<E: CieError + 'static>(option: &'static str) -> impl FnOnce(E) -> Failure {
    move |e| Failure::Argument(option, Box::new(e))
}

/// Reads a file, with the operating system's error said in the chosen language.
pub(crate) fn read_file(path: &std::path::Path, out: &Out) -> Result<Vec<u8>, Failure> {
    std::fs::read(path).map_err(|e| os_failure(path, &e, out))
}

/// A file opened for reading as a stream.
pub(crate) fn open_file(path: &std::path::Path, out: &Out) -> Result<std::fs::File, Failure> {
    let file = std::fs::File::open(path).map_err(|e| os_failure(path, &e, out))?;
    match file.metadata() {
        Ok(m) if m.is_dir() => Err(os_failure(path, &std::io::Error::from(std::io::ErrorKind::IsADirectory), out)),
        _ => Ok(file),
    }
}

/// An OS error on a file, in the user's language.
fn os_failure(path: &std::path::Path, e: &std::io::Error, out: &Out) -> Failure {
    {
        let why = match e.kind() {
            std::io::ErrorKind::NotFound => out.t("file non trovato", "file not found"),
            std::io::ErrorKind::PermissionDenied => out.t("permesso negato", "permission denied"),
            std::io::ErrorKind::IsADirectory => out.t("è una cartella, non un file", "is a directory, not a file"),
            _ => out.t("impossibile leggere il file", "cannot read the file"),
        };
        Failure::Usage(format!("{}: {why}", path.display()))
    }
}

/// A finding as JSON, with its file.
pub(crate) fn finding_json(file: &str, f: &Finding, lang: Lang) -> Value {
    let mut object = Map::new();
    object.insert("file".into(), json!(file));
    object.insert("line".into(), json!(f.line));
    object.insert("column".into(), json!(f.column));
    object.insert("code".into(), json!(f.code.as_str()));
    object.insert("severity".into(), json!(f.severity));
    object.insert("message".into(), json!(f.message(lang)));
    for (name, value) in &f.fields {
        object.insert((*name).into(), json!(value));
    }
    Value::Object(object)
}

impl<E: CieError + 'static> From<E> for Failure {
    fn from(e: E) -> Failure {
        Failure::Rule(Box::new(e))
    }
}

/// An error as a JSON object: `code`, `message`, and the structured fields.
pub(crate) fn error_json(e: &dyn CieError, lang: Lang) -> Value {
    let mut object = Map::new();
    object.insert("code".into(), json!(e.code().as_str()));
    object.insert("message".into(), json!(e.message(lang)));
    for (name, value) in e.fields() {
        object.insert(name.into(), json!(value));
    }
    Value::Object(object)
}

impl Out {
    /// Italian or English text.
    pub(crate) fn t<'a>(&self, it: &'a str, en: &'a str) -> &'a str {
        self.lang.pick(it, en)
    }

    /// Prints a JSON document.
    #[allow(clippy::unused_self)] // a method so that every printing goes through `Out`
    pub(crate) fn print_json(&self, value: &Value) {
        println!("{}", serde_json::to_string_pretty(value).unwrap_or_default());
    }

    /// Reports a failure on stderr (or as JSON on stdout) and picks the exit code.
    pub(crate) fn fail(&self, failure: &Failure) -> ExitCode {
        match failure {
            Failure::Rule(e) => {
                if self.json {
                    self.print_json(&json!({ "error": error_json(e.as_ref(), self.lang) }));
                } else {
                    eprintln!("{}: {}", e.code(), e.message(self.lang));
                }
                ExitCode::from(1)
            }
            Failure::Usage(message) => {
                if self.json {
                    self.print_json(&json!({ "error": { "code": "USAGE", "message": message } }));
                } else {
                    eprintln!("{message}");
                }
                ExitCode::from(2)
            }
            Failure::Argument(option, e) => {
                if self.json {
                    let mut error = error_json(e.as_ref(), self.lang);
                    error["option"] = json!(option);
                    self.print_json(&json!({ "error": error }));
                } else {
                    eprintln!("{option}: {}: {}", e.code(), e.message(self.lang));
                }
                ExitCode::from(2)
            }
            Failure::Input(findings) => {
                if self.json {
                    let all: Vec<Value> = findings.iter().map(|(file, f)| finding_json(file, f, self.lang)).collect();
                    let first = all.first().cloned().unwrap_or_default();
                    self.print_json(&json!({ "error": first, "findings": all }));
                } else {
                    for (file, f) in findings {
                        let column = f.column.map_or_else(String::new, |c| format!(" [{c}]"));
                        eprintln!("{file}:{}{column}: {}: {}", f.line, f.code, f.message(self.lang));
                    }
                    eprintln!("{}: {}", self.t("Righe da correggere", "Rows to correct"), findings.len());
                }
                ExitCode::from(2)
            }
        }
    }
}

/// Formats a table with left-aligned columns.
pub(crate) fn table(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            if let Some(w) = widths.get_mut(i) {
                *w = (*w).max(cell.chars().count());
            }
        }
    }
    let line = |cells: Vec<&str>| {
        cells.iter().zip(&widths).map(|(c, w)| format!("{c:<w$}")).collect::<Vec<_>>().join("  ").trim_end().to_owned()
    };
    let mut out = vec![line(header.to_vec())];
    out.push(widths.iter().map(|w| "-".repeat(*w)).collect::<Vec<_>>().join("  "));
    out.extend(rows.iter().map(|r| line(r.iter().map(String::as_str).collect())));
    out.join("\n")
}
