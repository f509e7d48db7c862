//! Registry (APR) interface constants (SPEC §9): the "valid for expatriation" flag and the
//! connection type.

use std::fmt;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::error::{CieError, ErrorCode};

/// The pair of tokens used for the expatriation flag.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum FlagPair {
    /// `S` / `N` (recommended).
    #[default]
    SN,
    /// `T` / `F`.
    TF,
    /// `SI` / `NO`.
    SiNo,
    /// `TRUE` / `FALSE`.
    TrueFalse,
    /// `VERO` / `FALSO`.
    VeroFalso,
    /// `1` / `0`.
    OneZero,
}

/// The registry connection type.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ConnectionType {
    /// `http` (recommended).
    #[default]
    Http,
    /// `ftp`.
    Ftp,
}

/// A value not allowed by the configured pair or connection types.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
#[error("value not allowed for the APR interface")]
pub struct AprError;

impl CieError for AprError {
    fn code(&self) -> ErrorCode {
        ErrorCode::AprValue
    }
}

impl FlagPair {
    /// All pairs.
    pub const ALL: [FlagPair; 6] =
        [FlagPair::SN, FlagPair::TF, FlagPair::SiNo, FlagPair::TrueFalse, FlagPair::VeroFalso, FlagPair::OneZero];

    /// The (true, false) tokens.
    pub fn tokens(self) -> (&'static str, &'static str) {
        match self {
            FlagPair::SN => ("S", "N"),
            FlagPair::TF => ("T", "F"),
            FlagPair::SiNo => ("SI", "NO"),
            FlagPair::TrueFalse => ("TRUE", "FALSE"),
            FlagPair::VeroFalso => ("VERO", "FALSO"),
            FlagPair::OneZero => ("1", "0"),
        }
    }

    /// Parses a flag with this pair (case-insensitive, trimmed).
    pub fn parse(self, text: &str) -> Result<bool, AprError> {
        let (yes, no) = self.tokens();
        let text = text.trim();
        if text.eq_ignore_ascii_case(yes) {
            Ok(true)
        } else if text.eq_ignore_ascii_case(no) {
            Ok(false)
        } else {
            Err(AprError)
        }
    }

    /// Formats a flag with this pair.
    pub fn format(self, value: bool) -> &'static str {
        let (yes, no) = self.tokens();
        if value {
            yes
        } else {
            no
        }
    }

    /// Reads a pair's name as written in a configuration: `S/N`, `SI/NO`, `1/0`, …
    pub fn from_name(name: &str) -> Result<FlagPair, AprError> {
        FlagPair::ALL
            .into_iter()
            .find(|p| {
                let (y, n) = p.tokens();
                name.trim().eq_ignore_ascii_case(&format!("{y}/{n}"))
            })
            .ok_or(AprError)
    }
}

impl ConnectionType {
    /// Parses `http` or `ftp` (case-insensitive).
    pub fn parse(text: &str) -> Result<ConnectionType, AprError> {
        match text.trim().to_ascii_lowercase().as_str() {
            "http" => Ok(ConnectionType::Http),
            "ftp" => Ok(ConnectionType::Ftp),
            _ => Err(AprError),
        }
    }
}

impl fmt::Display for ConnectionType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ConnectionType::Http => "http",
            ConnectionType::Ftp => "ftp",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn pairs_round_trip() {
        for pair in FlagPair::ALL {
            for v in [true, false] {
                assert_eq!(pair.parse(pair.format(v)), Ok(v));
            }
        }
        assert_eq!(FlagPair::SiNo.parse("si"), Ok(true));
        assert_eq!(FlagPair::SN.parse("SI"), Err(AprError));
        assert_eq!(FlagPair::from_name("vero/falso"), Ok(FlagPair::VeroFalso));
        assert_eq!(ConnectionType::parse("HTTP"), Ok(ConnectionType::Http));
        assert_eq!(ConnectionType::parse("sftp"), Err(AprError));
    }

    proptest! {
        #[test]
        fn never_panics(s in "\\PC{0,10}") {
            for pair in FlagPair::ALL {
                let _ = pair.parse(&s);
            }
            let _ = ConnectionType::parse(&s);
            let _ = FlagPair::from_name(&s);
        }
    }
}
