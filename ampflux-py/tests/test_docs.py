"""Docs run: the README's Python example, the parallel example, and the stubs checked
against the compiled module by mypy.stubtest."""

from __future__ import annotations

import os
import re
import runpy
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from conftest import PKG


def _python_blocks(markdown: str) -> list:
    return re.findall(r"```python\n(.*?)```", markdown, flags=re.S)


def test_readme_example_runs(capsys: pytest.CaptureFixture[str]) -> None:
    blocks = _python_blocks((PKG / "README.md").read_text())
    example = blocks[0]
    assert len([l for l in example.strip().splitlines() if l.strip()]) <= 12
    scope: dict = {}
    exec(compile(example, "README.md", "exec"), scope)
    result = scope["result"]
    assert isinstance(result.buses, pd.DataFrame)
    assert 20.0 < result.buses.loc["F", "ikss_ka"] < 25.0
    assert "ikss_ka" in capsys.readouterr().out
    # the versions example continues with the same network
    exec(compile(blocks[2], "README.md", "exec"), scope)
    assert scope["merged"].ok and "X" in scope["merged"].network
    assert len(scope["history"]) == 1


def test_readme_pandapower_example_runs() -> None:
    pytest.importorskip("pandapower")
    blocks = _python_blocks((PKG / "README.md").read_text())
    scope: dict = {"ampflux": __import__("ampflux")}
    exec(compile(blocks[1], "README.md", "exec"), scope)
    assert scope["net"].ids("buses")


def test_parallel_example_runs(capsys: pytest.CaptureFixture[str]) -> None:
    runpy.run_path(str(PKG / "examples" / "parallel_studies.py"), run_name="__main__")
    out = capsys.readouterr().out
    assert "threads" in out and "processes" in out


def test_stubs_match_the_module() -> None:
    env = dict(os.environ, MYPYPATH="")
    run = subprocess.run(
        [sys.executable, "-m", "mypy.stubtest", "ampflux", "--mypy-config-file",
         str(PKG / "pyproject.toml")],
        cwd=PKG, env=env, capture_output=True, text=True,
    )
    assert run.returncode == 0, run.stdout + run.stderr


def test_package_type_checks() -> None:
    run = subprocess.run(
        [sys.executable, "-m", "mypy", "--config-file", str(PKG / "pyproject.toml"),
         str(PKG / "python" / "ampflux"), str(PKG / "examples"), str(PKG / "bench")],
        cwd=PKG, capture_output=True, text=True,
    )
    assert run.returncode == 0, run.stdout + run.stderr


def test_repository_readme_python_example_runs(capsys: pytest.CaptureFixture[str]) -> None:
    """The repository README's Python example (the one a new user meets first) runs too."""
    # the Python section's example (other sections show one call each, e.g. the duty study)
    blocks = [b for b in _python_blocks((PKG.parent / "README.md").read_text())
              if "net.short_circuit(" in b]
    assert blocks, "the repository README has a Python example"
    scope: dict = {}
    exec(compile(blocks[0], "README.md", "exec"), scope)
    assert 20.0 < scope["result"].buses.loc["F", "ikss_ka"] < 25.0
    assert "ikss_ka" in capsys.readouterr().out
