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
use cie_pagamenti::Moment;
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

/// A piece of text on a line: at a column (left-aligned, or right-aligned at `x`), regular or
/// bold.
#[derive(Clone, Debug, PartialEq)]
pub struct Cell {
    /// Left edge, or right edge when `right`.
    pub x: f32,
    /// The text.
    pub text: String,
    /// Bold face.
    pub bold: bool,
    /// Right-aligned at `x`.
    pub right: bool,
}

fn cell(x: f32, text: impl Into<String>, bold: bool) -> Cell {
    Cell { x, text: text.into(), bold, right: false }
}

/// An amount right-aligned at `x`.
fn amount_cell(x: f32, text: impl Into<String>, bold: bool) -> Cell {
    Cell { x, text: text.into(), bold, right: true }
}

/// The width of a text at `size` in the embedded font, from the font's own advance widths
/// (the layout right-aligns amounts and wraps long texts with it).
pub fn text_width(text: &str, size: f32, bold: bool) -> f32 {
    use skrifa::instance::{LocationRef, Size};
    use skrifa::MetadataProvider;
    let Ok(font) = skrifa::FontRef::new(if bold { BOLD_TTF } else { REGULAR_TTF }) else { return 0.0 };
    let (charmap, metrics) = (font.charmap(), font.glyph_metrics(Size::new(size), LocationRef::default()));
    text.chars().filter_map(|c| charmap.map(c)).filter_map(|g| metrics.advance_width(g)).sum()
}

/// Text broken into lines no wider than `width` at the body size: at spaces, and inside a word
/// only when the word alone is wider.
pub fn wrap(text: &str, width: f32, bold: bool) -> Vec<String> {
    let fits = |t: &str| text_width(t, SIZE, bold) <= width;
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split(' ') {
        let candidate = if line.is_empty() { word.to_owned() } else { format!("{line} {word}") };
        if fits(&candidate) {
            line = candidate;
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        // A word wider than the line: broken where it must be.
        for c in word.chars() {
            line.push(c);
            if !fits(&line) && line.chars().count() > 1 {
                line.pop();
                lines.push(std::mem::replace(&mut line, c.to_string()));
            }
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

const SIZE: f32 = 10.0;

/// The height of `n` lines.
fn lines_height(n: usize) -> f32 {
    LINE * f32::from(u16::try_from(n).unwrap_or(u16::MAX))
}
const COL_DATE: f32 = MARGIN + 110.0;
const COL_PERIOD: f32 = MARGIN + 180.0;
const COL_AMOUNT_RIGHT: f32 = PAGE_W - MARGIN;
const TEXT_W: f32 = PAGE_W - 2.0 * MARGIN;
const INDENT: f32 = 12.0;

/// What a block of the report is: the pagination keeps some whole and repeats the table's
/// header before the orders of a continuation page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BlockKind {
    /// Title, municipality, quarter.
    Heading,
    /// The orders table's header row.
    TableHeader,
    /// One order (its line, and the split marker lines).
    Order,
    /// Totals, CIEonline, difference, credit, unpaid cards: kept whole.
    Totals,
    /// The draft mark and its reasons: kept whole.
    Draft,
    /// The declaration and one signature block: kept whole.
    Signature,
}

/// Lines that go together; `None` is an empty line.
struct Block {
    kind: BlockKind,
    lines: Vec<Option<Vec<Cell>>>,
}

/// Full-width text, wrapped, as lines of one cell each.
fn paragraph(x: f32, text: &str, bold: bool) -> Vec<Option<Vec<Cell>>> {
    wrap(text, COL_AMOUNT_RIGHT - x, bold).into_iter().map(|l| Some(vec![cell(x, l, bold)])).collect()
}

fn table_header() -> Block {
    Block {
        kind: BlockKind::TableHeader,
        lines: vec![Some(vec![
            cell(MARGIN, "Mandato", true),
            cell(COL_DATE, "Data", true),
            cell(COL_PERIOD, "Periodo dichiarato", true),
            amount_cell(COL_AMOUNT_RIGHT, "Importo (€)", true),
        ])],
    }
}

/// The report's blocks, top to bottom.
fn blocks(report: &QuarterlyReport) -> Vec<Block> {
    let istat = report.municipality_code.as_ref().map_or_else(String::new, |c| format!(" (codice ISTAT {c})"));
    let mut heading = paragraph(MARGIN, "Ministero dell'Interno — Pagamenti CIE — Rapporto trimestrale", true);
    heading.extend(paragraph(MARGIN, &format!("Comune di {}{istat}", report.municipality), false));
    heading.extend(paragraph(
        MARGIN,
        &format!(
            "{} ({}): dal {} al {}",
            report.quarter.label_it(),
            report.quarter,
            format_date(report.quarter.first_day()),
            format_date(report.quarter.last_day())
        ),
        false,
    ));
    heading.push(None);
    let mut out = vec![Block { kind: BlockKind::Heading, lines: heading }, table_header()];
    let number_width = COL_DATE - MARGIN - 8.0;
    for o in &report.orders {
        let period = o.period.map_or_else(String::new, |(f, t)| format!("{} – {}", format_date(f), format_date(t)));
        let numbers = wrap(&o.number, number_width, false);
        let mut lines = Vec::new();
        for (i, n) in numbers.into_iter().enumerate() {
            let mut cells = vec![cell(MARGIN, n, false)];
            if i == 0 {
                cells.push(cell(COL_DATE, format_date(o.date), false));
                cells.push(cell(COL_PERIOD, period.clone(), false));
                cells.push(amount_cell(COL_AMOUNT_RIGHT, o.amount.to_display(), false));
            }
            lines.push(Some(cells));
        }
        if o.split {
            let others: Vec<String> = o.other_parts.iter().map(|(q, a)| format!("{q} € {}", a.to_display())).collect();
            let rest = if others.is_empty() { String::new() } else { format!("; altre quote: {}", others.join(", ")) };
            lines.extend(paragraph(
                MARGIN + INDENT,
                &format!("quota parte del mandato di € {}{rest}", o.total.to_display()),
                false,
            ));
        }
        out.push(Block { kind: BlockKind::Order, lines });
    }
    if report.orders.is_empty() {
        out.push(Block {
            kind: BlockKind::Order,
            lines: paragraph(MARGIN, "Nessun mandato (trimestre a zero)", false),
        });
    }
    out.push(totals_block(report));
    out.extend(closing_blocks(report));
    out
}

/// Totals, CIEonline, difference, credit and unpaid cards.
fn totals_block(report: &QuarterlyReport) -> Block {
    let mut totals = vec![
        None,
        Some(vec![
            cell(MARGIN, "Totale importi", true),
            amount_cell(COL_AMOUNT_RIGHT, report.total.to_display(), true),
        ]),
    ];
    totals.extend(paragraph(MARGIN, &format!("Carte corrispondenti all'importo: {}", report.cards_from_amount), false));
    let cieonline =
        report.cieonline_cards.map_or_else(|| "n.d. (conteggio non disponibile)".to_owned(), |n| n.to_string());
    totals.extend(paragraph(MARGIN, &format!("Carte emesse secondo CIEonline: {cieonline}"), false));
    match report.difference {
        Some(0) => totals.extend(paragraph(MARGIN, "Differenza: nessuna", false)),
        Some(d) => totals.extend(paragraph(
            MARGIN,
            &format!("Differenza: {d:+} carte (da verificare: la quota comunale resta sospesa finché non è risolta)"),
            true,
        )),
        None => {}
    }
    if report.credit > cie_pagamenti::Amount::ZERO {
        totals.extend(paragraph(
            MARGIN,
            &format!(
                "Credito del trimestre: € {} versati oltre le carte firmate (da regolare con il Supporto Tecnico)",
                report.credit.to_display()
            ),
            false,
        ));
    }
    if report.unpaid_cards > 0 {
        totals.extend(paragraph(
            MARGIN,
            &format!(
                "Carte del trimestre non ancora pagate: {} (€ {}), da versare con un prossimo mandato",
                report.unpaid_cards,
                report.unpaid_value.to_display()
            ),
            false,
        ));
    }
    Block { kind: BlockKind::Totals, lines: totals }
}

/// The draft mark with its reasons, then the declaration and the signature blocks.
fn closing_blocks(report: &QuarterlyReport) -> Vec<Block> {
    let mut out = Vec::new();
    if !report.draft_reasons.is_empty() {
        let mut lines = vec![None];
        lines.extend(paragraph(MARGIN, "BOZZA — non trasmissibile:", true));
        for r in &report.draft_reasons {
            lines.extend(paragraph(MARGIN + INDENT, &format!("• {}", r.text_it()), false));
        }
        out.push(Block { kind: BlockKind::Draft, lines });
    }
    for (i, s) in report.signatories.iter().enumerate() {
        let mut lines = vec![None];
        if i == 0 {
            lines.extend(paragraph(MARGIN, report.declaration_it(), false));
            lines.push(None);
        }
        lines.extend(paragraph(MARGIN, &s.role, true));
        let name = s.name.clone().unwrap_or_else(|| "______________________________".to_owned());
        lines.extend(paragraph(MARGIN, &format!("Nome e cognome: {name}"), false));
        lines.push(Some(vec![cell(MARGIN, "Luogo: ____________________   Data: ____________", false)]));
        lines.push(None);
        lines.push(Some(vec![cell(MARGIN, "Firma (digitale o autografa): ______________________________", false)]));
        out.push(Block { kind: BlockKind::Signature, lines });
    }
    out
}

/// A line placed on a page: its top (y from the page's top edge), what block it belongs to (the
/// `index` of the block in the report), and its cells.
#[derive(Clone, Debug, PartialEq)]
pub struct Placed {
    /// Distance of the line's baseline from the top of the page.
    pub y: f32,
    /// The block's kind.
    pub kind: BlockKind,
    /// The block's position in the report (a repeated table header has the header's).
    pub block: usize,
    /// The cells; empty for an empty line.
    pub cells: Vec<Cell>,
}

/// Where the body of a page ends: above the footer, and above the draft mark when there is one.
fn body_bottom(draft: bool) -> f32 {
    PAGE_H - MARGIN - if draft { 2.0 * LINE } else { 0.0 }
}

/// The report laid out on pages: blocks that must stay whole (totals, draft, each signature
/// with its declaration) move to the next page rather than split; the orders table's header is
/// repeated on every page that continues it; continuation pages start with a running head
/// naming the municipality and the quarter. Pure: the same report, the same pages.
pub fn layout(report: &QuarterlyReport) -> Vec<Vec<Placed>> {
    let blocks = blocks(report);
    let header_index = blocks.iter().position(|b| b.kind == BlockKind::TableHeader).unwrap_or(0);
    let mut pager = Pager {
        pages: vec![Vec::new()],
        y: MARGIN,
        bottom: body_bottom(!report.draft_reasons.is_empty()),
        running_head: wrap(
            &format!("Comune di {} — rapporto trimestrale {} (segue)", report.municipality, report.quarter),
            TEXT_W,
            false,
        ),
        header_index,
    };
    for (index, block) in blocks.iter().enumerate() {
        let height = lines_height(block.lines.len());
        match block.kind {
            BlockKind::Heading => {}
            // The table header never ends a page alone: it goes with the first order.
            BlockKind::TableHeader => {
                let first = blocks.get(index + 1).map_or(0.0, |b| lines_height(b.lines.len()));
                if !pager.fits(height + first) {
                    pager.new_page(false);
                }
            }
            BlockKind::Order => {
                if !pager.fits(height) {
                    pager.new_page(true);
                }
            }
            BlockKind::Totals | BlockKind::Draft | BlockKind::Signature => {
                // Kept whole: its leading empty line is not needed at the top of a page.
                let body = height - if block.lines.first().is_some_and(Option::is_none) { LINE } else { 0.0 };
                if !pager.fits(height) && pager.fits_on_new_page(body) {
                    pager.new_page(false);
                }
            }
        }
        let fresh = pager.at_page_top();
        for (k, line) in block.lines.iter().enumerate() {
            if fresh && k == 0 && line.is_none() {
                continue;
            }
            if !pager.fits(LINE) {
                // Only a block taller than a whole page gets here: it continues on the next.
                pager.new_page(block.kind == BlockKind::Order);
            }
            pager.place(block.kind, index, line.clone().unwrap_or_default());
        }
    }
    pager.pages
}

/// The pages being filled.
struct Pager {
    pages: Vec<Vec<Placed>>,
    y: f32,
    bottom: f32,
    running_head: Vec<String>,
    header_index: usize,
}

impl Pager {
    fn fits(&self, height: f32) -> bool {
        self.y + height <= self.bottom + 0.01
    }

    /// Whether a block fits on an empty continuation page (after its running head and the
    /// space below it).
    fn fits_on_new_page(&self, height: f32) -> bool {
        MARGIN + lines_height(self.running_head.len()) + LINE / 2.0 + height <= self.bottom + 0.01
    }

    /// True when nothing but the running head (and a repeated table header) is on the page.
    fn at_page_top(&self) -> bool {
        self.pages.last().is_none_or(|p| p.iter().all(|l| l.block == usize::MAX || l.kind == BlockKind::TableHeader))
            && self.pages.len() > 1
    }

    fn place(&mut self, kind: BlockKind, block: usize, cells: Vec<Cell>) {
        if let Some(page) = self.pages.last_mut() {
            page.push(Placed { y: self.y, kind, block, cells });
        }
        self.y += LINE;
    }

    /// A continuation page: the running head, and the table header when orders continue.
    fn new_page(&mut self, table: bool) {
        self.pages.push(Vec::new());
        self.y = MARGIN;
        for line in self.running_head.clone() {
            self.place(BlockKind::Heading, usize::MAX, vec![cell(MARGIN, line, false)]);
        }
        self.y += LINE / 2.0;
        if table {
            let header = table_header().lines.into_iter().flatten().next().unwrap_or_default();
            self.place(BlockKind::TableHeader, self.header_index, header);
        }
    }
}

/// Renders the report as PDF/A-2b bytes. `rendered_at` is the moment of rendering, printed in
/// the footer (the caller's clock: `generated_at` of the report is the moment its rules were
/// applied, e.g. a CLI `--now`).
pub fn render(report: &QuarterlyReport, rendered_at: Moment) -> Result<Vec<u8>, RenderError> {
    let pages = layout(report);
    let rome = rendered_at.to_rome();
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
    let draft = !report.draft_reasons.is_empty();
    for (i, placed) in pages.iter().enumerate() {
        let mut page = document.start_page_with(settings.clone());
        let mut surface = page.surface();
        // krilla's y grows downwards from the top of the page.
        for line in placed {
            for c in &line.cells {
                let font = if c.bold { bold.clone() } else { regular.clone() };
                let x = if c.right { c.x - text_width(&c.text, SIZE, c.bold) } else { c.x };
                surface.draw_text(Point::from_xy(x, line.y), font, SIZE, &c.text, false, TextDirection::Auto);
            }
        }
        if draft {
            surface.draw_text(
                Point::from_xy(MARGIN, body_bottom(true) + LINE * 1.5),
                bold.clone(),
                14.0,
                "BOZZA — non trasmissibile",
                false,
                TextDirection::Auto,
            );
        }
        let footer = format!(
            "Comune di {} — {} — pagina {} di {} — generato il {generated}",
            report.municipality,
            report.quarter,
            i + 1,
            pages.len()
        );
        for (k, line) in wrap_small(&footer).iter().enumerate() {
            surface.draw_text(
                Point::from_xy(MARGIN, PAGE_H - MARGIN / 2.0 + lines_height(k) * 0.6),
                regular.clone(),
                8.0,
                line,
                false,
                TextDirection::Auto,
            );
        }
        surface.finish();
        page.finish();
    }
    document.finish().map_err(|e| RenderError(format!("{e:?}")))
}

/// The footer at 8 points, wrapped to the text width (a long municipality name).
fn wrap_small(text: &str) -> Vec<String> {
    // At 8 points a text is 0.8 of its width at the body size.
    wrap(text, TEXT_W / 0.8, false)
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

    fn at() -> Moment {
        Moment::parse("2026-12-03T09:41:00Z").unwrap()
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
        let bytes = render(&r, at()).unwrap();
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
            let bytes = render(&r, at()).unwrap();
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
        let bytes = render(&r, at()).unwrap();
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
        let text = text_of(&render(&r, at()).unwrap());
        assert!(text.contains("Carte emesse secondo CIEonline: n.d."), "{text}");
    }

    #[test]
    fn long_reports_paginate_and_one_signatory() {
        let r = report(120, true);
        let bytes = render(&r, at()).unwrap();
        let doc = lopdf::Document::load_mem(&bytes).unwrap();
        assert!(doc.get_pages().len() >= 3);
        let text = text_of(&bytes);
        assert!(text.contains("Responsabile del Servizio CIE e Responsabile del Servizio Finanziario"));
        assert!(text.contains("pagina 3 di"));
        assert!(text.contains(&Amount::from_cents(120 * 3358).to_display()));
    }

    /// The pages of any report: each order once, with the table header above the first order
    /// of every page; totals, draft and each signature block on one page; no page over its
    /// bottom; no page broken early (the next block did not fit).
    fn check_layout(r: &QuarterlyReport) -> usize {
        let pages = layout(r);
        let all = blocks(r);
        let bottom = body_bottom(!r.draft_reasons.is_empty());
        let mut orders_seen = Vec::new();
        let mut block_pages: std::collections::BTreeMap<usize, Vec<usize>> = std::collections::BTreeMap::new();
        for (p, page) in pages.iter().enumerate() {
            assert!(page.iter().all(|l| l.y + LINE <= bottom + 0.01), "page {p} runs into the footer");
            if let Some(first_order) = page.iter().position(|l| l.kind == BlockKind::Order) {
                assert!(
                    page[..first_order].iter().any(|l| l.kind == BlockKind::TableHeader),
                    "page {p}: orders without the table header"
                );
            }
            if p > 0 {
                assert!(
                    page[0].cells[0].text.contains(&r.municipality) || page[0].cells[0].text.starts_with("Comune di")
                );
            }
            for l in page {
                block_pages.entry(l.block).or_default().push(p);
                if l.kind == BlockKind::Order && l.cells.len() == 4 {
                    orders_seen.push(l.cells[0].text.clone());
                }
            }
            // Broken early? The first block of the next page would have fitted here, whole.
            if let Some(next) = pages.get(p + 1) {
                let used = page.last().map_or(MARGIN, |l| l.y + LINE);
                let first = next.iter().find(|l| l.block != usize::MAX && l.kind != BlockKind::TableHeader);
                if let Some(first) = first {
                    let whole = lines_height(all[first.block].lines.len());
                    let split =
                        pages.iter().enumerate().any(|(q, pg)| q != p + 1 && pg.iter().any(|l| l.block == first.block));
                    if !split {
                        assert!(used + whole > bottom + 0.01, "page {p} ends early before block {}", first.block);
                    }
                }
            }
        }
        let numbers: Vec<String> = r.orders.iter().map(|o| o.number.clone()).collect();
        assert_eq!(orders_seen, numbers, "every order once, in order");
        for (block, on) in block_pages {
            let kind = pages.iter().flatten().find(|l| l.block == block).map(|l| l.kind);
            if matches!(kind, Some(BlockKind::Totals | BlockKind::Draft | BlockKind::Signature | BlockKind::Order)) {
                assert!(on.iter().all(|p| *p == on[0]), "block {block} ({kind:?}) split over pages {on:?}");
            }
        }
        pages.len()
    }

    #[test]
    fn any_number_of_orders_lays_out_cleanly() {
        let mut counts = Vec::new();
        for n in [1, 40, 126, 132, 150, 1000] {
            for same_person in [false, true] {
                let pages = check_layout(&report(n, same_person));
                counts.push((n, same_person, pages));
            }
            // A draft: the mark's space is kept on every page.
            let mut r = report(n, false);
            r.draft_reasons.push(cie_pagamenti::report::DraftReason::QuarterNotEnded);
            check_layout(&r);
        }
        // More orders never need fewer pages, and a 1 000-order report fills its pages
        // (about 45 orders each).
        assert!(counts.windows(2).all(|w| w[0].0 > w[1].0 || w[0].2 <= w[1].2 || w[0].1 != w[1].1), "{counts:?}");
        let thousand = counts.iter().find(|c| c.0 == 1000).unwrap().2;
        assert!((20..=25).contains(&thousand), "{counts:?}");
        assert_eq!(counts[0].2, 1, "one order fits one page: {counts:?}");
    }

    #[test]
    fn long_texts_wrap_and_never_overlap() {
        let mut r = report(3, false);
        r.municipality = "Comune con un nome lunghissimo ".repeat(6).trim().to_owned();
        r.orders[1].number = "2024/CIE/000000000000123456789".to_owned();
        r.orders[0].other_parts = (1..=4).map(|q| (Quarter::new(2023, q).unwrap(), Amount::from_cents(1679))).collect();
        let pages = layout(&r);
        for page in &pages {
            for l in page {
                for c in &l.cells {
                    let w = text_width(&c.text, SIZE, c.bold);
                    let (left, right) = if c.right { (c.x - w, c.x) } else { (c.x, c.x + w) };
                    assert!(left >= MARGIN - 0.01 && right <= PAGE_W - MARGIN + 0.01, "{:?} leaves the page", c.text);
                }
                // Cells of one line do not overlap.
                let mut spans: Vec<(f32, f32)> = l
                    .cells
                    .iter()
                    .map(|c| {
                        let w = text_width(&c.text, SIZE, c.bold);
                        if c.right {
                            (c.x - w, c.x)
                        } else {
                            (c.x, c.x + w)
                        }
                    })
                    .collect();
                spans.sort_by(|a, b| a.0.total_cmp(&b.0));
                assert!(spans.windows(2).all(|w| w[0].1 <= w[1].0), "overlap in {:?}", l.cells);
            }
        }
        let number: String = pages
            .iter()
            .flatten()
            .filter(|l| l.kind == BlockKind::Order && l.cells.first().is_some_and(|c| c.x == MARGIN))
            .skip(1)
            .take_while(|l| l.cells.len() == 1 || l.cells[0].text.starts_with("2024/"))
            .map(|l| l.cells[0].text.clone())
            .collect();
        assert_eq!(number, "2024/CIE/000000000000123456789", "the long number wraps in its column, whole");
        let text = text_of(&render(&r, at()).unwrap());
        assert!(text.contains("2023-Q4 € 16,79"), "{text}");
    }

    #[test]
    fn every_page_names_the_municipality_quarter_and_page() {
        for n in [126, 132] {
            let r = report(n, false);
            let bytes = render(&r, at()).unwrap();
            let doc = lopdf::Document::load_mem(&bytes).unwrap();
            let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
            for (i, page) in pages.iter().enumerate() {
                let text = doc.extract_text(&[*page]).unwrap();
                assert!(text.contains(&format!("pagina {} di {}", i + 1, pages.len())), "{text}");
                assert!(text.contains("Città di Prova") && text.contains("2024-Q1"), "{text}");
                assert!(text.contains("generato il 03/12/2026 10:41"), "the rendering time, in Rome: {text}");
                let orders = r.orders.iter().filter(|o| text.contains(&format!("\n{}", o.number))).count();
                if orders > 0 {
                    assert!(text.contains("Periodo dichiarato"), "page {} has orders but no header", i + 1);
                }
                // Signature blocks whole: each role with its name, place and signature lines.
                let roles = text.matches("Responsabile del Servizio ").count();
                let declaration = usize::from(text.contains("Si dichiara che"));
                assert_eq!(
                    text.matches("Firma (digitale o autografa)").count() + declaration * 2,
                    roles,
                    "page {}: {text}",
                    i + 1
                );
                assert_eq!(text.contains("Totale importi"), text.contains("Carte emesse secondo CIEonline"));
            }
        }
    }
}
