//! The C entry points on arbitrary bytes (NUL-terminated, possibly invalid UTF-8).
#![no_main]
use std::ffi::CString;

use cie_pagamenti_ffi::*;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let clean: Vec<u8> = data.iter().copied().filter(|&b| b != 0).collect();
    let Ok(text) = CString::new(clean) else { return };
    let p = text.as_ptr();
    let mut cents = 0i64;
    let mut out = std::ptr::null_mut();
    let mut q = CieQuarter::default();
    let mut n = 0u32;
    // SAFETY: valid NUL-terminated input and writable outputs, as the API documents.
    unsafe {
        let _ = cie_amount_parse(p, &mut cents);
        let _ = cie_quarter_of(p, &mut q);
        for f in [cie_fiscal_code_validate, cie_iban_validate, cie_vat_number_validate, cie_email_validate] {
            if f(p, &mut out) == CieStatus::CieStatusOk {
                cie_string_free(out);
            }
        }
        if cie_password_check(p, &mut n, &mut out) == CieStatus::CieStatusOk {
            cie_string_free(out);
        }
        let portal = cie_portal_new();
        let _ = cie_portal_execute(portal, c"support".as_ptr(), c"2024-01-01".as_ptr(), p);
        cie_portal_free(portal);
    }
});
