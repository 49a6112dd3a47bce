"""pandapower's own short-circuit test suite, run with AmpFlux's numbers.

pandapower's wheels and its 3.x source distributions ship no tests; pandapower 2.14.11 is the
last release whose source distribution ships its test suite, so that suite is fetched from
PyPI with pip (cached under target/py) and run against the pinned pandapower with
``calc_sc`` replaced by :func:`ampflux.pandapower.calc_sc` (``pp_suite/plugin.py``): every
network of the suite goes through ``from_pandapower`` and AmpFlux's engine, and the results
are written into ``res_bus_sc``/``res_line_sc``/``res_trafo_sc`` the way pandapower does.

Every test that fails with AmpFlux's numbers is listed in ``pp_suite/expectations.py`` with the
reason (a documented convention difference, a pandapower feature outside IEC 60909, or a test
that pandapower 3.5.6 itself fails); a failure without a listed reason fails this test, and so
does a listed test that no longer fails. Figures are printed (run with ``-s``).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path
from typing import Dict, List, Set

import pytest

from pp_suite.expectations import PANDAPOWER_FAILS, SUITE_VERSION, DIFFERENCES

pytest.importorskip("pandapower")

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parents[1]
CACHE = ROOT / "target" / "py" / f"pandapower-{SUITE_VERSION}-sc-suite"
MEMBERS = ("pandapower/test/shortcircuit/", "pandapower/test/test_files/IEC60909-4_example.json")


def _suite_tree() -> Path:
    """The extracted short-circuit tests of pandapower's source distribution (fetched once)."""
    if (CACHE / "pandapower" / "test" / "shortcircuit").is_dir():
        return CACHE
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--no-binary", ":all:",
             "-d", tmp, f"pandapower=={SUITE_VERSION}"],
            check=True)
        archive = next(Path(tmp).iterdir())
        prefix = f"pandapower-{SUITE_VERSION}/"
        with zipfile.ZipFile(archive) as z:
            for name in z.namelist():
                inner = name[len(prefix):]
                if name.startswith(prefix) and inner.startswith(MEMBERS) and not name.endswith("/"):
                    target = CACHE / inner
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_bytes(z.read(name))
    return CACHE


def _run(tree: Path, engine: str, select: List[str], out: Path) -> Dict[str, str]:
    """Runs (part of) the suite with `engine`; outcome per test id (`passed`, `failed`, ...)."""
    env = dict(os.environ, AMPFLUX_PP_SUITE_TREE=str(tree), AMPFLUX_PP_SUITE_ENGINE=engine,
               PYTHONPATH=os.pathsep.join([str(TESTS), os.environ.get("PYTHONPATH", "")]))
    base = tree / "pandapower" / "test" / "shortcircuit"
    targets = [str(base / t) for t in select] if select else [str(base)]  # node ids
    subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "pp_suite.plugin",
         "-W", "ignore", "--tb=no", f"--rootdir={tree}", f"--junitxml={out}", *targets],
        env=env, cwd=tree, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    outcomes: Dict[str, str] = {}
    for case in ET.parse(out).getroot().iter("testcase"):
        module = case.attrib["classname"].split(".")[-1]
        test_id = f"{module}.py::{case.attrib['name']}"
        kinds = {child.tag for child in case}
        outcomes[test_id] = ("failed" if kinds & {"failure", "error"} else
                             "skipped" if "skipped" in kinds else "passed")
    return outcomes


def test_pandapowers_short_circuit_suite_with_ampflux_numbers(tmp_path: Path) -> None:
    tree = _suite_tree()
    ours = _run(tree, "ampflux", [], tmp_path / "ampflux.xml")
    assert len(ours) > 100, f"the suite ran {len(ours)} tests"
    failed: Set[str] = {t for t, o in ours.items() if o == "failed"}
    # which of them pandapower itself fails (the suite is 2.14.11's, the engine 3.5.6)
    native = _run(tree, "pandapower", sorted(failed), tmp_path / "native.xml") if failed else {}
    pandapower_fails = {t for t, o in native.items() if o == "failed"}

    unexplained = sorted(failed - set(DIFFERENCES) - pandapower_fails)
    fixed = sorted(t for t in DIFFERENCES if ours.get(t) == "passed")
    wrongly_blamed = sorted(t for t in PANDAPOWER_FAILS if t not in pandapower_fails)
    unlisted_pp = sorted(pandapower_fails - set(PANDAPOWER_FAILS) - set(DIFFERENCES))
    passed = sum(o == "passed" for o in ours.values())
    print(f"\npandapower {SUITE_VERSION} short-circuit suite on pandapower's calc_sc interface "
          f"with AmpFlux's numbers: {len(ours)} tests, {passed} passed, {len(failed)} failed "
          f"({len(failed & set(DIFFERENCES))} documented differences, "
          f"{len(failed & pandapower_fails - set(DIFFERENCES))} that pandapower itself fails), "
          f"{sum(o == 'skipped' for o in ours.values())} skipped by the suite")
    for reason in sorted(set(DIFFERENCES.values())):
        tests = sorted(t for t, r in DIFFERENCES.items() if r == reason and t in failed)
        print(f"  {len(tests)} x {reason}")
    assert not unexplained, f"failures without a documented reason: {unexplained}"
    assert not fixed, f"documented as failing but passing now (remove them): {fixed}"
    assert not wrongly_blamed, f"listed as failing in pandapower itself, but it passes: {wrongly_blamed}"
    assert not unlisted_pp, f"failing in pandapower itself too, list them: {unlisted_pp}"
