//! Renders a [`QuarterlyReport`] to an archival PDF (PDF/A-2b, checked by krilla's validator
//! when written) with the DejaVu Sans fonts embedded (subset), so every letter of every Italian
//! municipality's name prints (`Nabrežina`, `Soči`): A4 pages, the orders table with split
//! markers, the totals, and one or two signature blocks. Pure: report in, bytes out.
//!
//! Layout coordinates are PDF points (`f32`, as the PDF format uses); money is only ever
//! formatted from the core's exact amounts.

#![forbid(unsafe_code)]

use cie_pagamenti::calendar::format_date;
use cie_pagamenti::error::{CieError, ErrorCode, Lang};
use cie_pagamenti::report::QuarterlyReport;
use krilla::configure::{Archival, ConfigurationBuilder};
use krilla::geom::Point;
use krilla::metadata::{DateTime, Metadata};
use krilla::page::PageSettings;
use krilla::text::{Font, TextDirection};
use krilla::{Document, SerializeSettings};

const PAGE_W: f32 = 595.0;
const PAGE_H: f32 = 842.0;
const MARGIN: f32 = 56.0;
const LINE: f32 = 15.0;

/// DejaVu Sans (Bitstream Vera licence, `fonts/LICENSE-DejaVu.txt`): Latin, Latin-1 and
/// Latin Extended-A, the letters of every Italian and Slovene place name.
const REGULAR_TTF: &[u8] = include_bytes!("../fonts/DejaVuSans.ttf");
const BOLD_TTF: &[u8] = include_bytes!("../fonts/DejaVuSans-Bold.ttf");

/// The report could not be written (the archival validator refused it, or a font failed to
/// load): never expected, reported with the code `REPORT_RENDER`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("report not rendered: {0}")]
pub struct RenderError(String);

impl CieError for RenderError {
    fn code(&self) -> ErrorCode {
        ErrorCode::ReportRender
    }

    fn detail(&self, _lang: Lang) -> Option<String> {
        Some(self.0.clone())
    }
}

/// A line of the report: text at a column (left-aligned, or right-aligned at `x`), regular or
/// bold.
struct Cell {
    x: f32,
    text: String,
    bold: bool,
    right: bool,
}

fn cell(x: f32, text: impl Into<String>, bold: bool) -> Cell {
    Cell { x, text: text.into(), bold, right: false }
}

/// An amount right-aligned at `x`.
fn amount_cell(x: f32, text: impl Into<String>, bold: bool) -> Cell {
    Cell { x, text: text.into(), bold, right: true }
}

/// The width of a text at `size` in the embedded font, from the font's own advance widths
/// (the layout right-aligns amounts with it).
fn text_width(text: &str, size: f32, bold: bool) -> f32 {
    use skrifa::instance::{LocationRef, Size};
    use skrifa::MetadataProvider;
    let Ok(font) = skrifa::FontRef::new(if bold { BOLD_TTF } else { REGULAR_TTF }) else { return 0.0 };
    let (charmap, metrics) = (font.charmap(), font.glyph_metrics(Size::new(size), LocationRef::default()));
    text.chars().filter_map(|c| charmap.map(c)).filter_map(|g| metrics.advance_width(g)).sum()
}

const COL_DATE: f32 = MARGIN + 110.0;
const COL_PERIOD: f32 = MARGIN + 190.0;
const COL_AMOUNT_RIGHT: f32 = PAGE_W - MARGIN;

/// The report's lines, top to bottom; `None` is an empty line.
fn lines(report: &QuarterlyReport) -> Vec<Option<Vec<Cell>>> {
    let istat = report.municipality_code.as_ref().map_or_else(String::new, |c| format!(" (codice ISTAT {c})"));
    let mut out = vec![
        Some(vec![cell(MARGIN, "Ministero dell'Interno — Pagamenti CIE — Rapporto trimestrale", true)]),
        Some(vec![cell(MARGIN, format!("Comune di {}{istat}", report.municipality), false)]),
        Some(vec![cell(
            MARGIN,
            format!(
                "{} ({}): dal {} al {}",
                report.quarter.label_it(),
                report.quarter,
                format_date(report.quarter.first_day()),
                format_date(report.quarter.last_day())
            ),
            false,
        )]),
        None,
        Some(vec![
            cell(MARGIN, "Mandato", true),
            cell(COL_DATE, "Data", true),
            cell(COL_PERIOD, "Periodo dichiarato", true),
            amount_cell(COL_AMOUNT_RIGHT, "Importo (€)", true),
        ]),
    ];
    for o in &report.orders {
        let period = o.period.map_or_else(String::new, |(f, t)| format!("{} – {}", format_date(f), format_date(t)));
        out.push(Some(vec![
            cell(MARGIN, o.number.clone(), false),
            cell(COL_DATE, format_date(o.date), false),
            cell(COL_PERIOD, period, false),
            amount_cell(COL_AMOUNT_RIGHT, o.amount.to_display(), false),
        ]));
        if o.split {
            let others: Vec<String> = o.other_parts.iter().map(|(q, a)| format!("{q} € {}", a.to_display())).collect();
            let rest = if others.is_empty() { String::new() } else { format!("; altre quote: {}", others.join(", ")) };
            out.push(Some(vec![cell(
                MARGIN + 12.0,
                format!("quota parte del mandato di € {}{rest}", o.total.to_display()),
                false,
            )]));
        }
    }
    if report.orders.is_empty() {
        out.push(Some(vec![cell(MARGIN, "Nessun mandato (trimestre a zero)", false)]));
    }
    out.push(None);
    out.push(Some(vec![
        cell(MARGIN, "Totale importi", true),
        amount_cell(COL_AMOUNT_RIGHT, report.total.to_display(), true),
    ]));
    out.push(Some(vec![cell(
        MARGIN,
        format!("Carte corrispondenti all'importo: {}", report.cards_from_amount),
        false,
    )]));
    let cieonline =
        report.cieonline_cards.map_or_else(|| "n.d. (conteggio non disponibile)".to_owned(), |n| n.to_string());
    out.push(Some(vec![cell(MARGIN, format!("Carte emesse secondo CIEonline: {cieonline}"), false)]));
    match report.difference {
        Some(0) => out.push(Some(vec![cell(MARGIN, "Differenza: nessuna", false)])),
        Some(d) => out.push(Some(vec![cell(
            MARGIN,
            format!("Differenza: {d:+} carte (da verificare: la quota comunale resta sospesa finché non è risolta)"),
            true,
        )])),
        None => {}
    }
    if !report.draft_reasons.is_empty() {
        out.push(None);
        out.push(Some(vec![cell(MARGIN, "BOZZA — non trasmissibile:", true)]));
        for r in &report.draft_reasons {
            out.push(Some(vec![cell(MARGIN + 12.0, format!("• {}", r.text_it()), false)]));
        }
    }
    for s in &report.signatories {
        out.push(None);
        out.push(Some(vec![cell(MARGIN, s.role.clone(), true)]));
        let name = s.name.clone().unwrap_or_else(|| "______________________________".to_owned());
        out.push(Some(vec![cell(MARGIN, format!("Nome e cognome: {name}"), false)]));
        out.push(Some(vec![cell(MARGIN, "Luogo e data: ______________________________", false)]));
        out.push(Some(vec![cell(MARGIN, "Firma (digitale o autografa): ______________________________", false)]));
    }
    out
}

/// Renders the report as PDF/A-2b bytes.
pub fn render(report: &QuarterlyReport) -> Result<Vec<u8>, RenderError> {
    let lines = lines(report);
    let per_page = ((PAGE_H - 2.0 * MARGIN - 2.0 * LINE) / LINE) as usize;
    let pages: Vec<&[Option<Vec<Cell>>]> = lines.chunks(per_page.max(1)).collect();
    let rome = report.generated_at.to_rome();
    let generated = rome.map(|t| t.format("%d/%m/%Y %H:%M").to_string()).unwrap_or_default();
    let font = |bytes: &'static [u8]| {
        Font::new(bytes.to_vec().into(), 0).ok_or_else(|| RenderError("the embedded font did not load".into()))
    };
    let (regular, bold) = (font(REGULAR_TTF)?, font(BOLD_TTF)?);
    let configuration = ConfigurationBuilder::new()
        .with_archival_validator(Archival::A2_B)
        .finish()
        .map_err(|e| RenderError(format!("{e:?}")))?;
    let mut document = Document::new_with(SerializeSettings { configuration, ..SerializeSettings::default() });
    let title = format!("Rapporto trimestrale {} - Comune di {}", report.quarter, report.municipality);
    let mut metadata = Metadata::new().title(title).language("it-IT".to_owned()).creator("cie-pagamenti".to_owned());
    if let Some(t) = rome {
        use chrono::{Datelike, Timelike};
        let date = DateTime::new(u16::try_from(t.year()).unwrap_or(2000))
            .month(t.month() as u8)
            .day(t.day() as u8)
            .hour(t.hour() as u8)
            .minute(t.minute() as u8)
            .second(t.second() as u8);
        metadata = metadata.creation_date(date);
    }
    document.set_metadata(metadata);
    let settings = PageSettings::from_wh(PAGE_W, PAGE_H).ok_or_else(|| RenderError("page size".into()))?;
    for (i, page_lines) in pages.iter().enumerate() {
        let mut page = document.start_page_with(settings.clone());
        let mut surface = page.surface();
        // krilla's y grows downwards from the top of the page.
        let mut y = MARGIN;
        for line in *page_lines {
            for c in line.iter().flatten() {
                let font = if c.bold { bold.clone() } else { regular.clone() };
                let x = if c.right { c.x - text_width(&c.text, 10.0, c.bold) } else { c.x };
                surface.draw_text(Point::from_xy(x, y), font, 10.0, &c.text, false, TextDirection::Auto);
            }
            y += LINE;
        }
        if !report.draft_reasons.is_empty() {
            surface.draw_text(
                Point::from_xy(MARGIN, PAGE_H - MARGIN - 12.0),
                bold.clone(),
                14.0,
                "BOZZA — non trasmissibile",
                false,
                TextDirection::Auto,
            );
        }
        let footer = format!(
            "Comune di {} — {} — pagina {} di {} — generato il {generated} con cie-pagamenti",
            report.municipality,
            report.quarter,
            i + 1,
            pages.len()
        );
        surface.draw_text(
            Point::from_xy(MARGIN, PAGE_H - MARGIN / 2.0),
            regular.clone(),
            8.0,
            &footer,
            false,
            TextDirection::Auto,
        );
        surface.finish();
        page.finish();
    }
    document.finish().map_err(|e| RenderError(format!("{e:?}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use cie_pagamenti::report::ReportOrder;
    use cie_pagamenti::{Amount, Moment, PriceSchedule, Quarter};

    fn report(orders: usize, same_person: bool) -> QuarterlyReport {
        let orders = (0..orders)
            .map(|i| ReportOrder {
                number: format!("{}", 100 + i),
                date: chrono_date(2024, 1, 1 + (i % 28) as u32),
                amount: Amount::from_cents(3358),
                split: i == 0,
                total: Amount::from_cents(if i == 0 { 5037 } else { 3358 }),
                period: None,
                other_parts: if i == 0 {
                    vec![(Quarter::parse("2023-Q4").unwrap(), Amount::from_cents(1679))]
                } else {
                    vec![]
                },
            })
            .collect();
        QuarterlyReport::new(
            "Città di Prova",
            Quarter::parse("2024-Q1").unwrap(),
            orders,
            Some(2 * 3),
            same_person,
            Moment::parse("2024-04-02T10:00:00").unwrap(),
            &PriceSchedule::builtin(),
        )
    }

    fn chrono_date(y: i32, m: u32, d: u32) -> chrono::NaiveDate {
        chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn text_of(bytes: &[u8]) -> String {
        let doc = lopdf::Document::load_mem(bytes).expect("a readable PDF");
        let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
        doc.extract_text(&pages).expect("text")
    }

    #[test]
    fn the_pdf_reads_back_with_its_totals() {
        let r = report(3, false);
        let bytes = render(&r).unwrap();
        assert!(bytes.starts_with(b"%PDF-"));
        let text = text_of(&bytes);
        assert!(text.contains("Totale importi"), "{text}");
        assert!(text.contains("100,74"), "{text}");
        assert!(text.contains("Carte corrispondenti all'importo: 6"), "{text}");
        assert!(text.contains("Carte emesse secondo CIEonline: 6"), "{text}");
        assert!(text.contains("quota parte del mandato di € 50,37; altre quote: 2023-Q4 € 16,79"), "{text}");
        assert!(text.contains("1° trimestre 2024"), "{text}");
        assert!(text.contains("Città di Prova"), "{text}");
        assert!(text.contains("Responsabile del Servizio CIE"));
        assert!(text.contains("Firma (digitale o autografa)"));
        assert!(!text.contains("BOZZA"), "an exact, ended quarter is not a draft");
        assert!(text.contains("Responsabile del Servizio Finanziario"));
        // The rendered report is itself acceptable as the (to be signed) PDF upload.
        assert!(cie_pagamenti::report::recognize_report(&bytes).is_ok());
    }

    #[test]
    fn every_letter_prints_and_the_file_is_archival() {
        for name in ["Duino Aurisina-Devin Nabrežina", "Sovodnje ob Soči", "Forlì àèéìòù ÀÈÉÌÒÙ"] {
            let r = QuarterlyReport { municipality: name.to_owned(), ..report(2, false) };
            let bytes = render(&r).unwrap();
            let text = text_of(&bytes);
            assert!(text.contains(name), "{name} lost in:\n{text}");
            assert!(!text.contains('?'), "a letter became '?':\n{text}");
            // PDF/A-2b: the XMP metadata declares the part and the conformance.
            let raw = String::from_utf8_lossy(&bytes);
            assert!(raw.contains("pdfaid:part") && raw.contains("pdfaid:conformance"), "no PDF/A identification");
            assert!(raw.contains("/FontFile2"), "the font is embedded");
            assert!(!raw.contains("/Helvetica"), "no unembedded standard font");
        }
    }

    #[test]
    fn a_draft_says_why_on_every_page() {
        let mut r = report(120, false);
        r.orders[1].amount = Amount::from_cents(3359);
        let r = QuarterlyReport::new(
            &r.municipality,
            r.quarter,
            r.orders.clone(),
            Some(239),
            false,
            Moment::parse("2024-03-20T10:00:00").unwrap(),
            &PriceSchedule::builtin(),
        );
        let bytes = render(&r).unwrap();
        let doc = lopdf::Document::load_mem(&bytes).unwrap();
        for page in doc.get_pages().keys() {
            let text = doc.extract_text(&[*page]).unwrap();
            assert!(text.contains("BOZZA — non trasmissibile"), "page {page}: {text}");
        }
        let text = text_of(&bytes);
        assert!(text.contains("integrare con un mandato di € 16,78"), "{text}");
        assert!(text.contains("il trimestre non è ancora concluso"), "{text}");
        assert!(text.contains("Differenza: +1 carte"), "{text}");
    }

    #[test]
    fn an_unknown_count_is_not_zero() {
        let r = QuarterlyReport { cieonline_cards: None, ..report(2, false) };
        let text = text_of(&render(&r).unwrap());
        assert!(text.contains("Carte emesse secondo CIEonline: n.d."), "{text}");
    }

    #[test]
    fn long_reports_paginate_and_one_signatory() {
        let r = report(120, true);
        let bytes = render(&r).unwrap();
        let doc = lopdf::Document::load_mem(&bytes).unwrap();
        assert!(doc.get_pages().len() >= 3);
        let text = text_of(&bytes);
        assert!(text.contains("Responsabile del Servizio CIE e Responsabile del Servizio Finanziario"));
        assert!(text.contains("pagina 3 di"));
        assert!(text.contains(&Amount::from_cents(120 * 3358).to_display()));
    }
}
