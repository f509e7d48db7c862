"""Writes realistic OPI (SIOPE+) samples for the example municipality's 2024, from the
structure in shared/OPI.md and the 2024 orders of examples/orders.csv:

- ordinativi-2024.xml: a flusso_ordinativi with every 2024 CIE order (Treasury IBAN, the State's
  causale), two payments that are not for CIE, one order with two beneficiaries (the CIE share
  and a supplier), an order inserted then annulled, an order the treasurer later reversed, and
  an enveloping XML signature (not verified by the reader);
- giornale-di-cassa-2024.xml: the treasurer's cash journal (every order executed, one reversed);
- mandati-cie-2024.csv: the CIE orders those two files come to, as a CSV export would list them.
Run: python3 examples/opi/generate.py"""
import csv
import datetime as dt
import os

HERE = os.path.dirname(os.path.abspath(__file__))
TREASURY = "IT81J0100003245348010374600"
SUPPLIER = "IT60X0542811101000000123456"
PRICE = 1679


def day(text):
    d, m, y = text.split("/")
    return dt.date(int(y), int(m), int(d))


def cents(text):
    euros, dec = text.split(",")
    return int(euros) * 100 + int(dec)


def money(c):
    return f"{c // 100}.{c % 100:02d}"


orders = []
with open(os.path.join(HERE, "..", "orders.csv"), encoding="utf-8") as f:
    for row in csv.DictReader(f, delimiter=";"):
        if row["data"].endswith("/2024"):
            orders.append((row["numero"], day(row["data"]), cents(row["importo"]), day(row["dal"]), day(row["al"])))


def causale(c, start, end):
    n = c // PRICE
    return (f"Comune di Castelprova corrispettivo per il rilascio di n. {n} carte d'identità elettroniche "
            f"({start:%d/%m/%Y}-{end:%d/%m/%Y})")


def beneficiary(k, amount, iban, name, text, paid):
    return f"""      <informazioni_beneficiario>
        <progressivo_beneficiario>{k}</progressivo_beneficiario>
        <importo_beneficiario>{money(amount)}</importo_beneficiario>
        <tipo_pagamento>{"ACCREDITO TESORERIA PROVINCIALE STATO PER TAB A" if iban == TREASURY else "SEPA CREDIT TRANSFER"}</tipo_pagamento>
        <data_esecuzione_pagamento>{paid:%Y-%m-%d}</data_esecuzione_pagamento>
        <classificazione><codice_cgu>1020</codice_cgu><importo>{money(amount)}</importo></classificazione>
        <beneficiario><anagrafica_beneficiario>{name.replace("&", "&amp;")}</anagrafica_beneficiario></beneficiario>
        <sepa_credit_transfer><iban>{iban}</iban></sepa_credit_transfer>
        <causale>{text.replace("&", "&amp;")}</causale>
      </informazioni_beneficiario>
"""


def mandato(op, number, paid, parts):
    total = sum(p[0] for p in parts)
    body = "".join(beneficiary(k, *p, paid) for k, p in enumerate(parts, 1))
    return f"""    <mandato>
      <tipo_operazione>{op}</tipo_operazione>
      <numero_mandato>{number}</numero_mandato>
      <data_mandato>{paid:%Y-%m-%d}</data_mandato>
      <importo_mandato>{money(total)}</importo_mandato>
      <bilancio><codifica_bilancio>1010801</codifica_bilancio><importo_bilancio>{money(total)}</importo_bilancio></bilancio>
{body}    </mandato>
"""


STATE = "TESORERIA PROVINCIALE DELLO STATO"
mandati = []
for i, (number, paid, c, start, end) in enumerate(orders):
    parts = [(c, TREASURY, STATE, causale(c, start, end))]
    if i == 0:  # one order also pays a supplier: only the CIE beneficiary's share counts
        parts.append((12200, SUPPLIER, "Cartoleria Rossi & Figli s.r.l.", "Fornitura moduli anagrafe"))
    mandati.append(mandato("INSERIMENTO", number, paid, parts))
    if i == 2:  # payments that are not for CIE
        mandati.append(mandato("INSERIMENTO", "2101", paid, [(45000, SUPPLIER, "Energia Spa", "Fornitura energia elettrica municipio")]))
        mandati.append(mandato("INSERIMENTO", "2102", paid, [(9000, SUPPLIER, "Acqua Spa", "Servizio idrico")]))
# entered by mistake, then annulled
mandati.append(mandato("INSERIMENTO", "9001", dt.date(2024, 5, 20), [(3358, TREASURY, STATE, causale(3358, dt.date(2024, 5, 1), dt.date(2024, 5, 15)))]))
mandati.append(mandato("ANNULLO", "9001", dt.date(2024, 5, 20), [(3358, TREASURY, STATE, causale(3358, dt.date(2024, 5, 1), dt.date(2024, 5, 15)))]))
# issued, then reversed by the treasurer (cash journal)
mandati.append(mandato("INSERIMENTO", "9002", dt.date(2024, 6, 20), [(1679, TREASURY, STATE, causale(1679, dt.date(2024, 6, 1), dt.date(2024, 6, 15)))]))

flusso = f"""<?xml version="1.0" encoding="UTF-8"?>
<flusso_ordinativi xmlns:ds="http://www.w3.org/2000/09/xmldsig#">
  <testata_flusso>
    <codice_ABI_BT>01030</codice_ABI_BT>
    <identificativo_flusso>CASTELPROVA-2024-000123</identificativo_flusso>
    <data_ora_creazione_flusso>2024-11-15T09:30:00</data_ora_creazione_flusso>
    <codice_ente>c_x999</codice_ente>
    <descrizione_ente>Comune di Castelprova</descrizione_ente>
    <codice_istat_ente>099999</codice_istat_ente>
    <codice_fiscale_ente>80000000000</codice_fiscale_ente>
    <codice_tramite_ente>A2A-12345678</codice_tramite_ente>
    <codice_tramite_BT>A2A-87654321</codice_tramite_BT>
    <codice_ente_BT>0123456</codice_ente_BT>
    <riferimento_ente>Ragioneria</riferimento_ente>
  </testata_flusso>
  <esercizio>2024</esercizio>
{"".join(mandati)}  <ds:Signature>
    <ds:SignedInfo><ds:Reference URI=""><ds:DigestValue>c2FtcGxl</ds:DigestValue></ds:Reference></ds:SignedInfo>
    <ds:SignatureValue>bm90IGEgcmVhbCBzaWduYXR1cmU=</ds:SignatureValue>
  </ds:Signature>
</flusso_ordinativi>
"""
with open(os.path.join(HERE, "ordinativi-2024.xml"), "w", encoding="utf-8") as f:
    f.write(flusso)

movimenti = []
for k, (number, paid, c, _, _) in enumerate(orders + [("9002", dt.date(2024, 6, 20), 1679, None, None)], 1):
    movimenti.append(("ESEGUITO", number, paid, c, k))
movimenti.append(("STORNATO", "9002", dt.date(2024, 6, 24), 1679, len(movimenti) + 1))
journal = "".join(f"""    <movimento_conto_evidenza>
      <tipo_movimento>USCITA</tipo_movimento>
      <tipo_documento>MANDATO</tipo_documento>
      <tipo_operazione>{op}</tipo_operazione>
      <numero_documento>{number}</numero_documento>
      <progressivo_documento>1</progressivo_documento>
      <importo>{money(c)}</importo>
      <numero_bolletta_quietanza>{k:06d}</numero_bolletta_quietanza>
      <data_movimento>{when:%Y-%m-%d}</data_movimento>
      <data_valuta_ente>{when:%Y-%m-%d}</data_valuta_ente>
    </movimento_conto_evidenza>
""" for op, number, when, c, k in movimenti)
with open(os.path.join(HERE, "giornale-di-cassa-2024.xml"), "w", encoding="utf-8") as f:
    f.write(f"""<?xml version="1.0" encoding="UTF-8"?>
<flusso_giornale_di_cassa>
  <testata_giornale_di_cassa>
    <codice_ABI_BT>01030</codice_ABI_BT>
    <identificativo_flusso_BT>GDC-2024-11-15</identificativo_flusso_BT>
    <data_ora_creazione_flusso>2024-11-15T18:00:00</data_ora_creazione_flusso>
    <codice_ente>c_x999</codice_ente>
  </testata_giornale_di_cassa>
  <esercizio>2024</esercizio>
  <informazioni_conto_evidenza>
    <conto_evidenza>0000001</conto_evidenza>
{journal}  </informazioni_conto_evidenza>
</flusso_giornale_di_cassa>
""")

with open(os.path.join(HERE, "mandati-cie-2024.csv"), "w", encoding="utf-8", newline="") as f:
    f.write("numero;data;importo;dal;al\n")
    for number, paid, c, start, end in orders:
        f.write(f"{number};{paid:%d/%m/%Y};{c // 100},{c % 100:02d};{start:%d/%m/%Y};{end:%d/%m/%Y}\n")
print(f"{len(orders)} CIE orders of 2024, {len(mandati)} mandati in the flow, {len(movimenti)} cash movements")
