"""Rebuild the bundled KaTeX from its npm package: ``python derive/_assets/katex/vendor.py PACKAGE_DIR``.

PACKAGE_DIR is the unpacked ``npm pack katex@VERSION`` (its ``package/`` folder). Writes, next to
this file, ``katex.min.js`` as published and ``katex.min.css`` with every font inlined as a
WOFF2 data URI (the woff/ttf fallbacks dropped: every browser KaTeX supports reads WOFF2), so a
report needs no network and no files beside it. Also ``LICENSE`` (MIT) and ``VERSION``.
(``nox -s katex`` runs this after ``npm pack``.)
"""

from __future__ import annotations

import base64
import json
import re
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
_FONT = re.compile(
    r"src:url\((fonts/[A-Za-z0-9_-]+)\.woff2\) format\(\"woff2\"\)"  # the WOFF2 source
    r"(?:,url\([^)]*\) format\(\"[a-z]+\"\))*"  # its woff/ttf fallbacks, dropped
)


def main(package: Path) -> None:
    dist = package / "dist"
    css = (dist / "katex.min.css").read_text(encoding="utf-8")

    def inline(m: re.Match[str]) -> str:
        data = base64.b64encode((dist / f"{m.group(1)}.woff2").read_bytes()).decode("ascii")
        return f'src:url(data:font/woff2;base64,{data}) format("woff2")'

    css, fonts = _FONT.subn(inline, css)
    if "url(fonts/" in css or fonts < 20:
        sys.exit(f"unexpected katex.min.css: {fonts} fonts inlined, some url(fonts/...) left")
    (HERE / "katex.min.css").write_text(css, encoding="utf-8")
    shutil.copy(dist / "katex.min.js", HERE / "katex.min.js")
    shutil.copy(package / "LICENSE", HERE / "LICENSE")
    version = json.loads((package / "package.json").read_text(encoding="utf-8"))["version"]
    (HERE / "VERSION").write_text(version + "\n", encoding="utf-8")
    print(f"KaTeX {version}: {fonts} fonts inlined")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
