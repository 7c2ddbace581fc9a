"""Build the format fixtures in tests/fixtures/ from the seed pair (data/loviisa_2021_*.txt).

Each seed is read with bitext's own reader and normaliser; its paragraphs and logical tables
are written again as DOCX (python-docx), HTML and XLSX (openpyxl; one sheet per table, the
paragraphs before a table as title rows), and the DOCX is converted to PDF with LibreOffice
(``soffice --headless --convert-to pdf``), whose real page breaks split tables and repeat
their header rows. Merged first cells (a key goal shared by the rows below) become real
vertical merges / rowspans / merged ranges, so the readers' merge handling is exercised.

Also the bad-input fixtures: a password-protected PDF (pypdf), an encrypted XLSX
(msoffcrypto-tool, skipped when missing), truncated DOCX/XLSX, a PDF without text.

The outputs are committed, so the tests need neither LibreOffice nor this script::

    python scripts/make_fixtures.py            # everything (needs soffice for the PDFs)
    python scripts/make_fixtures.py --no-pdf   # DOCX, HTML, XLSX and the bad inputs only
"""

from __future__ import annotations

import argparse
import html
import io
import logging
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from bitext.model import RawTable, TextBlock
from bitext.normalize import normalize
from bitext.readers import read_raw

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
OUT = ROOT / "tests" / "fixtures"
SEEDS = {"sv": DATA / "loviisa_2021_sv.txt", "fi": DATA / "loviisa_2021_fi.txt"}
TITLES = {"sv": "Lovisa stad – Nyckelmål 2021", "fi": "Loviisan kaupunki – Avaintavoitteet 2021"}

log = logging.getLogger("make_fixtures")


@dataclass
class Para:
    text: str
    level: int  # 1 for a part title, 2 for a table heading, 0 otherwise


@dataclass
class Tab:
    header: tuple[str, ...]
    rows: list[tuple[str, ...]]  # cells as in the file: a merged first cell is ""


def seed_blocks(path: Path) -> list["Para | Tab"]:
    """The seed's paragraphs and logical tables, in order, as the normaliser sees them."""
    raw = read_raw(path)
    doc = normalize(raw)
    starts = {t.source: t for t in doc.tables}
    titles = {p.source for p in doc.parts}
    headings = {t.heading for t in doc.tables}
    out: list[Para | Tab] = []
    for block in raw.blocks:
        if isinstance(block, TextBlock):
            level = 1 if block.source in titles else 2 if block.text.strip() in headings else 0
            out.append(Para(" ".join(block.text.split()), level))
        elif isinstance(block, RawTable) and block.source in starts:
            table = starts[block.source]
            out.append(Tab(table.header, [tuple(c.raw for c in r.cells) for r in table.rows]))
    return out


def merged_runs(rows: list[tuple[str, ...]]) -> list[tuple[int, int]]:
    """(first, last) row indices of each run where a first cell is followed by empty ones."""
    runs = []
    k = 0
    while k < len(rows):
        end = k
        while end + 1 < len(rows) and rows[end + 1] and not rows[end + 1][0] and rows[k][0]:
            end += 1
        if end > k:
            runs.append((k, end))
        k = end + 1
    return runs


# --- DOCX -------------------------------------------------------------------------------------


def write_docx(blocks: list["Para | Tab"], title: str, dest: Path) -> None:
    import docx
    from docx.enum.section import WD_ORIENT
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    d = docx.Document()
    d.core_properties.author = "bitext fixtures"
    d.core_properties.title = title
    normal = d.styles["Normal"]
    normal.font.size = Pt(8)
    normal.paragraph_format.space_after = Pt(6)
    sec = d.sections[0]
    sec.orientation = WD_ORIENT.LANDSCAPE
    sec.page_width, sec.page_height = Cm(29.7), Cm(21.0)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(sec, side, Cm(1.5))
    # A running header and a page number in the footer: a PDF reader must not take them
    # for text between two parts of a table split by a page break.
    sec.header.paragraphs[0].text = title
    footer = sec.footer.paragraphs[0]
    run = footer.add_run()
    for kind, text in (("begin", None), (None, "PAGE"), ("separate", None), (None, "1"), ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        elif text == "PAGE":
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = " PAGE "
        else:
            el = OxmlElement("w:t")
            el.text = text
        run._r.append(el)
    for block in blocks:
        if isinstance(block, Para):
            if block.level:
                d.add_heading(block.text, level=block.level)
            else:
                d.add_paragraph(block.text)
            continue
        width = len(block.header)
        table = d.add_table(rows=1 + len(block.rows), cols=width)
        table.style = "Table Grid"
        for c, text in enumerate(block.header):
            table.cell(0, c).text = text
        head = table.rows[0]._tr.get_or_add_trPr()
        mark = OxmlElement("w:tblHeader")  # "repeat as header row at the top of each page"
        head.append(mark)
        for r, cells in enumerate(block.rows, start=1):
            for c in range(width):
                text = cells[c] if c < len(cells) else ""
                if text:
                    table.cell(r, c).text = text
        for first, last in merged_runs(block.rows):
            table.cell(first + 1, 0).merge(table.cell(last + 1, 0))
        d.add_paragraph()  # Word needs a paragraph between two tables, and so do we
    d.save(str(dest))


# --- HTML -------------------------------------------------------------------------------------


def write_html(blocks: list["Para | Tab"], title: str, lang: str, dest: Path) -> None:
    e = html.escape
    out = [f'<!DOCTYPE html>\n<html lang="{lang}">\n<head><meta charset="utf-8"><title>{e(title)}</title></head>\n<body>']
    for block in blocks:
        if isinstance(block, Para):
            tag = f"h{block.level}" if block.level else "p"
            out.append(f"<{tag}>{e(block.text)}</{tag}>")
            continue
        out.append("<table>\n<thead><tr>" + "".join(f"<th>{e(h)}</th>" for h in block.header) + "</tr></thead>\n<tbody>")
        spans = {first: last - first + 1 for first, last in merged_runs(block.rows)}
        covered = {k for first, last in merged_runs(block.rows) for k in range(first + 1, last + 1)}
        for k, cells in enumerate(block.rows):
            tds = []
            for c, text in enumerate(cells):
                if c == 0 and k in covered:
                    continue
                span = f' rowspan="{spans[k]}"' if c == 0 and k in spans else ""
                tds.append(f"<td{span}>{e(text)}</td>")
            out.append("<tr>" + "".join(tds) + "</tr>")
        out.append("</tbody>\n</table>")
    out.append("</body>\n</html>\n")
    dest.write_text("\n".join(out), encoding="utf-8")


# --- XLSX -------------------------------------------------------------------------------------


def write_xlsx(blocks: list["Para | Tab"], dest: Path) -> None:
    """One sheet per table; the paragraphs before it as title rows (a single filled cell)."""
    import openpyxl

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    pending: list[str] = []
    for block in blocks:
        if isinstance(block, Para):
            pending.append(block.text)
            continue
        ws = wb.create_sheet(f"T{len(wb.worksheets) + 1}")
        for text in pending:
            ws.append([text])
        pending = []
        top = ws.max_row + 1 if ws.max_row > 1 or ws["A1"].value else 1
        ws.append(list(block.header))
        for cells in block.rows:
            ws.append([c or None for c in cells])
        for first, last in merged_runs(block.rows):
            ws.merge_cells(start_row=top + 1 + first, start_column=1, end_row=top + 1 + last, end_column=1)
    wb.save(str(dest))


# --- PDF --------------------------------------------------------------------------------------


def to_pdf(docx_path: Path, dest: Path) -> None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise SystemExit("soffice not found: apt-get install -y libreoffice-writer-nogui (or use --no-pdf)")
    with tempfile.TemporaryDirectory() as tmp:
        profile = Path(tmp) / "profile"
        subprocess.run(
            [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf", "--outdir", tmp, str(docx_path)],
            check=True, capture_output=True, timeout=300,
        )
        shutil.move(str(Path(tmp) / (docx_path.stem + ".pdf")), dest)


# --- bad inputs -------------------------------------------------------------------------------


def write_bad_inputs(out: Path) -> None:
    from pypdf import PdfReader, PdfWriter

    sv_docx = (out / "loviisa_2021_sv.docx").read_bytes()
    (out / "truncated.docx").write_bytes(sv_docx[: len(sv_docx) // 2])
    fi_xlsx = (out / "loviisa_2021_fi.xlsx").read_bytes()
    (out / "truncated.xlsx").write_bytes(fi_xlsx[: len(fi_xlsx) // 2])

    small = out / "small_sv.pdf"
    if small.exists():
        w = PdfWriter(clone_from=PdfReader(str(small)))
        w.encrypt(user_password="hemligt", owner_password="hemligt", algorithm="AES-128")
        with open(out / "encrypted.pdf", "wb") as f:
            w.write(f)
    blank = PdfWriter()  # a page with no text layer, as a scanned document has
    blank.add_blank_page(width=595, height=842)
    with open(out / "no_text.pdf", "wb") as f:
        blank.write(f)

    try:
        import msoffcrypto  # noqa: F401
        from msoffcrypto.format.ooxml import OOXMLFile
    except ImportError:
        log.warning("msoffcrypto-tool not installed: encrypted.xlsx not made")
        return
    for name, plain in (("encrypted.xlsx", fi_xlsx), ("encrypted.docx", sv_docx)):
        enc = io.BytesIO()
        OOXMLFile(io.BytesIO(plain)).encrypt("salasana", enc)
        (out / name).write_bytes(enc.getvalue())


def write_small(out: Path) -> None:
    """A small Swedish document (the first two tables) for the PDF bad-input fixtures."""
    blocks = seed_blocks(SEEDS["sv"])
    cut = [k for k, b in enumerate(blocks) if isinstance(b, Tab)][1] + 1
    write_docx(blocks[:cut], TITLES["sv"], out / "small_sv.docx")


def main(argv: "list[str] | None" = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--no-pdf", action="store_true", help="skip the LibreOffice conversion")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    args.out.mkdir(parents=True, exist_ok=True)
    for lang, seed in SEEDS.items():
        blocks = seed_blocks(seed)
        stem = f"loviisa_2021_{lang}"
        write_docx(blocks, TITLES[lang], args.out / f"{stem}.docx")
        write_html(blocks, TITLES[lang], lang, args.out / f"{stem}.html")
        write_xlsx(blocks, args.out / f"{stem}.xlsx")
        if not args.no_pdf:
            to_pdf(args.out / f"{stem}.docx", args.out / f"{stem}.pdf")
        log.info("wrote %s.{docx,html,xlsx%s}", stem, "" if args.no_pdf else ",pdf")
    write_small(args.out)
    if not args.no_pdf:
        to_pdf(args.out / "small_sv.docx", args.out / "small_sv.pdf")
    (args.out / "small_sv.docx").unlink()
    write_bad_inputs(args.out)


if __name__ == "__main__":
    main()
