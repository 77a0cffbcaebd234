"""The only place that knows the static-site tool: it runs MkDocs on the generated docs tree."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

# A fixed build date keeps sitemap.xml and every page byte-identical between builds of the same data.
FIXED_EPOCH = "1704067200"


def tool_env() -> dict[str, str]:
    """Environment for MkDocs: fixed build date, no upgrade banner."""
    return {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SOURCE_DATE_EPOCH": os.environ.get("SOURCE_DATE_EPOCH", FIXED_EPOCH)}


def build_site(config: Path, site_dir: Path) -> tuple[bool, str]:
    """Run `mkdocs build --strict` into `site_dir`; return (ok, tool output)."""
    env = tool_env()
    # No `--quiet`: it silences the warnings that `--strict` counts, so broken links would pass.
    cmd = [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(config), "-d", str(site_dir)]
    result = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    lines = (result.stdout + result.stderr).splitlines()
    return result.returncode == 0, "\n".join(ln for ln in lines if not ln.startswith("INFO")).strip()


def serve_command(config: Path, address: str) -> list[str]:
    """The command that serves the docs tree with live reload."""
    # --dirty: rebuild only pages whose Markdown changed (the generator rewrites exactly those, writer.py); MkDocs
    # warns about dirty builds, so the preview is not strict (`build` stays strict and catches broken links).
    return [sys.executable, "-m", "mkdocs", "serve", "--dirty", "--no-strict", "-f", str(config), "-a", address]
