//! The C entry points on arbitrary bytes (NUL-terminated, possibly invalid UTF-8), and the
//! allocation entry point on arbitrary arrays of cards and orders.
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
    let (mut cards, mut top_up) = (0u64, 0i64);
    let number = u64::from_le_bytes(data.get(..8).and_then(|b| b.try_into().ok()).unwrap_or([0; 8]));
    // SAFETY: valid NUL-terminated input and writable outputs, as the API documents.
    unsafe {
        let _ = cie_amount_parse(p, &mut cents);
        let _ = cie_amount_parse_machine(p, &mut cents);
        let _ = cie_cards_for_amount(number as i64, p, &mut cards, &mut top_up);
        let _ = cie_amount_for_cards(number, p, &mut cents);
        let _ = cie_quarter_of(p, &mut q);
        let _ = cie_quarter_parse(p, &mut q);
        let q = CieQuarter { year: number as i32, number: (number >> 32) as u32 };
        for what in 0..6 {
            if cie_quarter_text(q, what, &mut out) == CieStatus::CieStatusOk {
                cie_string_free(out);
            }
        }
        let _ = cie_quarter_step(q, (number % 3) as i32 - 1, &mut CieQuarter::default());
        let _ = cie_quarter_ensure_portal(q);
        type Text = unsafe extern "C" fn(*const std::ffi::c_char, *mut *mut std::ffi::c_char) -> CieStatus;
        let texts: [Text; 10] = [
            cie_fiscal_code_validate,
            cie_iban_validate,
            cie_vat_number_validate,
            cie_email_validate,
            cie_cap_validate,
            cie_phone_validate,
            cie_date_parse,
            cie_fortnight_of,
            cie_pre2020_mailbox,
            cie_apr_connection_type,
        ];
        for f in texts {
            if f(p, &mut out) == CieStatus::CieStatusOk {
                cie_string_free(out);
            }
        }
        if cie_fortnight_date(p, (number % 4) as u32, &mut out) == CieStatus::CieStatusOk {
            cie_string_free(out);
        }
        if cie_causale(p, p, number, &mut out) == CieStatus::CieStatusOk {
            cie_string_free(out);
        }
        if cie_password_check(p, &mut n, &mut out) == CieStatus::CieStatusOk {
            cie_string_free(out);
        }
        if cie_password_change_check(p, p, p, &mut n, &mut out) == CieStatus::CieStatusOk {
            cie_string_free(out);
        }
        let portal = cie_portal_new();
        let _ = cie_portal_execute(portal, c"support".as_ptr(), c"2024-01-01".as_ptr(), p);
        cie_portal_free(portal);

        // Allocation: the first half as epoch seconds, the second half as orders whose text
        // fields are the input itself.
        let (head, tail) = data.split_at(data.len() / 2);
        let epochs = cie_pagamenti_fuzz_epochs(number, head);
        let dates = [c"2024-04-10".as_ptr(), c"2021-01-31".as_ptr(), p];
        let orders: Vec<CieOrder> = tail
            .chunks_exact(4)
            .map(|c| CieOrder {
                number: if c[0] % 5 == 0 { p } else { c"1".as_ptr() },
                date: dates[usize::from(c[1] % 3)],
                amount_cents: i64::from(i16::from_le_bytes([c[2], c[3]])) * 7,
                period_from: if c[0] % 7 == 0 { dates[0] } else { std::ptr::null() },
                period_to: if c[0] % 7 == 0 { dates[usize::from(c[1] % 3)] } else { std::ptr::null() },
            })
            .collect();
        let mut allocation = std::ptr::null_mut();
        if cie_allocate(epochs.as_ptr(), epochs.len(), orders.as_ptr(), orders.len(), &mut allocation)
            == CieStatus::CieStatusOk
        {
            let mut count = 0usize;
            let _ = cie_allocation_quarter_count(allocation, &mut count);
            let mut row = CieQuarterAllocation::default();
            let _ = cie_allocation_quarter(allocation, number as usize % (count + 1), &mut row);
            if cie_reconcile(allocation, std::ptr::null(), 0, &row.quarter, 1, std::ptr::null(), p, &mut out)
                == CieStatus::CieStatusOk
            {
                cie_string_free(out);
            }
            cie_allocation_free(allocation);
        }
    }
});

/// Cards from bytes: raw i64 epochs one input in eight, i32 second offsets from 2020 (±68 years)
/// one in eight, otherwise offsets of ±97 days, where real data lives and runs are fast.
fn cie_pagamenti_fuzz_epochs(selector: u64, bytes: &[u8]) -> Vec<i64> {
    let i32s = || bytes.chunks_exact(4).map(|c| i32::from_le_bytes(c.try_into().unwrap_or([0; 4])));
    match selector % 8 {
        0 => bytes.chunks_exact(8).map(|c| i64::from_le_bytes(c.try_into().unwrap_or([0; 8]))).collect(),
        1 => i32s().map(|o| 1_577_836_800 + i64::from(o)).collect(),
        _ => i32s().map(|o| 1_577_836_800 + i64::from(o >> 8)).collect(),
    }
}
