"""HTML reports in a real browser: headless Chromium, no network, every step's math typeset by KaTeX.

Skipped with the reason when no Chromium is installed (``.ci/run`` installs Debian's package,
so CI runs it). Set ``DERIVE_SCREENSHOT=path.png`` to keep the screenshot this run takes (the
documentation's picture of a report is made so: ``nox -s docs``).
"""

from __future__ import annotations

import base64
import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from derive import cli

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = next((p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome")) if p), None)
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no Chromium installed (apt-get install chromium)")

# No network at all: every host name resolves to nothing, so a fetched asset would fail to load.
_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND",
    "--virtual-time-budget=5000",
]


def _chromium(*args: str, profile: Path) -> str:
    done = subprocess.run(
        [CHROMIUM, *_FLAGS, f"--user-data-dir={profile}", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


class _Dom(HTMLParser):
    """What the tests need from the rendered DOM: math elements, their text, images, external URLs."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[tuple[str, str]] = []
        self.math: list[dict[str, object]] = []
        self.images: list[str] = []
        self.external: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        classes = a.get("class", "")
        for key in ("src", "href"):
            if re.match(r"(?i)\s*(https?:)?//", a.get(key, "")):
                self.external.append(a[key])
        if tag == "img":
            self.images.append(a.get("src", ""))
        if "math" in classes.split():
            self.math.append({"katex": False, "raw": []})
        if "katex" in classes.split() and self.math:
            self.math[-1]["katex"] = True
        if tag not in {"img", "br", "meta", "link", "input", "hr"}:
            self.stack.append((tag, classes))

    def handle_endtag(self, tag: str) -> None:
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data: str) -> None:
        inside_math = any("math" in c.split() for _, c in self.stack)
        # KaTeX keeps the source in its MathML annotation (for copying): that text is not shown.
        in_annotation = any(t == "annotation" for t, _ in self.stack)
        if inside_math and not in_annotation and re.search(r"\\[A-Za-z]+", data):
            self.math[-1]["raw"].append(data)  # type: ignore[union-attr]


@pytest.fixture(scope="module")
def homework_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("report") / "homework.html"
    code = cli.main(["latex", str(ROOT / "examples" / "homework.md"), "--html", str(out), "--no-cache", "-q"])
    assert code == 1  # the example homework has refuted steps on purpose
    return out


def test_the_report_loads_nothing_from_the_network(homework_report: Path) -> None:
    text = homework_report.read_text(encoding="utf-8")
    assert not re.search(r"""(?i)<(script|link|img)[^>]+(src|href)\s*=\s*["']?(https?:)?//""", text)
    assert "katex.render" in text and "KaTeX_Main" in text  # the bundle is inside the file


def test_every_step_is_typeset_by_katex_offline_and_every_figure_is_there(homework_report: Path, tmp_path: Path):
    dom = _Dom()
    dom.feed(_chromium("--dump-dom", homework_report.as_uri(), profile=tmp_path / "profile"))
    assert len(dom.math) >= 40  # one math element per step of the example homework
    untypeset = [m for m in dom.math if not m["katex"]]
    assert not untypeset
    raw = [m["raw"] for m in dom.math if m["raw"]]
    assert not raw, f"raw LaTeX left in the typeset math: {raw[:3]}"
    assert not dom.external
    assert dom.images, "the refuted steps' figures are missing"
    for src in dom.images:
        assert src.startswith("data:image/png;base64,")
        assert base64.b64decode(src.split(",", 1)[1]).startswith(b"\x89PNG")


def test_a_screenshot_of_the_report(homework_report: Path, tmp_path: Path) -> None:
    shot = tmp_path / "report.png"
    _chromium(f"--screenshot={shot}", "--window-size=1100,1400", homework_report.as_uri(), profile=tmp_path / "p")
    assert shot.read_bytes().startswith(b"\x89PNG")
    keep = os.environ.get("DERIVE_SCREENSHOT")
    if keep:
        shutil.copy(shot, keep)


def test_a_grading_summary_and_student_reports_render_offline(tmp_path: Path) -> None:
    klass = tmp_path / "class"
    for name, rhs in (("alice", "-\\sigma(a)"), ("bob", "\\sigma(a)")):
        (klass / name).mkdir(parents=True)
        step = f"$$\\frac{{d}}{{da}}\\log(1-\\sigma(a)) = {rhs}$$"
        text = f"---\nderive:\n  symbols: {{a: real}}\n---\n# Problem 1\n{step}\n"
        (klass / name / "hw.md").write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    assert cli.main(["grade", str(klass), "-o", str(out), "--no-cache", "-q"]) == 0
    for page in ("alice.html", "bob.html"):
        dom = _Dom()
        dom.feed(_chromium("--dump-dom", (out / page).as_uri(), profile=tmp_path / "profile"))
        assert dom.math and all(m["katex"] for m in dom.math)
        assert not dom.external
    summary = _Dom()
    summary.feed(_chromium("--dump-dom", (out / "summary.html").as_uri(), profile=tmp_path / "profile"))
    assert any(src.startswith("data:image/png;base64,") for src in summary.images)
    assert not summary.external
