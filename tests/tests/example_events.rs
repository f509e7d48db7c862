//! `examples/events.json`: a realistic event log (a municipality's 2024 on the portal), built
//! here through the core API and kept in sync with the file (`UPDATE_EXAMPLES=1` rewrites it).

use cie_pagamenti::calendar::parse_any_date;
use cie_pagamenti::users::{Actor, NewUser, Profile};
use cie_pagamenti::workflow::Portal;
use cie_pagamenti::{Amount, Moment, Quarter};

fn t(s: &str) -> Moment {
    Moment::parse(s).unwrap()
}

fn q(s: &str) -> Quarter {
    Quarter::parse(s).unwrap()
}

fn person(fiscal_code: &str, first: &str, last: &str) -> NewUser {
    let email = format!("{}.{}@comune.castelprova.it", first.to_lowercase(), last.to_lowercase());
    NewUser {
        fiscal_code: fiscal_code.into(),
        first_name: first.into(),
        last_name: last.into(),
        email: email.clone(),
        email_confirmation: email,
    }
}

fn build() -> Portal {
    let mut p = Portal::new();
    let support = Actor::Support;
    let manager = Actor::User("RSSMRA80A01H501U".into());
    let operator = Actor::User("NREPLA90D52L219L".into());
    p.register_municipality(
        &support,
        t("2023-12-01T09:00:00"),
        "099999",
        "Castelprova",
        q("2024-Q1"),
        person("RSSMRA80A01H501U", "Mario", "Rossi"),
    )
    .unwrap();
    p.add_user(
        &manager,
        t("2023-12-01T09:30:00"),
        "099999",
        person("NREPLA90D52L219L", "Paola", "Neri"),
        Profile::Operator,
    )
    .unwrap();
    p.create_quarter(&operator, t("2024-01-16T10:00:00"), "099999", q("2024-Q1")).unwrap();
    for (number, date, cents) in [
        ("12", "15/01/2024", 80_592),
        ("31", "31/01/2024", 97_382),
        ("48", "15/02/2024", 65_481),
        ("70", "29/02/2024", 75_555),
        ("91", "15/03/2024", 83_950),
    ] {
        p.add_order(
            &operator,
            t("2024-03-18T11:00:00"),
            "099999",
            q("2024-Q1"),
            number,
            parse_any_date(date).unwrap(),
            Amount::from_cents(cents),
        )
        .unwrap();
    }
    p.complete_work(&operator, t("2024-03-18T11:05:00"), "099999", q("2024-Q1")).unwrap();
    p.create_quarter(&manager, t("2024-04-02T09:00:00"), "099999", q("2024-Q2")).unwrap();
    // The order for 16–31 March is dated 10 April: it belongs to Q1 (circular 27/2021).
    p.add_order(
        &manager,
        t("2024-04-10T09:00:00"),
        "099999",
        q("2024-Q1"),
        "107",
        parse_any_date("10/04/2024").unwrap(),
        Amount::from_cents(88_987),
    )
    .unwrap();
    p.complete_work(&manager, t("2024-04-10T09:01:00"), "099999", q("2024-Q1")).unwrap();
    p.set_cieonline(&support, t("2024-04-11T02:00:00"), "099999", q("2024-Q1"), 293).unwrap();
    p.submit(&manager, t("2024-04-11T10:00:00"), "099999", q("2024-Q1")).unwrap();
    p.transmit(&manager, t("2024-04-11T10:20:00"), "099999", q("2024-Q1"), b"%PDF-1.7 rapporto firmato 2024-Q1", true)
        .unwrap();
    p
}

#[test]
fn example_event_log_is_in_sync_and_replays() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/events.json");
    let portal = build();
    let json = portal.events_json();
    if std::env::var_os("UPDATE_EXAMPLES").is_some() {
        std::fs::write(path, &json).unwrap();
    }
    let on_disk = std::fs::read_to_string(path).unwrap_or_default();
    assert!(on_disk == json, "examples/events.json is out of date: run UPDATE_EXAMPLES=1 cargo test -p cie-pagamenti-conformance --test example_events");
    assert_eq!(Portal::replay(&on_disk).unwrap(), portal);
    assert!(portal.municipality("099999").unwrap().is_transmitted(q("2024-Q1")));
}

/// `examples/events.json` as release 1 wrote it (version 1) keeps loading, migrated: the same
/// state as today's build, and written back as version 2.
#[test]
fn the_version_1_example_log_keeps_loading() {
    let v1 = include_str!("../logs/v1-castelprova-2024.json");
    assert!(v1.contains("\"version\": 1"));
    let portal = Portal::replay(v1).unwrap();
    assert_eq!(portal, build());
    assert!(portal.events_json().contains("\"version\": 2"));
}
