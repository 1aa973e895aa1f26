"""Take screenshots of Datong pages with headless Chromium (for docs and visual checks).

    python scripts/screenshots.py --base http://127.0.0.1:8000 --user admin --out docs/screenshots \
        --lang zh-hans --page dashboard=/ --page institutions=/institutions/ [--mobile]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from playwright.sync_api import sync_playwright

CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--user", default="admin")
    parser.add_argument("--password", default="datong-demo")
    parser.add_argument("--out", default="docs/screenshots")
    parser.add_argument("--lang", default="zh-hans")
    parser.add_argument("--page", action="append", default=[], help="NAME=PATH")
    parser.add_argument("--mobile", action="store_true", help="a 390×844 phone screen")
    parser.add_argument("--full", action="store_true", help="the full page, not the viewport")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    viewport = {"width": 390, "height": 844} if args.mobile else {"width": 1440, "height": 900}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        context = browser.new_context(viewport=viewport, device_scale_factor=1)
        host = args.base.split("//", 1)[1].split(":")[0].split("/")[0]
        context.add_cookies(
            [{"name": "datong_language", "value": args.lang, "domain": host, "path": "/"}]
        )
        page = context.new_page()
        if args.user:
            page.goto(f"{args.base}/login/")
            page.fill("input[name=username]", args.user)
            page.fill("input[name=password]", args.password)
            page.click("button[type=submit]")
            page.wait_for_load_state("networkidle")
        for spec in args.page:
            name, path = spec.split("=", 1)
            page.goto(f"{args.base}{path}")
            page.wait_for_load_state("networkidle")
            suffix = "-mobile" if args.mobile else ""
            target = out / f"{name}-{args.lang}{suffix}.png"
            page.screenshot(path=str(target), full_page=args.full)
            print(target)
        browser.close()


if __name__ == "__main__":
    main()
