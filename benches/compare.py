"""AmpFlux against pandapower 3.5.6 and power-grid-model on the same networks, in the same run.

    python benches/compare.py --bin target/release --data target/bench/data [options]

(normally through benches/compare.sh, which installs the tools, builds the binaries and exports
the networks). For each anchor grid of shared/anchors/networks (default: those with >= 1000
buses) and each fault of --faults (default the 3ph max and 1ph max all-bus studies):

pandapower
    The net is built from the anchor .json.gz with exactly the model of SCHEMA.md (buses; lines
    with r0/x0/c0/endtemp_degree; trafos with vk0/vkr0/mag0_percent/mag0_rx/si0_hv_partial/
    vector_group; impedances; ext_grid with s_sc/rx/x0x/r0x0; gens with sn/vn/xdss_pu/rdss_ohm/
    cos_phi/pg_percent; the export's defaults are already in the data). Timed:
    ``calc_sc(net, fault=..., case="max", ip=True, ith=True, kappa_method="C", topology="auto",
    tk_s=1, inverse_y=False)`` (the sparse-LU mode the anchors were made with) and the default
    dense mode ``inverse_y=True`` (skipped above --dense-max-buses unless --full), the latter with
    OpenBLAS's default threads and with one BLAS thread (threadpoolctl; on a shared machine the
    default threads can be several times slower). The ratio uses the fastest of these modes
    (named in the table: lu, dense, dense_blas1). Sanity: its Ik'' must equal the anchor's
    stored results (1e-6 relative; the dense mode must equal the LU mode as well).
AmpFlux
    ``ampflux-time`` on the exported v1 document (the study after parsing; --amp-repeats runs per
    round, the median of the round medians),
    with conservative Ib (Ib = Ik'': the quantities pandapower computes) and with the exact
    Ib (decay of every machine, which pandapower does not compute), each with all cores and with
    RAYON_NUM_THREADS=1. Its Ik'' per bus (``ampflux sc --format json``) must equal pandapower's
    from this run within 1e-6 relative; the deviations of ip and Ith are reported as well.
    And the whole process, as a user runs it: ``ampflux sc DOC --fault F --format json`` (all
    buses, I''k, ip, Ib exact, Ith; reading, validation, study and the JSON report written to
    /dev/null), timed from here around the process (start-up included), all cores.
power-grid-model
    Built from the same anchor data: nodes; lines (positive-sequence capacitance set to 0, as
    IEC 60909 and pandapower neglect it; zero-sequence capacitance kept); ``transformer`` with
    winding types and clock, the zero-sequence magnetising branch from mag0_percent; impedances as
    ``generic_branch`` (PGM supports it only for three-phase faults: 1ph is then n/a); the external
    grid as a ``source`` (sk, rx_ratio, z01_ratio); each generator as a further ``source`` with the
    short-circuit power of its uncorrected subtransient impedance (PGM has no IEC generator
    model) and a zero-sequence impedance equal to pandapower's open-circuit generator admittance.
    How PGM turns sk into an impedance (with or without the voltage factor c: this changed between
    PGM versions) is measured on a one-node probe at start-up. The all-bus sweep is one
    ``calculate_short_circuit`` batch with one fault per bus (threading=0: all cores); the time is
    of that call (median of --pgm-repeats, 1 when a run exceeds 10 s). PGM applies no K_T / K_G
    correction factors and refers transformer impedances differently at off-nominal ratios, so
    its Ik'' differs from pandapower's by a few percent: reported (max and median), not hidden.

Synthetic meshed grids (AmpFlux only: they contain power station units, which have no anchor
pandapower model): 1k and 10k buses, 100k with --full.

Times of pandapower and PGM cover the calculation call on an already built net/model; AmpFlux's
cover the study on an already parsed network, and (process) the whole ``ampflux sc`` process. The tools run interleaved, in rounds (each round:
pandapower LU, AmpFlux's four configurations, pandapower dense, PGM), so that on a shared machine
they see the same load; --pp-repeats / --pgm-repeats runs each (median), at least --amp-rounds
AmpFlux rounds. A tool whose first run takes longer than 10 s runs --long-repeats times in all
(default 1, 3 with --full). Spread = min..max over the runs; each ratio (median over median) is
printed with its range over the runs (the other tool's fastest run over AmpFlux's slowest, and the
reverse), and each case with the 1-min load average when it started. Everything printed is
measured in this run; the tables are also written as JSON to --out. Subsets: --networks,
--faults, --no-pgm, --no-synthetic.
"""

from __future__ import annotations

import argparse
import gzip
import json
import logging
import math
import os
import platform
import statistics
import subprocess
import sys
import time
import warnings
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Tuple

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SANITY_TOL = 1e-6
LONG_RUN_S = 10.0
FAULTS = ("3ph", "1ph")

warnings.simplefilter("ignore")
logging.disable(logging.WARNING)  # pandapower logs one notice per calc_sc call


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


# --------------------------------------------------------------------------------------------
# timing helpers
# --------------------------------------------------------------------------------------------

def stats(times: List[float]) -> Dict[str, Any]:
    return {"median_s": statistics.median(times), "min_s": min(times), "max_s": max(times),
            "repeat": len(times), "times_s": times}


def rel_dev(got: np.ndarray, ref: np.ndarray) -> Dict[str, Optional[float]]:
    """Max and median of |got / ref - 1| over the buses where both are finite and ref > 0."""
    got = np.asarray(got, dtype=float)
    ref = np.asarray(ref, dtype=float)
    mask = np.isfinite(got) & np.isfinite(ref) & (np.abs(ref) > 0)
    if not mask.any():
        return {"max": None, "median": None, "n": 0, "n_over_tol": 0}
    d = np.abs(got[mask] / ref[mask] - 1.0)
    return {"max": float(d.max()), "median": float(np.median(d)), "n": int(mask.sum()),
            "n_over_tol": int((d > SANITY_TOL).sum())}


# --------------------------------------------------------------------------------------------
# anchors
# --------------------------------------------------------------------------------------------

def load_anchor(path: Path) -> Dict[str, Any]:
    with gzip.open(path, "rt", encoding="utf-8") as f:
        return dict(json.load(f))


def col(table: Dict[str, List[Any]], name: str, dtype: Any = float) -> np.ndarray:
    return np.asarray(table[name], dtype=dtype)


def stored_ikss(anchor: Dict[str, Any], fault: str) -> np.ndarray:
    vals = anchor["results"][f"{fault}_max"]["ikss_ka"]
    return np.array([np.nan if v is None else v for v in vals], dtype=float)


# --------------------------------------------------------------------------------------------
# pandapower
# --------------------------------------------------------------------------------------------

def build_pandapower(anchor: Dict[str, Any]) -> Any:
    """The pandapower net of SCHEMA.md from an anchor document (ids kept as pandapower indices)."""
    import pandapower as pp

    net = pp.create_empty_network(name=anchor["name"], f_hz=float(anchor["f_hz"]),
                                  sn_mva=float(anchor["sn_mva"]))
    b = anchor["bus"]
    pp.create_buses(net, len(b["id"]), vn_kv=col(b, "vn_kv"), index=col(b, "id", int),
                    in_service=col(b, "in_service", bool))
    ln = anchor["line"]
    if ln["id"]:
        pp.create_lines_from_parameters(
            net, col(ln, "from_bus", int), col(ln, "to_bus", int), length_km=col(ln, "length_km"),
            r_ohm_per_km=col(ln, "r_ohm_per_km"), x_ohm_per_km=col(ln, "x_ohm_per_km"),
            c_nf_per_km=col(ln, "c_nf_per_km"), max_i_ka=1.0, index=col(ln, "id", int),
            in_service=col(ln, "in_service", bool), parallel=col(ln, "parallel", int),
            g_us_per_km=col(ln, "g_us_per_km"), r0_ohm_per_km=col(ln, "r0_ohm_per_km"),
            x0_ohm_per_km=col(ln, "x0_ohm_per_km"), c0_nf_per_km=col(ln, "c0_nf_per_km"),
            endtemp_degree=col(ln, "endtemp_degree"))
    tr = anchor["trafo"]
    if tr["id"]:
        pp.create_transformers_from_parameters(
            net, col(tr, "hv_bus", int), col(tr, "lv_bus", int), sn_mva=col(tr, "sn_mva"),
            vn_hv_kv=col(tr, "vn_hv_kv"), vn_lv_kv=col(tr, "vn_lv_kv"),
            vkr_percent=col(tr, "vkr_percent"), vk_percent=col(tr, "vk_percent"), pfe_kw=0.0,
            i0_percent=0.0, shift_degree=col(tr, "shift_degree"),
            in_service=col(tr, "in_service", bool), index=col(tr, "id", int), parallel=col(tr, "parallel", int),
            vk0_percent=col(tr, "vk0_percent"), vkr0_percent=col(tr, "vkr0_percent"),
            mag0_percent=col(tr, "mag0_percent"), mag0_rx=col(tr, "mag0_rx"),
            si0_hv_partial=col(tr, "si0_hv_partial"))
        # (a list of strings trips create_transformers_from_parameters' NaN check)
        net.trafo["vector_group"] = list(tr["vector_group"])
    im = anchor["impedance"]
    if im["id"]:
        pp.create_impedances(
            net, col(im, "from_bus", int), col(im, "to_bus", int), rft_pu=col(im, "rft_pu"),
            xft_pu=col(im, "xft_pu"), sn_mva=col(im, "sn_mva"), rtf_pu=col(im, "rtf_pu"),
            xtf_pu=col(im, "xtf_pu"), in_service=col(im, "in_service", bool),
            index=col(im, "id", int), gf_pu=0.0, bf_pu=0.0, gt_pu=0.0, bt_pu=0.0)
        # (create_impedances cannot take the zero-sequence columns as arrays)
        for c in ("rft0_pu", "xft0_pu", "rtf0_pu", "xtf0_pu"):
            net.impedance[c] = col(im, c)
        for c in ("gf0_pu", "bf0_pu", "gt0_pu", "bt0_pu"):
            net.impedance[c] = 0.0
    eg = anchor["ext_grid"]
    for i in range(len(eg["id"])):
        pp.create_ext_grid(
            net, int(eg["bus"][i]), index=int(eg["id"][i]), in_service=bool(eg["in_service"][i]),
            s_sc_max_mva=eg["s_sc_max_mva"][i], s_sc_min_mva=eg["s_sc_min_mva"][i],
            rx_max=eg["rx_max"][i], rx_min=eg["rx_min"][i], x0x_max=eg["x0x_max"][i],
            r0x0_max=eg["r0x0_max"][i], x0x_min=eg["x0x_min"][i], r0x0_min=eg["r0x0_min"][i])
    g = anchor["gen"]
    if g["id"]:
        pp.create_gens(
            net, col(g, "bus", int), p_mw=col(g, "p_mw"), vm_pu=1.0, sn_mva=col(g, "sn_mva"),
            index=col(g, "id", int), vn_kv=col(g, "vn_kv"), xdss_pu=col(g, "xdss_pu"),
            rdss_ohm=col(g, "rdss_ohm"), cos_phi=col(g, "cos_phi"),
            pg_percent=col(g, "pg_percent"), in_service=col(g, "in_service", bool))
    return net


def pandapower_runner(net: Any, fault: str, inverse_y: bool,
                      blas_threads: Optional[int] = None) -> Callable[[], np.ndarray]:
    """calc_sc with the anchors' options; blas_threads limits OpenBLAS's threads during the call
    (the dense mode's inverse is a BLAS/LAPACK job: on a shared machine OpenBLAS's default
    threads can be much slower than one)."""
    import pandapower.shortcircuit as sc

    def call() -> Any:
        sc.calc_sc(net, fault=fault, case="max", ip=True, ith=True, kappa_method="C",
                   topology="auto", tk_s=1, inverse_y=inverse_y)
        return net.res_bus_sc["ikss_ka"].copy()

    def run() -> Any:
        if blas_threads is None:
            return call()
        from threadpoolctl import threadpool_limits
        with threadpool_limits(limits=blas_threads, user_api="blas"):
            return call()
    return run


def have_threadpoolctl() -> bool:
    try:
        import threadpoolctl  # noqa: F401
        return True
    except ImportError:
        return False


# --------------------------------------------------------------------------------------------
# power-grid-model
# --------------------------------------------------------------------------------------------

def pgm_probe() -> Dict[str, float]:
    """Two one-node probes of this PGM version (110 kV node, one source of sk = 1 GVA, R/X 0.1).

    1. How PGM turns a source's sk into an impedance: its three-phase current gives
       Z = c U / (sqrt(3) I); kz = Z sk / U^2 is 1 (Z = U^2 / sk, older versions) or c
       (Z = c U^2 / sk, after PGM's fix of its issue 1352).
    2. A single-phase fault on the source's own node with z01_ratio = 2: I = sqrt(3) c U /
       |2 Z1 + Z0| gives the zero-sequence impedance PGM used there, as a multiple of Z1 (2 when
       it applies z01_ratio as documented; at other nodes it does)."""
    from power_grid_model import ComponentType as C, PowerGridModel, initialize_array

    u, sk, c = 110e3, 1e9, 1.1

    def current(fault_type: int, z01: float) -> float:
        node = initialize_array("input", C.node, 1)
        node["id"], node["u_rated"] = [1], [u]
        src = initialize_array("input", C.source, 1)
        src["id"], src["node"], src["status"], src["u_ref"] = 2, 1, 1, 1.0
        src["sk"], src["rx_ratio"], src["z01_ratio"] = sk, 0.1, z01
        f = initialize_array("input", C.fault, 1)
        f["id"], f["status"], f["fault_type"], f["fault_phase"], f["fault_object"] = 3, 1, fault_type, -1, 1
        f["r_f"], f["x_f"] = 0.0, 0.0
        model = PowerGridModel({C.node: node, C.source: src, C.fault: f}, system_frequency=50.0)
        return float(model.calculate_short_circuit()[C.fault]["i_f"][0][0])

    z1 = c * u / (math.sqrt(3) * current(0, 1.0))
    i1 = current(1, 2.0)
    return {"kz": z1 * sk / u ** 2, "z01_set": 2.0,
            "z01_used_at_source_node": math.sqrt(3) * c * u / (i1 * z1) - 2.0}


def pgm_unsupported(anchor: Dict[str, Any], fault: str) -> Optional[str]:
    """Why PGM cannot run this case (None when it can)."""
    try:
        from power_grid_model import ComponentType as C
    except ImportError:
        return "power-grid-model not installed"
    tr = anchor["trafo"]
    if any(v < 0 for v in tr.get("vk_percent", [])):
        return "negative transformer reactance (vk_percent < 0) has no PGM transformer model"
    if any(g not in ("YNyn", "Dyn", "YNd") for g in tr.get("vector_group", [])):
        return "vector group without a mapping here"
    if anchor["impedance"]["id"]:
        if not hasattr(C, "generic_branch"):
            return "impedances need generic_branch, which this PGM version lacks"
        if fault != "3ph":
            return "PGM's generic_branch (the impedances) is three-phase only"
    return None


def build_pgm(anchor: Dict[str, Any], kz: float) -> Dict[str, Any]:
    """PGM input arrays from an anchor document (see the module docstring)."""
    from power_grid_model import ComponentType as C, WindingType, initialize_array

    f_hz, sn_sys = float(anchor["f_hz"]), float(anchor["sn_mva"])
    b = anchor["bus"]
    bus_ids = col(b, "id", int)
    vn = dict(zip(bus_ids.tolist(), col(b, "vn_kv").tolist()))
    alive = dict(zip(bus_ids.tolist(), b["in_service"]))
    next_id = [int(bus_ids.max()) + 1]

    def new_ids(n: int) -> np.ndarray:
        ids = np.arange(next_id[0], next_id[0] + n)
        next_id[0] += n
        return ids

    def status(flags: List[bool], *ends: List[int]) -> np.ndarray:
        return np.array([int(s and all(alive[e[i]] for e in ends)) for i, s in enumerate(flags)])

    data: Dict[Any, np.ndarray] = {}
    node = initialize_array("input", C.node, len(bus_ids))
    node["id"] = bus_ids
    node["u_rated"] = col(b, "vn_kv") * 1e3
    data[C.node] = node

    ln = anchor["line"]
    if ln["id"]:
        n = len(ln["id"])
        km, par = col(ln, "length_km"), col(ln, "parallel")
        line = initialize_array("input", C.line, n)
        line["id"] = new_ids(n)
        line["from_node"], line["to_node"] = col(ln, "from_bus", int), col(ln, "to_bus", int)
        st = status(ln["in_service"], ln["from_bus"], ln["to_bus"])
        line["from_status"], line["to_status"] = st, st
        line["r1"] = col(ln, "r_ohm_per_km") * km / par
        line["x1"] = col(ln, "x_ohm_per_km") * km / par
        line["c1"] = 0.0  # IEC 60909 (and pandapower) neglect the positive-sequence capacitance
        line["tan1"] = 0.0
        line["r0"] = col(ln, "r0_ohm_per_km") * km / par
        line["x0"] = col(ln, "x0_ohm_per_km") * km / par
        line["c0"] = col(ln, "c0_nf_per_km") * 1e-9 * km * par
        line["tan0"] = 0.0
        data[C.line] = line

    tr = anchor["trafo"]
    if tr["id"]:
        n = len(tr["id"])
        t = initialize_array("input", C.transformer, n)
        t["id"] = new_ids(n)
        t["from_node"], t["to_node"] = col(tr, "hv_bus", int), col(tr, "lv_bus", int)
        st = status(tr["in_service"], tr["hv_bus"], tr["lv_bus"])
        t["from_status"], t["to_status"] = st, st
        sn = col(tr, "sn_mva") * 1e6 * col(tr, "parallel")
        t["u1"], t["u2"], t["sn"] = col(tr, "vn_hv_kv") * 1e3, col(tr, "vn_lv_kv") * 1e3, sn
        t["uk"] = np.abs(col(tr, "vk_percent")) / 100
        t["pk"] = col(tr, "vkr_percent") / 100 * sn
        t["i0"], t["p0"] = 0.0, 0.0
        # zero-sequence magnetising impedance: pandapower's z_m0 = mag0_percent/100 * z_k
        # (p.u. of the rating, R/X = mag0_rx); PGM takes it as a no-load current and loss
        zm0 = col(tr, "mag0_percent") / 100 * col(tr, "vk0_percent") / 100
        i0zs = np.where(zm0 > 0, 1.0 / np.where(zm0 > 0, zm0, 1.0), 0.0)
        rx = col(tr, "mag0_rx")
        t["i0_zero_sequence"] = i0zs
        t["p0_zero_sequence"] = i0zs ** 2 * (zm0 * rx / np.sqrt(1 + rx ** 2)) * sn
        kinds = {"YNyn": (WindingType.wye_n, WindingType.wye_n, 0),
                 "Dyn": (WindingType.delta, WindingType.wye_n, 5),
                 "YNd": (WindingType.wye_n, WindingType.delta, 5)}
        groups = [kinds[g] for g in tr["vector_group"]]
        t["winding_from"] = [g[0] for g in groups]
        t["winding_to"] = [g[1] for g in groups]
        t["clock"] = [g[2] for g in groups]
        t["tap_side"], t["tap_pos"], t["tap_min"], t["tap_max"], t["tap_nom"] = 0, 0, 0, 0, 0
        t["tap_size"] = 0.0
        data[C.transformer] = t

    im = anchor["impedance"]
    if im["id"]:
        n = len(im["id"])
        gb = initialize_array("input", C.generic_branch, n)
        gb["id"] = new_ids(n)
        gb["from_node"], gb["to_node"] = col(im, "from_bus", int), col(im, "to_bus", int)
        st = status(im["in_service"], im["from_bus"], im["to_bus"])
        gb["from_status"], gb["to_status"] = st, st
        # p.u. on its own sn_mva and the bus voltages (ratio 1 in p.u.): ohm on the to side,
        # where PGM's generic_branch takes r1/x1, with the nominal ratio (k = 1)
        zb = np.array([vn[t] ** 2 for t in im["to_bus"]]) / col(im, "sn_mva")
        gb["r1"], gb["x1"] = col(im, "rft_pu") * zb, col(im, "xft_pu") * zb
        gb["g1"], gb["b1"], gb["k"], gb["theta"] = 0.0, 0.0, 1.0, 0.0
        gb["sn"] = col(im, "sn_mva") * 1e6
        data[C.generic_branch] = gb

    sources: List[Tuple[int, bool, float, float, float]] = []  # node, on, sk, rx, z01
    eg = anchor["ext_grid"]
    for i in range(len(eg["id"])):
        bus = int(eg["bus"][i])
        u = vn[bus]
        c = 1.1  # c_max for every bus (lv_tol_percent = 10)
        z1 = c * u ** 2 / eg["s_sc_max_mva"][i]  # |Z_Q| ohm
        rx, x0x, r0x0 = eg["rx_max"][i], eg["x0x_max"][i], eg["r0x0_max"][i]
        z01 = x0x * math.sqrt(1 + r0x0 ** 2) / math.sqrt(1 + rx ** 2)
        sources.append((bus, bool(eg["in_service"][i]) and alive[bus], kz * u ** 2 / z1 * 1e6, rx, z01))
    g = anchor["gen"]
    for i in range(len(g["id"])):
        bus = int(g["bus"][i])
        u = vn[bus]
        x = g["xdss_pu"][i] * g["vn_kv"][i] ** 2 / g["sn_mva"][i]
        r = g["rdss_ohm"][i]
        zg = math.hypot(r, x)  # uncorrected subtransient impedance (no K_G)
        z0 = abs(complex(1e3, 1e3)) * u ** 2 / sn_sys  # pandapower's generator zero sequence
        sources.append((bus, bool(g["in_service"][i]) and alive[bus], kz * u ** 2 / zg * 1e6,
                        r / x, z0 / zg))
    src = initialize_array("input", C.source, len(sources))
    src["id"] = new_ids(len(sources))
    src["node"] = [s[0] for s in sources]
    src["status"] = [int(s[1]) for s in sources]
    src["u_ref"] = 1.0
    src["sk"] = [s[2] for s in sources]
    src["rx_ratio"] = [s[3] for s in sources]
    src["z01_ratio"] = [s[4] for s in sources]
    data[C.source] = src

    fault = initialize_array("input", C.fault, 1)
    fault_id = int(new_ids(1)[0])
    fault["id"], fault["status"], fault["fault_type"], fault["fault_phase"] = fault_id, 1, 0, -1
    fault["fault_object"], fault["r_f"], fault["x_f"] = int(bus_ids[0]), 0.0, 0.0
    data[C.fault] = fault
    live = np.array([i for i in bus_ids.tolist() if alive[i]])
    return {"input": data, "fault_id": fault_id, "fault_nodes": live, "f_hz": f_hz}


def pgm_runner(prepared: Dict[str, Any], fault: str) -> Callable[[], np.ndarray]:
    """One batch: scenario k puts the fault on node k. Returns the phase-a current in kA per
    fault node (three-phase: every phase is equal; single-phase: phase a is faulted)."""
    from power_grid_model import ComponentType as C, FaultType, PowerGridModel, initialize_array

    model = PowerGridModel(prepared["input"], system_frequency=prepared["f_hz"])
    nodes = prepared["fault_nodes"]
    upd = initialize_array("update", C.fault, (len(nodes), 1))
    upd["id"] = prepared["fault_id"]
    upd["status"] = 1
    upd["fault_object"] = nodes.reshape(-1, 1)
    upd["fault_type"] = FaultType.three_phase if fault == "3ph" else FaultType.single_phase_to_ground
    upd["fault_phase"] = -1  # default_value: all phases for 3ph, phase a for 1ph

    def run() -> np.ndarray:
        out = model.calculate_short_circuit(update_data={C.fault: upd}, threading=0,
                                            output_component_types=[C.fault])
        return np.asarray(out[C.fault]["i_f"][:, 0, 0], dtype=float) / 1e3
    return run


# --------------------------------------------------------------------------------------------
# AmpFlux
# --------------------------------------------------------------------------------------------

def ampflux_time(bin_dir: Path, doc: Path, fault: str, breaking: str, threads: Optional[int],
                 repeats: int) -> Dict[str, Any]:
    env = dict(os.environ)
    env.pop("RAYON_NUM_THREADS", None)
    if threads is not None:
        env["RAYON_NUM_THREADS"] = str(threads)
    cmd = [str(bin_dir / "ampflux-time"), "--fault", fault, "--set",
           f"breaking_current={breaking}", "--repeat", str(repeats), str(doc)]
    run = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    if run.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed: {run.stderr.strip()[-2000:]}")
    out = dict(json.loads(run.stdout.strip().splitlines()[-1]))
    out["repeat"] = int(out.get("repeat", repeats))
    return out


def ampflux_process(bin_dir: Path, doc: Path, fault: str, repeats: int) -> Dict[str, Any]:
    """Wall times of whole ``ampflux sc`` processes (exact Ib, all cores, JSON report to
    /dev/null), measured around the process."""
    env = dict(os.environ)
    env.pop("RAYON_NUM_THREADS", None)
    cmd = [str(bin_dir / "ampflux"), "sc", str(doc), "--fault", fault, "--format", "json"]
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        run = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env,
                             check=False)
        times.append(time.perf_counter() - t0)
        if run.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd)} failed: "
                               f"{run.stderr.decode(errors='replace').strip()[-2000:]}")
    return stats(times)


def merge_process(rounds: List[Dict[str, Any]]) -> Dict[str, Any]:
    """Whole-process times of several rounds: median of the round medians, overall min/max."""
    return {"median_s": statistics.median(r["median_s"] for r in rounds),
            "min_s": min(r["min_s"] for r in rounds), "max_s": max(r["max_s"] for r in rounds),
            "repeat": sum(int(r["repeat"]) for r in rounds), "rounds": len(rounds),
            "round_medians_s": [r["median_s"] for r in rounds]}


def merge_rounds(rounds: List[Dict[str, Any]]) -> Dict[str, Any]:
    """ampflux-time results of several rounds: median of the round medians, overall min/max."""
    return {"median_s": statistics.median(r["median_s"] for r in rounds),
            "min_s": min(r["min_s"] for r in rounds), "max_s": max(r["max_s"] for r in rounds),
            "repeat": sum(int(r["repeat"]) for r in rounds), "rounds": len(rounds),
            "round_medians_s": [r["median_s"] for r in rounds],
            "parse_s": statistics.median(r["parse_s"] for r in rounds),
            "buses": rounds[0]["buses"]}


def ampflux_results(bin_dir: Path, doc: Path, fault: str) -> Dict[str, Dict[str, float]]:
    """AmpFlux's Ik'', ip and Ith (kA) per bus id, from ``ampflux sc --format json``."""
    cmd = [str(bin_dir / "ampflux"), "sc", str(doc), "--fault", fault, "--format", "json",
           "--set", "breaking_current=conservative"]
    run = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if run.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed: {run.stderr.strip()[-2000:]}")
    buses = json.loads(run.stdout)["buses"]
    return {q: {str(b["id"]): (np.nan if b.get(q) is None else float(b[q])) for b in buses}
            for q in ("ikss_ka", "ip_ka", "ith_ka", "rk_ohm", "xk_ohm")}


AMP_CONFIGS = (("conservative", None), ("conservative", 1), ("exact", None), ("exact", 1))


def amp_key(breaking: str, threads: Optional[int]) -> str:
    return f"{breaking}_{'1t' if threads == 1 else 'mt'}"


# --------------------------------------------------------------------------------------------
# machine and versions
# --------------------------------------------------------------------------------------------

def loadavg() -> Optional[List[float]]:
    """The 1, 5 and 15 min load averages now (None where /proc/loadavg is missing)."""
    try:
        with open("/proc/loadavg", encoding="ascii") as f:
            return [float(x) for x in f.read().split()[:3]]
    except OSError:
        return None


def uptime() -> str:
    try:
        return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    except OSError:
        return " ".join(open("/proc/loadavg").read().split()[:3])


def versions() -> Dict[str, Any]:
    v: Dict[str, Any] = {"python": platform.python_version(), "numpy": np.__version__}
    for mod, name in (("pandapower", "pandapower"), ("power_grid_model", "power-grid-model"),
                      ("scipy", "scipy"), ("pandas", "pandas")):
        try:
            from importlib.metadata import version
            v[name] = version(name)
        except Exception:  # noqa: BLE001 - reported as missing
            v[name] = None
    try:
        head = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
                              capture_output=True, text=True).stdout.strip()
        # only what the timed binaries are built from
        dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--",
                                "ampflux-core", "ampflux-cli", "testkit", "benches/src",
                                "benches/Cargo.toml", "Cargo.toml", "Cargo.lock"],
                               capture_output=True, text=True).stdout.strip().splitlines()
        v["ampflux_git"] = head + (f" + uncommitted changes in {len(dirty)} files of ampflux-core/"
                                   f"-cli/testkit/benches/Cargo.* (built as is)" if dirty else "")
    except OSError:
        v["ampflux_git"] = None
    return v


# --------------------------------------------------------------------------------------------
# formatting
# --------------------------------------------------------------------------------------------

def fs(t: Optional[float]) -> str:
    if t is None or (isinstance(t, float) and math.isnan(t)):
        return "n/a"
    if t >= 100:
        return f"{t:.0f}"
    if t >= 0.001:
        return f"{t:.3g}"
    return f"{t:.2e}"


def fr(x: Optional[float]) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "n/a"
    return f"{x:.0f}x" if x >= 100 else f"{x:.1f}x" if x >= 10 else f"{x:.2f}x"


def frr(r: Dict[str, Any], key: str) -> str:
    """A ratio of medians with its range over the runs: 37x (16..60)."""
    if f"ratio_{key}" not in r:
        return "n/a"
    lo, hi = r[f"ratio_{key}_range"]
    return f"{fr(r[f'ratio_{key}'])} ({fr(lo)[:-1]}..{fr(hi)[:-1]})"


def fd(d: Optional[Dict[str, Any]], median: bool = False, count: bool = False) -> str:
    if not d or d.get("max") is None:
        return "n/a"
    return (f"{d['max']:.1e}" + (f" / {d['median']:.1e}" if median else "")
            + (f" ({d['n_over_tol']} > 1e-6)" if count and d.get("n_over_tol") else ""))


def spread(s: Optional[Dict[str, Any]]) -> str:
    if not s:
        return "n/a"
    return f"{fs(s['median_s'])} [{fs(s['min_s'])}..{fs(s['max_s'])}] n={s['repeat']}"


def table(headers: List[str], rows: List[List[str]]) -> str:
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h)
              for i, h in enumerate(headers)]
    line = "  ".join(h.rjust(w) if i else h.ljust(w) for i, (h, w) in enumerate(zip(headers, widths)))
    out = [line, "-" * len(line)]
    for r in rows:
        out.append("  ".join(c.rjust(w) if i else c.ljust(w) for i, (c, w) in enumerate(zip(r, widths))))
    return "\n".join(out)


# --------------------------------------------------------------------------------------------
# main
# --------------------------------------------------------------------------------------------

def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", type=Path, default=ROOT / "target" / "release",
                    help="directory with ampflux-time and ampflux (release build)")
    ap.add_argument("--data", type=Path, default=ROOT / "target" / "bench" / "data",
                    help="the ampflux-testkit export (anchors/, synthetic/)")
    ap.add_argument("--anchors", type=Path, default=ROOT.parent / "shared" / "anchors" / "networks",
                    help="the anchor .json.gz files")
    ap.add_argument("--out", type=Path, default=ROOT / "target" / "bench" / "compare.json")
    ap.add_argument("--networks", default="",
                    help="comma-separated anchor names (default: every anchor with >= --min-buses)")
    ap.add_argument("--min-buses", type=int, default=1000)
    ap.add_argument("--faults", default="3ph,1ph", help="comma-separated, of 3ph,1ph")
    ap.add_argument("--full", action="store_true",
                    help="also pandapower's dense mode on every grid, the 100k-bus synthetic "
                         "grid and --long-repeats 3")
    ap.add_argument("--dense-max-buses", type=int, default=5000,
                    help="pandapower dense mode (inverse_y=True) only up to this size unless --full")
    ap.add_argument("--pp-repeats", type=int, default=5, help="pandapower runs per case (< 10 s)")
    ap.add_argument("--pgm-repeats", type=int, default=3, help="PGM batch runs per case (< 10 s)")
    ap.add_argument("--amp-repeats", type=int, default=5,
                    help="ampflux-time --repeat per round (one round per pandapower run)")
    ap.add_argument("--amp-rounds", type=int, default=3, help="at least this many AmpFlux rounds")
    ap.add_argument("--pgm-1ph-max-buses", type=int, default=5000,
                    help="PGM's single-phase sweep only up to this size unless --full")
    ap.add_argument("--long-repeats", type=int, default=None,
                    help="runs when the first one exceeds 10 s (default 1; 3 with --full)")
    ap.add_argument("--no-pgm", action="store_true")
    ap.add_argument("--no-synthetic", action="store_true")
    args = ap.parse_args()
    long_repeats = args.long_repeats if args.long_repeats is not None else (3 if args.full else 1)
    faults = [f for f in args.faults.split(",") if f]
    if any(f not in FAULTS for f in faults):
        ap.error(f"--faults: one of {FAULTS}")
    for exe in ("ampflux-time", "ampflux"):
        if not (args.bin / exe).is_file():
            ap.error(f"{args.bin / exe} missing: cargo build --release (see compare.sh)")

    anchors = sorted(args.anchors.glob("*.json.gz"), key=lambda p: p.stat().st_size)
    if args.networks:
        wanted = [n.strip() for n in args.networks.split(",") if n.strip()]
        by_name = {p.name[: -len(".json.gz")]: p for p in anchors}
        missing = [n for n in wanted if n not in by_name]
        if missing:
            ap.error(f"no anchor named {missing} in {args.anchors}")
        anchors = [by_name[n] for n in wanted]

    meta: Dict[str, Any] = {"cores": os.cpu_count(), "uptime_start": uptime(), "versions": versions(),
                            "command": " ".join(sys.argv), "full": args.full,
                            "rayon_threads_mt": os.environ.get("RAYON_NUM_THREADS", "all cores")}
    log(f"machine: {meta['cores']} cores; {meta['uptime_start']}")
    log(f"versions: {json.dumps(meta['versions'])}")

    failures: List[str] = []
    import pandapower  # noqa: F401 - import cost outside the timings

    # warm pandapower's and PGM's code paths on the smallest anchor (not reported)
    smallest = min(args.anchors.glob("*.json.gz"), key=lambda p: p.stat().st_size)
    warm = build_pandapower(load_anchor(smallest))
    for fault in FAULTS:
        for inv in (False, True):
            pandapower_runner(warm, fault, inv)()
        if have_threadpoolctl():
            pandapower_runner(warm, fault, True, blas_threads=1)()

    probe: Optional[Dict[str, float]] = None
    if not args.no_pgm:
        try:
            probe = pgm_probe()
            meta["pgm_probe"] = probe
            log(f"PGM probes: source Z = {probe['kz']:.4f} U^2/sk (1: without c, 1.1: with c_max); "
                f"1ph fault on a source's node with z01_ratio 2 uses Z0 = "
                f"{probe['z01_used_at_source_node']:.3f} Z1")
        except ImportError:
            log("power-grid-model not installed: PGM columns are n/a")

    rows: List[Dict[str, Any]] = []
    for path in anchors:
        anchor = load_anchor(path)
        name, n_bus = anchor["name"], len(anchor["bus"]["id"])
        if not args.networks and n_bus < args.min_buses:
            continue
        doc = args.data / "anchors" / f"{name}.json"
        if not doc.is_file():
            failures.append(f"{name}: {doc} missing (ampflux-testkit export)")
            continue
        t0 = time.perf_counter()
        net = build_pandapower(anchor)
        t_build = time.perf_counter() - t0
        ids = col(anchor["bus"], "id", int)
        pgm_prepared = None
        pgm_build_s = None
        for fault in faults:
            row: Dict[str, Any] = {"network": name, "buses": n_bus, "fault": f"{fault} max",
                                   "pandapower_net_build_s": t_build, "loadavg_start": loadavg()}
            log(f"{name} ({n_bus} buses) {fault} max ...")
            stored = stored_ikss(anchor, fault)

            # the tools that run on this case, each a callable returning Ik'' (kA) per bus id
            runners: Dict[str, Callable[[], np.ndarray]] = {}
            lu = pandapower_runner(net, fault, False)
            runners["pp_lu"] = lambda lu=lu: lu().reindex(ids).to_numpy(dtype=float)
            if args.full or n_bus <= args.dense_max_buses:
                dense = pandapower_runner(net, fault, True)
                runners["pp_dense"] = lambda dense=dense: dense().reindex(ids).to_numpy(dtype=float)
                if have_threadpoolctl():
                    dense1 = pandapower_runner(net, fault, True, blas_threads=1)
                    runners["pp_dense_blas1"] = lambda d=dense1: d().reindex(ids).to_numpy(dtype=float)
            else:
                row["pp_dense_skipped"] = f"> {args.dense_max_buses} buses (run with --full)"
            why = "--no-pgm" if args.no_pgm else ("power-grid-model not installed" if probe is None
                                                  else pgm_unsupported(anchor, fault))
            if why is None and fault == "1ph" and n_bus > args.pgm_1ph_max_buses and not args.full:
                why = (f"single-phase sweep skipped above {args.pgm_1ph_max_buses} buses "
                       f"(minutes per run; --full runs it)")
            if why is None:
                try:
                    if pgm_prepared is None:
                        t0 = time.perf_counter()
                        pgm_prepared = build_pgm(anchor, probe["kz"])  # type: ignore[index]
                        pgm_build_s = time.perf_counter() - t0
                    pgm_run = pgm_runner(pgm_prepared, fault)
                    pos = {v: k for k, v in enumerate(pgm_prepared["fault_nodes"].tolist())}
                    take = np.array([pos.get(i, -1) for i in ids.tolist()])

                    def run_pgm(pgm_run: Callable[[], np.ndarray] = pgm_run,
                                take: np.ndarray = take) -> np.ndarray:
                        out = pgm_run()
                        return np.where(take >= 0, out[np.maximum(take, 0)], np.nan)
                    runners["pgm"] = run_pgm
                    row["pgm_input_build_s"] = pgm_build_s
                except Exception as e:  # noqa: BLE001 - a failure of the tool is reported
                    failures.append(f"{name} {fault}: power-grid-model failed: {type(e).__name__}: {e}")
                    why = f"failed: {type(e).__name__}: {str(e).splitlines()[0][:200]}"
            if why is not None:
                row["pgm_na"] = why

            # interleaved rounds, so that every tool sees the same machine load: each round runs
            # each tool that still needs runs once (AmpFlux: every configuration with
            # --amp-repeats); a tool whose first run exceeds 10 s runs --long-repeats times
            plan = {"pp_lu": args.pp_repeats, "pp_dense": args.pp_repeats,
                    "pp_dense_blas1": args.pp_repeats, "pgm": args.pgm_repeats}
            times: Dict[str, List[float]] = {k: [] for k in runners}
            first: Dict[str, np.ndarray] = {}
            amp_rounds: Dict[str, List[Dict[str, Any]]] = {amp_key(b, t): [] for b, t in AMP_CONFIGS}
            process_rounds: List[Dict[str, Any]] = []
            rnd = 0
            while (any(len(times[k]) < plan[k] for k in runners)
                   or len(amp_rounds["conservative_mt"]) < args.amp_rounds):
                rnd += 1
                for tool in runners:
                    if len(times[tool]) >= plan[tool]:
                        continue
                    t0 = time.perf_counter()
                    try:
                        out = runners[tool]()
                    except Exception as e:  # noqa: BLE001
                        if tool != "pgm":
                            raise
                        failures.append(f"{name} {fault}: power-grid-model failed: {type(e).__name__}: {e}")
                        row["pgm_na"] = f"failed: {type(e).__name__}: {str(e).splitlines()[0][:200]}"
                        plan["pgm"] = 0
                        continue
                    t = time.perf_counter() - t0
                    times[tool].append(t)
                    if len(times[tool]) == 1:
                        first[tool] = out
                        if t > LONG_RUN_S:
                            plan[tool] = long_repeats
                    log(f"  round {rnd}: {tool} {fs(t)} s")
                    if tool == "pp_lu":  # AmpFlux right after pandapower's main mode
                        process_rounds.append(ampflux_process(args.bin, doc, fault, args.amp_repeats))
                        for b, th in AMP_CONFIGS:
                            amp_rounds[amp_key(b, th)].append(
                                ampflux_time(args.bin, doc, fault, b, th, args.amp_repeats))
                if "pp_lu" not in runners or len(times["pp_lu"]) >= plan["pp_lu"]:
                    if len(amp_rounds["conservative_mt"]) < rnd:  # pandapower done: AmpFlux alone
                        process_rounds.append(ampflux_process(args.bin, doc, fault, args.amp_repeats))
                        for b, th in AMP_CONFIGS:
                            amp_rounds[amp_key(b, th)].append(
                                ampflux_time(args.bin, doc, fault, b, th, args.amp_repeats))

            ik_pp = first["pp_lu"]
            pp_modes = {k[3:]: stats(v) for k, v in times.items() if k.startswith("pp_") and v}
            row["pandapower"] = pp_modes
            best = min(pp_modes, key=lambda m: pp_modes[m]["median_s"])
            row["pp_best_mode"] = best
            row["pp_best_s"] = pp_modes[best]["median_s"]
            row["pp_vs_stored"] = rel_dev(ik_pp, stored)
            if row["pp_vs_stored"]["max"] is None or row["pp_vs_stored"]["max"] > SANITY_TOL:
                failures.append(f"{name} {fault}: pandapower's Ik'' differs from the stored "
                                f"anchor results by {row['pp_vs_stored']['max']}")
            log(f"  pandapower LU     {spread(pp_modes['lu'])}; Ik'' vs stored anchor results "
                f"{fd(row['pp_vs_stored'])}")
            for mode in ("dense", "dense_blas1"):
                if f"pp_{mode}" in first:
                    row[f"pp_{mode}_vs_lu"] = dev = rel_dev(first[f"pp_{mode}"], ik_pp)
                    if dev["max"] is None or dev["max"] > SANITY_TOL:
                        failures.append(f"{name} {fault}: pandapower {mode} vs LU {dev['max']}")
                    log(f"  pandapower {mode:<12s} {spread(pp_modes[mode])}; Ik'' vs LU {fd(dev)}")

            amp = {k: merge_rounds(v) for k, v in amp_rounds.items()}
            amp["process"] = merge_process(process_rounds)
            row["ampflux"] = amp
            got = ampflux_results(args.bin, doc, fault)
            ik_amp = np.array([got["ikss_ka"].get(str(i), np.nan) for i in ids.tolist()])
            row["ampflux_vs_pp"] = rel_dev(ik_amp, ik_pp)
            # ip and Ith as well (reported, not a sanity condition): the last calc_sc of this
            # case left them in net.res_bus_sc (every pandapower mode gives the same values)
            # Where the Thevenin impedance has R/X <= 0 (negative-impedance branches of the
            # PEGASE grids) kappa = 1.02 + 0.98 exp(-3 R/X) is outside IEC 60909's range: the
            # tools then differ by convention (AmpFlux limits kappa to 2, pandapower does not and
            # sets m = 0 for kappa > 1.99), so those buses are also counted separately
            res_pp = net.res_bus_sc.reindex(ids)
            amp_q = {q: np.array([got[q].get(str(i), np.nan) for i in ids.tolist()])
                     for q in ("ip_ka", "ith_ka", "rk_ohm", "xk_ohm")}
            rx_pos = (amp_q["rk_ohm"] > 0) & (amp_q["xk_ohm"] > 0)
            row["buses_rx_not_positive"] = int((~rx_pos).sum())
            for q, key in (("ip_ka", "ampflux_ip_vs_pp"), ("ith_ka", "ampflux_ith_vs_pp")):
                if q in res_pp:
                    ref_q = res_pp[q].to_numpy(dtype=float)
                    row[key] = rel_dev(amp_q[q], ref_q)
                    row[key + "_rx_positive"] = rel_dev(amp_q[q][rx_pos], ref_q[rx_pos])
            if row["ampflux_vs_pp"]["max"] is None or row["ampflux_vs_pp"]["max"] > SANITY_TOL:
                failures.append(f"{name} {fault}: AmpFlux's Ik'' differs from pandapower's by "
                                f"{row['ampflux_vs_pp']['max']}")
            log("  AmpFlux           " + "; ".join(f"{k} {spread(v)}" for k, v in amp.items()))
            log(f"  AmpFlux vs pandapower (this run): Ik'' {fd(row['ampflux_vs_pp'])}, ip "
                f"{fd(row.get('ampflux_ip_vs_pp'))}, Ith {fd(row.get('ampflux_ith_vs_pp'))}")

            if "pgm" in first:
                ik_pgm = first["pgm"]
                row["pgm"] = stats(times["pgm"])
                row["pgm_vs_pp"] = rel_dev(ik_pgm, ik_pp)
                gen_bus = np.isin(ids, col(anchor["gen"], "bus", int))
                row["pgm_vs_pp_gen_buses"] = rel_dev(ik_pgm[gen_bus], ik_pp[gen_bus])
                row["pgm_vs_pp_other_buses"] = rel_dev(ik_pgm[~gen_bus], ik_pp[~gen_bus])
                log(f"  PGM               {spread(row['pgm'])}; Ik'' vs pandapower max/median: "
                    f"generator buses {fd(row['pgm_vs_pp_gen_buses'], True)}, other buses "
                    f"{fd(row['pgm_vs_pp_other_buses'], True)}")
            elif "pgm_na" in row:
                log(f"  PGM n/a: {row['pgm_na']}")

            # ratio of the medians, and its range over the runs (slowest over fastest run of
            # the other tool and the reverse: how far the machine's noise moves it)
            pp_best = pp_modes[best]
            for key, num, den in (("pp_amp_process", pp_best, amp["process"]),
                                  ("pp_amp_mt", pp_best, amp["conservative_mt"]),
                                  ("pp_amp_1t", pp_best, amp["conservative_1t"]),
                                  ("pp_amp_exact_mt", pp_best, amp["exact_mt"]),
                                  ("pp_amp_exact_1t", pp_best, amp["exact_1t"]),
                                  ("pgm_amp_mt", row.get("pgm"), amp["conservative_mt"]),
                                  ("pgm_amp_1t", row.get("pgm"), amp["conservative_1t"])):
                if num is not None:
                    row[f"ratio_{key}"] = num["median_s"] / den["median_s"]
                    row[f"ratio_{key}_range"] = [num["min_s"] / den["max_s"],
                                                 num["max_s"] / den["min_s"]]
            rows.append(row)

    # synthetic meshed grids: AmpFlux only
    synthetic: List[Dict[str, Any]] = []
    if not args.no_synthetic:
        sizes = [1000, 10000] + ([100000] if args.full else [])
        for size in sizes:
            doc = args.data / "synthetic" / f"meshed_{size}.json"
            if not doc.is_file():
                failures.append(f"{doc} missing (ampflux-testkit export)")
                continue
            for fault in faults:
                log(f"synthetic meshed_{size} {fault} max (AmpFlux only) ...")
                rounds: Dict[str, List[Dict[str, Any]]] = {amp_key(b, t): [] for b, t in AMP_CONFIGS}
                process: List[Dict[str, Any]] = []
                for _ in range(args.amp_rounds):
                    process.append(ampflux_process(args.bin, doc, fault, args.amp_repeats))
                    for b, t in AMP_CONFIGS:
                        rounds[amp_key(b, t)].append(
                            ampflux_time(args.bin, doc, fault, b, t, args.amp_repeats))
                amp = {k: merge_rounds(v) for k, v in rounds.items()}
                amp["process"] = merge_process(process)
                synthetic.append({"network": f"meshed_{size}", "buses": amp["conservative_mt"]["buses"],
                                  "fault": f"{fault} max", "ampflux": amp,
                                  "parse_s": amp["conservative_mt"]["parse_s"]})

    meta["uptime_end"] = uptime()

    # ---- report ----
    print()
    print(f"All-bus IEC 60909 studies (case max), times in s (median of the repeats), measured in "
          f"this run on {meta['cores']} cores.")
    print(f"load at start: {meta['uptime_start']}")
    print(f"load at end:   {meta['uptime_end']}")
    print("versions: " + ", ".join(f"{k} {v}" for k, v in meta["versions"].items()))
    if probe is not None:
        print(f"PGM probes: source impedance Z = {probe['kz']:.4f} U^2/sk; a 1ph fault on the node "
              f"of a source with z01_ratio = 2 is computed with Z0 = "
              f"{probe['z01_used_at_source_node']:.3f} Z1 (2 expected)")

    print()
    print("1. Times, s: median of the runs (the spread is in table 4). pandapower: its faster mode "
          "(lu = inverse_y=False,\n   dense = inverse_y=True, dense_blas1 = the same with one BLAS "
          "thread); AmpFlux: cons = conservative Ib (Ib = Ik'',\n   what pandapower computes), exact "
          "= Ib with the decay of every machine; mt = all cores, 1t = RAYON_NUM_THREADS=1;\n   "
          "Amp process = the whole `ampflux sc --format json` process (read, study with exact Ib, "
          "report written), all cores")
    th = ["network", "buses", "fault", "pandapower (mode)", "PGM", "Amp process", "Amp cons mt",
          "Amp cons 1t", "Amp exact mt", "Amp exact 1t", "load 1-min"]
    tb = []
    for r in rows:
        a = r["ampflux"]
        tb.append([r["network"], str(r["buses"]), r["fault"],
                   f"{fs(r['pp_best_s'])} ({r['pp_best_mode']})",
                   fs(r["pgm"]["median_s"]) if "pgm" in r else "n/a",
                   *(fs(a[k]["median_s"]) for k in ("process", "conservative_mt", "conservative_1t",
                                                    "exact_mt", "exact_1t")),
                   f"{r['loadavg_start'][0]:.1f}" if r.get("loadavg_start") else "n/a"])
    print(table(th, tb))

    print()
    print("2. Speed ratios: other tool's median time over AmpFlux's, in brackets the range over the "
          "runs\n   (other tool's fastest run / AmpFlux's slowest .. slowest / fastest)")
    rh = ["network", "fault", "pp/Amp process", "pp/Amp cons mt", "pp/Amp cons 1t", "pp/Amp exact mt",
          "PGM/Amp cons mt", "PGM/Amp cons 1t"]
    rb = [[r["network"], r["fault"], frr(r, "pp_amp_process"), frr(r, "pp_amp_mt"), frr(r, "pp_amp_1t"),
           frr(r, "pp_amp_exact_mt"), frr(r, "pgm_amp_mt"), frr(r, "pgm_amp_1t")] for r in rows]
    print(table(rh, rb))

    print()
    print("3. Deviations, max |x / x_ref - 1| over the buses. Sanity conditions (<= 1e-6): pandapower "
          "vs the anchor's stored results,\n   AmpFlux vs pandapower of this run (Ik''). ip, Ith: "
          "reported only (pandapower 3.5.6 gives none for 1ph: n/a). PGM (a different model: no "
          "K_T/K_G,\n   generators as sources): max / median, separately at buses without and with a "
          "generator")
    dh = ["network", "fault", "pp-stored Ik''", "Amp-pp Ik''", "Amp-pp ip", "Amp-pp Ith",
          "R/X<=0 buses", "ip, Ith at R/X>0", "PGM-pp other buses", "PGM-pp gen buses"]
    db = [[r["network"], r["fault"], fd(r["pp_vs_stored"]), fd(r["ampflux_vs_pp"]),
           fd(r.get("ampflux_ip_vs_pp"), count=True), fd(r.get("ampflux_ith_vs_pp"), count=True),
           str(r.get("buses_rx_not_positive", "n/a")),
           (f"{fd(r.get('ampflux_ip_vs_pp_rx_positive'))}, {fd(r.get('ampflux_ith_vs_pp_rx_positive'))}"
            if "ampflux_ip_vs_pp" in r else "n/a"),
           fd(r.get("pgm_vs_pp_other_buses"), True), fd(r.get("pgm_vs_pp_gen_buses"), True)]
          for r in rows]
    print(table(dh, db))
    print("   R/X<=0 buses: Thevenin R or X (AmpFlux's) not positive, from negative-impedance "
          "branches; there kappa is outside IEC 60909's\n   range and the tools differ by "
          "convention (AmpFlux: kappa limited to 2, m = 2; pandapower: kappa unlimited, m = 0 "
          "for kappa > 1.99).\n   Ith of 60 Hz grids (ACTIVSg): pandapower evaluates m with f = "
          "50 Hz, AmpFlux with the network's frequency.")
    notes = [f"  {r['network']} {r['fault']}: PGM n/a: {r['pgm_na']}" for r in rows if "pgm_na" in r]
    notes += [f"  {r['network']} {r['fault']}: pandapower dense mode skipped: {r['pp_dense_skipped']}"
              for r in rows if "pp_dense_skipped" in r]
    if notes:
        print("\n".join(notes))

    print()
    print("4. Spread: median [min..max] n=runs, s (AmpFlux: median of the round medians, min and "
          "max over every run)")
    sh = ["network", "fault", "pandapower LU", "pp dense", "pp dense 1 BLAS thr", "PGM", "Amp process",
          "Amp cons mt", "Amp cons 1t", "Amp exact mt", "Amp exact 1t"]
    sb = []
    for r in rows:
        a = r["ampflux"]
        sb.append([r["network"], r["fault"], spread(r["pandapower"].get("lu")),
                   spread(r["pandapower"].get("dense")), spread(r["pandapower"].get("dense_blas1")),
                   spread(r.get("pgm")),
                   *(spread(a[k]) for k in ("process", "conservative_mt", "conservative_1t", "exact_mt",
                                            "exact_1t"))])
    print(table(sh, sb))

    if synthetic:
        print()
        print("5. Synthetic meshed grids, AmpFlux only (power station units: no pandapower anchor "
              "model); parse and median [min..max] n=runs, s")
        yh = ["network", "buses", "fault", "parse", "process", "cons mt", "cons 1t", "exact mt",
              "exact 1t"]
        yb = [[s["network"], str(s["buses"]), s["fault"], fs(s["parse_s"]),
               *(spread(s["ampflux"][k]) for k in ("process", "conservative_mt", "conservative_1t",
                                                   "exact_mt", "exact_1t"))]
              for s in synthetic]
        print(table(yh, yb))

    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"meta": meta, "rows": rows, "synthetic": synthetic,
                                    "failures": failures}, indent=1, default=float))
    print(f"\nwritten: {args.out}")
    if failures:
        print("\nFAILURES:", file=sys.stderr)
        for f in failures:
            print(f"  {f}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
