"""Render an HTML report or graph page in headless Chromium and save a PNG screenshot.

Usage: python scripts/screenshot.py PAGE.html|URL OUT.png [--size 1400,900] [--hash 'actor=认证机构']

PAGE may be a URL (``http://127.0.0.1:8001/requirements/~E4~B9~89~E5~8A~A1`` of ``regpipe serve``).

``--hash`` opens the page at a fragment (the graph page reads ``actor=``, ``notice=``, ``q=``,
``ob=`` from it).

Needs Debian's chromium (``apt-get install chromium``). Chromium runs with no network access
to anything but the local file, so a page that loads (and draws) here is self-contained.
Exit code 1 when Chromium is missing or fails.
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import quote


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("page")
    ap.add_argument("out", type=Path)
    ap.add_argument("--size", default="1400,900")
    ap.add_argument("--hash", default="", help="URL fragment to open the page at")
    args = ap.parse_args()
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        print("chromium not found: apt-get install chromium", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as profile:
        cmd = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               f"--user-data-dir={profile}", f"--window-size={args.size}", "--virtual-time-budget=5000",
               f"--screenshot={args.out.resolve()}",
               (args.page if args.page.startswith(("http://", "https://")) else Path(args.page).resolve().as_uri())
               + (f"#{quote(args.hash, safe='=&')}" if args.hash else "")]
        res = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    if res.returncode != 0 or not args.out.exists():
        print(res.stderr[-2000:], file=sys.stderr)
        return 1
    print(f"{args.out}: {args.out.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
