//! Parquet files (feature `parquet`): each column's typed values become the cells the CSV and
//! spreadsheet readers see, so the same headers, rules and findings apply. The types decide the
//! text, never the values:
//!
//! - text and integers as they are; booleans `true`/`false`;
//! - decimals exactly (`decimal128(18, 2)` 302.22 → `302.22`, read as machine amounts);
//! - `date32`/`date64` as ISO dates;
//! - timestamps as instants (the Arrow value counts from the UTC epoch whatever the time zone
//!   annotation, as the Python binding reads them), written in RFC 3339 with `Z`;
//! - floating point refused for the whole file (an amount or a count in binary floating point
//!   may already be wrong), naming the column; other types (lists, binary, …) refused too.
//!
//! A row's `line` is its row number in the file plus one: the header is line 1, as in a CSV.

use arrow_array::cast::AsArray;
use arrow_array::types::{
    Date32Type, Date64Type, Int16Type, Int32Type, Int64Type, Int8Type, TimestampMicrosecondType,
    TimestampMillisecondType, TimestampNanosecondType, TimestampSecondType, UInt16Type, UInt32Type, UInt64Type,
    UInt8Type,
};
use arrow_array::{Array, RecordBatch, RecordBatchReader};
use arrow_schema::{DataType, TimeUnit};
use chrono::{DateTime, NaiveDate};
use parquet::arrow::arrow_reader::{ArrowReaderOptions, ParquetRecordBatchReaderBuilder};

use crate::columns::{map_headers, Kind};
use crate::table::{Row, Source};
use crate::{format_error, ImportError};

/// The text of every value of a column (`None` for nulls), or why the column cannot be read.
fn column_text(name: &str, array: &dyn Array) -> Result<Vec<Option<String>>, ImportError> {
    fn each<T>(
        array: &dyn Array,
        values: impl Fn(usize) -> T,
        text: impl Fn(T) -> Option<String>,
    ) -> Vec<Option<String>> {
        (0..array.len()).map(|i| if array.is_null(i) { None } else { text(values(i)) }).collect()
    }
    let display = |v: i64| Some(v.to_string());
    let instant = |seconds: i64, nanos: u32| {
        DateTime::from_timestamp(seconds, nanos).map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true))
    };
    let day = |d: i64| NaiveDate::from_num_days_from_ce_opt(i32::try_from(d + 719_163).ok()?).map(|d| d.to_string());
    Ok(match array.data_type() {
        DataType::Utf8 => each(array, |i| array.as_string::<i32>().value(i).to_owned(), Some),
        DataType::LargeUtf8 => each(array, |i| array.as_string::<i64>().value(i).to_owned(), Some),
        DataType::Utf8View => each(array, |i| array.as_string_view().value(i).to_owned(), Some),
        DataType::Boolean => each(array, |i| array.as_boolean().value(i), |b| Some(b.to_string())),
        DataType::Int8 => each(array, |i| i64::from(array.as_primitive::<Int8Type>().value(i)), display),
        DataType::Int16 => each(array, |i| i64::from(array.as_primitive::<Int16Type>().value(i)), display),
        DataType::Int32 => each(array, |i| i64::from(array.as_primitive::<Int32Type>().value(i)), display),
        DataType::Int64 => each(array, |i| array.as_primitive::<Int64Type>().value(i), display),
        DataType::UInt8 => each(array, |i| i64::from(array.as_primitive::<UInt8Type>().value(i)), display),
        DataType::UInt16 => each(array, |i| i64::from(array.as_primitive::<UInt16Type>().value(i)), display),
        DataType::UInt32 => each(array, |i| i64::from(array.as_primitive::<UInt32Type>().value(i)), display),
        DataType::UInt64 => each(array, |i| array.as_primitive::<UInt64Type>().value(i), |v| Some(v.to_string())),
        DataType::Decimal128(_, _) => each(array, |i| array.as_primitive::<arrow_array::types::Decimal128Type>().value_as_string(i), Some),
        DataType::Date32 => each(array, |i| i64::from(array.as_primitive::<Date32Type>().value(i)), day),
        DataType::Date64 => {
            each(array, |i| array.as_primitive::<Date64Type>().value(i).div_euclid(86_400_000), day)
        }
        DataType::Timestamp(unit, _) => {
            let (values, per_second): (Box<dyn Fn(usize) -> i64>, i64) = match unit {
                TimeUnit::Second => (Box::new(|i| array.as_primitive::<TimestampSecondType>().value(i)), 1),
                TimeUnit::Millisecond => {
                    (Box::new(|i| array.as_primitive::<TimestampMillisecondType>().value(i)), 1_000)
                }
                TimeUnit::Microsecond => {
                    (Box::new(|i| array.as_primitive::<TimestampMicrosecondType>().value(i)), 1_000_000)
                }
                TimeUnit::Nanosecond => {
                    (Box::new(|i| array.as_primitive::<TimestampNanosecondType>().value(i)), 1_000_000_000)
                }
            };
            each(array, values, |v| {
                let nanos = u32::try_from(v.rem_euclid(per_second) * (1_000_000_000 / per_second)).ok()?;
                instant(v.div_euclid(per_second), nanos)
            })
        }
        DataType::Float16 | DataType::Float32 | DataType::Float64 => {
            return Err(format_error(format!(
                "Parquet column {name:?} is floating point, which cannot hold cents or counts exactly: export it as decimal, integer or text"
            )))
        }
        other => return Err(format_error(format!("Parquet column {name:?} has the type {other}, which is not read"))),
    })
}

/// A Parquet file's rows, as a table of a kind's columns, handed to `each` a batch at a time.
///
/// The decoder is a third-party crate reading outside bytes: should it panic on a file it
/// cannot decode, the file is refused with `FILE_FORMAT` instead of the panic reaching the
/// caller (a Python script, a C program). The fuzz target still sees such a panic, since its
/// hook aborts before unwinding, so every one found is fixed at its source and kept as a vector.
pub(crate) fn visit(bytes: &[u8], kind: Kind, mut each: impl FnMut(Row)) -> Result<Source, ImportError> {
    // The rows already handed over stay the caller's: a panic of the decoder ends the reading
    // with an error, which the caller returns instead of its rows.
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| decode(bytes, kind, &mut each)))
        .unwrap_or_else(|_| Err(format_error("Parquet: the file is damaged and cannot be decoded".to_owned())))
}

fn decode(bytes: &[u8], kind: Kind, each: &mut dyn FnMut(Row)) -> Result<Source, ImportError> {
    let data = bytes::Bytes::copy_from_slice(bytes);
    // The Arrow schema that writers embed (`ARROW:schema`, IPC flatbuffers) is not read: the
    // Parquet types alone decide each column's Arrow type, and that decoder panicked on a
    // corrupted embedded schema (fuzz vector `fuzz-crash-parquet-zstd.parquet`). Nothing read
    // here depends on it: a timestamp's zone annotation does not change its instant.
    let options = ArrowReaderOptions::new().with_skip_arrow_metadata(true);
    let reader = ParquetRecordBatchReaderBuilder::try_new_with_options(data, options)
        .and_then(ParquetRecordBatchReaderBuilder::build)
        .map_err(|e| format_error(format!("Parquet: {e}")))?;
    let schema = reader.schema();
    let headers: Vec<String> = schema.fields().iter().map(|f| f.name().clone()).collect();
    let indices = map_headers(kind, &headers)?;
    let mut line = 1u64;
    for batch in reader {
        let batch: RecordBatch = batch.map_err(|e| format_error(format!("Parquet: {e}")))?;
        let mut columns = indices
            .iter()
            .map(|i| i.map(|i| column_text(&headers[i], batch.column(i).as_ref())).transpose())
            .collect::<Result<Vec<_>, _>>()?;
        for r in 0..batch.num_rows() {
            line += 1;
            // Each cell's text moved out of its column (read once).
            let cells = columns
                .iter_mut()
                .map(|c| c.as_mut().and_then(|c| c.get_mut(r).and_then(Option::take)).filter(|t| !t.trim().is_empty()))
                .collect();
            each(Row { line, cells });
        }
    }
    Ok(Source { format: "parquet", encoding: None, delimiter: None, sheet: None })
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use arrow_array::{
        ArrayRef, Date32Array, Decimal128Array, Float64Array, RecordBatch, StringArray, TimestampMillisecondArray,
    };
    use chrono::NaiveDate;
    use proptest::prelude::*;

    use crate::{read_cards, read_orders, Options};

    fn parquet(columns: Vec<(&str, ArrayRef)>) -> Vec<u8> {
        let batch = RecordBatch::try_from_iter(columns).unwrap();
        let mut bytes = Vec::new();
        let mut writer = parquet::arrow::ArrowWriter::try_new(&mut bytes, batch.schema(), None).unwrap();
        writer.write(&batch).unwrap();
        writer.close().unwrap();
        bytes
    }

    proptest! {
        /// Orders written as typed Parquet are read as the same orders written as CSV text.
        #[test]
        fn typed_orders_read_as_their_csv(rows in proptest::collection::vec((1u32..10_000, 0i32..3_000, 0i64..10_000_000), 1..40)) {
            let numbers: Vec<String> = rows.iter().map(|r| r.0.to_string()).collect();
            let days: Vec<i32> = rows.iter().map(|r| 18_262 + r.1).collect(); // from 2020-01-01
            let cents: Vec<i128> = rows.iter().map(|r| i128::from(r.2)).collect();
            let bytes = parquet(vec![
                ("Numero", Arc::new(StringArray::from(numbers.clone())) as ArrayRef),
                ("Data", Arc::new(Date32Array::from(days.clone())) as ArrayRef),
                ("Importo", Arc::new(Decimal128Array::from(cents.clone()).with_precision_and_scale(18, 2).unwrap()) as ArrayRef),
            ]);
            let mut csv = String::from("Numero;Data;Importo\n");
            for i in 0..rows.len() {
                let day = NaiveDate::from_num_days_from_ce_opt(days[i] + 719_163).unwrap();
                let amount = cie_pagamenti::Amount::from_cents(i64::try_from(cents[i]).unwrap());
                csv += &[numbers[i].clone(), day.format("%d/%m/%Y").to_string(), amount.to_portal()].join(";");
                csv.push('\n');
            }
            let options = Options::default();
            let from_parquet = read_orders(&bytes, &options).unwrap();
            let from_csv = read_orders(csv.as_bytes(), &options).unwrap();
            prop_assert_eq!(from_parquet.source.format, "parquet");
            prop_assert_eq!(&from_parquet.rows, &from_csv.rows);
            prop_assert_eq!(&from_parquet.findings, &from_csv.findings);
        }

        /// Timestamps are instants: whatever the zone annotation, a card is the moment its value
        /// counts from the UTC epoch.
        #[test]
        fn timestamps_are_instants(millis in proptest::collection::vec(1_577_836_800_000i64..1_767_225_600_000, 1..30), zone in prop_oneof![Just(None), Just(Some("Europe/Rome")), Just(Some("UTC"))]) {
            let mut array = TimestampMillisecondArray::from(millis.clone());
            if let Some(zone) = zone {
                array = array.with_timezone(zone);
            }
            let bytes = parquet(vec![("Data firma", Arc::new(array) as ArrayRef)]);
            let cards = read_cards(&bytes, &Options::default()).unwrap();
            prop_assert!(cards.findings.is_empty(), "{:?}", cards.findings);
            let epochs: Vec<i64> = cards.rows.iter().map(|r| r.value.signed_at.epoch()).collect();
            let expected: Vec<i64> = millis.iter().map(|m| m.div_euclid(1000)).collect();
            prop_assert_eq!(epochs, expected);
            prop_assert_eq!(cards.rows[0].line, 2);
        }
    }

    proptest! {
        /// A card file gives the same rows and findings whichever form it comes in: UTF-8 CSV
        /// (read as a stream of bytes), UTF-16 CSV and Parquet (read as rows of cells, one at a
        /// time): ids and municipalities without their surrounding blanks, repeated ids found,
        /// future and unreadable moments refused on their line.
        #[test]
        fn card_rows_are_the_same_in_every_form(
            rows in proptest::collection::vec((0u32..400, 0u8..6, 0u32..12, 0u8..3, any::<bool>()), 1..40),
        ) {
            let base = NaiveDate::from_ymd_opt(2024, 3, 1).unwrap();
            let (mut moments, mut ids, mut towns) = (Vec::new(), Vec::new(), Vec::new());
            for (day, kind, id, town, padded) in &rows {
                let date = base + chrono::Days::new(u64::from(*day));
                moments.push(match kind {
                    0 => "31/02/2024 10:00".to_owned(),
                    1 => format!("{} 10:22", date.format("%-d/%-m/%Y")),
                    _ => date.format("%Y-%m-%dT08:30:00").to_string(),
                });
                let pad = |t: String| if *padded { format!("  {t} ") } else { t };
                ids.push(if *id < 3 { None } else { Some(pad(format!("CA{id:03}"))) });
                towns.push(pad(format!("09900{town}")));
            }
            let mut csv = String::from("Data firma;Numero carta;Codice ISTAT\n");
            for i in 0..rows.len() {
                csv += &[moments[i].as_str(), ids[i].as_deref().unwrap_or_default(), &towns[i]].join(";");
                csv.push('\n');
            }
            let mut utf16 = vec![0xFF, 0xFE];
            for u in csv.encode_utf16() {
                utf16.extend(u.to_le_bytes());
            }
            let bytes = parquet(vec![
                ("Data firma", Arc::new(StringArray::from(moments.clone())) as ArrayRef),
                ("Numero carta", Arc::new(StringArray::from(ids.clone())) as ArrayRef),
                ("Codice ISTAT", Arc::new(StringArray::from(towns.clone())) as ArrayRef),
            ]);
            let options = Options { now: Some(cie_pagamenti::Moment::parse("2024-12-01T00:00:00").unwrap()), ..Options::default() };
            let from_csv = read_cards(csv.as_bytes(), &options).unwrap();
            prop_assert!(from_csv.rows.iter().all(|r| r.value.municipality.as_deref().is_some_and(|m| m.len() == 6)));
            for other in [read_cards(&utf16, &options).unwrap(), read_cards(&bytes, &options).unwrap()] {
                prop_assert_eq!(&other.rows, &from_csv.rows);
                prop_assert_eq!(&other.findings, &from_csv.findings);
            }
        }
    }

    #[test]
    fn floating_point_refuses_the_file_naming_the_column() {
        let bytes = parquet(vec![
            ("Numero", Arc::new(StringArray::from(vec!["1"])) as ArrayRef),
            ("Data", Arc::new(StringArray::from(vec!["2024-02-16"])) as ArrayRef),
            ("Importo", Arc::new(Float64Array::from(vec![16.79])) as ArrayRef),
        ]);
        let e = read_orders(&bytes, &Options::default()).unwrap_err();
        assert_eq!(cie_pagamenti::CieError::code(&e), cie_pagamenti::ErrorCode::FileFormat);
        assert!(e.to_string().contains("\"Importo\""), "{e}");
    }

    #[test]
    fn truncated_parquet_is_a_format_error_not_a_panic() {
        let bytes = parquet(vec![("Data firma", Arc::new(StringArray::from(vec!["2024-02-16T10:00:00"])) as ArrayRef)]);
        let mut cut = bytes[..bytes.len() / 2].to_vec();
        cut.extend_from_slice(b"PAR1");
        assert!(read_cards(&cut, &Options::default()).is_err());
    }
}
