#!/usr/bin/env python3
"""The shipped plans as another word processor prints them, and how well maillage reads them.

usage: bench/producers.py WORK [BIN...]   (from the repository root; needs LibreOffice:
       apt-get install libreoffice-writer-nogui; default BIN target/release/maillage)

Each plan of corpus/ is written as HTML (its tab rows as tables, its `- ` lines as lists,
its other lines as paragraphs), in three settings: tables with borders, tables without
borders (four points of cell padding), and the whole body in two columns. LibreOffice
Writer opens each and exports PDF, and DOCX and ODT for the borderless one. For every
rendering and every BIN, prints the share of the plan's words that `BIN text` gives in the
plan's order (the longest common subsequence of words), per plan and over all plans.
The evaluation's scorer runs on a rendering with `python3 ../shared/eval/check.py --corpus
WORK/<rendering>`.
"""
import os
import subprocess
import sys

from words_in_order import measure

SETTINGS = {
    "ruled": {"border": True, "columns": False, "formats": ["pdf"]},
    "borderless": {"border": False, "columns": False, "formats": ["pdf", "docx", "odt"]},
    "two-columns": {"border": False, "columns": True, "formats": ["pdf"]},
}
FILTERS = {
    "pdf": "pdf:writer_pdf_Export",
    "docx": "docx:MS Word 2007 XML",
    "odt": "odt:writer8",
}


def to_html(text, border, columns):
    """The plan as HTML; its cells keep their inline markup (`<p>`, `<ul>`), as a town's
    document would show it."""
    lines = text.split("\n")
    out = ["<html><head><meta charset=\"utf-8\"></head><body>"]
    if columns:
        out.append("<multicol cols=\"2\" gutter=\"24\">")
    i = 0
    while i < len(lines):
        line = lines[i].strip()
        if "\t" in lines[i]:
            attrs = 'border="1" cellspacing="0"' if border else 'border="0"'
            rows = []
            while i < len(lines) and "\t" in lines[i]:
                cells = "".join(f"<td>{c.strip()}</td>" for c in lines[i].split("\t"))
                rows.append(f"<tr>{cells}</tr>")
                i += 1
            out.append(f"<table {attrs} cellpadding=\"4\">{''.join(rows)}</table>")
            continue
        if line.startswith("- "):
            items = []
            while i < len(lines) and lines[i].strip().startswith("- "):
                items.append(f"<li>{lines[i].strip()[2:]}</li>")
                i += 1
            out.append(f"<ul>{''.join(items)}</ul>")
            continue
        if line:
            out.append(f"<p>{line}</p>")
        i += 1
    if columns:
        out.append("</multicol>")
    out.append("</body></html>")
    return "\n".join(out)


def render(work):
    plans = sorted(f for f in os.listdir("corpus") if f.endswith(".txt"))
    for name, setting in SETTINGS.items():
        source = os.path.join(work, name, "html")
        os.makedirs(source, exist_ok=True)
        for plan in plans:
            text = open(os.path.join("corpus", plan), encoding="utf-8").read()
            with open(os.path.join(source, plan[:-4] + ".html"), "w", encoding="utf-8") as f:
                f.write(to_html(text, setting["border"], setting["columns"]))
        for fmt in setting["formats"]:
            target = os.path.join(work, name, fmt)
            os.makedirs(target, exist_ok=True)
            for plan in plans:
                stem = os.path.join(target, plan[:-4])
                if os.path.exists(f"{stem}.{fmt}") or os.path.exists(f"{stem}.timeout"):
                    continue
                try:
                    subprocess.run(
                        ["soffice", "--headless", "--infilter=HTML (StarWriter)",
                         "--convert-to", FILTERS[fmt], "--outdir", target,
                         os.path.join(source, plan[:-4] + ".html")],
                        check=True, capture_output=True, timeout=120)
                except subprocess.TimeoutExpired:
                    # LibreOffice 7.4 never finishes laying out some wide tables in two
                    # columns: that plan is left out of the rendering.
                    subprocess.run(["pkill", "-f", "soffice.bin"])
                    open(f"{stem}.timeout", "w").close()
                    print(f"{name} {fmt}: {plan} not rendered in 120 s", file=sys.stderr)
    return plans


def main():
    work = sys.argv[1]
    bins = sys.argv[2:] or ["target/release/maillage"]
    plans = render(work)
    for name, setting in SETTINGS.items():
        for fmt in setting["formats"]:
            folder = os.path.join(work, name, fmt)
            for binary in bins:
                share, per_plan = measure(
                    binary, plans, lambda plan: os.path.join(folder, plan[:-4] + "." + fmt))
                print(f"{name:12} {fmt:5} {binary:40} words in order {share:5.1f} %"
                      f"  (per plan: {' '.join(per_plan)})")


if __name__ == "__main__":
    main()
