"""Tests of the static website (parcours_helpers.site).

Fast tests build a tiny hand-made repository and the real course into a temporary folder
and check the HTML in Python. The browser test opens every page of the real site in headless
Chromium (Debian's ``chromium``) through the DevTools protocol: title, figures, console
errors, links, no sideways scrolling at 390 px; it saves screenshots at desktop and phone
widths (into ``$PARCOURS_SCREENSHOTS`` if set, else a temporary folder).
"""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import subprocess
import time
import urllib.request
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlparse

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from parcours_helpers import site

ROOT = Path(__file__).resolve().parent.parent
# a 1×1 red PNG
PNG = ("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5Er"
       "kJggg==")


class _Links(HTMLParser):
    """Collect hrefs, srcs, ids, h1 texts and images of one HTML page."""

    def __init__(self):
        super().__init__()
        self.hrefs, self.srcs, self.ids, self.h1, self.imgs = [], [], set(), [], []
        self._in_h1 = False
        self._in_anchor = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self._in_anchor = tag == "a" and attrs.get("class") == "anchor-link"
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        if tag in ("a", "link") and attrs.get("href") is not None:
            self.hrefs.append(attrs["href"])
        if tag in ("img", "script") and attrs.get("src"):
            self.srcs.append(attrs["src"])
        if tag == "img":
            self.imgs.append(attrs.get("src", ""))
        if tag == "h1":
            self._in_h1 = True
            self.h1.append("")

    def handle_endtag(self, tag):
        if tag == "h1":
            self._in_h1 = False
        self._in_anchor = False

    def handle_data(self, data):
        if self._in_h1 and not self._in_anchor:
            self.h1[-1] += data


def parse(path: Path) -> _Links:
    p = _Links()
    p.feed(path.read_text(encoding="utf-8"))
    return p


def broken_links(out: Path) -> list[str]:
    """Every internal href/src of the site that does not resolve (file or #anchor)."""
    problems = []
    parsed = {page.resolve(): parse(page) for page in out.rglob("*.html")}
    for page in sorted(out.rglob("*.html")):
        links = parsed[page.resolve()]
        for ref in links.hrefs + links.srcs:
            if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", ref):
                continue
            path, _, fragment = ref.partition("#")
            target = (page.parent / unquote(path)).resolve() if path else page
            if not target.is_file():
                problems.append(f"{page.relative_to(out)} → {ref} (fichier absent)")
            elif fragment and target.suffix == ".html" and fragment not in parsed[target].ids:
                problems.append(f"{page.relative_to(out)} → {ref} (ancre absente)")
    return problems


# --------------------------------------------------------------------------- a tiny repository


def _nb(*cells):
    nb = new_notebook(cells=list(cells))
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    """A repository with two chapters, one exercise book and a data card; built once."""
    root = tmp_path_factory.mktemp("depot")
    (root / "notebooks").mkdir()
    (root / "exercises").mkdir()
    (root / "data").mkdir()

    def figure():
        return new_code_cell("plot()", execution_count=1, outputs=[new_output(
            "display_data", data={"image/png": PNG, "text/plain": "<Figure>"})])

    nav = "« précédent | [sommaire](00_intro.ipynb) | [suivant](01_chap.ipynb) »"
    nbformat.write(_nb(new_markdown_cell(nav),
                       new_markdown_cell("# Introduction *du* cours\n\nVoir [les données]"
                                         "(../data/README.md) et [le chapitre 05](05_absent.ipynb)"
                                         " et [le code](../parcours_helpers/style.py)."),
                       new_markdown_cell("## Une section\n\nLe mot **cabillaud** est ici."),
                       figure()),
                   root / "notebooks" / "00_intro.ipynb")
    nbformat.write(_nb(new_markdown_cell("# Premier chapitre\n\n[Exercices](../exercises/"
                                         "01_chap_exercices.ipynb#Question-1)"), figure(), figure()),
                   root / "notebooks" / "01_chap.ipynb")
    nbformat.write(_nb(new_markdown_cell("# Exercices du chapitre 1\n\n## Question 1\n\n"
                                         "[retour](../notebooks/01_chap.ipynb)")),
                   root / "exercises" / "01_chap_exercices.ipynb")
    nbformat.write(_nb(new_markdown_cell("Pas de titre. [ici](#Nulle-part), [là](../notebooks/01_chap.ipynb"
                                         "#Inconnue) et ![logo](logo.png) ![x](absent.png)")),
                   root / "exercises" / "02_sans_titre_exercices.ipynb")
    (root / "exercises" / "logo.png").write_bytes(base64.b64decode(PNG))
    (root / "data" / "README.md").write_text("# Fiche des données\n\n| table | lignes |\n|---|---|\n"
                                             "| commandes | 3 |\n", encoding="utf-8")
    out = root / "_site"
    pages = site.build(out, root)
    return root, out, pages


def test_tiny_site_has_one_page_per_source_and_the_index(tiny):
    _, out, pages = tiny
    assert [p.target for p in pages] == ["notebooks/00_intro.html", "notebooks/01_chap.html",
                                         "exercises/01_chap_exercices.html",
                                         "exercises/02_sans_titre_exercices.html",
                                         "data/README.html"]
    for name in ["index.html", "recherche.html", "assets/site.css", "assets/search.js",
                 "assets/site.js",
                 "assets/search-index.js", "assets/pygments.css", *[p.target for p in pages]]:
        assert (out / name).is_file(), name


def test_tiny_site_titles_come_from_the_first_heading(tiny):
    _, out, _ = tiny
    assert parse(out / "notebooks" / "00_intro.html").h1[0].strip() == "Introduction du cours"
    assert "<title>Introduction du cours — Parcours client</title>" in (
        out / "notebooks" / "00_intro.html").read_text(encoding="utf-8")
    assert parse(out / "data" / "README.html").h1[0].strip() == "Fiche des données"


def test_tiny_site_rewrites_links_and_marks_missing_targets(tiny):
    _, out, _ = tiny
    intro = (out / "notebooks" / "00_intro.html").read_text(encoding="utf-8")
    assert 'href="../data/README.html"' in intro
    assert 'href="01_chap.html"' in intro
    assert ".ipynb" not in "".join(parse(out / "notebooks" / "00_intro.html").hrefs)
    # a chapter not written yet and a Python module are plain text, not broken links
    assert '<span class="lien-absent" title="chapitre pas encore publié">le chapitre 05</span>' in intro
    assert "fichier du kit : parcours_helpers/style.py" in intro
    chap = (out / "notebooks" / "01_chap.html").read_text(encoding="utf-8")
    assert 'href="../exercises/01_chap_exercices.html#Question-1"' in chap
    assert broken_links(out) == []


def test_tiny_site_repairs_what_would_break(tiny):
    _, out, _ = tiny
    page = out / "exercises" / "02_sans_titre_exercices.html"
    text = page.read_text(encoding="utf-8")
    # no heading in the notebook: the file name becomes the title
    assert parse(page).h1 == ["02_sans_titre_exercices"]
    # unknown anchors: same page → text, other page → link to the top of that page
    assert '<span class="lien-absent" title="ancre introuvable">ici</span>' in text
    assert 'href="../notebooks/01_chap.html"' in text
    # a local image is embedded, a missing one is said
    assert 'src="data:image/png;base64,' in text
    assert "[image absente : absent.png]" in text
    assert broken_links(out) == []


def test_tiny_site_embeds_every_figure(tiny):
    _, out, _ = tiny
    imgs = parse(out / "notebooks" / "01_chap.html").imgs
    assert len(imgs) == 2
    assert all(src.startswith("data:image/png;base64,") for src in imgs)


def test_tiny_site_navigation_between_chapters(tiny):
    _, out, _ = tiny
    first = (out / "notebooks" / "00_intro.html").read_text(encoding="utf-8")
    second = (out / "notebooks" / "01_chap.html").read_text(encoding="utf-8")
    exercise = (out / "exercises" / "01_chap_exercices.html").read_text(encoding="utf-8")
    assert 'class="suivant" href="../notebooks/01_chap.html"' in first
    assert 'class="precedent"' not in first
    assert 'class="precedent" href="../notebooks/00_intro.html"' in second
    assert 'class="exercices" href="../exercises/01_chap_exercices.html"' in second
    assert 'class="suivant"' not in second
    assert 'class="precedent" href="../notebooks/01_chap.html"' in exercise
    assert "lecture seule" in exercise


def test_tiny_site_table_of_contents_lists_chapters_sections_and_documents(tiny):
    _, out, _ = tiny
    hrefs = parse(out / "index.html").hrefs
    assert "notebooks/00_intro.html" in hrefs
    assert "notebooks/01_chap.html" in hrefs
    assert "exercises/01_chap_exercices.html" in hrefs
    assert "data/README.html" in hrefs
    assert any(h.startswith("notebooks/00_intro.html#Une") for h in hrefs)


def test_tiny_site_search_index_holds_each_section(tiny):
    _, out, _ = tiny
    text = (out / "assets" / "search-index.js").read_text(encoding="utf-8")
    entries = json.loads(text.removeprefix("window.PARCOURS_INDEX = ").rstrip().rstrip(";"))
    hit = [e for e in entries if "cabillaud" in e["texte"]]
    assert len(hit) == 1
    assert hit[0]["section"] == "Une section"
    assert hit[0]["url"].startswith("notebooks/00_intro.html#Une")
    assert {e["page"] for e in entries} >= {"Introduction du cours", "Fiche des données"}


def test_build_replaces_an_old_site(tiny, tmp_path):
    root, _, _ = tiny
    out = tmp_path / "site"
    (out / "vieux").mkdir(parents=True)
    (out / "vieux" / "page.html").write_text("périmé", encoding="utf-8")
    site.build(out, root)
    assert not (out / "vieux").exists()


def test_site_without_notebooks_still_has_an_index(tmp_path):
    (tmp_path / "notebooks").mkdir()
    pages = site.build(tmp_path / "_site", tmp_path)
    assert pages == []
    assert (tmp_path / "_site" / "index.html").is_file()
    assert broken_links(tmp_path / "_site") == []


# --------------------------------------------------------------------------- the real course


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    out = tmp_path_factory.mktemp("site") / "_site"
    pages = site.build(out, ROOT)
    return out, pages


def test_course_site_has_a_page_per_notebook(course):
    out, pages = course
    notebooks = sorted(p.name for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    exercises = sorted(p.name for p in (ROOT / "exercises").glob("[0-9][0-9]_*.ipynb"))
    assert notebooks, "aucun notebook dans notebooks/"
    for name in notebooks:
        assert (out / "notebooks" / name.replace(".ipynb", ".html")).is_file()
    for name in exercises:
        assert (out / "exercises" / name.replace(".ipynb", ".html")).is_file()
    assert len(pages) >= len(notebooks) + len(exercises)


def test_course_site_every_page_has_a_title_and_its_figures(course):
    out, pages = course
    for page in pages:
        links = parse(out / page.target)
        assert links.h1 and links.h1[0].strip(), f"{page.target} : pas de titre"
        if page.source.endswith(".ipynb"):
            nb = nbformat.read(ROOT / page.source, as_version=4)
            figures = sum("image/png" in o.get("data", {}) or "image/jpeg" in o.get("data", {})
                          for c in nb.cells if c.cell_type == "code" for o in c.outputs)
            embedded = [s for s in links.imgs if s.startswith("data:image/")]
            assert len(embedded) >= figures, f"{page.target} : {figures} figures attendues"


def test_course_site_links_resolve_and_nothing_is_fetched(course):
    out, _ = course
    assert broken_links(out) == []
    for page in out.rglob("*.html"):
        links = parse(page)
        assert not [s for s in links.srcs if re.match(r"^(https?:)?//", s)], page
        assert not [h for h in links.hrefs if h.endswith(".ipynb") or ".ipynb#" in h], page
        text = page.read_text(encoding="utf-8")
        assert not re.search(r"<link[^>]+href=\"(https?:)?//", text), page


def test_site_command_line(tiny, tmp_path, capsys):
    root, _, _ = tiny
    assert site.main(["--out", str(tmp_path / "s"), "--root", str(root)]) == 0
    assert "Site construit" in capsys.readouterr().out
    assert (tmp_path / "s" / "index.html").is_file()


# --------------------------------------------------------------------------- headless Chromium

CHROMIUM = next((shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome")
                 if shutil.which(n)), None)
SIZES = {"bureau": (1280, 800, False), "telephone": (390, 844, True)}


class _DevTools:
    """Just enough of the Chrome DevTools protocol: commands, and events kept in a list."""

    def __init__(self, ws_url: str):
        import websocket  # websocket-client, installed with jupyter_server

        self.ws = websocket.create_connection(ws_url, timeout=30, suppress_origin=True)
        self.next_id = 0
        self.events: list[dict] = []

    def send(self, method: str, **params) -> dict:
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get("id") == self.next_id:
                if "error" in msg:
                    raise RuntimeError(f"{method}: {msg['error']}")
                return msg.get("result", {})
            self.events.append(msg)

    def wait_for(self, method: str, timeout: float = 20) -> dict:
        deadline = time.monotonic() + timeout
        for i, ev in enumerate(self.events):
            if ev.get("method") == method:
                return self.events.pop(i)
        while time.monotonic() < deadline:
            msg = json.loads(self.ws.recv())
            if msg.get("method") == method:
                return msg
            self.events.append(msg)
        raise TimeoutError(method)

    def close(self):
        self.ws.close()


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    if CHROMIUM is None:
        pytest.skip("Chromium absent (Debian : apt-get install chromium) : test navigateur sauté")
    pytest.importorskip("websocket", reason="websocket-client absent")
    profile = tmp_path_factory.mktemp("chromium-profil")
    proc = subprocess.Popen(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
         "--no-first-run",
         "--disable-extensions", "--hide-scrollbars", "--remote-debugging-port=0",
         "--remote-allow-origins=*", f"--user-data-dir={profile}", "about:blank"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    port_file = profile / "DevToolsActivePort"
    deadline = time.monotonic() + 30
    while not port_file.is_file() or not port_file.read_text().strip():
        if time.monotonic() > deadline or proc.poll() is not None:
            proc.kill()
            pytest.fail("Chromium n'a pas démarré en 30 s")
        time.sleep(0.1)
    port = port_file.read_text().split()[0]
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10) as r:
        targets = json.load(r)
    page = next(t for t in targets if t["type"] == "page")
    tools = _DevTools(page["webSocketDebuggerUrl"])
    for domain in ("Page", "Runtime", "Log"):
        tools.send(f"{domain}.enable")
    yield tools
    tools.close()
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


_PROBE = """JSON.stringify({
  title: document.title,
  h1: (document.querySelector('h1') || {}).textContent || '',
  images: Array.from(document.images).map(i => ({ok: i.complete && i.naturalWidth > 0,
                                                  src: i.src.slice(0, 30)})),
  links: Array.from(document.querySelectorAll('a[href]')).map(a => a.href),
  largeurPage: document.documentElement.scrollWidth,
  largeurFenetre: window.innerWidth,
  resultats: document.querySelectorAll('#resultats li').length
})"""


def _visit(tools: _DevTools, url: str, width: int, height: int, mobile: bool) -> dict:
    tools.send("Emulation.setDeviceMetricsOverride", width=width, height=height,
               deviceScaleFactor=1, mobile=mobile)
    tools.events.clear()
    tools.send("Page.navigate", url=url)
    tools.wait_for("Page.loadEventFired")
    value = tools.send("Runtime.evaluate", expression=_PROBE, returnByValue=True)
    info = json.loads(value["result"]["value"])
    errors = []
    for ev in tools.events:
        method, params = ev.get("method"), ev.get("params", {})
        if method == "Runtime.exceptionThrown":
            details = params["exceptionDetails"]
            errors.append(details.get("text", "") + " "
                          + details.get("exception", {}).get("description", ""))
        elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            errors.append(str(params.get("args")))
        elif method == "Log.entryAdded" and params["entry"]["level"] == "error":
            errors.append(params["entry"]["text"] + " " + params["entry"].get("url", ""))
    info["erreurs"] = errors
    return info


def _screenshot(tools: _DevTools, path: Path, full_page: bool = False) -> None:
    params = {"format": "png"}
    if full_page:  # the whole page, capped at 12 000 px high
        metrics = tools.send("Page.getLayoutMetrics")["cssContentSize"]
        params.update(captureBeyondViewport=True, clip={
            "x": 0, "y": 0, "width": metrics["width"], "height": min(metrics["height"], 12000),
            "scale": 1})
    shot = tools.send("Page.captureScreenshot", **params)
    path.write_bytes(base64.b64decode(shot["data"]))


def test_browser_probe_reports_errors(browser, tmp_path):
    page = tmp_path / "casse.html"
    page.write_text('<!DOCTYPE html><html><head><title>x</title></head><body><h1>x</h1>'
                    '<img src="absente.png"><a href="nulle-part.html">lien</a>'
                    '<script>throw new Error("boum")</script></body></html>', encoding="utf-8")
    info = _visit(browser, page.as_uri(), 390, 844, True)
    assert [img["ok"] for img in info["images"]] == [False]
    assert any("boum" in e for e in info["erreurs"]), info
    assert any("absente.png" in e or "ERR_FILE_NOT_FOUND" in e for e in info["erreurs"]), info


def test_every_page_renders_in_chromium(browser, course, tmp_path_factory):
    out, pages = course
    # full-page captures only when someone will look at them (PARCOURS_SCREENSHOTS=folder)
    full_pages = bool(os.environ.get("PARCOURS_SCREENSHOTS"))
    shots = Path(os.environ.get("PARCOURS_SCREENSHOTS") or tmp_path_factory.mktemp("captures"))
    shots.mkdir(parents=True, exist_ok=True)
    files = [out / "index.html", *[out / p.target for p in pages]]
    problems = []
    for file in files:
        for size, (width, height, mobile) in SIZES.items():
            info = _visit(browser, file.as_uri(), width, height, mobile)
            name = str(file.relative_to(out)).replace("/", "__").replace(".html", "")
            _screenshot(browser, shots / f"{name}__{size}.png")
            if mobile and full_pages:
                _screenshot(browser, shots / f"{name}__{size}_page.png", full_page=True)
            where = f"{file.relative_to(out)} ({size})"
            if not info["h1"].strip() or "Parcours client" not in info["title"]:
                problems.append(f"{where} : pas de titre")
            if not all(img["ok"] for img in info["images"]):
                problems.append(f"{where} : figure non affichée")
            if info["erreurs"]:
                problems.append(f"{where} : erreurs console {info['erreurs']}")
            if info["largeurPage"] > info["largeurFenetre"] + 1:
                problems.append(f"{where} : la page déborde ({info['largeurPage']} px "
                                f"pour {info['largeurFenetre']} px)")
            for link in info["links"]:
                parsed = urlparse(link)
                if parsed.scheme == "file" and not Path(unquote(parsed.path)).is_file():
                    problems.append(f"{where} : lien cassé {link}")
    print(f"captures d'écran : {shots}")
    assert problems == []


def test_tap_enlarges_a_figure_in_chromium(browser, tiny):
    _, out, _ = tiny
    _visit(browser, (out / "notebooks" / "01_chap.html").as_uri(), 390, 844, True)
    js = """(() => {
      const img = document.querySelector('.output_png img');
      const box = img.parentElement.clientWidth;
      const before = img.getBoundingClientRect().width;
      img.click();
      const big = img.getBoundingClientRect().width;
      const page = document.documentElement.scrollWidth;
      img.click();
      return [box, before, big, page, img.getBoundingClientRect().width].join(' ');
    })()"""
    value = browser.send("Runtime.evaluate", expression=js, returnByValue=True)
    box, before, big, page, after = map(float, value["result"]["value"].split())
    assert big == pytest.approx(2 * box, abs=2)  # twice the width of its box…
    assert page <= 391  # …which scrolls: the page itself does not
    assert after == pytest.approx(before)


def test_search_page_finds_a_word_in_chromium(browser, course):
    out, _ = course
    info = _visit(browser, (out / "recherche.html").as_uri() + "?q=donnees", 390, 844, True)
    assert info["erreurs"] == []
    assert info["resultats"] > 0


def test_plain_title_keeps_underscores_inside_words():
    assert site._plain("La table `sessions_web`, **en gras** et [un lien](x.ipynb)") == (
        "La table sessions_web, en gras et un lien")
    assert site._plain("_Penché_ et *aussi*") == "Penché et aussi"
