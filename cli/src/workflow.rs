//! `workflow replay EVENTS.json`: rebuilds the portal from an event log and prints its state.

use std::path::Path;

use cie_pagamenti::workflow::Portal;
use cie_pagamenti::{CieError, ErrorCode};
use serde_json::json;

use crate::output::{table, Failure, Out, Status};

pub(crate) fn replay(out: &Out, path: &Path) -> Result<Status, Failure> {
    let bytes = crate::output::read_file(path, out)?;
    let text = String::from_utf8_lossy(&bytes);
    // An unreadable log is unreadable input (exit 2); an event the rules refuse is exit 1.
    let portal = Portal::replay(&text).map_err(|e| match e.code() {
        ErrorCode::EventRejected => Failure::Rule(Box::new(e)),
        _ => Failure::Usage(format!("{}: {}: {}", path.display(), e.code(), e.message(out.lang))),
    })?;
    if out.json {
        out.print_json(&json!({
            "events": portal.events().len(),
            "municipalities": portal.municipalities(),
            "users": portal.users(),
        }));
        return Ok(Status::Ok);
    }
    println!("{}: {}", out.t("Eventi applicati", "Events applied"), portal.events().len());
    for (id, m) in portal.municipalities() {
        println!("\n{} {} ({id})", out.t("Comune di", "Municipality of"), m.name);
        let rows: Vec<Vec<String>> = m
            .quarters
            .iter()
            .map(|(q, r)| {
                let state = out.lang.pick(r.state.label_it(), r.state.label_en());
                let open = r.works.values().filter(|w| !w.completed).count();
                vec![
                    q.to_string(),
                    state.to_owned(),
                    r.order_count().to_string(),
                    r.total().to_portal(),
                    open.to_string(),
                    m.cieonline_count(*q).map_or_else(|| "n.d.".to_owned(), |n| n.to_string()),
                ]
            })
            .collect();
        let header = [
            out.t("Trimestre", "Quarter"),
            out.t("Stato", "State"),
            out.t("Mandati", "Orders"),
            out.t("Importo €", "Amount €"),
            out.t("Lavorazioni aperte", "Open works"),
            "CIEonline",
        ];
        println!("{}", table(&header, &rows));
        let users: Vec<String> = portal
            .users()
            .values()
            .filter(|u| u.profile(id) != cie_pagamenti::users::Profile::NoProfile)
            .map(|u| format!("{} {} ({})", u.first_name, u.last_name, u.profile(id).label_it()))
            .collect();
        println!("{}: {}", out.t("Utenti", "Users"), users.join(", "));
    }
    Ok(Status::Ok)
}
