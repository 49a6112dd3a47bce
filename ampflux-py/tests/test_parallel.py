"""Pickling (multiprocessing, Dask, Ray) and studies in threads with the GIL released."""

from __future__ import annotations

import pickle
import threading
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path

import pandas as pd

import ampflux


def test_objects_pickle(small: ampflux.Network) -> None:
    back = pickle.loads(pickle.dumps(small))
    assert back == small and back.digest() == small.digest()
    r = small.short_circuit(branches=True, fault="1ph")
    rb = pickle.loads(pickle.dumps(r))
    pd.testing.assert_frame_equal(rb.buses, r.buses)
    pd.testing.assert_frame_equal(rb.branches, r.branches)
    assert rb.digest == r.digest and rb.study == r.study
    issue = ampflux.Issue("warning", "c", "m", table="lines", element="L", field="f")
    assert pickle.loads(pickle.dumps(issue)) == issue


def _study(net: ampflux.Network) -> float:
    return float(net.short_circuit().buses["ikss_ka"].max())


def test_process_pool(small: ampflux.Network) -> None:
    nets = []
    for i in range(4):
        d = small.to_dict()
        d["external_grids"][0]["s_sc_max_mva"] = 100.0 * (i + 1)
        nets.append(ampflux.Network.from_dict(d))
    with ProcessPoolExecutor(max_workers=2) as pool:
        got = list(pool.map(_study, nets))
    assert got == [_study(n) for n in nets]


def test_threads_give_the_sequential_results(industrial: ampflux.Network) -> None:
    studies = [dict(fault=f, case=c) for f in ("3ph", "2ph", "1ph", "2phe") for c in ("max", "min")]
    sequential = [industrial.short_circuit(**s).buses for s in studies]
    with ThreadPoolExecutor(max_workers=4) as pool:
        threaded = list(pool.map(lambda s: industrial.short_circuit(**s).buses, studies))
    for a, b in zip(sequential, threaded):
        pd.testing.assert_frame_equal(a, b)


def test_solve_releases_the_gil(data_dir: Path) -> None:
    """A Python thread keeps running while a large study computes."""
    net = ampflux.Network.from_json(data_dir / "synthetic" / "meshed_10000.json")
    ticks = 0
    stop = threading.Event()

    def spin() -> None:
        nonlocal ticks
        while not stop.is_set():
            ticks += 1
            time.sleep(0.001)

    t = threading.Thread(target=spin)
    net.short_circuit(buses=net.ids("buses")[:10])  # warm up
    t.start()
    start = time.perf_counter()
    for _ in range(3):
        net.short_circuit()
    elapsed = time.perf_counter() - start
    stop.set()
    t.join()
    # with the GIL held during the solves the spinner would get ~no ticks
    assert ticks > 0.2 * elapsed / 0.0015, (ticks, elapsed)


def test_network_edit_during_a_threaded_study(industrial: ampflux.Network) -> None:
    """Editing a network while another thread studies it is safe: the study sees a snapshot."""
    net = industrial.copy()
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = [pool.submit(net.short_circuit) for _ in range(4)]
        for i in range(50):
            net.add_load(f"extra{i}", bus=net.ids("buses")[0], p_mw=0.1)
        results = [f.result() for f in futures]
    assert all(len(r.buses) == len(industrial.ids("buses")) for r in results)
