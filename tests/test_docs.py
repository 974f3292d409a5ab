"""The README is a front door and the manual is a site that builds: both checked here, so CI fails
on a broken link, a stale generated page or a README that grew back into a manual."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"


def test_the_readme_starts_with_the_two_commands_and_stays_short() -> None:
    text = README.read_text(encoding="utf-8")
    assert len(text.splitlines()) <= 200
    commands = re.search(r"```console\n(.*?)\n```", text, re.DOTALL).group(1).splitlines()
    assert commands == [
        "python3.11 -m venv .venv && .venv/bin/pip install -e . && .venv/bin/derive check claims/",
        "python3.11 -m venv .venv && .venv/bin/pip install -e '.[test,fast,plot]' && .venv/bin/python -m pytest -n 2",
    ]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "pip install --quiet -e '.[test,fast,plot]'" in ci and ".venv/bin/python -m pytest -n 2" in ci


def test_every_relative_link_of_the_readme_exists() -> None:
    text = README.read_text(encoding="utf-8")
    links = [m for m in re.findall(r"\]\(([^)#\s]+)\)", text) if not re.match(r"[a-z]+://", m)]
    assert links, "the README links its manual"
    missing = [link for link in links if not (ROOT / link).exists()]
    assert not missing


@pytest.mark.skipif(
    shutil.which("mkdocs") is None and not (Path(sys.executable).parent / "mkdocs").exists(),
    reason="mkdocs is not installed (pip install -e '.[docs]')",
)
def test_the_documentation_site_builds_with_warnings_as_errors(tmp_path: Path) -> None:
    mkdocs = Path(sys.executable).parent / "mkdocs"
    command = [str(mkdocs) if mkdocs.exists() else "mkdocs", "build", "--strict", "-q", "-d", str(tmp_path / "site")]
    env = os.environ | {"NO_MKDOCS_2_WARNING": "1"}
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600, env=env, check=False)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    site = tmp_path / "site"
    for page in ("index.html", "guide/grading/index.html", "reference/cli/index.html", "reference/api/index.html"):
        assert (site / page).is_file()
    cli_page = (site / "reference" / "cli" / "index.html").read_text(encoding="utf-8")
    assert "--executor" in cli_page and "derive grade" in cli_page  # generated from --help at build time
    assert "check_latex" in (site / "reference" / "api" / "index.html").read_text(encoding="utf-8")
