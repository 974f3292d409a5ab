"""nox sessions for derive: tests, the claim library, lint, benchmarks and the claim index.

Every session installs the project into its own virtual environment (nox's default
``virtualenv`` backend; ``nox -db uv`` works too where uv is installed) and reuses it between
runs with ``nox -r``. Extra arguments after ``--`` go to the session's main command, e.g.
``nox -s tests -- -k latex`` or ``nox -s claims -- --jobs 1``.
"""

from __future__ import annotations

from pathlib import Path

import nox

nox.options.sessions = ["tests", "claims", "lint"]
nox.options.reuse_existing_virtualenvs = True

PYTHON = "3.11"


@nox.session(python=PYTHON)
def tests(session: nox.Session) -> None:
    """Run the test suite (pytest, two xdist workers)."""
    session.install("-e", ".[test,plot]")
    session.run("pytest", "-n", "2", *session.posargs)


@nox.session(python=PYTHON)
def claims(session: nox.Session) -> None:
    """Check the claim library: every claim must have its expected outcome."""
    session.install("-e", ".")
    session.run("derive", "check", "claims/", *session.posargs)


@nox.session(python=PYTHON)
def lint(session: nox.Session) -> None:
    """ruff lint and format check (configuration in pyproject.toml)."""
    session.install("ruff>=0.6")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


@nox.session(python=PYTHON)
def bench(session: nox.Session) -> None:
    """Benchmarks: the Monte Carlo tier against its ceiling, and the claim library cold and warm.

    Arguments after ``--`` go to bench/library.py (``--path``, ``--jobs``, ``--timeout``), except
    ``--quick``, which makes bench/montecarlo.py a smoke run.
    """
    session.install("-e", ".[fast]")
    quick = "--quick" in session.posargs
    session.run("python", "bench/montecarlo.py", *(["--quick"] if quick else []))
    session.run("python", "bench/library.py", *[a for a in session.posargs if a != "--quick"])


@nox.session(python=PYTHON)
def docs(session: nox.Session) -> None:
    """Build the documentation site (MkDocs, warnings as errors) into site/, after regenerating the
    committed claim index claims/README.md and the figures the pages show."""
    session.install("-e", ".[plot,docs]")
    session.run("derive", "index", "claims/", "-o", "claims/README.md")
    session.run("derive", "plot", "seed.gda.part3b.table.itr16.point_as_written", "claims/", "-o", "docs/plot-gda.png")
    # The picture of a report: the browser test's own screenshot (headless Chromium, offline).
    session.install("-e", ".[test,plot]")
    session.run(
        "pytest", "tests/reporting/test_browser.py", "-k", "screenshot", env={"DERIVE_SCREENSHOT": "docs/report.png"}
    )
    session.run("mkdocs", "build", "--strict", env={"NO_MKDOCS_2_WARNING": "1"})


@nox.session(python=False)
def katex(session: nox.Session) -> None:
    """Rebuild the bundled KaTeX (derive/_assets/katex/) from npm: ``nox -s katex -- 0.16.47``."""
    version = session.posargs[0] if session.posargs else (Path("derive/_assets/katex/VERSION").read_text().strip())
    tmp = session.create_tmp()
    session.run("npm", "pack", f"katex@{version}", "--pack-destination", tmp, external=True)
    session.run("tar", "xzf", f"{tmp}/katex-{version}.tgz", "-C", tmp, external=True)
    session.run("python3", "derive/_assets/katex/vendor.py", f"{tmp}/package", external=True)
