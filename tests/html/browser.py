"""Headless Chromium for the html tests and benchmark: Debian's chromium driven by
chromedriver through Selenium (python3-selenium, chromium-driver), so that JavaScript can
be switched off for a page while the test still reads the DOM.

    with Browser(js=False, profile="/tmp/x") as b:
        b.load("file:///.../report.html")
        html = b.dom()
        b.section_screenshots("shots/", prefix="nojs-")
"""

import base64
import os
import shutil
import time

CHROMIUM = os.environ.get("QDX_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("QDX_CHROMEDRIVER", "/usr/bin/chromedriver")

# The flags the issue asks for (root, no GPU, nothing fetched in the background).
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--hide-scrollbars",
         "--disable-dev-shm-usage"]


def missing():
    """Why the browser tests cannot run here, or None."""
    for path in (CHROMIUM, CHROMEDRIVER):
        if not os.access(path, os.X_OK):
            return "%s not found (apt-get install chromium chromium-driver)" % path
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "python3-selenium is not installed"
    return None


class Browser:
    def __init__(self, js=True, profile=None, width=1280, height=1000):
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
        opts = webdriver.ChromeOptions()
        opts.binary_location = CHROMIUM
        self.profile = profile
        if profile:
            shutil.rmtree(profile, ignore_errors=True)
            os.makedirs(profile)
        for f in FLAGS + (["--user-data-dir=" + profile] if profile else []) + ["--window-size=%d,%d" % (width, height)]:
            opts.add_argument(f)
        if not js:
            # The content setting blocks the page's scripts; chromedriver's own
            # (which read the DOM) still run.
            opts.add_experimental_option("prefs", {"profile.managed_default_content_settings.javascript": 2})
        self.js = js
        self.driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=opts)
        self.driver.set_page_load_timeout(300)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        if self.driver:
            self.driver.quit()
            self.driver = None
        if self.profile:
            shutil.rmtree(self.profile, ignore_errors=True)

    def load(self, url):
        """Loads the page; returns the wall time of the load (s) and the page's
        navigation timing (ms from navigation start: DOMContentLoaded, load end)."""
        t0 = time.monotonic()
        self.driver.get(url)
        wall = time.monotonic() - t0
        timing = self.driver.execute_script(
            "var t=performance.getEntriesByType('navigation')[0];"
            "return t?[t.domContentLoadedEventEnd,t.loadEventEnd]:[0,0];")
        return wall, timing

    def dom(self):
        return self.driver.page_source

    def script_ran(self):
        """True when the page's own script ran (it adds the filter box)."""
        return bool(self.driver.execute_script("return document.querySelectorAll('.filter input').length"))

    def screenshot_element(self, css, path):
        """A PNG of the element, whole even when it is taller than the window."""
        rect = self.driver.execute_script(
            "var e=document.querySelector(arguments[0]);if(!e)return null;e.scrollIntoView();"
            "var r=e.getBoundingClientRect();"
            "return [r.left+window.scrollX,r.top+window.scrollY,r.width,r.height];", css)
        if not rect or rect[2] <= 0 or rect[3] <= 0:
            return False
        shot = self.driver.execute_cdp_cmd("Page.captureScreenshot", {
            "format": "png", "captureBeyondViewport": True,
            "clip": {"x": rect[0], "y": rect[1], "width": rect[2], "height": min(rect[3], 16000), "scale": 1}})
        os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
        with open(path, "wb") as f:
            f.write(base64.b64decode(shot["data"]))
        return True

    def section_screenshots(self, folder, prefix=""):
        """One PNG per section of the report (and the header); returns the paths."""
        os.makedirs(folder, exist_ok=True)
        # Parts below the window are not rendered (content-visibility:auto)
        # until scrolled to; a capture beyond the window needs them now.
        self.driver.execute_script(
            "var s=document.createElement('style');s.textContent='*{content-visibility:visible!important}';"
            "document.head.appendChild(s);")
        ids = self.driver.execute_script("return [].map.call(document.querySelectorAll('section.part'),function(s){return s.id;})")
        paths = []
        for css, name in [("header.top", "header")] + [("#" + i, i) for i in ids]:
            path = os.path.join(folder, "%s%s.png" % (prefix, name))
            if self.screenshot_element(css, path):
                paths.append(path)
        return paths
