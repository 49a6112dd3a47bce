"""Conversion between pandapower networks and AmpFlux networks (pandapower is optional).

``from_pandapower(net)`` maps pandapower's element tables and short-circuit columns onto the
AmpFlux network format; ``to_pandapower(network)`` goes the other way, so the same model can
be solved by both (``pandapower.shortcircuit.calc_sc``). Ids: buses keep pandapower's bus
index as their id (``"7"``); other elements get a table prefix and their index
(``L3`` line, ``T2`` trafo, ``T3W0`` trafo3w, ``Q0`` ext_grid, ``G1`` gen, ``S4`` sgen,
``M0`` motor, ``Z5`` impedance, ``SW2`` switch, ``LD9`` load, ``W1`` ward, ``XW0`` xward,
``SH3`` shunt). ``to_pandapower`` reuses those indices when the ids have this form.

These are conversions only: every number keeps its meaning; where pandapower and the format
spell a quantity differently the conversion is exact (``rdss_ohm`` <-> ``rdss_pu`` on the
machine rating, ``mag0_percent`` / 100 = ``zm0_over_zk0``).
"""

from __future__ import annotations

import math
import re
import warnings
from typing import Any, Dict, List, Optional, Tuple

from ampflux._ampflux import Network
from ampflux.errors import FormatError

__all__ = ["from_pandapower", "to_pandapower", "PREFIX"]

#: Id prefix of each pandapower table.
PREFIX: Dict[str, str] = {
    "line": "L",
    "trafo": "T",
    "trafo3w": "T3W",
    "ext_grid": "Q",
    "gen": "G",
    "sgen": "S",
    "motor": "M",
    "impedance": "Z",
    "switch": "SW",
    "load": "LD",
    "ward": "W",
    "xward": "XW",
    "shunt": "SH",
}


def _num(value: Any) -> Optional[float]:
    """A finite float, or None for missing values (None, NaN)."""
    if value is None:
        return None
    try:
        f = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) else f


def _flag(value: Any) -> Optional[bool]:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return bool(value)


def _text(value: Any) -> Optional[str]:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    text = str(value)
    return text if text else None


def _rows(net: Any, table: str) -> List[Dict[str, Any]]:
    if table not in net or net[table] is None or len(net[table]) == 0:
        return []
    df = net[table]
    return [dict(zip(df.columns, row), index=idx) for idx, row in zip(df.index, df.itertuples(index=False))]


def _clean(element: Dict[str, Any]) -> Dict[str, Any]:
    return {k: v for k, v in element.items() if v is not None}


def _common(row: Dict[str, Any]) -> Dict[str, Any]:
    return {"name": _text(row.get("name")), "in_service": _flag(row.get("in_service"))}


def _bus(value: Any) -> str:
    return str(int(value))


def from_pandapower(net: Any, name: Optional[str] = None) -> Network:
    """An AmpFlux ``Network`` from a pandapower net (its short-circuit data included).

    Mapped: bus, ext_grid (s_sc_max/min_mva, rx_max/min, x0x_max/min, r0x0_max/min), line
    (r/x/c, r0/x0/c0, parallel, endtemp_degree), trafo (vk/vkr, vk0/vkr0, mag0_percent,
    mag0_rx, si0_hv_partial, vector_group, taps, oltc, power_station_unit, pt_percent,
    xn_ohm/rn_ohm), trafo3w, gen (rdss_ohm -> rdss_pu, xdss_pu, cos_phi, pg_percent,
    power_station_trafo), sgen by generator_type (current_source -> full converter with k,
    async -> asynchronous with lrc_pu/rx, async_doubly_fed -> doubly fed with max_ik_ka/kappa/rx),
    motor, impedance, switch, load, ward and xward (their pz_mw/qz_mvar become ``shunts`` of
    kind ``network_equivalent``), shunt (``shunts`` of kind ``compensation``, which IEC 60909
    neglects, as calc_sc does).

    Conventions, each calc_sc's: a ward's shunt admittance is pz_mw + j*qz_mvar at 1 p.u.
    (calc_sc's reading; its power flow reads qz_mvar with the opposite sign), so the shunt's
    ``q_mvar`` is -qz_mvar; an xward's voltage source behind r_ohm/x_ohm is a power-flow model
    that calc_sc leaves out too. A transformer without vector_group keeps none (three-phase
    and line-to-line studies run; earth-fault studies name the transformer). Elements that
    pandapower's short-circuit calculation ignores (an sgen with ``current_source=False`` and
    no generator_type) are left out with a warning, as are tables without a counterpart
    (storage, dcline, svc, ...). An impedance whose tf values differ from its ft values (a
    non-reciprocal branch) has no counterpart in the reciprocal sequence networks of IEC 60909
    and is refused with a FormatError naming it.
    """
    bus_vn: Dict[int, float] = {}
    doc: Dict[str, Any] = {
        "format": "ampflux-network",
        "version": 1,
        "frequency_hz": float(getattr(net, "f_hz", 50.0) or 50.0),
    }
    net_name = name if name is not None else _text(getattr(net, "name", None))
    if net_name:
        doc["name"] = net_name

    buses = []
    for r in _rows(net, "bus"):
        bus_vn[int(r["index"])] = float(r["vn_kv"])
        buses.append(_clean({"id": _bus(r["index"]), "vn_kv": _num(r["vn_kv"]), **_common(r)}))
    doc["buses"] = buses

    grids = []
    for r in _rows(net, "ext_grid"):
        e = {"id": f"Q{r['index']}", "bus": _bus(r["bus"]), **_common(r)}
        for key in ("s_sc_max_mva", "s_sc_min_mva", "rx_max", "rx_min", "x0x_max", "r0x0_max",
                    "x0x_min", "r0x0_min"):
            e[key] = _num(r.get(key))
        grids.append(_clean(e))
    doc["external_grids"] = grids

    lines = []
    for r in _rows(net, "line"):
        e = {"id": f"L{r['index']}", "from_bus": _bus(r["from_bus"]), "to_bus": _bus(r["to_bus"]),
             **_common(r)}
        for key in ("length_km", "r_ohm_per_km", "x_ohm_per_km", "c_nf_per_km", "r0_ohm_per_km",
                    "x0_ohm_per_km", "c0_nf_per_km", "endtemp_degree"):
            e[key] = _num(r.get(key))
        parallel = _num(r.get("parallel"))
        e["parallel"] = int(parallel) if parallel is not None else None
        lines.append(_clean(e))
    doc["lines"] = lines

    trafos = []
    for r in _rows(net, "trafo"):
        vg = _text(r.get("vector_group"))
        e = {"id": f"T{r['index']}", "hv_bus": _bus(r["hv_bus"]), "lv_bus": _bus(r["lv_bus"]),
             "vector_group": vg, **_common(r)}
        for key in ("sn_mva", "vn_hv_kv", "vn_lv_kv", "vk_percent", "vkr_percent", "vk0_percent",
                    "vkr0_percent", "tap_pos", "tap_neutral", "tap_min", "tap_max",
                    "tap_step_percent", "pt_percent"):
            e[key] = _num(r.get(key))
        mag0 = _num(r.get("mag0_percent"))
        e["zm0_over_zk0"] = mag0 / 100.0 if mag0 is not None else None
        e["rm0_over_xm0"] = _num(r.get("mag0_rx"))
        e["zm0_hv_share"] = _num(r.get("si0_hv_partial"))
        side = _text(r.get("tap_side"))
        e["tap_side"] = side if side in ("hv", "lv") else None
        e["oltc"] = _flag(r.get("oltc"))
        e["power_station_unit"] = _flag(r.get("power_station_unit"))
        parallel = _num(r.get("parallel"))
        e["parallel"] = int(parallel) if parallel is not None else None
        # pandapower's neutral impedance sits at the earthed star point of the vector group
        rn, xn = _num(r.get("rn_ohm")) or 0.0, _num(r.get("xn_ohm")) or 0.0
        if rn or xn:
            side = "hv" if (vg or "").upper().startswith("YN") else "lv"
            e[f"{side}_grounding_r_ohm"] = rn
            e[f"{side}_grounding_x_ohm"] = xn
        trafos.append(_clean(e))
    doc["transformers"] = trafos

    trafos3w = []
    for r in _rows(net, "trafo3w"):
        vg = _text(r.get("vector_group"))
        e = {"id": f"T3W{r['index']}", "hv_bus": _bus(r["hv_bus"]), "mv_bus": _bus(r["mv_bus"]),
             "lv_bus": _bus(r["lv_bus"]), "vector_group": vg,
             **_common(r)}
        for w in ("hv", "mv", "lv"):
            for key in (f"sn_{w}_mva", f"vn_{w}_kv", f"vk_{w}_percent", f"vkr_{w}_percent",
                        f"vk0_{w}_percent", f"vkr0_{w}_percent"):
                e[key] = _num(r.get(key))
        trafos3w.append(_clean(e))
    doc["transformers3w"] = trafos3w

    gens = []
    for r in _rows(net, "gen"):
        vn = _num(r.get("vn_kv")) or bus_vn[int(r["bus"])]
        sn = _num(r.get("sn_mva"))
        rdss_ohm = _num(r.get("rdss_ohm"))
        unit = _num(r.get("power_station_trafo"))
        e = {"id": f"G{r['index']}", "bus": _bus(r["bus"]), "sn_mva": sn, "vn_kv": vn,
             "cos_phi": _num(r.get("cos_phi")), "xdss_pu": _num(r.get("xdss_pu")),
             "rdss_pu": (rdss_ohm / (vn * vn / sn)) if (rdss_ohm is not None and sn) else None,
             "pg_percent": _num(r.get("pg_percent")),
             "unit_transformer": f"T{int(unit)}" if unit is not None else None, **_common(r)}
        gens.append(_clean(e))
    doc["generators"] = gens

    converters = []
    for r in _rows(net, "sgen"):
        gtype = _text(r.get("generator_type"))
        current_source = _flag(r.get("current_source"))
        base = {"id": f"S{r['index']}", "bus": _bus(r["bus"]), "sn_mva": _num(r.get("sn_mva")),
                "vn_kv": _num(r.get("vn_kv")) or bus_vn[int(r["bus"])], **_common(r)}
        if gtype == "async_doubly_fed":
            e = {**base, "kind": "doubly_fed", "i_wd_max_ka": _num(r.get("max_ik_ka")),
                 "kappa_wd": _num(r.get("kappa")), "rx": _num(r.get("rx"))}
        elif gtype == "async":
            e = {**base, "kind": "asynchronous", "lrc_pu": _num(r.get("lrc_pu")),
                 "rx": _num(r.get("rx"))}
        elif current_source is not False and gtype in (None, "current_source"):
            if base["sn_mva"] is None or _num(r.get("k")) is None:
                warnings.warn(f"sgen {r['index']}: a current source without sn_mva or k has no "
                              "short-circuit data (pandapower's calc_sc refuses it); left out",
                              stacklevel=2)
                continue
            e = {**base, "kind": "full_converter", "k": _num(r.get("k")),
                 "current_angle_deg": _num(r.get("current_angle_degree"))}
        else:
            warnings.warn(f"sgen {r['index']}: not a short-circuit source in pandapower "
                          f"(current_source=False, generator_type={gtype!r}); left out",
                          stacklevel=2)
            continue
        converters.append(_clean(e))
    doc["converters"] = converters

    motors = []
    for r in _rows(net, "motor"):
        cos_phi = _num(r.get("cos_phi_n"))
        eff = _num(r.get("efficiency_n_percent"))
        e = {"id": f"M{r['index']}", "bus": _bus(r["bus"]), "pn_mw": _num(r.get("pn_mech_mw")),
             "vn_kv": _num(r.get("vn_kv")) or bus_vn[int(r["bus"])],
             "cos_phi": cos_phi if cos_phi is not None else _num(r.get("cos_phi")),
             "efficiency_percent": eff if eff is not None else _num(r.get("efficiency_percent")),
             "lrc_pu": _num(r.get("lrc_pu")), "rx": _num(r.get("rx")), **_common(r)}
        motors.append(_clean(e))
    doc["motors"] = motors

    imps = []
    for r in _rows(net, "impedance"):
        rft, xft = _num(r.get("rft_pu")), _num(r.get("xft_pu"))
        asymmetric = [f"{tf} = {_num(r.get(tf))} != {ft} = {_num(r.get(ft))}"
                      for ft, tf in (("rft_pu", "rtf_pu"), ("xft_pu", "xtf_pu"),
                                     ("rft0_pu", "rtf0_pu"), ("xft0_pu", "xtf0_pu"))
                      if _num(r.get(tf)) is not None and _num(r.get(tf)) != _num(r.get(ft))]
        if asymmetric and _flag(r.get("in_service")) is not False:
            raise FormatError(
                f"impedance {r['index']}: a non-reciprocal branch ({'; '.join(asymmetric)}); the "
                "sequence networks of IEC 60909 are reciprocal, so it has no exact counterpart "
                "(replacing it by its from-to values would be 9-36 % off)",
                "format_error", path=f"pandapower.impedance[{r['index']}]")
        e = {"id": f"Z{r['index']}", "from_bus": _bus(r["from_bus"]), "to_bus": _bus(r["to_bus"]),
             "sn_mva": _num(r.get("sn_mva")), "r_pu": rft, "x_pu": xft,
             "r0_pu": _num(r.get("rft0_pu")), "x0_pu": _num(r.get("xft0_pu")), **_common(r)}
        imps.append(_clean(e))
    doc["impedances"] = imps

    switches = []
    prefixes = {"b": "", "l": "L", "t": "T", "t3": "T3W"}
    for r in _rows(net, "switch"):
        et = _text(r.get("et"))
        if et not in prefixes:
            warnings.warn(f"switch {r['index']}: element type {et!r} has no counterpart; left out",
                          stacklevel=2)
            continue
        z = _num(r.get("z_ohm"))
        e = {"id": f"SW{r['index']}", "bus": _bus(r["bus"]),
             "element": f"{prefixes[et]}{int(r['element'])}", "closed": bool(r["closed"]),
             "r_ohm": z if (et == "b" and z) else None, "name": _text(r.get("name")),
             "in_service": _flag(r.get("in_service"))}
        switches.append(_clean(e))
    doc["switches"] = switches

    loads = []
    for r in _rows(net, "load"):
        e = {"id": f"LD{r['index']}", "bus": _bus(r["bus"]), "p_mw": _num(r.get("p_mw")),
             "q_mvar": _num(r.get("q_mvar")), **_common(r)}
        loads.append(_clean(e))
    doc["loads"] = loads

    shunts = []
    for table in ("ward", "xward"):
        for r in _rows(net, table):
            # calc_sc adds pz_mw + j*qz_mvar (at 1 p.u.) to the bus admittance
            qz = _num(r.get("qz_mvar"))
            shunts.append(_clean({
                "id": f"{PREFIX[table]}{r['index']}", "bus": _bus(r["bus"]),
                "kind": "network_equivalent", "p_mw": _num(r.get("pz_mw")),
                "q_mvar": -qz if qz is not None else None, **_common(r)}))
    for r in _rows(net, "shunt"):
        step = _num(r.get("step"))
        step = 1.0 if step is None else step
        p, q = _num(r.get("p_mw")), _num(r.get("q_mvar"))
        shunts.append(_clean({
            "id": f"SH{r['index']}", "bus": _bus(r["bus"]), "kind": "compensation",
            "p_mw": p * step if p is not None else None,
            "q_mvar": q * step if q is not None else None,
            "vn_kv": _num(r.get("vn_kv")), **_common(r)}))
    if shunts:
        doc["shunts"] = shunts

    missing = _missing(doc)
    if missing:
        raise FormatError(
            "the pandapower net lacks short-circuit data: " + "; ".join(missing),
            "format_error", path="pandapower")
    for table in ("storage", "dcline", "svc", "tcsc", "ssc", "vsc"):
        if table in net and net[table] is not None and len(net[table]) > 0:
            warnings.warn(f"pandapower table {table!r} has no AmpFlux counterpart; left out",
                          stacklevel=2)
    return Network.from_dict(doc)


#: Fields the format requires, with the pandapower column each comes from.
_REQUIRED: Dict[str, Dict[str, str]] = {
    "external_grids": {"s_sc_max_mva": "s_sc_max_mva"},
    "generators": {"sn_mva": "sn_mva", "vn_kv": "vn_kv", "cos_phi": "cos_phi",
                   "xdss_pu": "xdss_pu"},
    "motors": {"pn_mw": "pn_mech_mw", "cos_phi": "cos_phi_n", "efficiency_percent":
               "efficiency_n_percent", "lrc_pu": "lrc_pu"},
    "converters": {"sn_mva": "sn_mva"},
}
_TABLE_OF = {"external_grids": "ext_grid", "generators": "gen", "motors": "motor",
             "converters": "sgen"}


def _missing(doc: Dict[str, Any]) -> List[str]:
    """pandapower elements without the short-circuit data the format requires."""
    out = []
    for table, fields in _REQUIRED.items():
        for e in doc.get(table, []):
            absent = [col for key, col in fields.items() if key not in e]
            if absent:
                pp_table = _TABLE_OF[table]
                index = e["id"][len(PREFIX[pp_table]):]
                out.append(f"{pp_table} {index}: {', '.join(absent)}")
    return out


def _index(element_id: str, prefix: str) -> Optional[int]:
    m = re.fullmatch(re.escape(prefix) + r"(\d+)", element_id)
    return int(m.group(1)) if m else None


def _nan(value: Any) -> float:
    return float("nan") if value is None else float(value)


def _rg_fictitious(vn_kv: float, sn_mva: float) -> float:
    """IEC 60909-0 §6.6.1 R_Gf / X''d, the rule the format applies when rdss_pu is absent
    (pandapower needs an explicit rdss_ohm)."""
    if vn_kv <= 1.0:
        return 0.15
    return 0.05 if sn_mva >= 100.0 else 0.07


def _motor_rx(vn_kv: float, pn_mw: float, pole_pairs: int) -> float:
    """IEC 60909-0 §6.8 R_M/X_M, the rule the format applies when rx is absent."""
    if vn_kv <= 1.0:
        return 0.42
    return 0.1 if pn_mw / pole_pairs >= 1.0 else 0.15


def _indices(elements: List[Dict[str, Any]], prefix: str) -> Optional[List[int]]:
    """pandapower indices from ids like `L3` when every id of the table has that form."""
    ix = [_index(e["id"], prefix) for e in elements]
    if any(i is None for i in ix) or len(set(ix)) != len(ix):
        return None
    return [int(i) for i in ix if i is not None]


def _col(elements: List[Dict[str, Any]], key: str, default: Any = None) -> List[Any]:
    return [e.get(key, default) for e in elements]


def _fcol(elements: List[Dict[str, Any]], key: str) -> List[float]:
    """A float column with NaN for absent values (pandapower's missing value)."""
    return [_nan(e.get(key)) for e in elements]


def _set(df: Any, index: Any, column: str, values: List[Any]) -> None:
    """Sets a column for the rows `index` (the whole table when it was created in one go,
    so that the column takes the values' own dtype)."""
    if len(df) == len(values) and list(df.index) == list(index):
        df[column] = values
    else:
        df.loc[index, column] = values


def to_pandapower(network: Network) -> Any:
    """A pandapower net with the same short-circuit model as ``network``.

    Bus ids that are integers become pandapower bus indices; ``L3``-style ids keep their
    number as index (when all ids of a table have that form). Values the format leaves to
    IEC 60909 defaults but pandapower needs explicitly are written out by the same rules
    (generator R_Gf when ``rdss_pu`` is absent, motor R/X when ``rx`` is absent). pandapower
    has no generator zero-sequence data or earthing, no bus-level voltage factors and no
    per-element ``count``: such fields raise a warning and are not carried over. Elements are
    created table by table with pandapower's bulk functions. ``net.bus["ampflux_id"]`` holds
    the AmpFlux bus id of every pandapower bus, to line up ``res_bus_sc`` with AmpFlux
    results.
    """
    import pandapower as pp

    doc = network.to_dict()
    net = pp.create_empty_network(name=doc.get("name") or "", f_hz=doc.get("frequency_hz", 50.0))

    buses = doc.get("buses", [])
    numeric = [b["id"] for b in buses if b["id"].isdigit()]
    if len(set(numeric)) == len(buses):
        bus_index = [int(b["id"]) for b in buses]
    else:
        bus_index = list(range(len(buses)))
    bus_ix: Dict[str, int] = {b["id"]: i for b, i in zip(buses, bus_index)}
    for b in buses:
        for key in ("c_max", "c_min", "lv_tolerance_percent"):
            if key in b:
                warnings.warn(f"bus {b['id']}: `{key}` has no pandapower counterpart "
                              "(use calc_sc's lv_tol_percent)", stacklevel=2)
    if buses:
        pp.create_buses(net, len(buses), vn_kv=_col(buses, "vn_kv"), index=bus_index,
                        name=[b.get("name", b["id"]) for b in buses],
                        in_service=_col(buses, "in_service", True))
        net.bus["ampflux_id"] = [b["id"] for b in buses]  # to match results to AmpFlux ids

    def names(elements: List[Dict[str, Any]]) -> List[str]:
        return [str(e.get("name", e["id"])) for e in elements]

    def on(elements: List[Dict[str, Any]], key: str) -> List[int]:
        return [bus_ix[e[key]] for e in elements]

    for e in doc.get("external_grids", []):
        pp.create_ext_grid(net, bus=bus_ix[e["bus"]], name=str(e.get("name", e["id"])),
                           index=_index(e["id"], PREFIX["ext_grid"]),
                           in_service=e.get("in_service", True),
                           s_sc_max_mva=e["s_sc_max_mva"], s_sc_min_mva=_nan(e.get("s_sc_min_mva")),
                           rx_max=_nan(e.get("rx_max")), rx_min=_nan(e.get("rx_min", e.get("rx_max"))),
                           x0x_max=_nan(e.get("x0x_max")), r0x0_max=_nan(e.get("r0x0_max")),
                           x0x_min=_nan(e.get("x0x_min", e.get("x0x_max"))),
                           r0x0_min=_nan(e.get("r0x0_min", e.get("r0x0_max"))))

    branch_ix: Dict[str, Tuple[str, int]] = {}
    lines = doc.get("lines", [])
    if lines:
        ix = pp.create_lines_from_parameters(
            net, from_buses=on(lines, "from_bus"), to_buses=on(lines, "to_bus"),
            length_km=_col(lines, "length_km"), r_ohm_per_km=_col(lines, "r_ohm_per_km"),
            x_ohm_per_km=_col(lines, "x_ohm_per_km"), c_nf_per_km=_col(lines, "c_nf_per_km", 0.0),
            max_i_ka=float("nan"), name=names(lines), index=_indices(lines, PREFIX["line"]),
            in_service=_col(lines, "in_service", True), parallel=_col(lines, "parallel", 1),
            r0_ohm_per_km=_fcol(lines, "r0_ohm_per_km"), x0_ohm_per_km=_fcol(lines, "x0_ohm_per_km"),
            c0_nf_per_km=_col(lines, "c0_nf_per_km", 0.0),
            endtemp_degree=_col(lines, "endtemp_degree", 20.0))
        branch_ix.update({e["id"]: ("l", int(i)) for e, i in zip(lines, ix)})

    trafos = doc.get("transformers", [])
    if trafos:
        ix = pp.create_transformers_from_parameters(
            net, hv_buses=on(trafos, "hv_bus"), lv_buses=on(trafos, "lv_bus"),
            sn_mva=_col(trafos, "sn_mva"), vn_hv_kv=_col(trafos, "vn_hv_kv"),
            vn_lv_kv=_col(trafos, "vn_lv_kv"), vkr_percent=_col(trafos, "vkr_percent"),
            vk_percent=_col(trafos, "vk_percent"), pfe_kw=0.0, i0_percent=0.0,
            name=names(trafos), index=_indices(trafos, PREFIX["trafo"]),
            in_service=_col(trafos, "in_service", True), parallel=_col(trafos, "parallel", 1))
        t = net.trafo
        # pandapower spells vector groups without the clock number (`YNd`, `Dyn`); the
        # phase shift goes to shift_degree
        clocks = [re.fullmatch(r"([A-Za-z]+)(\d*)", vg or "") for vg in _col(trafos, "vector_group")]
        _set(t, ix, "vector_group", [m.group(1) if m else vg
                                     for m, vg in zip(clocks, _col(trafos, "vector_group"))])
        _set(t, ix, "shift_degree", [30.0 * int(m.group(2)) if m and m.group(2) else 0.0
                                     for m in clocks])
        _set(t, ix, "tap_side", _col(trafos, "tap_side"))
        for key in ("tap_pos", "tap_neutral", "tap_min", "tap_max", "tap_step_percent",
                    "vk0_percent", "vkr0_percent", "pt_percent"):
            _set(t, ix, key, _fcol(trafos, key))
        _set(t, ix, "mag0_percent", [_nan(e["zm0_over_zk0"] * 100.0 if "zm0_over_zk0" in e
                                          else None) for e in trafos])
        _set(t, ix, "mag0_rx", _col(trafos, "rm0_over_xm0", 0.0))
        _set(t, ix, "si0_hv_partial", _col(trafos, "zm0_hv_share", 0.5))
        _set(t, ix, "oltc", [bool(v) for v in _col(trafos, "oltc", False)])
        _set(t, ix, "power_station_unit", [bool(v) for v in _col(trafos, "power_station_unit", False)])
        rn, xn = [], []
        for e in trafos:
            r = (e.get("hv_grounding_r_ohm") or 0.0) + (e.get("lv_grounding_r_ohm") or 0.0)
            x = (e.get("hv_grounding_x_ohm") or 0.0) + (e.get("lv_grounding_x_ohm") or 0.0)
            rn.append(r)
            xn.append(x)
        if any(rn) or any(xn):
            _set(t, ix, "rn_ohm", rn)
            _set(t, ix, "xn_ohm", xn)
        branch_ix.update({e["id"]: ("t", int(i)) for e, i in zip(trafos, ix)})

    for e in doc.get("transformers3w", []):
        kw = {k: e[k] for k in e if re.fullmatch(r"(sn|vn|vk|vkr|vk0|vkr0)_(hv|mv|lv)_(mva|kv|percent)", k)}
        i = pp.create_transformer3w_from_parameters(
            net, hv_bus=bus_ix[e["hv_bus"]], mv_bus=bus_ix[e["mv_bus"]], lv_bus=bus_ix[e["lv_bus"]],
            pfe_kw=0.0, i0_percent=0.0, name=str(e.get("name", e["id"])),
            index=_index(e["id"], PREFIX["trafo3w"]), in_service=e.get("in_service", True),
            **({"vector_group": e["vector_group"]} if "vector_group" in e else {}), **kw)
        branch_ix[e["id"]] = ("t3", int(i))

    gens = doc.get("generators", [])
    if gens:
        trafo_of = {tid: ix for tid, (et, ix) in branch_ix.items() if et == "t"}
        rdss_ohm = []
        for e in gens:
            vn, sn = e["vn_kv"], e["sn_mva"]
            rdss_pu = e.get("rdss_pu")
            if rdss_pu is None:
                rdss_pu = _rg_fictitious(vn, sn) * e["xdss_pu"]
            rdss_ohm.append(rdss_pu * vn * vn / sn)
            if any(k in e for k in ("x0_pu", "grounding_r_ohm", "grounding_x_ohm")):
                warnings.warn(f"generator {e['id']}: zero-sequence data has no pandapower "
                              "counterpart (pandapower treats generators as open in the zero "
                              "sequence)", stacklevel=2)
        ix = pp.create_gens(net, buses=on(gens, "bus"), p_mw=0.0, sn_mva=_col(gens, "sn_mva"),
                            vn_kv=_col(gens, "vn_kv"), name=names(gens),
                            index=_indices(gens, PREFIX["gen"]),
                            in_service=_col(gens, "in_service", True))
        _set(net.gen, ix, "xdss_pu", _col(gens, "xdss_pu"))
        _set(net.gen, ix, "rdss_ohm", rdss_ohm)
        _set(net.gen, ix, "cos_phi", _col(gens, "cos_phi"))
        _set(net.gen, ix, "pg_percent", _col(gens, "pg_percent", 0.0))
        _set(net.gen, ix, "power_station_trafo",
             [float(trafo_of[e["unit_transformer"]]) if "unit_transformer" in e else float("nan")
              for e in gens])

    for e in doc.get("converters", []):
        common = dict(bus=bus_ix[e["bus"]], p_mw=0.0, sn_mva=e["sn_mva"],
                      name=str(e.get("name", e["id"])), index=_index(e["id"], PREFIX["sgen"]),
                      in_service=e.get("in_service", True))
        if e["kind"] == "full_converter":
            i = pp.create_sgen(net, k=e.get("k", float("nan")), current_source=True,
                               generator_type="current_source", **common)
            # the format's default angle is -90 degrees (purely inductive): said explicitly,
            # since pandapower adds magnitudes when the column is absent
            net.sgen.loc[i, "current_angle_degree"] = e.get("current_angle_deg", -90.0)
        elif e["kind"] == "doubly_fed":
            pp.create_sgen(net, current_source=False, generator_type="async_doubly_fed",
                           max_ik_ka=e.get("i_wd_max_ka", float("nan")),
                           kappa=e.get("kappa_wd", float("nan")), rx=e.get("rx", float("nan")),
                           **common)
        else:
            pp.create_sgen(net, current_source=False, generator_type="async",
                           lrc_pu=e.get("lrc_pu", float("nan")), rx=e.get("rx", float("nan")),
                           **common)

    for e in doc.get("motors", []):
        count = e.get("count", 1)
        rx = e.get("rx")
        if rx is None:
            rx = _motor_rx(e["vn_kv"], e["pn_mw"], e.get("pole_pairs", 1))
        pp.create_motor(net, bus=bus_ix[e["bus"]], pn_mech_mw=e["pn_mw"] * count,
                        cos_phi=e["cos_phi"], efficiency_percent=e["efficiency_percent"],
                        cos_phi_n=e["cos_phi"], efficiency_n_percent=e["efficiency_percent"],
                        lrc_pu=e["lrc_pu"], vn_kv=e["vn_kv"], rx=rx,
                        name=str(e.get("name", e["id"])), index=_index(e["id"], PREFIX["motor"]),
                        in_service=e.get("in_service", True))

    imps = doc.get("impedances", [])
    if imps:
        vn_of = {b["id"]: b["vn_kv"] for b in buses}
        cols: Dict[str, List[Any]] = {k: [] for k in ("sn", "r", "x", "r0", "x0")}
        for e in imps:
            if "r_pu" in e or "x_pu" in e:
                sn = e["sn_mva"]
                r, x = e.get("r_pu", 0.0), e.get("x_pu", 0.0)
                r0, x0 = e.get("r0_pu"), e.get("x0_pu")
            else:
                # ohm values: per unit on 1 MVA and the from bus's nominal voltage
                sn = 1.0
                zb = vn_of[e["from_bus"]] ** 2 / sn
                r, x = e.get("r_ohm", 0.0) / zb, e.get("x_ohm", 0.0) / zb
                r0 = e["r0_ohm"] / zb if "r0_ohm" in e else None
                x0 = e["x0_ohm"] / zb if "x0_ohm" in e else None
            for k, v in zip(("sn", "r", "x", "r0", "x0"), (sn, r, x, _nan(r0), _nan(x0))):
                cols[k].append(v)
        ix = pp.create_impedances(
            net, from_buses=on(imps, "from_bus"), to_buses=on(imps, "to_bus"),
            rft_pu=cols["r"], xft_pu=cols["x"], rtf_pu=cols["r"], xtf_pu=cols["x"],
            sn_mva=cols["sn"], name=names(imps), index=_indices(imps, PREFIX["impedance"]),
            in_service=_col(imps, "in_service", True))
        for key, values in (("rft0_pu", cols["r0"]), ("xft0_pu", cols["x0"]),
                            ("rtf0_pu", cols["r0"]), ("xtf0_pu", cols["x0"])):
            _set(net.impedance, ix, key, values)
        branch_ix.update({e["id"]: ("i", int(i)) for e, i in zip(imps, ix)})

    for e in doc.get("switches", []):
        target = e["element"]
        if target in bus_ix:
            et, element = "b", bus_ix[target]
        elif target in branch_ix and branch_ix[target][0] in ("l", "t", "t3"):
            et, element = branch_ix[target]
        else:
            warnings.warn(f"switch {e['id']}: element {target!r} cannot be switched in pandapower; "
                          "left out", stacklevel=2)
            continue
        pp.create_switch(net, bus=bus_ix[e["bus"]], element=element, et=et, closed=e["closed"],
                         name=str(e.get("name", e["id"])), index=_index(e["id"], PREFIX["switch"]),
                         z_ohm=e.get("r_ohm", 0.0))

    loads = doc.get("loads", [])
    if loads:
        pp.create_loads(net, buses=on(loads, "bus"), p_mw=_col(loads, "p_mw"),
                        q_mvar=_col(loads, "q_mvar", 0.0), name=names(loads),
                        index=_indices(loads, PREFIX["load"]),
                        in_service=_col(loads, "in_service", True))

    vn_of_bus = {b["id"]: b["vn_kv"] for b in buses}
    for e in doc.get("shunts", []):
        # powers at the bus's nominal voltage, as pandapower gives them
        scale = (vn_of_bus[e["bus"]] / e.get("vn_kv", vn_of_bus[e["bus"]])) ** 2
        p, q = e.get("p_mw", 0.0) * scale, e.get("q_mvar", 0.0) * scale
        common = dict(name=str(e.get("name", e["id"])), in_service=e.get("in_service", True))
        if e["kind"] == "network_equivalent":
            # calc_sc's reading of a ward: admittance pz_mw + j*qz_mvar at 1 p.u.
            pp.create_ward(net, bus_ix[e["bus"]], ps_mw=0.0, qs_mvar=0.0, pz_mw=p, qz_mvar=-q,
                           index=_index(e["id"], PREFIX["ward"]), **common)
        else:
            pp.create_shunt(net, bus_ix[e["bus"]], q_mvar=q, p_mw=p,
                            vn_kv=vn_of_bus[e["bus"]], index=_index(e["id"], PREFIX["shunt"]),
                            **common)
    return net


# --- a drop-in for pandapower's calc_sc -------------------------------------------------------

#: calc_sc's fault names and AmpFlux's.
_FAULTS = {"3ph": "3ph", "2ph": "2ph", "1ph": "1ph"}


def calc_sc(net: Any, bus: Any = None, fault: str = "3ph", case: str = "max",
            lv_tol_percent: float = 10, topology: str = "auto", ip: bool = False,
            ith: bool = False, tk_s: float = 1.0, kappa_method: str = "C",
            r_fault_ohm: float = 0.0, x_fault_ohm: float = 0.0, branch_results: bool = False,
            check_connectivity: bool = True, return_all_currents: bool = False,
            inverse_y: bool = True, use_pre_fault_voltage: bool = False) -> None:
    """pandapower's ``calc_sc`` with AmpFlux's engine: same arguments, same result tables.

    Converts ``net`` with :func:`from_pandapower`, runs ``Network.short_circuit`` and writes
    ``net.res_bus_sc`` (and, with ``branch_results``, ``res_line_sc``, ``res_trafo_sc``,
    ``res_trafo3w_sc``) with pandapower's columns and indices, so a pandapower script switches
    engines by importing this function instead. Every number is AmpFlux's; where the engines'
    conventions differ (documented in the README), AmpFlux's stand. ``check_connectivity`` and
    ``inverse_y`` choose pandapower's numerics and have no effect here.
    ``use_pre_fault_voltage`` (pandapower's superposition method from a load-flow state) is not
    an IEC 60909 method and raises ``NotImplementedError``.
    """
    import numpy as np

    if use_pre_fault_voltage:
        raise NotImplementedError(
            "use_pre_fault_voltage: the superposition method from a load-flow state is not "
            "implemented; AmpFlux computes IEC 60909's equivalent voltage source")
    if fault not in _FAULTS:
        raise NotImplementedError("Only 3ph, 2ph and 1ph short-circuit currents implemented")
    if case not in ("max", "min"):
        raise ValueError('case can only be "min" or "max"')
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        network = from_pandapower(net)
    buses = list(net.bus.index) if bus is None else list(np.array([bus]).ravel())
    in_service = set(int(b) for b in net.bus.index[net.bus.in_service.astype(bool)])
    ids = [str(int(b)) for b in buses if int(b) in in_service]
    result = network.short_circuit(
        fault=_FAULTS[fault], case=case, lv_tolerance_percent=float(lv_tol_percent),
        topology=topology, ip_method=str(kappa_method).lower(), tk_s=float(tk_s),
        r_fault_ohm=float(r_fault_ohm), x_fault_ohm=float(x_fault_ohm),
        buses=ids, branch_results=bool(branch_results))
    _write_bus_results(net, result, buses, fault, ip, ith)
    if branch_results:
        _write_branch_results(net, result, buses, case, fault, ip, ith, return_all_currents)


def _write_bus_results(net: Any, result: Any, buses: List[Any], fault: str, ip: bool,
                       ith: bool) -> None:
    """res_bus_sc with pandapower's columns, in pandapower's order (NaN where no result)."""
    import numpy as np
    import pandas as pd

    got = result.buses
    # no zero-sequence path: no earth-fault current (pandapower: 0 with infinite Z0);
    # unsupplied or out of service: no result (NaN)
    ok = got[got["status"].isin(["ok", "no_zero_sequence_path"])]

    def col(name: str) -> List[float]:
        if name not in ok.columns:
            return [np.nan] * len(buses)
        values = ok[name]
        return [float(values.get(str(int(b)), np.nan)) for b in buses]

    res = pd.DataFrame(index=pd.Index(buses, name=None))
    res["ikss_ka"] = col("ikss_ka")
    if fault == "1ph":
        res["rk0_ohm"] = col("rk0_ohm")
        res["xk0_ohm"] = col("xk0_ohm")
    else:
        # pandapower's skss_mw is S''k in MVA (sqrt3 Un I''k for 3ph, Un I''k / sqrt3 for 2ph)
        res["skss_mw"] = col("skss_mva")
    if ip:
        res["ip_ka"] = col("ip_ka")
    if ith:
        res["ith_ka"] = col("ith_ka")
    res["rk_ohm"] = col("rk_ohm")
    res["xk_ohm"] = col("xk_ohm")
    net["res_bus_sc"] = res


def _branch_table(result: Any, prefix: str, index: Any) -> Dict[int, Any]:
    """AmpFlux branch rows of one pandapower table, by pandapower index."""
    rows = result.branches.reset_index()
    out: Dict[int, Any] = {}
    for i in index:
        part = rows[rows["id"] == f"{prefix}{i}"]
        out[int(i)] = part.set_index("fault_bus")
    return out


def _extreme(values: Any, case: str) -> Tuple[float, Any]:
    """pandapower's max (or min of the non-zero) over fault locations, with its location."""
    import numpy as np

    v = values[values > 1e-10] if case == "min" else values
    if len(v) == 0:
        return 0.0, None
    loc = v.idxmin() if case == "min" else v.idxmax()
    return float(v[loc]), loc


def _write_branch_results(net: Any, result: Any, buses: List[Any], case: str, fault: str,
                          ip: bool, ith: bool, all_currents: bool) -> None:
    import numpy as np
    import pandas as pd

    keys = [str(int(b)) for b in buses]
    specs = [("line", "L", "res_line_sc", ("from", "to")),
             ("trafo", "T", "res_trafo_sc", ("hv", "lv")),
             ("trafo3w", "T3W", "res_trafo3w_sc", ("hv", "lv"))]
    for table, prefix, res_name, (a, b) in specs:
        if table not in net or len(net[table]) == 0:
            continue
        index = list(net[table].index)
        per = _branch_table(result, prefix, index)
        records = []
        for i in index:
            rows = per[i].reindex(keys)
            ia = rows["ikss_from_ka"].fillna(0.0)
            ib = rows["ikss_to_ka"].fillna(0.0)
            big = np.maximum(ia, ib)
            ipk = rows["ip_ka"].fillna(0.0)
            ithk = rows["ith_ka"].fillna(0.0)
            if all_currents:
                for key in keys:
                    rec = {"ikss_ka": big[key], f"ikss_{a}_ka": ia[key],
                           f"ikss_{a}_degree": rows["angle_from_deg"].get(key, np.nan),
                           f"ikss_{b}_ka": ib[key],
                           f"ikss_{b}_degree": rows["angle_to_deg"].get(key, np.nan),
                           "ip_ka": ipk[key], "ith_ka": ithk[key]}
                    if table == "trafo3w":
                        rec = {"ikss_hv_ka": ia[key],
                               "ikss_mv_ka": rows.get("ikss_mv_ka", pd.Series(dtype=float))
                               .reindex(keys).fillna(0.0)[key],
                               "ikss_lv_ka": ib[key]}
                    records.append(((i, int(key)), rec))
                continue
            va, loc_a = _extreme(ia, case)
            vb, loc_b = _extreme(ib, case)
            rec = {"ikss_ka": _extreme(big, case)[0],
                   f"ikss_{a}_ka": va,
                   f"ikss_{a}_degree": float(rows["angle_from_deg"][loc_a]) if loc_a else 0.0,
                   f"ikss_{b}_ka": vb,
                   f"ikss_{b}_degree": float(rows["angle_to_deg"][loc_b]) if loc_b else 0.0,
                   # calc_sc takes i_p (and for 3ph faults I_th) as the largest over the
                   # fault locations in either case
                   "ip_ka": float(ipk.max()) if len(ipk) else 0.0,
                   "ith_ka": _extreme(ithk, "max" if fault == "3ph" else case)[0]}
            if table == "trafo3w":
                mv = rows["ikss_mv_ka"].fillna(0.0) if "ikss_mv_ka" in rows else ia * 0.0
                rec = {"ikss_hv_ka": va, "ikss_mv_ka": _extreme(mv, case)[0], "ikss_lv_ka": vb}
            records.append((i, rec))
        frame = pd.DataFrame([r for _, r in records], index=(
            pd.MultiIndex.from_tuples([k for k, _ in records], names=[table, "bus"])
            if all_currents else pd.Index([k for k, _ in records])))
        if table == "line":
            frame = frame.drop(columns=[c for c, flag in (("ip_ka", ip), ("ith_ka", ith))
                                        if not flag])
        elif table == "trafo":
            frame = frame.drop(columns=["ikss_ka", "ip_ka", "ith_ka"])
        net[res_name] = frame
