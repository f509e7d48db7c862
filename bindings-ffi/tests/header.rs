//! The committed C header (`include/cie_pagamenti.h`, what installs ship) is the one build.rs
//! generates from the sources (`OUT_DIR`). `UPDATE_HEADER=1` copies the generated one over it.

#[test]
fn committed_header_matches_the_generated_one() {
    let generated = std::fs::read_to_string(concat!(env!("OUT_DIR"), "/cie_pagamenti.h")).unwrap();
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/include/cie_pagamenti.h");
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    assert!(generated.contains("CIE_STATUS_FISCAL_CODE_NAME_MISMATCH") && generated.contains("cie_status_t"));
    if generated != committed {
        if std::env::var_os("UPDATE_HEADER").is_some() {
            std::fs::write(path, &generated).unwrap();
        } else {
            panic!("include/cie_pagamenti.h is out of date: run UPDATE_HEADER=1 cargo test -p cie-pagamenti-ffi --test header");
        }
    }
}
