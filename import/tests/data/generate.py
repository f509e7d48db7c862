"""Writes the spreadsheet fixtures of the import tests (orders.xlsx, orders.ods) by hand, with
no dependency: a sheet "Mandati" (real dates, a number amount, a formula with its cached value,
a date typed as text, an amount with three decimals) and a sheet "Carte" (a date-time).
Run: python3 import/tests/data/generate.py"""
import os
import sys
import zipfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "examples"))
import xlsx  # noqa: E402  (the shared minimal XLSX writer)

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


def write_xlsx(path):
    xlsx.write_xlsx(path, [("Mandati", ORDERS), ("Carte", CARDS)])


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
