"""Writes the spreadsheet fixtures of the import tests (orders.xlsx, orders.ods) by hand, with
no dependency: a sheet "Mandati" (real dates, a number amount, a formula with its cached value,
a date typed as text, an amount with three decimals) and a sheet "Carte" (a date-time).
Run: python3 import/tests/data/generate.py"""
import os
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
CAUSALE = "Comune di Forlì corrispettivo per il rilascio di n. 18 carte d'identità elettroniche (01/02/2024-15/02/2024)"

# (kind, value, extra): kind s = text, n = number, d = date serial, dt = date-time serial, f = formula
ORDERS = [
    [("s", "Numero mandato"), ("s", "Data"), ("s", "Importo"), ("s", "Causale")],
    [("n", "101"), ("d", "45337"), ("n", "302.22"), ("s", CAUSALE)],  # 2024-02-15
    [("n", "102"), ("d", "45351"), ("f", "1124.93", "16.79*67"), ("s", "")],  # 2024-02-29
    [("n", "103"), ("s", "15/03/2024"), ("n", "16.79"), ("s", "")],
    [("n", "104"), ("d", "45380"), ("n", "16.795"), ("s", "")],  # 2024-03-29
]
CARDS = [
    [("s", "Data firma"), ("s", "N. carta")],
    [("dt", "45366.43194444444"), ("s", "CA1")],  # 2024-03-15 10:22
]
ISO = {"45337": "2024-02-15", "45351": "2024-02-29", "45380": "2024-03-29", "45366.43194444444": "2024-03-15T10:22:00"}


def col(i):
    return "ABCDEFGH"[i]


def xlsx_sheet(rows):
    out = ['<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>']
    for r, row in enumerate(rows, 1):
        out.append(f'<row r="{r}">')
        for c, cell in enumerate(row):
            ref = f"{col(c)}{r}"
            kind, value = cell[0], cell[1]
            if kind == "s":
                if value:
                    text = value.replace("&", "&amp;").replace("<", "&lt;")
                    out.append(f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>')
            elif kind == "n":
                out.append(f'<c r="{ref}"><v>{value}</v></c>')
            elif kind == "d":
                out.append(f'<c r="{ref}" s="1"><v>{value}</v></c>')
            elif kind == "dt":
                out.append(f'<c r="{ref}" s="2"><v>{value}</v></c>')
            elif kind == "f":
                out.append(f'<c r="{ref}"><f>{cell[2]}</f><v>{value}</v></c>')
        out.append("</row>")
    out.append("</sheetData></worksheet>")
    return "".join(out)


def write_xlsx(path):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/worksheets/sheet2.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>')
        z.writestr("_rels/.rels", '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        z.writestr("xl/workbook.xml", '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Mandati" sheetId="1" r:id="rId1"/><sheet name="Carte" sheetId="2" r:id="rId2"/></sheets></workbook>')
        z.writestr("xl/_rels/workbook.xml.rels", '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet2.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>')
        z.writestr("xl/styles.xml", '<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><cellXfs count="3"><xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/><xf numFmtId="22" applyNumberFormat="1"/></cellXfs></styleSheet>')
        z.writestr("xl/worksheets/sheet1.xml", xlsx_sheet(ORDERS))
        z.writestr("xl/worksheets/sheet2.xml", xlsx_sheet(CARDS))


def ods_table(name, rows):
    out = [f'<table:table table:name="{name}">']
    for row in rows:
        out.append("<table:table-row>")
        for cell in row:
            kind, value = cell[0], cell[1]
            if kind == "s":
                text = value.replace("&", "&amp;").replace("<", "&lt;")
                out.append(f'<table:table-cell office:value-type="string"><text:p>{text}</text:p></table:table-cell>' if value else "<table:table-cell/>")
            elif kind == "n":
                out.append(f'<table:table-cell office:value-type="float" office:value="{value}"><text:p>{value}</text:p></table:table-cell>')
            elif kind in ("d", "dt"):
                out.append(f'<table:table-cell office:value-type="date" office:date-value="{ISO[value]}"><text:p>{ISO[value]}</text:p></table:table-cell>')
            elif kind == "f":
                out.append(f'<table:table-cell table:formula="of:={cell[2]}" office:value-type="float" office:value="{value}"><text:p>{value}</text:p></table:table-cell>')
        out.append("</table:table-row>")
    out.append("</table:table>")
    return "".join(out)


def write_ods(path):
    ns = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
          'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
          'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"')
    content = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ns} office:version="1.2">'
               f'<office:body><office:spreadsheet>{ods_table("Mandati", ORDERS)}{ods_table("Carte", CARDS)}'
               "</office:spreadsheet></office:body></office:document-content>")
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet", compress_type=zipfile.ZIP_STORED)
        z.writestr("META-INF/manifest.xml", '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>')
        z.writestr("content.xml", content)


write_xlsx(os.path.join(HERE, "orders.xlsx"))
write_ods(os.path.join(HERE, "orders.ods"))
print("orders.xlsx, orders.ods")
