"""Print a checklist workbook the way a colleague would: LibreOffice renders it to PDF with the
sheets' own page setup (landscape A4, fitted to the width, header row on every page), and
the first pages are saved as PNG images to look at.

Usage: python scripts/print_checklist.py CHECKLIST.xlsx OUT_DIR [--pages 3] [--dpi 110]

Needs LibreOffice (``apt-get install --no-install-recommends libreoffice-calc``) and, for
Chinese text, a CJK font (``apt-get install fonts-noto-cjk``). Prints the number of pages and
the images written. Exit code 1 when LibreOffice is missing or fails.
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("xlsx", type=Path)
    ap.add_argument("out", type=Path)
    ap.add_argument("--pages", type=int, default=3, help="how many pages to save as PNG")
    ap.add_argument("--dpi", type=int, default=110)
    args = ap.parse_args()
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        print("LibreOffice not found: apt-get install --no-install-recommends libreoffice-calc", file=sys.stderr)
        return 1
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as profile:
        res = subprocess.run([soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                              "--outdir", str(args.out), str(args.xlsx)], capture_output=True, text=True, timeout=300)
    pdf = args.out / (args.xlsx.stem + ".pdf")
    if res.returncode != 0 or not pdf.exists():
        print(res.stderr[-2000:], file=sys.stderr)
        return 1
    import pdfplumber

    with pdfplumber.open(pdf) as doc:
        print(f"{pdf}: {len(doc.pages)} pages, {doc.pages[0].width:.0f} x {doc.pages[0].height:.0f} pt")
        for i, page in enumerate(doc.pages[:args.pages], start=1):
            png = args.out / f"{args.xlsx.stem}-{i}.png"
            page.to_image(resolution=args.dpi).save(png)
            print(f"  {png}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
