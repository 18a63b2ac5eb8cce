"""Look at an HTML page as a reader would: headless Chromium, at a given width.

Headless Chromium will not make its window narrower than about 500 px, so the page is
loaded in an ``<iframe>`` of the wanted width inside a small probe page; a script in the
probe page measures the framed page after it has loaded and writes the result into the
DOM, which ``--dump-dom`` prints. Measured:

* ``inner_width`` (the frame's viewport) and ``scroll_width`` of the document and body: the
  body overflows horizontally when ``scroll_width > inner_width``;
* ``too_wide``: elements reaching past the right edge that are not inside a box meant to
  scroll sideways (``.tablewrap``, ``.figscroll``);
* per ``<img>``: its alt text, the nearest heading before it, its rendered and natural
  width and its ``data-figur`` key;
* the numbers of tables and of table captions.

Usage (also from the command line): ``probe(path, width)`` -> dict;
``python -m tests.browser_probe reports/lagesbild.html 390 [shot.png]``.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists()
                                        else None)
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--no-first-run", "--disable-component-update", "--disable-sync",
         "--allow-file-access-from-files"]

_SCRIPT = r"""
document.getElementById('f').addEventListener('load', function () {
  var d = this.contentDocument, w = this.contentWindow;
  var heads = [].slice.call(d.querySelectorAll('h1,h2,h3,h4'));
  function headingBefore(el) {
    var prev = null;
    heads.forEach(function (h) {
      if (h.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING) { prev = h; }
    });
    return prev ? prev.textContent.trim() : '';
  }
  var imgs = [].slice.call(d.querySelectorAll('img')).map(function (i) {
    return {alt: i.getAttribute('alt'), heading: headingBefore(i),
            width: i.getBoundingClientRect().width, natural: i.naturalWidth,
            key: i.getAttribute('data-figur') || ''};
  });
  var tooWide = [].slice.call(d.body.querySelectorAll('*')).filter(function (e) {
    return e.getBoundingClientRect().right > w.innerWidth + 1
      && !e.closest('.tablewrap') && !e.closest('.figscroll');
  }).map(function (e) { return e.tagName.toLowerCase() + '.' + e.className; });
  var result = {inner_width: w.innerWidth, scroll_width: d.documentElement.scrollWidth,
                body_scroll_width: d.body.scrollWidth, images: imgs,
                too_wide: tooWide.slice(0, 20),
                tables: d.querySelectorAll('table').length,
                captions: d.querySelectorAll('table > caption').length,
                viewport: !!d.querySelector('meta[name=viewport]')};
  var out = document.createElement('pre');
  out.id = 'probe-result';
  out.textContent = JSON.stringify(result);
  document.body.appendChild(out);
});
"""


def _probe_page(target: Path, width: int, height: int) -> str:
    return ("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><style>body{margin:0}"
            "iframe{border:0;display:block}</style></head><body>"
            f'<iframe id="f" src="{target.name}" style="width:{width}px;height:{height}px">'
            f"</iframe><script>{_SCRIPT}</script></body></html>")


def probe(page: str | Path, width: int, height: int = 2000, screenshot: Path | None = None,
          timeout: int = 120) -> dict:
    """Load ``page`` at ``width`` CSS pixels in headless Chromium and return the measurements.

    ``screenshot``: also save a PNG of the framed page (its first ``height`` pixels).
    """
    if CHROMIUM is None:
        raise RuntimeError("chromium saknas")
    page = Path(page).resolve()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        target = folder / "sida.html"
        shutil.copyfile(page, target)
        probe_file = folder / "probe.html"
        probe_file.write_text(_probe_page(target, width, height), encoding="utf-8")
        common = [CHROMIUM, *FLAGS, f"--user-data-dir={folder / 'profil'}",
                  f"--window-size={max(width + 40, 600)},{min(height, 16000)}"]
        done = subprocess.run([*common, "--virtual-time-budget=15000", "--dump-dom",
                               probe_file.as_uri()], capture_output=True, timeout=timeout,
                              check=True)
        if screenshot is not None:
            subprocess.run([*common, "--hide-scrollbars", f"--screenshot={screenshot}",
                            "--virtual-time-budget=15000", probe_file.as_uri()],
                           capture_output=True, timeout=timeout, check=True)
    match = re.search(r'<pre id="probe-result">(.*?)</pre>', done.stdout.decode("utf-8"),
                      re.DOTALL)
    if not match:
        raise RuntimeError("sidan mättes inte (ingen probe-result i DOM)")
    return json.loads(html.unescape(match.group(1)))


if __name__ == "__main__":
    shot = Path(sys.argv[3]) if len(sys.argv) > 3 else None
    result = probe(sys.argv[1], int(sys.argv[2]), height=int(sys.argv[4]) if len(sys.argv) > 4
                   else 2000, screenshot=shot)
    images = result.pop("images")
    print(json.dumps(result, ensure_ascii=False))
    for img in images:
        print(round(img["width"]), img["natural"], img["key"], "|", img["heading"], "|",
              img["alt"][:100])
