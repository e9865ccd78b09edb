"""The report in a real browser: `aipctl report` of the demo account, opened
offline in headless Chromium at 1280 px.

The demo account as `scripts/demo` leaves it, at a fixed mid-month instant
(the emulator's clock and `AIPCTL_NOW`): the emulator's demo seed, then
`aipctl apply -f examples/org.toml` (its profiles, and a budget per
department), then the report. Checks that the page loads with no console
message at all (errors or otherwise), fetches nothing (no resource entries,
no script, no external reference in the file), fits 1280 px with every table in view (none scrolls sideways), that every
chart has drawn (a visible SVG whose bars, counted as the `<rect>`s the
browser lays out, match the non-zero figures of the table beneath it), that
the tables agree with the emulator's own seed and the spec (departments,
idle profiles, budgets, the bypass callers of the coverage section), that this month's estimate is marked as one, that
the sections filled from spend, prices, coverage and budgets say nothing
is missing,
and that the page prints to PDF. Keeps a
full-page screenshot, the top of the page and the PDF under
target/browser-test/ for a person to look at; `--docs` also writes the top
of the page to docs/report.png (the README's screenshot).

Run by scripts/browser-test (which builds aipctl and installs Chromium and
selenium through scripts/setup); never skipped: a missing browser is a failure.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
import urllib.request
from decimal import Decimal
from pathlib import Path

from awsemu.demo import UNTAGGED_CALLERS  # PYTHONPATH=tests/emulator (scripts/browser-test sets it)
from awsemu.server import spawn

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
REGIONS = "us-east-1,us-west-2,eu-west-1"
# The emulator's clock and aipctl's, fixed: the demo seed is relative to "today", and mid-month the
# page shows whole months, this month so far and its estimate the same way on every run.
NOW = "2026-11-22T13:00:00Z"
SPEC = ROOT / "examples" / "org.toml"
WIDTH = 1280
# Without these Chromium stalls on connections the machine refuses.
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--hide-scrollbars", f"--window-size={WIDTH},1000",
]
MAX_IDLE_BARS = 30  # the idle chart's limit (output/report/sections.rs)


class Failure(Exception):
    pass


def check(ok: bool, what: str) -> None:
    if not ok:
        raise Failure(what)
    print(f"ok: {what}")


def control(url: str, method: str, path: str, body: object | None = None) -> dict:
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url + path, data=data, method=method, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=120) as resp:
        return json.loads(resp.read() or b"null")


def aipctl_env(url: str, cache: str) -> dict[str, str]:
    return {
        "PATH": os.environ["PATH"], "HOME": cache, "XDG_CACHE_HOME": cache, "NO_COLOR": "1",
        "AWS_ENDPOINT_URL": url, "AWS_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": "demo",
        "AWS_SECRET_ACCESS_KEY": "demo", "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_CONFIG_FILE": "/dev/null", "AWS_SHARED_CREDENTIALS_FILE": "/dev/null", "AIPCTL_NOW": NOW,
    }


def apply_spec(aipctl: str, url: str, cache: str) -> None:
    """What the demo does before its report: the spec's profiles and budgets."""
    cmd = [aipctl, "apply", "-f", str(SPEC), "--yes"]
    run = subprocess.run(cmd, check=False, env=aipctl_env(url, cache), capture_output=True, text=True,
                         timeout=600)
    if run.returncode != 0:
        print(run.stdout + run.stderr, end="")
    check(run.returncode == 0, f"`aipctl apply -f examples/org.toml` exits 0 (it exited {run.returncode})")


def write_report(aipctl: str, url: str, out: Path, cache: str) -> None:
    cmd = [aipctl, "report", "--out", str(out), "--region", REGIONS, "--since", "90d"]
    run = subprocess.run(cmd, check=False, env=aipctl_env(url, cache), capture_output=True, text=True,
                         timeout=600)
    print(run.stdout + run.stderr, end="")
    check(run.returncode == 0, f"`aipctl report` exits 0 (it exited {run.returncode})")


def check_file(html: str) -> None:
    """Self-contained: no script, nothing that would be fetched."""
    lowered = html.lower()
    check("<script" not in lowered, "the file has no script")
    check("<link" not in lowered and "@import" not in lowered and "url(" not in lowered,
          "the file links no stylesheet, import or url()")
    refs = re.findall(r"""(?:src|href)\s*=\s*["']([^"']*)["']""", html)
    check(all(r.startswith("#") for r in refs), f"every src/href is an in-page anchor ({len(refs)} of them)")


def browser(profile_dir: str):
    # Imported here so that a missing package fails with the setup command below.
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    for path in (CHROMIUM, CHROMEDRIVER):
        if not os.access(path, os.X_OK):
            raise Failure(f"{path} is missing: run `scripts/setup` (it installs Debian's chromium and "
                          "chromium-driver), or `sudo apt-get install -y chromium chromium-driver`")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in [*CHROMIUM_FLAGS, f"--user-data-dir={profile_dir}"]:
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)


def number(text: str) -> Decimal:
    """A table cell as a number: `1,234.5678`, `48.7%`; `–` and words are 0."""
    cleaned = text.replace(",", "").replace("%", "").strip()
    try:
        return Decimal(cleaned)
    except ArithmeticError:
        return Decimal(0)


def cells(driver, selector: str) -> list[str]:
    """Each matching cell's figure: the exact decimal of an amount shown to the cent
    (`data-exact`), else its text."""
    from selenium.webdriver.common.by import By

    return [c.get_attribute("data-exact") or c.text for c in driver.find_elements(By.CSS_SELECTOR, selector)]


def bars(driver, figure_id: str) -> int:
    """The bars a chart drew: its `<rect>`s with a laid-out, non-empty box."""
    from selenium.webdriver.common.by import By

    figure = driver.find_element(By.ID, figure_id)
    svg = figure.find_element(By.CSS_SELECTOR, "svg")
    size = svg.size
    check(size["width"] > 600 and size["height"] > 100,
          f"{figure_id}: the SVG is laid out ({size['width']:.0f} × {size['height']:.0f} px)")
    boxes = driver.execute_script(
        "return Array.from(arguments[0].querySelectorAll('rect')).map(r => r.getBBox())"
        ".map(b => [b.width, b.height]);", svg)
    drawn = sum(1 for w, h in boxes if w > 0 and h > 0)
    check(drawn == len(boxes), f"{figure_id}: each of its {len(boxes)} rects has a size")
    return drawn


def section_text(driver, section: str) -> str:
    from selenium.webdriver.common.by import By

    return driver.find_element(By.ID, section).text


def check_page(driver, seed: dict, spec: dict) -> None:
    from selenium.webdriver.common.by import By

    state = driver.execute_script("return document.readyState")
    check(state == "complete", "the page has loaded")
    logs = driver.get_log("browser")
    check(not logs, f"the console is silent ({logs})")
    fetched = driver.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    check(fetched == [], f"the page fetched nothing ({fetched})")
    scroll_width = driver.execute_script("return document.documentElement.scrollWidth")
    check(scroll_width <= WIDTH, f"the page fits {WIDTH} px ({scroll_width} px wide)")
    wide = driver.execute_script(
        "return Array.from(document.querySelectorAll('.table-scroll'))"
        ".filter(d => d.scrollWidth > d.clientWidth)"
        ".map(d => d.querySelector('table').id + ' ' + d.scrollWidth + '>' + d.clientWidth);")
    check(not wide, f"every table fits without scrolling sideways ({wide})")
    spec_departments = sorted(t["department"] for t in spec["teams"].values())
    departments = sorted({*seed["departments"], *spec_departments})

    # Spend: one bar per non-zero department × month cell of the table, this month's estimate included.
    months = [number(t) for t in cells(driver, "#spend-table tbody td.month")]
    check(len(months) > 0, f"the spend table has month cells ({len(months)})")
    check(bars(driver, "spend-chart") == sum(1 for v in months if v != 0),
          "the spend chart has a bar segment per non-zero department-month of its table, estimate included")
    spend_rows = [t.strip() for t in cells(driver, "#spend-table tbody td:first-child")]
    check("(untagged)" in spend_rows, "spend without the tag has its own row")
    heads = cells(driver, "#spend-table thead th")
    month_heads = len(cells(driver, "#spend-table tbody tr:first-child td.month")) - 1
    beside = heads[month_heads + 1]
    check(beside.endswith(" estimate"), f"this month's estimate is beside the months, marked: {beside!r}")
    estimates = [number(t) for t in cells(driver, "#spend-table tbody td.estimate")]
    check(len(estimates) == len(spend_rows) and any(v > 0 for v in estimates),
          f"this month's estimate has a figure per row ({len(estimates)} of {len(spend_rows)})")
    labels = driver.execute_script(
        "return Array.from(document.querySelectorAll('#spend-chart svg text')).map(t => t.textContent.trim())")
    check(any(label.endswith("est.") for label in labels), "the chart labels the estimate's column `est.`")
    legend = " ".join(cells(driver, "#spend-chart ul.legend li"))
    check("this month's estimate" in legend and "not billed" in legend, "the legend says what the faded column is")

    # Estimated spend: a bar per department the Price List prices with a non-zero estimate.
    estimated = [number(t) for t in cells(driver, "#estimated-table tbody td.bar")]
    check(bars(driver, "estimated-chart") == sum(1 for v in estimated if v > 0),
          f"the estimate chart has a bar per department with an estimate ({len(estimated)} rows)")
    estimated_rows = sorted(t.strip() for t in cells(driver, "#estimated-table tbody td:first-child"))
    check(estimated_rows == sorted([*departments, "(untagged)"]),
          f"the estimate has every department: {estimated_rows}")

    # Tokens and cache hits: one bar per department with tokens / hits.
    tokens = [number(t) for t in cells(driver, "#usage-table tbody td.tokens")]
    hits = [number(t) for t in cells(driver, "#usage-table tbody td.hit")]
    check(bars(driver, "tokens-chart") == sum(1 for v in tokens if v > 0),
          f"the tokens chart has a bar per department with tokens ({len(tokens)} rows)")
    check(bars(driver, "cache-chart") == sum(1 for v in hits if v > 0),
          "the cache chart has a bar per department with cache hits")
    usage_rows = sorted(t.strip() for t in cells(driver, "#usage-table tbody td:first-child"))
    check(usage_rows == sorted([*departments, "(untagged)"]),
          f"the usage table has the seeded and the spec's departments and (untagged): {usage_rows}")

    # Budgets: the spec's, one per department, a bar each for a share used above 0.
    budget_rows = sorted(t.strip() for t in cells(driver, "#budgets-table tbody td:first-child"))
    check(budget_rows == sorted(f"aipctl-{spec['name']}-{d}" for d in spec_departments),
          f"the budgets table has the spec's budget of each department: {budget_rows}")
    used = [number(t) for t in cells(driver, "#budgets-table tbody td.bar")]
    check(bars(driver, "budgets-chart") == sum(1 for v in used if v > 0), "the budgets chart has a bar per budget used")
    actual = [number(t) for t in cells(driver, "#budgets-table tbody td.actual")]
    check(any(v > 0 for v in actual), "AWS Budgets' actual spend is on the page")

    # Idle: the profiles the seed made idle, a bar each (up to the chart's limit).
    idle_rows = sorted(t.strip() for t in cells(driver, "#idle-table tbody td:first-child"))
    check(idle_rows == sorted(seed["idle"]), f"the idle table lists the seeded idle profiles: {idle_rows}")
    ages = [t for t in cells(driver, "#idle-table tbody td.age") if t.strip().isdigit()]
    check(bars(driver, "idle-chart") == min(len(ages), MAX_IDLE_BARS), "the idle chart has a bar per idle profile")

    # Coverage: a bar per class with a share; the bypass table names the demo's direct callers.
    shares = [number(t) for t in cells(driver, "#coverage-table tbody td.bar")]
    check(len(shares) == 3, f"the coverage table has attributed, untagged and bypass rows ({len(shares)})")
    check(bars(driver, "coverage-chart") == sum(1 for v in shares if v > 0),
          "the coverage chart has a bar per class with a share")
    check(abs(sum(shares) - 100) <= Decimal("0.2"), f"the coverage shares add up to 100% ({sum(shares)})")
    bypass = sorted(t.strip() for t in cells(driver, "#bypass-table tbody td:first-child"))
    callers = sorted(model_id for _region, model_id, *_ in UNTAGGED_CALLERS)
    check(bypass == callers, f"the bypass table lists the demo's direct callers: {bypass}")

    figures = [f.get_attribute("id") for f in driver.find_elements(By.CSS_SELECTOR, "figure.chart-figure")]
    expected = {"spend-chart", "estimated-chart", "tokens-chart", "cache-chart", "coverage-chart", "budgets-chart",
                "idle-chart"}
    check(expected <= set(figures), f"every chart of these sections is there ({figures})")
    for figure in figures:
        check(bars(driver, figure) > 0, f"{figure} has drawn")
    for section in ("spend", "estimated", "coverage", "budgets", "usage", "idle"):
        check("Not available" not in section_text(driver, section), f"`{section}` is filled")
    header = driver.find_element(By.TAG_NAME, "header").text
    check("123456789012" in header and "us-west-2" in header, "the header names the account and the regions")


def save(driver, dest: Path, docs: bool) -> None:
    metrics = driver.execute_cdp_cmd("Page.getLayoutMetrics", {})
    height = int(metrics["cssContentSize"]["height"])

    def shot(path: Path, clip_height: int) -> None:
        png = driver.execute_cdp_cmd("Page.captureScreenshot", {
            "format": "png", "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": WIDTH, "height": clip_height, "scale": 1},
        })["data"]
        path.write_bytes(base64.b64decode(png))
        print(f"saved {path.relative_to(ROOT)} ({WIDTH} × {clip_height} px, {path.stat().st_size // 1024} KB)")

    shot(dest / "report-full.png", height)
    # The top of the page: the header and the spend chart with its legend.
    chart_bottom = driver.execute_script(
        "return document.getElementById('spend-chart').getBoundingClientRect().bottom + window.scrollY")
    top = dest / "report-top.png"
    shot(top, min(height, int(chart_bottom) + 16))
    printed = driver.execute_cdp_cmd("Page.printToPDF", {"printBackground": True, "preferCSSPageSize": True})
    pdf = base64.b64decode(printed["data"])
    check(pdf.startswith(b"%PDF") and len(pdf) > 10_000, f"the page prints to PDF ({len(pdf) // 1024} KB)")
    boxes = {tuple(float(v) for v in m) for m in re.findall(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", pdf)}
    check(len(boxes) == 1 and all(abs(w - 842) < 2 and abs(h - 595) < 2 for w, h in boxes),
          f"every page is A4 landscape, as the page's @page asks ({boxes} pt)")
    (dest / "report.pdf").write_bytes(pdf)
    if docs:
        shutil.copyfile(top, ROOT / "docs" / "report.png")
        print("updated docs/report.png")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--aipctl", default=str(ROOT / "target" / "debug" / "aipctl"))
    parser.add_argument("--docs", action="store_true", help="also write the top of the page to docs/report.png")
    args = parser.parse_args(argv)
    dest = ROOT / "target" / "browser-test"
    dest.mkdir(parents=True, exist_ok=True)
    emu = spawn(["--exit-with-stdin"], stdin=subprocess.PIPE, timeout=120)
    try:
        with tempfile.TemporaryDirectory() as scratch:
            control(emu.url, "POST", "/_emu/clock", {"now": NOW})
            seed = control(emu.url, "POST", "/_emu/seed", {"scenario": "demo"})
            spec = tomllib.loads(SPEC.read_text())
            apply_spec(args.aipctl, emu.url, scratch)
            report = dest / "report.html"
            write_report(args.aipctl, emu.url, report, scratch)
            html = report.read_text()
            check_file(html)
            driver = browser(os.path.join(scratch, "chromium"))
            try:
                driver.get(report.as_uri())
                check_page(driver, seed, spec)
                save(driver, dest, args.docs)
            finally:
                driver.quit()
            print(f"the report: {report.relative_to(ROOT)} ({len(html.encode()) // 1024} KB)")
    except Failure as e:
        print(f"FAILED: {e}", file=sys.stderr)
        return 1
    finally:
        emu.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
