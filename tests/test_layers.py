"""The layering rules of STYLE.md, checked on every run (import-linter contracts in
pyproject.toml, and what import-linter cannot express)."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "interfax_soap"


def test_import_linter_contracts_are_kept() -> None:
    linter = shutil.which("lint-imports") or str(Path(sys.executable).with_name("lint-imports"))
    if not Path(linter).exists():
        pytest.fail("import-linter is not installed (it is a test extra)")
    result = subprocess.run([linter], cwd=PACKAGE.parent, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-4000:]


@pytest.mark.parametrize("forbidden", ["twisted.web", "twisted.mail"])
def test_the_engine_does_not_speak_http_or_smtp(forbidden: str) -> None:
    offenders = []
    for path in (PACKAGE / "engine").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [f"{path.name}: {n}" for n in names if n == forbidden or n.startswith(forbidden + ".")]
    assert not offenders
