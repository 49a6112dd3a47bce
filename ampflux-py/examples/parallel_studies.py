"""Many short-circuit studies side by side with concurrent.futures.

Threads: `Network.short_circuit` releases the GIL, so studies of several networks (or of one
network for several fault types) run in parallel in one process. Processes: networks and
results pickle, so the same function works with ProcessPoolExecutor, and likewise with Dask
(`client.map(worst_case, networks)`) or Ray (`ray.remote(worst_case).remote(net)`).
"""

from __future__ import annotations

import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path
from typing import Dict, List, Tuple

import ampflux

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "networks" / "industrial_plant.json"


def variants(base: ampflux.Network, n: int) -> List[ampflux.Network]:
    """`n` copies of `base` with a feeder from weak to strong (a what-if sweep)."""
    out = []
    for i in range(n):
        doc = base.to_dict()
        for grid in doc["external_grids"]:
            grid["s_sc_max_mva"] = grid["s_sc_max_mva"] * (0.5 + i / n)
        out.append(ampflux.Network.from_dict(doc))
    return out


def worst_case(net: ampflux.Network) -> Tuple[str, float]:
    """The bus with the highest I''k over the four fault types (max case)."""
    worst: Dict[str, float] = {}
    for fault in ("3ph", "2ph", "1ph", "2phe"):
        try:
            buses = net.short_circuit(fault=fault).buses
        except ampflux.ValidationError:
            continue  # e.g. no zero-sequence data for earth faults
        for bus, ik in zip(buses.index, buses["ikss_ka"]):
            worst[str(bus)] = max(worst.get(str(bus), 0.0), float(ik))
    bus = max(worst, key=lambda b: worst[b])
    return bus, worst[bus]


def main() -> None:
    nets = variants(ampflux.Network.from_json(EXAMPLE), 8)
    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=4) as pool:
        by_threads = list(pool.map(worst_case, nets))
    t_threads = time.perf_counter() - start
    start = time.perf_counter()
    with ProcessPoolExecutor(max_workers=2) as pool:
        by_processes = list(pool.map(worst_case, nets))
    t_processes = time.perf_counter() - start
    assert by_threads == by_processes
    for i, (bus, ik) in enumerate(by_threads):
        print(f"variant {i}: highest I''k {ik:8.3f} kA at bus {bus}")
    print(f"{len(nets)} networks x 4 fault types: threads {t_threads:.3f} s, "
          f"processes {t_processes:.3f} s")


if __name__ == "__main__":
    main()
