//! Event-log replay on arbitrary text: a coded error or a portal, never a panic.
#![no_main]
use cie_pagamenti::workflow::Portal;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(s) = std::str::from_utf8(data) {
        let _ = Portal::replay(s);
        let _ = Portal::command_from_json(s);
    }
});
