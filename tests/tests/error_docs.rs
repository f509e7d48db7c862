//! `docs/errors.md` lists every stable code with its messages; this test keeps it in sync with
//! the catalogue in core (run with `UPDATE_DOCS=1` to rewrite it).

use std::fmt::Write;

use cie_pagamenti::ErrorCode;

fn render() -> String {
    let mut out = String::from(
        "# Error codes\n\nGenerated from `core/src/error.rs` (the one catalogue) by `tests/tests/error_docs.rs`; \
         do not edit by hand — run `UPDATE_DOCS=1 cargo test -p cie-pagamenti-conformance --test error_docs`.\n\n\
         Codes are stable public API, identical in every binding. Messages are the catalogue text; \
         errors add details (position, expected character, top-up…) after it.\n\n\
         | code | italiano | English |\n|---|---|---|\n",
    );
    for code in ErrorCode::ALL {
        let _ = writeln!(out, "| `{}` | {} | {} |", code.as_str(), code.message_it(), code.message_en());
    }
    out
}

#[test]
fn error_docs_are_in_sync() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/errors.md");
    let rendered = render();
    if std::env::var_os("UPDATE_DOCS").is_some() {
        std::fs::write(path, &rendered).unwrap();
    }
    let on_disk = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        on_disk == rendered,
        "docs/errors.md is out of date: run UPDATE_DOCS=1 cargo test -p cie-pagamenti-conformance --test error_docs"
    );
}

/// The `ErrorCode` union of the npm package's types: every code of the catalogue (the block
/// between `export type ErrorCode =` and the first blank line of `bindings-wasm/js/index.d.ts`).
fn ts_union() -> String {
    let mut out = String::from("/** Stable error codes (see docs/errors.md), generated from the catalogue by tests/tests/error_docs.rs. */\nexport type ErrorCode =\n");
    let codes: Vec<String> = ErrorCode::ALL.iter().map(|c| format!("\"{}\"", c.as_str())).collect();
    for chunk in codes.chunks(5) {
        let _ = writeln!(out, "  | {}", chunk.join(" | "));
    }
    out.pop();
    out.push_str(";\n");
    out
}

#[test]
fn typescript_error_codes_are_in_sync() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../bindings-wasm/js/index.d.ts");
    let text = std::fs::read_to_string(path).unwrap();
    let start = text.find("/** Stable error codes").unwrap();
    let end = start + text[start..].find(";\n\n").unwrap() + 2;
    let rendered = format!("{}{}", &text[..start], ts_union()) + &text[end..];
    let text = if std::env::var_os("UPDATE_DOCS").is_some() {
        std::fs::write(path, &rendered).unwrap();
        rendered.clone()
    } else {
        text
    };
    assert!(
        text == rendered,
        "the ErrorCode union of bindings-wasm/js/index.d.ts is out of date: run UPDATE_DOCS=1 cargo test -p cie-pagamenti-conformance --test error_docs"
    );
}
