//! The C status values are pinned (`status-values.txt`): every code of the catalogue has its
//! value there, the generated enum uses it, no two codes share one, and none is renumbered.
//! `UPDATE_STATUS=1` appends the codes added to the catalogue with the values build.rs gave them.

use std::fmt::Write;

use cie_pagamenti::ErrorCode;
use cie_pagamenti_ffi::CieStatus;

#[test]
fn every_code_has_its_pinned_value() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/status-values.txt");
    let text = std::fs::read_to_string(path).unwrap();
    let pinned: Vec<(&str, i64)> = text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let (code, value) = l.split_once(' ').unwrap();
            (code, value.trim().parse().unwrap())
        })
        .collect();
    let mut missing = String::new();
    for code in ErrorCode::ALL {
        let value = CieStatus::from(*code) as i64;
        match pinned.iter().find(|(c, _)| *c == code.as_str()) {
            Some((_, pinned)) => assert_eq!(value, *pinned, "{} was renumbered", code.as_str()),
            None => {
                let _ = writeln!(missing, "{} {value}", code.as_str());
            }
        }
    }
    let mut values: Vec<i64> = pinned.iter().map(|(_, v)| *v).collect();
    values.sort_unstable();
    values.dedup();
    assert_eq!(values.len(), pinned.len(), "two codes share a value");
    assert!(pinned.iter().all(|(c, _)| ErrorCode::from_code(c).is_some()), "a pinned code left the catalogue");
    if !missing.is_empty() {
        if std::env::var_os("UPDATE_STATUS").is_some() {
            std::fs::write(path, text + &missing).unwrap();
        } else {
            panic!("codes without a pinned value (run UPDATE_STATUS=1 cargo test -p cie-pagamenti-ffi --test status_values):\n{missing}");
        }
    }
}
