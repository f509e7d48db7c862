//! Renders a [`QuarterlyReport`] to PDF with `pdf-writer`: A4 pages, the standard Helvetica
//! fonts in WinAnsi encoding (Italian accents, `°` and `€` included), the orders table with
//! split markers, the totals, and one or two signature blocks. Pure: report in, bytes out.
//!
//! Layout coordinates are PDF points (`f32`, as the PDF format uses); money is only ever
//! formatted from the core's exact amounts.

#![forbid(unsafe_code)]

use cie_pagamenti::calendar::format_date;
use cie_pagamenti::report::QuarterlyReport;
use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, Str, TextStr};

const PAGE_W: f32 = 595.0;
const PAGE_H: f32 = 842.0;
const MARGIN: f32 = 56.0;
const LINE: f32 = 15.0;
const REGULAR: Name<'static> = Name(b"F1");
const BOLD: Name<'static> = Name(b"F2");

/// Text in WinAnsiEncoding (Windows-1252): Latin-1 plus `€` and typographic quotes; anything
/// else becomes `?`.
fn win_ansi(text: &str) -> Vec<u8> {
    text.chars()
        .map(|c| match c {
            '\u{20}'..='\u{7e}' => c as u8,
            '\u{a0}'..='\u{ff}' => c as u32 as u8,
            '€' => 0x80,
            '‘' => 0x91,
            '’' => 0x92,
            '“' => 0x93,
            '”' => 0x94,
            '–' => 0x96,
            '—' => 0x97,
            _ => b'?',
        })
        .collect()
}

/// A line of the report: text at a column, regular or bold.
struct Cell {
    x: f32,
    text: String,
    bold: bool,
}

fn cell(x: f32, text: impl Into<String>, bold: bool) -> Cell {
    Cell { x, text: text.into(), bold }
}

/// The report's lines, top to bottom; `None` is an empty line.
fn lines(report: &QuarterlyReport) -> Vec<Option<Vec<Cell>>> {
    let mut out = vec![
        Some(vec![cell(MARGIN, "Rapporto trimestrale dei pagamenti CIE", true)]),
        Some(vec![cell(MARGIN, format!("Comune di {}", report.municipality), false)]),
        Some(vec![cell(MARGIN, format!("{} ({})", report.quarter.label_it(), report.quarter), false)]),
        None,
        Some(vec![
            cell(MARGIN, "Numero mandato", true),
            cell(MARGIN + 150.0, "Data", true),
            cell(MARGIN + 240.0, "Importo (€)", true),
            cell(MARGIN + 330.0, "Note", true),
        ]),
    ];
    for o in &report.orders {
        let note =
            if o.split { format!("quota parte del mandato di € {}", o.total.to_portal()) } else { String::new() };
        out.push(Some(vec![
            cell(MARGIN, o.number.clone(), false),
            cell(MARGIN + 150.0, format_date(o.date), false),
            cell(MARGIN + 240.0, o.amount.to_portal(), false),
            cell(MARGIN + 330.0, note, false),
        ]));
    }
    if report.orders.is_empty() {
        out.push(Some(vec![cell(MARGIN, "Nessun mandato (trimestre a zero)", false)]));
    }
    out.push(None);
    out.push(Some(vec![cell(MARGIN, format!("Totale importi: € {}", report.total.to_portal()), true)]));
    let exactness = if report.exact {
        String::new()
    } else {
        " — importo NON multiplo di € 16,79: non trasmissibile".to_owned()
    };
    out.push(Some(vec![cell(
        MARGIN,
        format!("Carte corrispondenti all'importo: {}{exactness}", report.cards_from_amount),
        false,
    )]));
    out.push(Some(vec![cell(MARGIN, format!("Carte emesse secondo CIEonline: {}", report.cieonline_cards), false)]));
    for s in &report.signatories {
        out.push(None);
        out.push(None);
        out.push(Some(vec![cell(MARGIN, s.role.clone(), true)]));
        out.push(Some(vec![cell(MARGIN, "Firmato digitalmente ______________________________", false)]));
    }
    out
}

/// Renders the report as PDF bytes.
pub fn render(report: &QuarterlyReport) -> Vec<u8> {
    let lines = lines(report);
    let per_page = ((PAGE_H - 2.0 * MARGIN - 2.0 * LINE) / LINE) as usize;
    let pages: Vec<&[Option<Vec<Cell>>]> = lines.chunks(per_page.max(1)).collect();
    let generated = report.generated_at.to_rome().map(|t| t.format("%d/%m/%Y %H:%M").to_string()).unwrap_or_default();

    let mut pdf = Pdf::new();
    let catalog = Ref::new(1);
    let tree = Ref::new(2);
    let regular = Ref::new(3);
    let bold = Ref::new(4);
    let info = Ref::new(5);
    let page_ids: Vec<Ref> = (0..pages.len()).map(|i| Ref::new(10 + 2 * i as i32)).collect();
    pdf.catalog(catalog).pages(tree);
    pdf.pages(tree).kids(page_ids.iter().copied()).count(pages.len() as i32);
    pdf.type1_font(regular).base_font(Name(b"Helvetica")).encoding_predefined(Name(b"WinAnsiEncoding"));
    pdf.type1_font(bold).base_font(Name(b"Helvetica-Bold")).encoding_predefined(Name(b"WinAnsiEncoding"));
    let title = format!("Rapporto {} - {}", report.quarter, report.municipality);
    pdf.document_info(info).title(TextStr(&title)).producer(TextStr("cie-pagamenti"));

    for (i, (page_lines, page_id)) in pages.iter().zip(&page_ids).enumerate() {
        let content_id = Ref::new(page_id.get() + 1);
        let mut page = pdf.page(*page_id);
        page.media_box(Rect::new(0.0, 0.0, PAGE_W, PAGE_H));
        page.parent(tree);
        page.contents(content_id);
        let mut resources = page.resources();
        resources.fonts().pair(REGULAR, regular).pair(BOLD, bold);
        resources.finish();
        page.finish();

        let mut content = Content::new();
        let mut y = PAGE_H - MARGIN;
        for line in *page_lines {
            for c in line.iter().flatten() {
                content.begin_text();
                content.set_font(if c.bold { BOLD } else { REGULAR }, 10.0);
                content.next_line(c.x, y);
                content.show(Str(&win_ansi(&c.text)));
                content.end_text();
            }
            y -= LINE;
        }
        let footer = format!("Generato il {generated} con cie-pagamenti — pagina {} di {}", i + 1, pages.len());
        content.begin_text();
        content.set_font(REGULAR, 8.0);
        content.next_line(MARGIN, MARGIN / 2.0);
        content.show(Str(&win_ansi(&footer)));
        content.end_text();
        pdf.stream(content_id, &content.finish());
    }
    pdf.finish()
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
            })
            .collect();
        QuarterlyReport::new(
            "Città di Prova",
            Quarter::parse("2024-Q1").unwrap(),
            orders,
            2 * 3,
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
        let bytes = render(&r);
        assert!(bytes.starts_with(b"%PDF-"));
        let text = text_of(&bytes);
        assert!(text.contains("Totale importi: € 100,74"), "{text}");
        assert!(text.contains("Carte corrispondenti all'importo: 6"), "{text}");
        assert!(text.contains("Carte emesse secondo CIEonline: 6"), "{text}");
        assert!(text.contains("quota parte del mandato di € 50,37"), "{text}");
        assert!(text.contains("1° trimestre 2024"), "{text}");
        assert!(text.contains("Città di Prova"), "{text}");
        assert!(text.contains("Responsabile del servizio di emissione CIE"));
        assert!(text.contains("Responsabile del Servizio Finanziario"));
        // The rendered report is itself acceptable as the (to be signed) PDF upload.
        assert!(cie_pagamenti::report::recognize_report(&bytes).is_ok());
    }

    #[test]
    fn long_reports_paginate_and_one_signatory() {
        let r = report(120, true);
        let bytes = render(&r);
        let doc = lopdf::Document::load_mem(&bytes).unwrap();
        assert!(doc.get_pages().len() >= 3);
        let text = text_of(&bytes);
        assert!(text.contains("Responsabile del servizio di emissione CIE e Responsabile del Servizio Finanziario"));
        assert!(text.contains("pagina 3 di"));
        assert!(text.contains(&format!("Totale importi: € {}", Amount::from_cents(120 * 3358).to_portal())));
    }
}
