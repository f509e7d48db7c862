//! Every text parser of the core on arbitrary input: none may panic; the order-number
//! shortcuts agree with their literal definitions.
#![no_main]
use cie_pagamenti::calendar::{parse_any_date, parse_date, pre2020_mailbox, Fortnight};
use cie_pagamenti::identifiers as id;
use cie_pagamenti::{Amount, Moment, Quarter};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(s) = std::str::from_utf8(data) {
        let _ = Amount::parse(s);
        let _ = Amount::parse_portal(s);
        let _ = Amount::parse_machine(s);
        let _ = parse_date(s);
        let _ = parse_any_date(s);
        let _ = Moment::parse(s).map(|m| m.quarter());
        let _ = Quarter::parse(s);
        let _ = Quarter::parse_set(s);
        let _ = Fortnight::parse(s);
        let _ = pre2020_mailbox(s);
        let _ = id::validate_fiscal_code(s);
        let _ = id::validate_vat_number(s);
        let _ = id::validate_iban(s);
        let _ = id::validate_cap(s);
        let _ = id::validate_email(s);
        let _ = id::validate_phone(s);
        let _ = cie_pagamenti::password::check_password(s);
        let _ = cie_pagamenti::report::recognize_report(data);
        // the statement's JSON input and the order form: coded errors or findings, never a panic
        let _ = cie_pagamenti::reconciliation::statement_json(s);
        let mut fields = s.splitn(5, '\t');
        let mut next = || fields.next().unwrap_or_default();
        let (number, date, amount, from, to) = (next(), next(), next(), next(), next());
        let today = chrono::NaiveDate::from_ymd_opt(2024, 6, 1).unwrap_or_default();
        let check = cie_pagamenti::orders::check_order_form(
            number,
            date,
            amount,
            from,
            to,
            today,
            &cie_pagamenti::PriceSchedule::builtin(),
        );
        assert_eq!(
            check.is_valid(),
            check.findings.iter().all(|f| f.severity == cie_pagamenti::orders::Severity::Warning)
        );
        // order numbers: the byte-level shortcuts agree with the rule read literally
        let t = s.trim();
        let literal = !t.is_empty()
            && t.chars().count() <= cie_pagamenti::orders::MAX_NUMBER_LENGTH
            && !t.chars().any(char::is_control);
        assert_eq!(cie_pagamenti::orders::normalize_number(s).ok(), literal.then(|| t.to_owned()));
        assert!(cie_pagamenti::orders::joined_numbers(s).eq(s.split('\n')));
    }
});
