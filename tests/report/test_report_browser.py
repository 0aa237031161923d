"""The report page in a real headless Chromium (Debian's chromium + chromedriver, driven by selenium).

It must render every figure, say what each one counts, log no console error and load nothing from the network.
A missing browser fails the test (it never skips): `make test` installs it through `make system-deps`.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from report import write_report

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
# The closed network refuses Chromium's background connections; without these flags they show up as errors.
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1400,1000",
)
IMAGES_LOADED = "return Array.from(document.images).every(i => i.complete)"


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[webdriver.Chrome]:
    missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not p.exists()]
    if missing:
        pytest.fail(f"{', '.join(missing)} missing: run `make system-deps` (apt-get install chromium chromium-driver)")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (*FLAGS, f"--user-data-dir={tmp_path / 'chromium-profile'}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(str(CHROMEDRIVER)))  # no Selenium Manager download
    try:
        yield driver
    finally:
        driver.quit()


def open_page(driver: webdriver.Chrome, index: Path) -> None:
    driver.get(index.as_uri())
    WebDriverWait(driver, 30).until(lambda d: d.execute_script(IMAGES_LOADED))


def screenshot(driver: webdriver.Chrome, path: Path) -> None:
    """The whole page, not just the first screen."""
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(1400, height)
    assert driver.save_screenshot(str(path))


def assert_clean_render(driver: webdriver.Chrome) -> list[dict]:
    images = driver.execute_script(
        "return Array.from(document.images).map(i => ({src: i.src, complete: i.complete, width: i.naturalWidth}))"
    )
    assert len(images) == 13  # 10 of the study's figures, 3 with intervals
    broken = [i for i in images if not i["complete"] or i["width"] == 0]
    assert broken == [], broken
    severe = [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]
    assert severe == [], severe
    # no CDN, no network: everything the page references is a file beside it, an anchor or inline data
    links = driver.execute_script(
        "return Array.from(document.querySelectorAll('[src], [href]'))"
        ".map(e => e.getAttribute('src') || e.getAttribute('href'))"
    )
    remote = [link for link in links if "//" in link or link.startswith(("http", "/"))]
    assert links and remote == [], remote
    assert not driver.find_elements(By.CSS_SELECTOR, "script, iframe, object")
    return images


@pytest.mark.slow
def test_report_renders_every_figure_with_its_conditions(warehouse: Path, tmp_path: Path, browser) -> None:
    result = write_report(warehouse, tmp_path / "reports")
    open_page(browser, result.index)
    images = assert_clean_render(browser)
    assert {Path(i["src"]).name for i in images} == {p.name for p in result.images}
    titles = [h.text for h in browser.find_elements(By.CSS_SELECTOR, "section h2")]
    assert "Q\nPipeline funnel" in titles or "QPipeline funnel" in [t.replace("\n", "") for t in titles]
    for expected in (
        "Deep learning per field, over the years",
        "PTM reuse per field, over the years",
        "How PTMs are reused, per year",
        "Where in the scientific process PTMs serve, per field",
        "Most reused pre-trained models",
        "Classifier agreement with gold labels",
        "Rates per year, with their uncertainty",
        "Headline findings, with their intervals",
    ):
        assert any(expected in t for t in titles), (expected, titles)
    for caption in browser.find_elements(By.TAG_NAME, "figcaption"):
        text = caption.text
        assert "Denominator" in text and "any_of_3" in text and "Run configuration" in text, text
        assert "rules | rules | - | rules/" in text
    assert browser.find_elements(By.CSS_SELECTOR, "#agreement table")  # marts.classifier_agreement exists
    assert not browser.find_elements(By.CLASS_NAME, "nodata")
    screenshot(browser, tmp_path / "screenshot.png")
    assert (tmp_path / "screenshot.png").stat().st_size > 50_000


@pytest.mark.slow
def test_report_without_ptm_papers_shows_no_data_panels(warehouse: Path, tmp_path: Path, browser) -> None:
    db = tmp_path / "no-ptms.duckdb"
    shutil.copyfile(warehouse, db)
    with duckdb.connect(str(db)) as con:
        for mart in ("ptm_reuse", "reuse_patterns", "stage_impact", "top_ptms", "reuse_patterns_overall",
                     "stage_impact_overall"):  # fmt: skip
            con.execute(f"delete from marts.{mart}")
        con.execute("drop table marts.classifier_agreement")
    result = write_report(db, tmp_path / "reports")
    open_page(browser, result.index)
    assert_clean_render(browser)
    notes = [n.text for n in browser.find_elements(By.CLASS_NAME, "nodata")]
    assert len(notes) == 7 and any("ptmreuse eval" in n for n in notes), notes  # 6 PTM figures + agreement
    screenshot(browser, tmp_path / "screenshot-no-data.png")
