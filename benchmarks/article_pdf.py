"""A long two-column Dutch article as PDF, for the document benchmarks (reportlab).

The text is the seeds' sentences drawn in a seeded random order into paragraphs, so every page
(and so every chunk) is new text: the embedding cache cannot spare any of it. Each page has a
running header, a page number, two justified-looking columns with words hyphenated at line
ends, now and then a bold section heading and a footnote, as a journal article has.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from rag.corpus import split_sentences

WIDTH, HEIGHT = A4
MARGIN, GUTTER, LEADING = 56.0, 22.0, 14.0
COLUMN = (WIDTH - 2 * MARGIN - GUTTER) / 2
FONT, BOLD, SIZE = "Times-Roman", "Times-Bold", 11.0
TOP, BOTTOM = HEIGHT - 80, 90.0
HEADER = "MILITAIRE SPECTATOR — VEILIGHEID IN DE BALTISCHE REGIO"


def seed_sentences(folder: Path) -> list[str]:
    sentences: list[str] = []
    for path in sorted(folder.glob("*.txt")):
        text = " ".join(path.read_text(encoding="utf-8").split())
        sentences += [text[s:e] for s, e in split_sentences(text, "nl") if 40 <= e - s <= 400]
    return sentences


def paragraphs(sentences: list[str], rng: random.Random) -> Iterator[str]:
    while True:
        yield " ".join(rng.choice(sentences) for _ in range(rng.randint(3, 7)))


def wrap(text: str, width: float, font: str = FONT, size: float = SIZE) -> list[str]:
    """Greedy lines; a long word that does not fit is hyphenated in its middle."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        candidate = f"{line} {word}".strip()
        if stringWidth(candidate, font, size) <= width:
            line = candidate
            continue
        cut = len(word) // 2
        if len(word) >= 9 and stringWidth(f"{line} {word[:cut]}-", font, size) <= width:
            lines.append(f"{line} {word[:cut]}-")
            line = word[cut:]
            continue
        lines.append(line)
        line = word
    return [*lines, line] if line else lines


def article_pdf(path: Path, pages: int, seeds: Path, *, seed: int = 7) -> Path:
    """`pages` pages of article; returns `path`."""
    rng = random.Random(seed)
    source = paragraphs(seed_sentences(seeds), rng)
    canvas = Canvas(str(path), pagesize=A4)
    canvas.setTitle("Veiligheid in de Baltische regio: een lange studie")
    for number in range(1, pages + 1):
        canvas.setFont(FONT, 8)
        canvas.drawString(MARGIN, HEIGHT - 40, HEADER)
        canvas.drawCentredString(WIDTH / 2, 40, str(number))
        for column in range(2):
            _fill_column(canvas, MARGIN + column * (COLUMN + GUTTER), source, rng, number)
        if number % 3 == 0:
            canvas.setFont(FONT, 7.5)
            canvas.line(MARGIN, BOTTOM - 12, MARGIN + 80, BOTTOM - 12)
            note = f"{number} Zie het jaarverslag defensie {2000 + number % 24}."
            canvas.drawString(MARGIN, BOTTOM - 24, note)
        canvas.showPage()
    canvas.save()
    return path


def _fill_column(canvas: Canvas, x: float, source: Iterator[str], rng: random.Random, page: int) -> None:
    y = TOP
    if rng.random() < 0.3:
        canvas.setFont(BOLD, 11)
        canvas.drawString(x, y, f"{page}.{rng.randint(1, 9)} Deelonderzoek en bevindingen")
        y -= LEADING * 2
    canvas.setFont(FONT, SIZE)
    while y > BOTTOM + LEADING:
        for line in wrap(next(source), COLUMN):
            if y <= BOTTOM:
                return  # the paragraph's remainder is dropped: the next column starts a new one
            canvas.drawString(x, y, line)
            y -= LEADING
        y -= LEADING * 0.6
