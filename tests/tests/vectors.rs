//! Runs every `tests/vectors/*.json` through the Rust core.

use std::path::Path;

use cie_pagamenti_conformance::run;
use serde_json::Value;

#[test]
fn shared_vectors() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("vectors");
    let mut files: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    let mut count = 0;
    let mut failures = Vec::new();
    for file in files.iter().filter(|p| p.extension().is_some_and(|e| e == "json")) {
        let vectors: Vec<Value> = serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
        for (i, v) in vectors.iter().enumerate() {
            count += 1;
            let name = format!("{}[{i}] {}", file.file_name().unwrap().to_string_lossy(), v["op"]);
            let got = run(v["op"].as_str().unwrap(), &v["input"]);
            match (v.get("expect"), v.get("error"), got) {
                (Some(expect), None, Ok(value)) if value == *expect => {}
                (None, Some(code), Err(failure)) if failure.code == code.as_str().unwrap() => {
                    if let Some(fields) = v.get("fields").and_then(Value::as_object) {
                        for (k, want) in fields {
                            if failure.fields.get(k) != Some(want) {
                                failures
                                    .push(format!("{name}: field {k}: want {want}, got {:?}", failure.fields.get(k)));
                            }
                        }
                    }
                }
                (_, _, got) => failures.push(format!("{name}: input {} → {got:?}", v["input"])),
            }
        }
    }
    assert!(count >= 100, "only {count} vectors found in {}", dir.display());
    assert!(failures.is_empty(), "{} of {count} vectors failed:\n{}", failures.len(), failures.join("\n"));
}
