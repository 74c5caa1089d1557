"""Take the screenshots of docs/strategists.md: the views of the repository's graph, in Debian's Chromium.

    .venv/bin/python tools/screenshots.py            writes docs/img/*.png

Each picture is one task of the guide, done as a strategist would do it: the views are written into a
temporary folder, opened from the file system with every other request refused, and driven through the
page's own controls (search, reach, the panel, the path). Run it again when the views change.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from browser import chromium  # noqa: E402
from playwright.sync_api import Browser, Page  # noqa: E402

OUT = ROOT / "docs" / "img"
ID = "https://w3id.org/policykg/id/"
TALENT = ID + "kernboodschap-digitalisering/intervention/onderwijs-arbeidsmarkt"
RESILIENCE = ID + "theme/digitale-weerbaarheid"


def open_page(browser: Browser, path: Path, fragment: str = "", width: int = 1280, height: int = 800) -> Page:
    page = browser.new_page(viewport={"width": width, "height": height})
    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file://") else r.abort())
    page.goto(path.as_uri() + fragment)
    if path.name != "index.html":
        page.wait_for_function("window.policykgView && window.policykgView.ready", timeout=15000)
        page.wait_for_timeout(600)
    return page


def shoot(page: Page, name: str, **options: object) -> None:
    target = OUT / f"{name}.png"
    page.screenshot(path=str(target), **options)
    print(f"wrote {target.relative_to(ROOT)}")
    page.close()


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        views = Path(tmp) / "views"
        subprocess.run(
            [
                str(Path(sys.executable).parent / "policykg"),
                "--root",
                str(ROOT),
                "views",
                "--out",
                str(views),
            ],
            check=True,
        )
        with chromium() as browser:
            shoot(open_page(browser, views / "overview.html"), "overview")
            shoot(open_page(browser, views / "overlaps.html", f"#node={RESILIENCE}"), "overlaps")
            shoot(open_page(browser, views / "dependencies.html", f"#node={TALENT}&reach=down-all"), "stalls")
            shoot(open_page(browser, views / "law-dsa.html"), "law")
            index = open_page(browser, views / "index.html", width=1100, height=900)
            figure = index.locator("figure").first
            figure.scroll_into_view_if_needed()
            figure.screenshot(path=str(OUT / "budget.png"))
            print(f"wrote {(OUT / 'budget.png').relative_to(ROOT)}")
            index.close()
            shoot(open_page(browser, views / "overview.html", width=390, height=844), "phone")
    return 0


if __name__ == "__main__":
    sys.exit(main())
