"""AmpFlux from Python vs pandapower calc_sc vs power-grid-model, in one run, as ratios.

    python bench/compare.py [--data DIR] [--repeats N] [--large] [--skip-rust]

For every shared network (the anchor grids case9 ... case9241pegase and the synthetic meshed
grids) it times a three-phase maximum study at every bus:

- AmpFlux: ``net.short_circuit()`` from Python (the network object exists; the time covers
  compiling, factorizing, solving and building the result object);
- pandapower 3.5.6: ``calc_sc(net, fault="3ph", case="max", ip=True)`` on
  ``ampflux.to_pandapower(net)``, with its sparse LU path (``inverse_y=False``; its dense
  default does not fit the large grids);
- power-grid-model: ``calculate_short_circuit`` (IEC 60909, all cores), one batch scenario per
  fault bus. PGM models no synchronous generators in short-circuit studies: they are given to
  it as sources with S = S_rG / x''d and R/X = R_G / X''d; PGM applies no K_G or K_T, so its
  currents differ by those factors (a few percent); the timing is of the same problem size. Networks PGM cannot represent (series
  impedances between voltage levels, negative transformer reactances) are marked n/a.

Each time is the median of the repeats (one run on the grids above 5000 buses); the other
tools run in a subprocess each and are stopped after --timeout seconds (shown as ">").
Then the Python overhead
over the pure-Rust study (``cargo run --release --example core_study``) on the 10k-bus grid,
interleaved round by round.
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import os
import re
import statistics
import subprocess
import sys
import time
import warnings
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional

import numpy as np

import ampflux

PKG = Path(__file__).resolve().parents[1]
ROOT = PKG.parent


def median_time(fn: Callable[[], Any], repeats: int, warmup: bool = True) -> float:
    if warmup:
        fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def pgm_input(net: ampflux.Network) -> Optional[Dict[str, Any]]:
    """The network as power-grid-model input, or None when PGM cannot represent it."""
    from power_grid_model import ComponentType, WindingType, initialize_array

    doc = net.to_dict()
    if doc.get("impedances") or doc.get("transformers3w") or doc.get("converters") or doc.get("motors"):
        return None
    if any(t["vk_percent"] <= 0 for t in doc.get("transformers", [])):
        return None
    ids: Dict[str, int] = {}

    def nid(key: str) -> int:
        return ids.setdefault(key, len(ids) + 1)

    buses = doc["buses"]
    node = initialize_array("input", ComponentType.node, len(buses))
    node["id"] = [nid(b["id"]) for b in buses]
    node["u_rated"] = [b["vn_kv"] * 1e3 for b in buses]
    alive = {b["id"]: b.get("in_service", True) for b in buses}

    lines = doc.get("lines", [])
    line = initialize_array("input", ComponentType.line, len(lines))
    f = doc.get("frequency_hz", 50.0)
    for i, e in enumerate(lines):
        par, km = e.get("parallel", 1), e["length_km"]
        status = int(e.get("in_service", True) and alive[e["from_bus"]] and alive[e["to_bus"]])
        line[i] = (nid(e["id"]), nid(e["from_bus"]), nid(e["to_bus"]), status, status,
                   e["r_ohm_per_km"] * km / par, e["x_ohm_per_km"] * km / par,
                   e.get("c_nf_per_km", 0.0) * 1e-9 * km * par, 0.0,
                   e.get("r0_ohm_per_km", 3 * e["r_ohm_per_km"]) * km / par,
                   e.get("x0_ohm_per_km", 3 * e["x_ohm_per_km"]) * km / par,
                   e.get("c0_nf_per_km", 0.0) * 1e-9 * km * par, 0.0, 1e3) + \
            tuple(line[i])[14:]  # keep PGM's defaults for later fields
    trafos = doc.get("transformers", [])
    tr = initialize_array("input", ComponentType.transformer, len(trafos))
    for i, e in enumerate(trafos):
        m = re.fullmatch(r"(YN|Y|D|ZN|Z)(yn|y|d|zn|z)(\d*)", e["vector_group"])
        if not m:
            return None
        kinds = {"YN": WindingType.wye_n, "Y": WindingType.wye, "D": WindingType.delta,
                 "ZN": WindingType.zigzag_n, "Z": WindingType.zigzag}
        hv, lv = kinds[m.group(1)], kinds[m.group(2).upper()]
        clock = int(m.group(3)) if m.group(3) else (5 if (hv == WindingType.delta) != (lv == WindingType.delta) else 0)
        status = int(e.get("in_service", True) and alive[e["hv_bus"]] and alive[e["lv_bus"]])
        sn = e["sn_mva"] * 1e6 * e.get("parallel", 1)
        tr["id"][i] = nid(e["id"])
        tr["from_node"][i], tr["to_node"][i] = nid(e["hv_bus"]), nid(e["lv_bus"])
        tr["from_status"][i] = tr["to_status"][i] = status
        tr["u1"][i], tr["u2"][i], tr["sn"][i] = e["vn_hv_kv"] * 1e3, e["vn_lv_kv"] * 1e3, sn
        tr["uk"][i], tr["pk"][i] = e["vk_percent"] / 100, e["vkr_percent"] / 100 * sn
        tr["i0"][i], tr["p0"][i] = 0.0, 0.0
        tr["winding_from"][i], tr["winding_to"][i], tr["clock"][i] = hv, lv, clock
        tr["tap_side"][i], tr["tap_pos"][i], tr["tap_min"][i], tr["tap_max"][i] = 0, 0, 0, 0
        tr["tap_nom"][i], tr["tap_size"][i] = 0, 0.0
    sources = []
    for e in doc.get("external_grids", []):
        if e.get("in_service", True):
            # IEC 60909: Z_Q = c U^2 / S''kQ; PGM's source: Z = U^2 / sk (c applied at the fault)
            sources.append((nid(e["id"]), nid(e["bus"]), e["s_sc_max_mva"] * 1e6 / 1.1,
                            e.get("rx_max", 0.1), e.get("x0x_max", 1.0)))
    for e in doc.get("generators", []):
        if e.get("in_service", True):
            rx = (e.get("rdss_pu") or 0.07 * e["xdss_pu"]) / e["xdss_pu"]
            sources.append((nid(e["id"]), nid(e["bus"]), e["sn_mva"] * 1e6 / e["xdss_pu"], rx, 1.0))
    src = initialize_array("input", ComponentType.source, len(sources))
    for i, (sid, bus, sk, rx, z01) in enumerate(sources):
        src["id"][i], src["node"][i], src["status"][i] = sid, bus, 1
        src["u_ref"][i], src["sk"][i], src["rx_ratio"][i], src["z01_ratio"][i] = 1.0, sk, rx, z01
    fault = initialize_array("input", ComponentType.fault, 1)
    fault["id"], fault["status"], fault["fault_object"] = nid("__fault__"), 1, node["id"][0]
    fault["fault_type"], fault["fault_phase"] = 0, -1
    fault["r_f"], fault["x_f"] = 0.0, 0.0
    data = {ComponentType.node: node, ComponentType.line: line, ComponentType.transformer: tr,
            ComponentType.source: src, ComponentType.fault: fault}
    live = [nid(b["id"]) for b in buses if b.get("in_service", True)]
    return {"input": data, "fault_nodes": np.array(live), "fault_id": nid("__fault__"), "freq": f}


def pgm_runner(net: ampflux.Network) -> Optional[Callable[[], Any]]:
    try:
        from power_grid_model import ComponentType, PowerGridModel, initialize_array
    except ImportError:
        return None
    prepared = pgm_input(net)
    if prepared is None:
        return None
    model = PowerGridModel(prepared["input"], system_frequency=prepared["freq"])
    nodes = prepared["fault_nodes"]
    update = initialize_array("update", ComponentType.fault, (len(nodes), 1))
    update["id"] = prepared["fault_id"]
    update["fault_object"] = nodes.reshape(-1, 1)
    update["status"] = 1

    def run() -> Any:
        return model.calculate_short_circuit(  # type: ignore[call-overload]
            update_data={ComponentType.fault: update}, threading=0,
            output_component_types=[ComponentType.fault])
    return run


def pandapower_runner(net: ampflux.Network) -> Optional[Callable[[], Any]]:
    try:
        import pandapower.shortcircuit as sc
    except ImportError:
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ppn = ampflux.to_pandapower(net)

    def run() -> Any:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            sc.calc_sc(ppn, fault="3ph", case="max", ip=True, inverse_y=False)
    return run


def rust_binary() -> Optional[Path]:
    """Builds the pure-Rust baseline (bench/core_study.rs) and returns its path."""
    env = dict(os.environ)
    target = Path(env.setdefault("CARGO_TARGET_DIR", str(ROOT / "target" / "py")))
    run = subprocess.run(
        ["cargo", "build", "--release", "-q", "--manifest-path", str(PKG / "Cargo.toml"),
         "--example", "core_study"], capture_output=True, text=True, env=env)
    if run.returncode != 0:
        print(run.stderr, file=sys.stderr)
        return None
    return target / "release" / "examples" / "core_study"


def stale_extension() -> bool:
    """Whether the installed extension is older than the core sources (then the overhead
    figure would compare two different cores)."""
    ext = next(Path(ampflux.__file__).parent.glob("_ampflux*.so"), None)
    if ext is None:
        return False
    newest = max(p.stat().st_mtime for p in (ROOT / "ampflux-core" / "src").rglob("*.rs"))
    return newest > ext.stat().st_mtime


def overhead(path: Path, rounds: int) -> None:
    """Python vs pure Rust on the same network, interleaved round by round (the machine is
    shared: alternating keeps both under the same load), medians over the rounds."""
    exe = rust_binary()
    if exe is None:
        return
    net = ampflux.Network.from_json(path)
    net.short_circuit()
    rust, py, py_df = [], [], []
    for _ in range(rounds):
        out = subprocess.run([str(exe), str(path), "3"], capture_output=True, text=True, check=True)
        rust.append(json.loads(out.stdout)["median_s"])
        py.append(median_time(lambda: net.short_circuit(), 3, warmup=False))
        py_df.append(median_time(lambda: net.short_circuit().buses, 3, warmup=False))
    t_rust, t_py, t_df = (statistics.median(x) for x in (rust, py, py_df))
    print(f"\nPython overhead on {path.stem} ({len(net.ids('buses'))} buses), medians of "
          f"{rounds} interleaved rounds of 3:")
    print(f"  pure Rust short_circuit          {t_rust:.4f} s")
    print(f"  Python net.short_circuit()       {t_py:.4f} s  ({(t_py / t_rust - 1) * 100:+.1f} %)")
    print(f"  ... plus the .buses DataFrame    {t_df:.4f} s  ({(t_df / t_rust - 1) * 100:+.1f} %)")
    print(f"  target: within 20 %: {'met' if t_py <= 1.2 * t_rust else 'NOT met'}")
    if stale_extension():
        print("  warning: the installed extension is older than ampflux-core's sources; "
              "rebuild it (scripts/test.sh) for a like-for-like figure")


def worker(tool: str, path: Path, repeats: int) -> None:
    """Times one tool on one network in this process and prints the median as JSON."""
    net = ampflux.Network.from_json(path)
    run = pandapower_runner(net) if tool == "pandapower" else pgm_runner(net)
    if run is None:
        print(json.dumps({"median_s": None}))
        return
    print(json.dumps({"median_s": median_time(run, repeats, warmup=repeats > 1)}))


def timed_in_subprocess(tool: str, path: Path, repeats: int, timeout: float) -> float:
    """The tool's median time on `path`, NaN when it cannot run the network, +inf when it
    takes longer than `timeout` seconds in all (then it is stopped)."""
    try:
        run = subprocess.run([sys.executable, __file__, "--worker", tool, str(path), str(repeats)],
                             capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return math.inf
    if run.returncode != 0:
        print(f"{tool} failed on {path.stem}: {run.stderr.strip().splitlines()[-1:]}", file=sys.stderr)
        return math.nan
    value = json.loads(run.stdout.strip().splitlines()[-1])["median_s"]
    return math.nan if value is None else float(value)


def main() -> int:
    logging.getLogger("pandapower").setLevel(logging.ERROR)  # one notice per calc_sc call
    if len(sys.argv) == 5 and sys.argv[1] == "--worker":
        worker(sys.argv[2], Path(sys.argv[3]), int(sys.argv[4]))
        return 0
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=ROOT / "target" / "py" / "data",
                    help="the testkit export (ampflux-testkit export DIR)")
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--large", action="store_true", help="include the 100k-bus grid (AmpFlux only)")
    ap.add_argument("--skip-rust", action="store_true", help="skip the pure-Rust overhead check")
    ap.add_argument("--timeout", type=float, default=300.0,
                    help="seconds allowed to pandapower / PGM per network (then shown as >)")
    args = ap.parse_args()
    if not (args.data / "anchors").is_dir():
        print(f"no test data in {args.data}: run ampflux-testkit export first", file=sys.stderr)
        return 2

    files = sorted((args.data / "anchors").glob("*.json"), key=lambda p: p.stat().st_size)
    files += [args.data / "synthetic" / f"meshed_{n}.json" for n in (1000, 10000)]
    if args.large:
        files.append(args.data / "synthetic" / "meshed_100000.json")

    print(f"3ph max at every bus; median of repeats; ratio = other tool / AmpFlux "
          f"({os.cpu_count()} cores)")
    header = f"{'network':22s} {'buses':>7s} {'AmpFlux s':>10s} {'pandapower s':>13s} {'ratio':>8s} {'PGM s':>9s} {'ratio':>8s}"
    print(header)
    print("-" * len(header))
    rows = []
    for path in files:
        net = ampflux.Network.from_json(path)
        n = len(net.ids("buses"))
        big = n > 5000
        t_amp = median_time(lambda: net.short_circuit(), args.repeats if n < 50000 else 3)
        t_pp = t_pgm = math.nan
        if n <= 20000:
            t_pp = timed_in_subprocess("pandapower", path, 1 if big else 3, args.timeout)
            t_pgm = timed_in_subprocess("pgm", path, 1 if big else 3, args.timeout)

        def cell(t: float) -> str:
            if math.isinf(t):
                return f">{args.timeout:.0f}"
            return f"{t:9.4f}" if not math.isnan(t) else f"{'n/a':>9s}"

        def ratio(t: float) -> str:
            if math.isinf(t):
                return f">{args.timeout / t_amp:6.0f}x"
            return f"{t / t_amp:7.1f}x" if not math.isnan(t) else f"{'':>8s}"
        print(f"{path.stem:22s} {n:7d} {t_amp:10.4f} {cell(t_pp):>13s} {ratio(t_pp)} {cell(t_pgm)} {ratio(t_pgm)}",
              flush=True)
        rows.append({"network": path.stem, "buses": n, "ampflux_s": t_amp, "pandapower_s": t_pp,
                     "pgm_s": t_pgm})

    if not args.skip_rust:
        overhead(args.data / "synthetic" / "meshed_10000.json", 9)
    return 0


if __name__ == "__main__":
    sys.exit(main())
