"""pytest plugin for running pandapower's short-circuit test suite from an extracted source tree.

Loaded with ``-p pp_suite.plugin`` by ``test_pandapower_suite.py``. It makes the extracted
``pandapower/test`` package importable next to the installed pandapower (pandapower's wheels do
not ship their tests), points ``pandapower.pp_dir`` at the tree for the test data files, and,
when ``AMPFLUX_PP_SUITE_ENGINE=ampflux``, replaces every reference to pandapower's ``calc_sc``
with ``ampflux.pandapower.calc_sc`` (AmpFlux's engine behind calc_sc's interface).
"""

from __future__ import annotations

import os
import sys
from types import ModuleType
from typing import Any

TREE = os.environ["AMPFLUX_PP_SUITE_TREE"]  # the directory holding the extracted `pandapower/`
ENGINE = os.environ.get("AMPFLUX_PP_SUITE_ENGINE", "pandapower")


def _install() -> None:
    import pandapower
    import pandapower.shortcircuit

    tree_pkg = os.path.join(TREE, "pandapower")
    if tree_pkg not in pandapower.__path__:
        pandapower.__path__.append(tree_pkg)
    # `pandapower.test` of the tree: its own __init__ pulls in the whole suite's helpers, which
    # the short-circuit tests do not need
    if "pandapower.test" not in sys.modules:
        test_pkg = ModuleType("pandapower.test")
        test_pkg.__path__ = [os.path.join(tree_pkg, "test")]  # type: ignore[attr-defined]
        sys.modules["pandapower.test"] = test_pkg
        pandapower.test = test_pkg  # type: ignore[attr-defined]
    pandapower.pp_dir = tree_pkg  # the tests read their data files under pp_dir/test
    if ENGINE == "ampflux":
        from ampflux.pandapower import calc_sc

        pandapower.shortcircuit.calc_sc = calc_sc  # `sc.calc_sc(...)`
        module = sys.modules.get("pandapower.shortcircuit.calc_sc")
        if isinstance(module, ModuleType):
            module.calc_sc = calc_sc  # type: ignore[attr-defined]


def pytest_configure(config: Any) -> None:
    _install()


def pytest_collection_modifyitems(session: Any, config: Any, items: Any) -> None:
    """Test modules that imported `calc_sc` by name get AmpFlux's too."""
    if ENGINE != "ampflux":
        return
    from ampflux.pandapower import calc_sc

    for item in items:
        module = getattr(item, "module", None)
        if module is not None and hasattr(module, "calc_sc"):
            module.calc_sc = calc_sc
