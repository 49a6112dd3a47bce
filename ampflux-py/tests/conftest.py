"""Shared fixtures: the repository paths, the exported test data and a small network."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Iterator

import pytest

import ampflux

PKG = Path(__file__).resolve().parents[1]
ROOT = PKG.parent
SHARED = Path(os.environ.get("AMPFLUX_SHARED", ROOT.parent / "shared"))


def _data_dir() -> Path:
    """The reference cases, anchor and synthetic grids exported by the Rust testkit
    (`ampflux-testkit export`); exported on first use."""
    data = Path(os.environ.get("AMPFLUX_TEST_DATA", ROOT / "target" / "py" / "data"))
    if not (data / "cases").is_dir() or not (data / "anchors").is_dir():
        env = dict(os.environ)
        env.setdefault("CARGO_TARGET_DIR", str(ROOT / "target" / "py"))
        subprocess.run(
            ["cargo", "run", "--release", "-q", "-p", "ampflux-testkit", "--bin",
             "ampflux-testkit", "--", "export", str(data)],
            cwd=ROOT, env=env, check=True,
        )
    return data


@pytest.fixture(scope="session")
def data_dir() -> Path:
    return _data_dir()


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.fail(f"shared data not found at {SHARED} (set AMPFLUX_SHARED)")
    return SHARED


def build_small() -> ampflux.Network:
    """The README's network: a 20 kV feeder and a 630 kVA Dyn5 transformer."""
    net = ampflux.Network(frequency_hz=50, name="small")
    net.add_bus("Q", vn_kv=20.0)
    net.add_bus("F", vn_kv=0.4)
    net.add_external_grid("Grid", bus="Q", s_sc_max_mva=346.41, rx_max=0.1,
                          s_sc_min_mva=300.0, x0x_max=1.0, r0x0_max=0.1)
    net.add_transformer("T1", hv_bus="Q", lv_bus="F", sn_mva=0.63, vn_hv_kv=20.0,
                        vn_lv_kv=0.41, vk_percent=4.0, vkr_percent=1.0317,
                        vector_group="Dyn5", vk0_percent=4.0, vkr0_percent=1.0317)
    net.add_line("C1", from_bus="F", to_bus="G", length_km=0.1, r_ohm_per_km=0.2,
                 x_ohm_per_km=0.08, r0_ohm_per_km=0.8, x0_ohm_per_km=0.3)
    net.add_bus("G", vn_kv=0.4)
    return net


@pytest.fixture
def small() -> ampflux.Network:
    return build_small()


@pytest.fixture(scope="session")
def industrial() -> Iterator[ampflux.Network]:
    yield ampflux.Network.from_json(ROOT / "examples" / "networks" / "industrial_plant.json")
