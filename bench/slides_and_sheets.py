#!/usr/bin/env python3
"""The shipped plans as slides and as spreadsheets, and how well maillage reads them.

usage: bench/slides_and_sheets.py WORK [BIN...]   (from the repository root; needs
       python3 -m pip install python-pptx openpyxl, and LibreOffice:
       apt-get install libreoffice-impress-nogui libreoffice-calc-nogui;
       default BIN target/release/maillage)

Each plan of corpus/ is written twice:
- as a PowerPoint deck (python-pptx, PowerPoint's own default template): a slide per block
  of lines (cut at two blank lines, at twelve lines, and where a table begins or ends), its
  first short line (not an item) the slide's title, `- ` lines bulleted items of the body,
  other lines paragraphs without bullets, tab rows a table;
- as an Excel workbook (openpyxl): one sheet named « Plan », a row per line,
  tab-separated cells in their own columns, blank lines as empty rows.
LibreOffice then saves the deck as ODP (`odp/`) and that back as its own PPTX (`pptx-lo/`),
and the workbook as ODS (`ods/`) and that back as its own XLSX (`xlsx-lo/`). For every rendering and every BIN, prints
the share of the plan's words that `BIN text` gives in the plan's order (the longest common
subsequence of words), per plan and over all plans. The evaluation's scorer runs on a
rendering with `python3 ../shared/eval/check.py --corpus WORK/<rendering>`.
"""
import os
import re
import subprocess
import sys

from openpyxl import Workbook
from pptx import Presentation
from pptx.oxml.ns import qn
from pptx.util import Emu, Pt
from words_in_order import measure

RENDERINGS = ["pptx", "odp", "pptx-lo", "xlsx", "ods", "xlsx-lo"]


def plain(line):
    """A corpus line without its inline markup (`**`, `<p>`, `<ul>`), items of a cell's
    list each on a line."""
    line = re.sub(r"<li[^>]*>|<br\s*/?>|</p>\s*<p[^>]*>", "\n", line)
    line = re.sub(r"<[^>]+>", "", line).replace("**", "")
    line = line.replace("• ", "\n• ") if "• " in line[1:] else line
    return line.strip()


def blocks(text):
    """Slides: blocks of lines, cut at two blank lines, at twelve lines, and where a table
    begins or ends (a slide's table is drawn below its text)."""
    out, current, blank = [], [], 0
    for line in text.split("\n"):
        if not line.strip():
            blank += 1
            if blank >= 2 and current:
                out.append(current)
                current = []
            continue
        blank = 0
        if current and ("\t" in line) != ("\t" in current[-1]):
            out.append(current)
            current = []
        current.append(line)
        if len(current) >= 12:
            out.append(current)
            current = []
    if current:
        out.append(current)
    return out


def no_bullet(paragraph):
    p_pr = paragraph._p.get_or_add_pPr()
    p_pr.set("indent", "0")
    p_pr.set("marL", "0")
    p_pr.insert(0, p_pr.makeelement(qn("a:buNone"), {}))


def deck(text, path):
    prs = Presentation()
    layout = prs.slide_layouts[1]  # title and content
    for lines in blocks(text):
        slide = prs.slides.add_slide(layout)
        title, body = slide.shapes.title, slide.placeholders[1]
        first = plain(lines[0])
        if len(first) <= 100 and "\t" not in lines[0] and not first.startswith("- "):
            title.text_frame.text = first
            lines = lines[1:]
        frame = body.text_frame
        used = False
        rows = []
        for line in lines + [""]:
            if "\t" in line:
                rows.append([plain(c) for c in line.split("\t")])
                continue
            if rows:
                width = max(len(r) for r in rows)
                shape = slide.shapes.add_table(len(rows), width, Emu(457200), Emu(4800000),
                                               Emu(8229600), Emu(300000 * len(rows)))
                for r, cells in enumerate(rows):
                    for c, cell in enumerate(cells):
                        shape.table.cell(r, c).text = cell
                rows = []
            if not line.strip():
                continue
            paragraph = frame.paragraphs[0] if not used else frame.add_paragraph()
            used = True
            stripped = line.strip()
            if stripped.startswith("- "):
                paragraph.text = plain(stripped[2:])
            else:
                paragraph.text = plain(stripped)
                no_bullet(paragraph)
            for run in paragraph.runs:
                run.font.size = Pt(14)
    prs.save(path)


def workbook(text, path):
    book = Workbook()
    sheet = book.active
    sheet.title = "Plan"
    for r, line in enumerate(text.split("\n"), start=1):
        for c, cell in enumerate(line.split("\t"), start=1):
            value = plain(cell)
            if value:
                sheet.cell(row=r, column=c, value=value)
    book.save(path)


def convert(source, fmt, target):
    os.makedirs(target, exist_ok=True)
    subprocess.run(["soffice", "--headless", "--convert-to", fmt, "--outdir", target, source],
                   check=True, capture_output=True, timeout=300)


def render(work):
    plans = sorted(f for f in os.listdir("corpus") if f.endswith(".txt"))
    for folder in RENDERINGS:
        os.makedirs(os.path.join(work, folder), exist_ok=True)
    for plan in plans:
        stem = plan[:-4]
        text = open(os.path.join("corpus", plan), encoding="utf-8").read()
        pptx = os.path.join(work, "pptx", stem + ".pptx")
        xlsx = os.path.join(work, "xlsx", stem + ".xlsx")
        if not os.path.exists(pptx):
            deck(text, pptx)
        if not os.path.exists(xlsx):
            workbook(text, xlsx)
        odp = os.path.join(work, "odp", stem + ".odp")
        ods = os.path.join(work, "ods", stem + ".ods")
        if not os.path.exists(odp):
            convert(pptx, "odp", os.path.join(work, "odp"))
        if not os.path.exists(ods):
            convert(xlsx, "ods", os.path.join(work, "ods"))
        if not os.path.exists(os.path.join(work, "pptx-lo", stem + ".pptx")):
            convert(odp, "pptx", os.path.join(work, "pptx-lo"))
        if not os.path.exists(os.path.join(work, "xlsx-lo", stem + ".xlsx")):
            convert(ods, "xlsx", os.path.join(work, "xlsx-lo"))
    return plans


def main():
    work = sys.argv[1]
    bins = sys.argv[2:] or ["target/release/maillage"]
    plans = render(work)
    for folder in RENDERINGS:
        fmt = folder.split("-")[0]
        for binary in bins:
            share, per_plan = measure(
                binary, plans, lambda plan: os.path.join(work, folder, plan[:-4] + "." + fmt),
                strip_markup=True)
            print(f"{folder:8} {binary:40} words in order {share:5.1f} %"
                  f"  (per plan: {' '.join(per_plan)})")


if __name__ == "__main__":
    main()
