"""The notebook UI in a real browser: `./hmmlab notebook` driven through headless Chromium by WebDriver.

Starts `./hmmlab notebook` on a free port with a token, opens a copy of notebook 00 (under build/, so the
checkout's notebook keeps no outputs), runs all cells through the Cell menu, waits for the kernel to go idle, and
checks what a reader sees: no error output, every chart image loaded and shown at its natural size, Tab completion
of a DSL name, Shift-Tab help on a DSL method, the Help menu's links to the lab's own pages, and an interrupted
long cell after which the kernel still answers with the variables defined before it. Screenshots go to
build/browser/. Needs Debian's chromium, chromium-driver and python3-selenium (`./hmmlab test` installs them).
"""
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import time
import unittest
import urllib.request
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

HOME = Path(os.environ.get("HMMLAB_HOME", Path(__file__).resolve().parents[4]))
NOTEBOOK = "00-notebook-basics.ipynb"
WORK = HOME / "build" / "browser"
CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
# Headless Chromium as root on a closed network (field notes): no sandbox, no GPU, no background connections.
CHROMIUM_FLAGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--disable-dev-shm-usage", "--window-size=1400,1000", "--force-device-scale-factor=1"]
SERVER_START_SECONDS = 90
RUN_ALL_SECONDS = 240


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(what, condition, seconds, interval=0.25):
    """Polls condition() until it returns a truthy value; fails naming what it waited for."""
    deadline = time.monotonic() + seconds
    last = None
    while time.monotonic() < deadline:
        try:
            last = condition()
            if last:
                return last
        except Exception as e:  # the page may be between states; keep the last reason for the failure
            last = e
        time.sleep(interval)
    raise AssertionError(f"timed out after {seconds} s waiting for {what} (last: {last!r})")


class NotebookInBrowser(unittest.TestCase):
    """One server, one browser, one notebook page for all the checks, in the order a reader meets them."""

    @classmethod
    def setUpClass(cls):
        for tool in (CHROMIUM, CHROMEDRIVER):
            if not Path(tool).exists():
                raise AssertionError(f"{tool} is missing: apt-get install chromium chromium-driver "
                                     "(./hmmlab test installs them when run as root)")
        shutil.rmtree(WORK, ignore_errors=True)
        WORK.mkdir(parents=True)
        shutil.copy(HOME / "notebooks" / NOTEBOOK, WORK / NOTEBOOK)
        cls.port = free_port()
        cls.token = secrets.token_hex(16)
        cls.log = open(WORK / "notebook-server.log", "w")
        cls.server = subprocess.Popen(
            [str(HOME / "hmmlab"), "notebook", "--port", str(cls.port), "--port-retries=0",
             f"--NotebookApp.token={cls.token}"],
            cwd=HOME, stdout=cls.log, stderr=subprocess.STDOUT, start_new_session=True)
        cls.base = f"http://127.0.0.1:{cls.port}"
        try:
            wait_for("the notebook server", lambda: cls.api("GET", "/api/status") is not None, SERVER_START_SECONDS,
                     interval=0.5)
            options = webdriver.ChromeOptions()
            options.binary_location = CHROMIUM
            for flag in CHROMIUM_FLAGS + [f"--user-data-dir={WORK / 'chromium-profile'}"]:
                options.add_argument(flag)
            cls.driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
            cls.driver.set_script_timeout(30)
            rel = (WORK / NOTEBOOK).relative_to(HOME)
            cls.driver.get(f"{cls.base}/notebooks/{rel}?token={cls.token}")
            wait_for("the kernel to start and connect", lambda: cls.js(
                "return !!(window.Jupyter && Jupyter.notebook && Jupyter.notebook.kernel"
                " && Jupyter.notebook.kernel.is_connected() && !Jupyter.notebook.kernel_busy"
                " && $('#kernel_indicator_icon').hasClass('kernel_idle_icon'))"), 120)
        except BaseException:
            cls.tearDownClass()
            raise

    @classmethod
    def tearDownClass(cls):
        driver = getattr(cls, "driver", None)
        if driver is not None:
            try:
                for kernel in cls.api("GET", "/api/kernels") or []:
                    cls.api("DELETE", f"/api/kernels/{kernel['id']}")
            finally:
                driver.quit()
        server = getattr(cls, "server", None)
        if server is not None and server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()
        if getattr(cls, "log", None):
            cls.log.close()

    @classmethod
    def api(cls, method, path):
        """The notebook server's REST API with the token; None when the server does not answer (yet)."""
        request = urllib.request.Request(f"{cls.base}{path}", method=method,
                                         headers={"Authorization": f"token {cls.token}"})
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                body = response.read()
                return json.loads(body) if body else {}
        except OSError:
            return None

    @classmethod
    def js(cls, script, *args):
        return cls.driver.execute_script(script, *args)

    # --- helpers over the page ----------------------------------------------------------------------------------

    def click_menu(self, menu_id, item_id):
        """Opens a menu of the menu bar and clicks one of its items, as a reader does."""
        self.driver.find_element(By.ID, menu_id).click()
        item = wait_for(f"menu item #{item_id}", lambda: self.visible(By.ID, item_id), 10)
        item.click()

    def visible(self, by, value):
        found = [e for e in self.driver.find_elements(by, value) if e.is_displayed()]
        return found[0] if found else None

    def kernel_idle(self):
        return self.js("return !Jupyter.notebook.kernel_busy"
                       " && $('#kernel_indicator_icon').hasClass('kernel_idle_icon')"
                       " && Jupyter.notebook.get_cells().every(c => c.cell_type !== 'code'"
                       "    || (c.input_prompt_number !== '*'))")

    def new_cell_at_bottom(self):
        """A new code cell below the last one, in edit mode (Insert menu, then a click into its editor)."""
        self.js("Jupyter.notebook.select(Jupyter.notebook.ncells() - 1)")
        self.click_menu("insertlink", "insert_cell_below")
        cell = self.driver.find_elements(By.CSS_SELECTOR, "#notebook-container .cell")[-1]
        self.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", cell)
        cell.find_element(By.CSS_SELECTOR, ".CodeMirror").click()
        return cell

    def type_keys(self, *keys):
        ActionChains(self.driver).send_keys(*keys).perform()

    def chord(self, modifier, key):
        """A key pressed while a modifier is held down (Shift-Tab, Ctrl-Enter)."""
        ActionChains(self.driver).key_down(modifier).send_keys(key).key_up(modifier).perform()

    def last_cell_index(self):
        return self.js("return Jupyter.notebook.ncells() - 1")

    def outputs(self, index):
        return self.js("return Jupyter.notebook.get_cell(arguments[0]).output_area.outputs", index)

    def run_cell_and_wait(self, seconds=60):
        """Runs the selected cell with Ctrl-Enter and waits for the kernel to be idle again."""
        self.chord(Keys.CONTROL, Keys.ENTER)
        wait_for("the kernel to go idle", self.kernel_idle, seconds)

    def screenshot(self, name):
        path = WORK / name
        self.driver.save_screenshot(str(path))
        print(f"  screenshot: {path}")
        return path

    # --- the checks, in the order a reader meets them -----------------------------------------------------------

    def test_1_run_all_through_the_menu_shows_no_error_and_sharp_charts(self):
        self.click_menu("celllink", "run_all_cells")
        wait_for("every cell to run", lambda: self.js(
            "return Jupyter.notebook.get_cells().filter(c => c.cell_type === 'code')"
            "  .every(c => typeof c.input_prompt_number === 'number')"), RUN_ALL_SECONDS, interval=0.5)
        wait_for("the kernel to go idle", self.kernel_idle, 60)
        errors = self.js("return Jupyter.notebook.get_cells().flatMap((c, i) => c.cell_type !== 'code' ? [] :"
                         " c.output_area.outputs.filter(o => o.output_type === 'error')"
                         "   .map(o => 'cell ' + i + ': ' + o.ename + ': ' + o.evalue))")
        self.assertEqual(errors, [], "error outputs after Run All")
        self.assertEqual(self.driver.find_elements(By.CSS_SELECTOR, ".output_error, .output_stderr"), [],
                         "the page shows an error or stderr output")
        # Tables sort by a click on a header: the notebook's first table, by its first column, descending on a
        # second click.
        sorted_ok = self.js(
            "const t = document.querySelector('table.hmmlab-table'); if (!t) return 'no table';"
            "const h = t.tHead.rows[0].cells[0]; h.click(); h.click();"
            "const v = [...t.tBodies[0].rows].filter(r => r.cells.length === t.tHead.rows[0].cells.length)"
            "  .map(r => r.cells[0].getAttribute('data-v') ?? r.cells[0].textContent);"
            "const n = v.map(Number); return n.every((x, i) => i === 0 || n[i - 1] >= x) ? 'ok' : v.join(',')")
        self.assertEqual(sorted_ok, "ok", "a second click on a header sorts the rows descending")
        # A chart shows as HTML (the PNG with an image map of its values) where the front end renders HTML, else
        # as the PNG itself: either way an <img> in the output area.
        images = wait_for("the chart images to load", lambda: self.js(
            "const imgs = [...document.querySelectorAll('.output_png img, .output_html img')];"
            "return imgs.length > 0 && imgs.every(i => i.complete && i.naturalWidth > 0) ? imgs.map(i => ({"
            " natural: i.naturalWidth, shown: i.getBoundingClientRect().width,"
            " declared: Number(i.getAttribute('width'))})) : null"), 30)
        charts = self.js("return Jupyter.notebook.get_cells().filter(c => (c.metadata.tags || []).includes('chart'))"
                         ".length")
        self.assertGreaterEqual(len(images), charts, "a cell tagged 'chart' shows no image")
        for image in images:
            # Drawn at 2x for sharpness and declared at its logical width: shown at exactly that width, not
            # stretched by the page (a blurry chart) nor squeezed to the column.
            self.assertEqual(image["declared"] * 2, image["natural"], f"not a 2x image: {image}")
            self.assertAlmostEqual(image["shown"], image["declared"], delta=1, msg=f"not at natural size: {image}")
        hover = self.js("return [...document.querySelectorAll('.output_html map area[title]')].map(a => a.title)")
        self.assertTrue(hover, "no chart carries its values on hover")
        self.assertTrue(any("GB/s" in h for h in hover), f"hover texts: {hover[:5]}")
        first = self.driver.find_element(By.CSS_SELECTOR, ".output_png img, .output_html img")
        self.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", first)
        self.screenshot("notebook-00-chart.png")

    def test_2_tab_completes_a_dsl_name(self):
        cell = self.new_cell_at_bottom()
        self.type_keys("scenar", Keys.TAB)
        # One candidate is inserted at once; several open the completer's list.
        completed = wait_for("a completion of 'scenar'", lambda: (
            "scenario" in self.js("return Jupyter.notebook.get_selected_cell().get_text()")
            or any("scenario" in o.text for o in self.driver.find_elements(By.CSS_SELECTOR, "#complete option"))),
            20)
        self.assertTrue(completed)
        self.type_keys(Keys.ESCAPE)
        self.js("Jupyter.notebook.get_selected_cell().set_text('')")
        self.assertIsNotNone(cell)

    def test_3_shift_tab_shows_help_on_a_dsl_method(self):
        self.js("var c = Jupyter.notebook.get_selected_cell(); if (c.get_text() !== '') {"
                " Jupyter.notebook.insert_cell_at_bottom('code'); Jupyter.notebook.select(Jupyter.notebook.ncells()-1); }")
        cell = self.driver.find_elements(By.CSS_SELECTOR, "#notebook-container .cell")[-1]
        cell.find_element(By.CSS_SELECTOR, ".CodeMirror").click()
        self.type_keys('scenario("s").vram(')
        self.chord(Keys.SHIFT, Keys.TAB)
        text = wait_for("the Shift-Tab tooltip", lambda: (self.visible(By.ID, "tooltip") or None)
                        and self.driver.find_element(By.CSS_SELECTOR, "#tooltip .tooltiptext").text, 20)
        self.assertIn("vram", text, f"tooltip: {text!r}")
        self.assertIn("Scenario", text, f"tooltip: {text!r}")
        self.screenshot("notebook-00-shift-tab.png")
        self.type_keys(Keys.ESCAPE)
        self.js("Jupyter.notebook.get_selected_cell().set_text('')")

    def test_4_help_menu_opens_the_lab_pages_of_this_server(self):
        links = self.js("return [...document.querySelectorAll('#help_menu a')].map(a => [a.textContent.trim(),"
                        " a.getAttribute('href')])")
        lab = [href for text, href in links if text.startswith("HMM Lab")]
        self.assertTrue(lab, f"no HMM Lab entry in the Help menu: {links}")
        for href in lab:
            status = self.js("return fetch(arguments[0]).then(r => r.status)", href)
            self.assertEqual(status, 200, f"Help menu link {href} answers {status}")

    def test_6_markdown_tables_sit_at_the_left_margin(self):
        """The lab's custom.css: a table in rendered markdown starts at the left edge, not centred."""
        left = self.js("""
            var d = document.createElement('div'); d.className = 'rendered_html'; d.style.width = '800px';
            d.innerHTML = '<table><tr><td>x</td></tr></table>'; document.body.appendChild(d);
            var m = getComputedStyle(d.querySelector('table')).marginLeft; d.remove(); return m;""")
        self.assertEqual(left, "0px")

    def test_5_interrupt_keeps_the_kernel_and_its_variables(self):
        cell = self.new_cell_at_bottom()
        self.type_keys("var before = 41;")
        self.run_cell_and_wait()
        self.new_cell_at_bottom()
        # A timing run far longer than the test waits: the engine polls the notebook's cancellation token.
        self.type_keys('scenario("long").on(A100_PCIE4).vram(GiB(1)).alloc("x", GiB(8))'
                       '.cpu(phase("init").writes("x")).gpu(kernel("scan").reads("x").passes(8).warps(64)).run()')
        long_index = self.last_cell_index()
        self.chord(Keys.CONTROL, Keys.ENTER)
        wait_for("the long cell to start", lambda: self.js("return Jupyter.notebook.kernel_busy"), 20)
        time.sleep(2)
        started = time.monotonic()
        self.click_menu("kernellink", "int_kernel")
        wait_for("the kernel to go idle after Interrupt", self.kernel_idle, 30)
        print(f"  interrupt to idle: {time.monotonic() - started:.1f} s")
        outs = self.outputs(long_index)
        self.assertTrue(any(o["output_type"] == "error" for o in outs), f"the interrupted cell says nothing: {outs}")
        self.new_cell_at_bottom()
        self.type_keys("before + 1")
        self.run_cell_and_wait()
        outs = self.outputs(self.last_cell_index())
        results = [o["data"]["text/plain"] for o in outs if o["output_type"] == "execute_result"]
        self.assertEqual(results, ["42"], f"after the interrupt: {outs}")
        self.screenshot("notebook-00-after-interrupt.png")
        self.assertIsNotNone(cell)


if __name__ == "__main__":
    unittest.main()
