"""MkDocs hook: reference pages generated at every build, so they can never go stale.

- ``reference/cli.md``: the parser's own help text, ``derive --help`` command by command;
- ``reference/schemas.md``: the JSON Schemas shipped in ``derive/schema/``.
"""

from __future__ import annotations

import contextlib
import io
from pathlib import Path
from typing import Any

COMMANDS = ("check", "latex", "grade", "plot", "index", "cache")


def _help(argv: list[str]) -> str:
    from derive import cli  # noqa: PLC0415 - imported when MkDocs runs the hook, from the checkout

    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.suppress(SystemExit):
        cli.main([*argv, "--help"])
    return out.getvalue().rstrip()


def _write(target: Path, text: str) -> None:
    if not target.exists() or target.read_text(encoding="utf-8") != text:
        target.write_text(text, encoding="utf-8")


def _schemas() -> str:
    parts = [
        "# JSON schemas\n",
        "`derive check --format json` and `derive latex --format json` write documents that follow these "
        "JSON Schemas, shipped in `derive/schema/` and checked by the test suite.\n",
    ]
    root = Path(__file__).resolve().parent.parent / "derive" / "schema"
    for name in ("check", "latex"):
        text = (root / f"{name}.json").read_text(encoding="utf-8").rstrip()
        parts.append(f"## `derive {name} --format json`\n\n```json\n{text}\n```\n")
    return "\n".join(parts)


def on_pre_build(config: Any) -> None:
    reference = Path(config["docs_dir"]) / "reference"
    _write(reference / "schemas.md", _schemas())
    parts = [
        "# Command line\n",
        "Generated from `derive --help` and `derive COMMAND --help` when the site is built.\n",
        f"```text\n{_help([])}\n```\n",
    ]
    for command in COMMANDS:
        parts.append(f"## derive {command}\n\n```text\n{_help([command])}\n```\n")
    _write(reference / "cli.md", "\n".join(parts))
