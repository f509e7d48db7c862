//! `uniffi-bindgen generate --library target/release/libcie_pagamenti_uniffi.so --language ruby …`
fn main() {
    uniffi::uniffi_bindgen_main();
}
