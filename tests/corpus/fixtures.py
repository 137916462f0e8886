"""Document fixtures the tests make themselves: a two-column journal article as PDF (running
headers, page numbers, a hyphenated word, a footnote, a caption, a sentence that runs on into the
next column), a scanned page, an encrypted PDF, a .docx, an HTML page with navigation and a cookie
banner, an EPUB."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Literal

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

WIDTH, HEIGHT = A4
MARGIN, GUTTER, LEADING = 56.0, 24.0, 13.0
COLUMN = (WIDTH - 2 * MARGIN - GUTTER) / 2
FONT, SIZE = "Helvetica", 10.0
HEADER = "DETERRENCE IN THE BALTIC"

# One text per page, wrapped to the column width; the first half of its lines fill the left column,
# the rest the right one, so a sentence runs on from the left column into the right. "~" marks
# where a word may be hyphenated at a line end.
ARTICLE: list[str] = [
    "The first column opens with a sentence about radar sta~tions on the coast. "
    "Allied planners argued for years that a credible forward presence was the only answer to "
    "the growing number of exer~cises near the border. Their reports stressed that the "
    "region's secu~rity depended on reinforce~ments arriving within days rather than weeks. "
    "The ministers ac~cepted this view in 2016 and sent four battalions to the region. "
    "This sentence starts in the left column and only ends in the right column after a long "
    "list of reasons, such as geog~raphy, railway gauges, bridges and the narrow Suwalki gap "
    "between Poland and Lithuania. Critics an~swered that the bat~talions were too small to stop "
    "an attack and served mainly as a tripwire.1 The debate about the vulner~abilities of the "
    "small states went on until the next summit. The second column closes page one with a "
    "sentence about a tripwire force that runs on",
    "to the next page, where it ends. Page two goes on with a sentence about the summit in Madrid. "
    "The allies agreed to raise the battalions to brigades where the host nations could "
    "support them, and to store heavy equip~ment in advance. "
    "Exercises were held every spring with troops from eleven coun~tries. "
    "The right column of page two reports that the air~space was pa~trolled around the clock. "
    "Fighter jets from rotating na~tions took turns at the air bases in Lithuania and Estonia.",
    "The last page sums up the argument in one sentence about credible deter~rence. "
    "Whether the new brigades will deter remains an open question for fur~ther research. "
    "The final sentence of the article thanks the re~viewers for their comments.",
]
FOOTNOTE = "1 See the annual defence report of 2019 for the numbers of troops per country."
CAPTION = "Figure 1. Troop numbers per year in the three Baltic states."
TITLE = "Deterrence in the Baltic states"


def wrap(text: str, width: float, font: str = FONT, size: float = SIZE) -> list[str]:
    """Greedy line breaking; a word with "~" that does not fit is hyphenated there."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        candidate = f"{line} {word}".strip()
        if stringWidth(candidate.replace("~", ""), font, size) <= width:
            line = candidate
            continue
        if "~" in word:
            head, tail = word.split("~", 1)
            if stringWidth(f"{line} {head}-".replace("~", ""), font, size) <= width:
                lines.append(f"{line} {head}-")
                line = tail
                continue
        lines.append(line)
        line = word
    lines.append(line)
    return [ln.replace("~", "") for ln in lines if ln]


def two_column_pdf(path: Path, *, order: Literal["columns", "rows"] = "columns") -> Path:
    """The article. `order="rows"` draws the lines of both columns interleaved, row by row, as
    some producers do; "columns" draws the left column, then the right (the reading order)."""
    canvas = Canvas(str(path), pagesize=A4)
    canvas.setTitle(TITLE)
    for number, text in enumerate(ARTICLE, start=1):
        top = HEIGHT - 110
        canvas.setFont(FONT, 8)
        canvas.drawString(MARGIN, HEIGHT - 40, HEADER)  # running header on every page
        canvas.drawRightString(WIDTH - MARGIN, HEIGHT - 40, "Journal of Tests 12 (2024)")
        canvas.drawCentredString(WIDTH / 2, 30, str(number))  # page number
        if number == 1:
            canvas.setFont("Helvetica-Bold", 16)
            canvas.drawString(MARGIN, HEIGHT - 80, TITLE)
            top = HEIGHT - 120
        lines = wrap(text, COLUMN)
        half = (len(lines) + 1) // 2
        columns = [lines[:half], lines[half:]]
        _draw_columns(canvas, columns, top, order)
        if number == 1:
            canvas.setFont(FONT, 7)
            canvas.line(MARGIN, 70, MARGIN + 80, 70)
            canvas.drawString(MARGIN, 60, FOOTNOTE)
        if number == 2:
            x = MARGIN + COLUMN + GUTTER
            canvas.rect(x, 300, COLUMN, 120)
            canvas.setFont(FONT, 8)
            for i, line in enumerate(wrap(CAPTION, COLUMN, FONT, 8)):
                canvas.drawString(x, 285 - i * 10, line)
        canvas.showPage()
    canvas.save()
    return path


def _draw_columns(canvas: Canvas, columns: list[list[str]], top: float, order: str) -> None:
    canvas.setFont(FONT, SIZE)
    xs = [MARGIN, MARGIN + COLUMN + GUTTER]
    cells = [(c, i) for c in range(2) for i in range(len(columns[c]))]
    if order == "rows":
        cells.sort(key=lambda ci: (ci[1], ci[0]))
    for c, i in cells:
        canvas.drawString(xs[c], top - i * LEADING, columns[c][i])


def text_pdf(path: Path, pages: list[str], *, user_password: str | None = None) -> Path:
    """A simple one-column PDF, one wrapped paragraph per page (optionally encrypted)."""
    from reportlab.lib.pdfencrypt import StandardEncryption

    encrypt = StandardEncryption(user_password, canPrint=0) if user_password else None
    canvas = Canvas(str(path), pagesize=A4, encrypt=encrypt)
    for text in pages:
        canvas.setFont(FONT, 14)
        for i, line in enumerate(wrap(text, WIDTH - 2 * MARGIN, FONT, 14)):
            canvas.drawString(MARGIN, HEIGHT - 80 - i * 20, line)
        canvas.showPage()
    canvas.save()
    return path


def scanned_pdf(path: Path, text: str) -> Path:
    """A page of rendered text as an image only, wrapped in a PDF: what a scanner produces."""
    import pypdfium2

    source = text_pdf(path.with_suffix(".src.pdf"), [text])
    pdf = pypdfium2.PdfDocument(str(source))
    image = pdf[0].render(scale=300 / 72).to_pil().convert("L")
    pdf.close()
    source.unlink()
    image.save(path, "PDF", resolution=300.0)
    return path


def docx_file(path: Path) -> Path:
    import docx

    document = docx.Document()
    document.core_properties.title = "Jaarverslag van de vereniging"
    document.add_heading("Jaarverslag van de vereniging", level=1)
    document.add_paragraph("Dit verslag beschrijft het jaar 2023 van de vereniging.")
    document.add_heading("Activiteiten", level=2)
    document.add_paragraph("De vereniging organiseerde drie lezingen.")
    document.add_paragraph("Een lezing over de NAVO", style="List Bullet")
    document.add_paragraph("Een excursie naar Den Haag", style="List Bullet")
    document.add_heading("Financiën", level=2)
    document.add_paragraph("De contributie bleef gelijk op twintig euro per jaar.")
    table = document.add_table(rows=2, cols=2)
    for row, (post, amount) in zip(table.rows, [("Zaalhuur", "300"), ("Sprekers", "450")], strict=True):
        row.cells[0].text, row.cells[1].text = post, amount
    document.save(str(path))
    return path


HTML_PAGE = """<!DOCTYPE html>
<html lang="nl"><head><meta charset="utf-8">
<title>Nieuwe brigade in Litouwen | Het Nieuwsblad</title>
<meta property="og:title" content="Nieuwe brigade in Litouwen">
<meta property="article:published_time" content="2024-03-15T08:00:00+01:00">
</head><body>
<div id="cookie-banner" class="cookie-consent"><p>Wij gebruiken cookies om uw ervaring te
verbeteren. Door verder te gaan accepteert u alle cookies.</p><button>Accepteren</button></div>
<header><nav><ul><li><a href="/">Home</a></li><li><a href="/binnenland">Binnenland</a></li>
<li><a href="/buitenland">Buitenland</a></li><li><a href="/sport">Sport</a></li></ul></nav></header>
<main><article>
<h1>Nieuwe brigade in Litouwen</h1>
<p class="date">15 maart 2024</p>
<p>Duitsland stationeert voor het eerst sinds de Tweede Wereldoorlog een volledige brigade in het
buitenland. De brigade van ongeveer vijfduizend militairen komt in Litouwen te staan.</p>
<p>De eerste militairen arriveerden deze week in Vilnius. Volgens het ministerie van Defensie is
de brigade in 2027 volledig operationeel.</p>
<p>De Litouwse regering betaalt de kazernes en de oefenterreinen voor de Duitse militairen, die
met hun gezinnen naar het land verhuizen.</p>
</article></main>
<aside><h3>Meest gelezen</h3><ul><li><a href="/a">Storm raast over het land</a></li>
<li><a href="/b">Files op de A12</a></li></ul></aside>
<footer><p>© 2024 Het Nieuwsblad. Alle rechten voorbehouden.</p><a href="/privacy">Privacy</a></footer>
</body></html>
"""


def epub_file(path: Path, chapters: list[tuple[str, str]], *, title: str = "Een klein boek") -> Path:
    """A minimal valid EPUB 3: the chapters (heading, paragraph) in spine order; the manifest
    lists them in reverse so that only the spine gives the reading order."""
    items = [(f"ch{i}.xhtml", heading, body) for i, (heading, body) in enumerate(chapters, start=1)]
    manifest = "".join(
        f'<item id="c{i}" href="text/{name}" media-type="application/xhtml+xml"/>'
        for i, (name, _, _) in reversed(list(enumerate(items, start=1)))
    )
    spine = "".join(f'<itemref idref="c{i}"/>' for i in range(1, len(items) + 1))
    opf = (
        '<?xml version="1.0" encoding="utf-8"?><package xmlns="http://www.idpf.org/2007/opf" '
        'version="3.0" unique-identifier="id"><metadata xmlns:dc="http://purl.org/dc/elements/1.1/">'
        f'<dc:identifier id="id">urn:uuid:1</dc:identifier><dc:title>{title}</dc:title>'
        "<dc:language>nl</dc:language><dc:date>2021-05-04</dc:date></metadata>"
        f"<manifest>{manifest}</manifest><spine>{spine}</spine></package>"
    )
    container = (
        '<?xml version="1.0"?><container version="1.0" '
        'xmlns="urn:oasis:names:tc:opendocument:xmlns:container"><rootfiles>'
        '<rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/>'
        "</rootfiles></container>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("mimetype", "application/epub+zip", compress_type=zipfile.ZIP_STORED)
        z.writestr("META-INF/container.xml", container)
        z.writestr("OEBPS/content.opf", opf)
        for name, heading, body in items:
            z.writestr(
                f"OEBPS/text/{name}",
                '<?xml version="1.0" encoding="utf-8"?><html xmlns="http://www.w3.org/1999/xhtml">'
                f"<head><title>{heading}</title></head><body><h1>{heading}</h1><p>{body}</p></body></html>",
            )
    path.write_bytes(buffer.getvalue())
    return path
