//! Deserialising a value from its text without allocating: serde hands the parser the
//! borrowed string when the input has no escapes (a `String` per field would cost one
//! allocation per moment, amount and quarter of a million-event log).

use std::fmt;
use std::marker::PhantomData;

use serde::de::{Error, Visitor};
use serde::Deserializer;

/// Deserialises a string and parses it with `parse`; a parse error becomes a serde error with
/// its message.
pub(crate) fn parse_text<'de, D, T, E, F>(deserializer: D, expecting: &'static str, parse: F) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    E: fmt::Display,
    F: FnOnce(&str) -> Result<T, E>,
{
    struct Text<T, E, F> {
        expecting: &'static str,
        parse: F,
        output: PhantomData<fn() -> (T, E)>,
    }

    impl<T, E: fmt::Display, F: FnOnce(&str) -> Result<T, E>> Visitor<'_> for Text<T, E, F> {
        type Value = T;

        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str(self.expecting)
        }

        fn visit_str<Er: Error>(self, text: &str) -> Result<T, Er> {
            (self.parse)(text).map_err(Er::custom)
        }
    }

    deserializer.deserialize_str(Text { expecting, parse, output: PhantomData })
}
