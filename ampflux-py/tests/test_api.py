"""The Python API from the user's side: documents, builder, validation, studies, results."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import ampflux
from conftest import ROOT, build_small


def test_builder_matches_document(small: ampflux.Network) -> None:
    doc = small.to_dict()
    assert doc["format"] == "ampflux-network" and doc["version"] == ampflux.FORMAT_VERSION
    assert [b["id"] for b in doc["buses"]] == ["Q", "F", "G"]
    assert doc["transformers"][0]["vector_group"] == "Dyn5"
    assert small.ids("lines") == ["C1"]
    assert small.table_of("T1") == "transformers" and "C1" in small and "nope" not in small
    assert dict(small.counts())["buses"] == 3
    assert small.name == "small" and small.frequency_hz == 50.0


def test_every_builder_method_adds_to_its_table() -> None:
    net = ampflux.Network()
    net.add_bus("A", vn_kv=110.0)
    net.add_bus("B", vn_kv=20.0)
    net.add_bus("C", vn_kv=10.0)
    net.add_bus("D", vn_kv=20.0)
    calls = [
        (net.add_external_grid, "Q", dict(bus="A", s_sc_max_mva=3000, rx_max=0.1), "external_grids"),
        (net.add_line, "L", dict(from_bus="B", to_bus="D", length_km=2, r_ohm_per_km=0.1,
                                 x_ohm_per_km=0.3), "lines"),
        (net.add_transformer, "T", dict(hv_bus="A", lv_bus="B", sn_mva=40, vn_hv_kv=110,
                                        vn_lv_kv=20, vk_percent=12, vkr_percent=0.4,
                                        vector_group="YNd5"), "transformers"),
        (net.add_transformer3w, "T3", dict(hv_bus="A", mv_bus="B", lv_bus="C", sn_hv_mva=50,
                                           sn_mv_mva=50, sn_lv_mva=20, vn_hv_kv=110,
                                           vn_mv_kv=20, vn_lv_kv=10, vk_hv_percent=10,
                                           vk_mv_percent=8, vk_lv_percent=9,
                                           vkr_hv_percent=0.3, vkr_mv_percent=0.3,
                                           vkr_lv_percent=0.3, vector_group="YNyn0d5"),
         "transformers3w"),
        (net.add_generator, "G", dict(bus="C", sn_mva=10, vn_kv=10.5, cos_phi=0.8,
                                      xdss_pu=0.15), "generators"),
        (net.add_motor, "M", dict(bus="C", pn_mw=1.0, vn_kv=10, cos_phi=0.88,
                                  efficiency_percent=96, lrc_pu=5), "motors"),
        (net.add_converter, "PV", dict(bus="D", sn_mva=2, vn_kv=20, kind="full_converter",
                                       k=1.2), "converters"),
        (net.add_impedance, "Z", dict(from_bus="B", to_bus="D", r_ohm=0.1, x_ohm=1.0),
         "impedances"),
        (net.add_switch, "S", dict(bus="D", element="L", closed=True), "switches"),
        (net.add_load, "LD", dict(bus="D", p_mw=1.0, q_mvar=0.2), "loads"),
        (net.add_shunt, "SH", dict(bus="D", kind="network_equivalent", p_mw=1.0, q_mvar=-5.0),
         "shunts"),
    ]
    for method, eid, fields, table in calls:
        assert method(eid, **fields) == eid
        assert net.ids(table) == [eid]
        assert net.elements(table)[0]["id"] == eid
    assert net.add("buses", "E", vn_kv=0.4) == "E"
    assert [i for i in net.validate() if i.is_error()] == []
    result = net.short_circuit()
    assert set(result.buses.index) == {"A", "B", "C", "D", "E"}


def test_builder_errors_name_the_path() -> None:
    net = ampflux.Network()
    net.add_bus("A", vn_kv=10.0)
    with pytest.raises(ampflux.FormatError) as err:
        net.add_bus("B", vn_kvv=10.0)
    assert err.value.code == "format_error"
    assert "buses[1]" in str(err.value) and "vn_kvv" in str(err.value)
    assert err.value.path.startswith("buses[1]")
    assert net.ids("buses") == ["A"]  # nothing half-added
    with pytest.raises(ampflux.FormatError, match="vn_kv"):
        net.add_bus("B", vn_kv="high")
    with pytest.raises(ampflux.FormatError, match="missing field"):
        net.add_bus("B")
    with pytest.raises(ampflux.FormatError, match="not a finite number"):
        net.add_bus("B", vn_kv=math.inf)
    with pytest.raises(KeyError, match="unknown table"):
        net.add("busses", "B", vn_kv=1.0)


def test_numpy_and_nan_inputs() -> None:
    net = ampflux.Network()
    net.add_bus("A", vn_kv=np.float64(20.0), lv_tolerance_percent=float("nan"))
    net.add_bus("B", vn_kv=np.float32(0.4))
    net.add_line("L", from_bus="A", to_bus="B", length_km=1, r_ohm_per_km=0.1,
                 x_ohm_per_km=0.1, parallel=np.int64(2), in_service=np.bool_(True))
    line = net.elements("lines")[0]
    assert line["parallel"] == 2 and line["in_service"] is True
    assert "lv_tolerance_percent" not in net.elements("buses")[0]  # NaN = absent


def test_json_round_trip_from_text_path_and_bytes(tmp_path: Path, small: ampflux.Network) -> None:
    text = small.to_json()
    assert ampflux.Network.from_json(text) == small
    assert ampflux.Network.from_json(text.encode()) == small
    path = tmp_path / "net.json"
    small.save(path)
    assert ampflux.Network.from_json(path) == small
    assert ampflux.Network.from_json(str(path)) == small
    assert ampflux.Network.from_dict(json.loads(small.to_json(indent=False))) == small
    with pytest.raises(FileNotFoundError):
        ampflux.Network.from_json(tmp_path / "missing.json")


def test_copy_is_a_value(small: ampflux.Network) -> None:
    other = small.copy()
    other.add_bus("X", vn_kv=0.4)
    assert "X" in other and "X" not in small
    assert small.digest() != other.digest()


def test_validate_lists_every_problem() -> None:
    net = ampflux.Network()
    net.add_bus("A", vn_kv=-1.0)
    net.add_line("L", from_bus="A", to_bus="NOPE", length_km=1, r_ohm_per_km=0.1,
                 x_ohm_per_km=0.1)
    issues = net.validate()
    errors = [i for i in issues if i.is_error()]
    assert len(errors) >= 2
    by_element = {(i.table, i.element, i.field) for i in errors}
    assert ("buses", "A", "vn_kv") in by_element
    assert ("lines", "L", "to_bus") in by_element
    d = errors[0].to_dict()
    assert set(d) == {"severity", "code", "table", "element", "field", "message"}
    assert str(errors[0]).startswith("error:")


def test_validate_for_a_study(small: ampflux.Network) -> None:
    assert [i for i in small.validate(fault="1ph") if i.is_error()] == []
    net = build_small()
    net2 = ampflux.Network.from_dict({**net.to_dict(), "transformers": [
        {k: v for k, v in net.elements("transformers")[0].items() if not k.startswith("vk")
         or k in ("vk_percent", "vkr_percent")}]})
    problems = [i for i in net2.validate(fault="1ph") if i.is_error()]
    assert any(i.field == "vk0_percent" and i.element == "T1" for i in problems)
    with pytest.raises(ampflux.OptionError):
        net.validate(fault="4ph")


def test_short_circuit_result(small: ampflux.Network) -> None:
    result = small.short_circuit()
    df = result.buses
    assert isinstance(df, pd.DataFrame) and df.index.name == "id"
    assert list(df.index) == ["Q", "F", "G"]
    for col in ("vn_kv", "ikss_ka", "skss_mva", "ip_ka", "ib_ka", "ith_ka", "rk_ohm", "xk_ohm",
                "kappa", "c", "meshed", "status"):
        assert col in df.columns
    assert df.loc["Q", "skss_mva"] == pytest.approx(346.41 * 1.1 / 1.1, rel=1e-6)
    assert (df["ikss_ka"] > 0).all() and (df["status"] == "ok").all()
    arrays = result.arrays()
    assert isinstance(arrays["ikss_ka"], np.ndarray) and arrays["ikss_ka"].dtype == np.float64
    assert arrays["meshed"].dtype == np.bool_
    assert list(arrays["id"]) == ["Q", "F", "G"]
    np.testing.assert_array_equal(arrays["ikss_ka"], df["ikss_ka"].to_numpy())
    assert result.digest == small.digest()
    assert result.study["fault"] == "3ph" and result.study["tk_s"] == 1.0
    assert result.buses is result.buses  # built once
    assert len(result) == 3 and "StudyResult" in repr(result)
    back = json.loads(result.to_json())
    assert back["buses"][1]["ikss_ka"] == df.loc["F", "ikss_ka"]
    assert result.branches.empty and result.voltages.empty


def test_study_options_pass_through(small: ampflux.Network) -> None:
    base = small.short_circuit(buses="F")
    assert list(base.buses.index) == ["F"]
    hi = small.short_circuit(buses=["F"], c_max_lv=1.05)
    assert hi.study["c_max_lv"] == 1.05
    assert hi.buses.loc["F", "c"] == 1.05 and base.buses.loc["F", "c"] == 1.1
    assert hi.buses.loc["F", "ikss_ka"] < base.buses.loc["F", "ikss_ka"]
    mn = small.short_circuit(case="min", tk=0.5, tmin=0.05, ip_method="b", topology="radial")
    assert mn.study["case"] == "min" and mn.study["tk_s"] == 0.5 and mn.study["tmin_s"] == 0.05
    assert (mn.buses["ikss_ka"] < small.short_circuit().buses["ikss_ka"]).all()
    lf = small.short_circuit(line_faults=[("C1", 0.5)], buses=[])
    assert list(lf.buses.index) == ["C1@0.5"]
    lf2 = small.short_circuit(line_faults=[{"line": "C1", "position": 0.5}], buses=[])
    assert lf2.buses.equals(lf.buses)


def test_unbalanced_faults_add_their_columns(small: ampflux.Network) -> None:
    one = small.short_circuit(fault="1ph")
    assert {"rk0_ohm", "xk0_ohm", "rk2_ohm", "xk2_ohm"} <= set(one.buses.columns)
    assert one.study["fault"] == "1ph"
    three = small.short_circuit()
    two = small.short_circuit(fault="2ph")
    ratio = two.buses["ikss_ka"] / three.buses["ikss_ka"]
    np.testing.assert_allclose(ratio, math.sqrt(3) / 2, rtol=1e-9)
    dle = small.short_circuit(fault="2phe")
    assert "ikss_earth_ka" in dle.buses.columns


def test_branch_and_voltage_tables(small: ampflux.Network) -> None:
    r = small.short_circuit(branches=True, buses=["F", "G"])
    br = r.branches
    assert br.index.names == ["id", "fault_bus"]
    assert set(br.index.get_level_values("id")) == {"T1", "C1"}
    t1_at_f = br.loc[("T1", "F")]
    assert t1_at_f["ikss_to_ka"] == pytest.approx(r.buses.loc["F", "ikss_ka"], rel=1e-6)
    v = r.voltages
    assert v.index.names == ["bus", "fault_bus"]
    assert v.loc[("F", "F"), "v1_pu"] == pytest.approx(0.0, abs=1e-9)
    one = small.short_circuit(fault="1ph", branches=True, buses="G")
    assert "ia_from_ka" in one.branches.columns


def _same(a: object, b: object, rel: float = 1e-12) -> bool:
    """Equal up to the last bits of floats (parallel sums may round differently)."""
    if isinstance(a, float) and isinstance(b, (int, float)):
        return math.isclose(a, b, rel_tol=rel, abs_tol=1e-12)
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k], rel) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y, rel) for x, y in zip(a, b))
    return a == b


def test_results_equal_the_native_reports(data_dir: Path) -> None:
    """Every reference case solved from Python gives the native Rust report (to 1e-12)."""
    cases = sorted((data_dir / "cases").iterdir())
    assert len(cases) >= 40
    for case in cases:
        net = ampflux.Network.from_json(case / "network.json")
        options = json.loads((case / "options.json").read_text())
        native = json.loads((case / "report.json").read_text())
        fixed = {k: options.pop(k) for k in ("fault", "case", "ip_method")}
        result = net.short_circuit(**fixed, tk=options.pop("tk_s"), tmin=options.pop("tmin_s"),
                                   buses=options.pop("buses"),
                                   branches=options.pop("branch_results"), **options)
        got = json.loads(result.to_json())
        assert _same(got["buses"], native["buses"]), case.name
        assert _same(got["branches"], native["branches"]), case.name
        assert _same(got["voltages"], native["voltages"]), case.name
        assert got["network_digest"] == native["network_digest"] == net.digest()


def test_reference_expected_values(data_dir: Path) -> None:
    """The published expected values of the reference cases, read through the DataFrames."""
    checked = 0
    for case in sorted((data_dir / "cases").iterdir()):
        expected = json.loads((case / "expected.json").read_text())
        options = json.loads((case / "options.json").read_text())
        net = ampflux.Network.from_json(case / "network.json")
        result = net.short_circuit(**{k: v for k, v in options.items()
                                      if k not in ("tk_s", "tmin_s", "branch_results")},
                                   tk=options["tk_s"], tmin=options["tmin_s"],
                                   branches=options["branch_results"])
        for e in expected:
            loc = e["location"]
            if set(loc) != {"bus"} or e["quantity"] not in result.buses.columns:
                continue
            got = result.buses.loc[loc["bus"], e["quantity"]]
            row = result.buses.loc[loc["bus"]]
            if e["quantity"] == "ikss_ka" and row["status"] in OUTSIDE_IEC60909:
                # the current other tools call I''k1 is the capacitive / residual current
                got = row["ice_ka"] if "ice_ka" in row and not math.isnan(row["ice_ka"]) else row["ires_ka"]
            tol = e["tol_abs"] if e["tol_abs"] is not None else (e["tol_rel"] or 1e-9) * abs(e["value"])
            assert abs(got - e["value"]) <= tol, (case.name, e)
            checked += 1
    assert checked >= 100


OUTSIDE_IEC60909 = ("no_zero_sequence_path", "resonance_earthed")


def test_new_quantities_reach_the_dataframes(industrial: ampflux.Network) -> None:
    """I_k, i_DC, I_b,asym per bus; earth faults outside IEC 60909; partial currents."""
    r = industrial.short_circuit()
    b = r.buses
    for col in ("ik_ka", "idc_ka", "ib_asym_ka"):
        assert col in b.columns and b[col].dtype == np.float64
    ok = b[b["status"] == "ok"]
    np.testing.assert_allclose(ok["ib_asym_ka"], np.hypot(ok["ib_ka"], ok["idc_ka"]), rtol=1e-12)
    assert (ok["ik_ka"] <= ok["ikss_ka"] * (1 + 1e-12)).all()
    assert r.partial_currents.empty
    one = industrial.short_circuit(fault="1ph")
    mv = one.buses.loc["MV20"]
    assert mv["status"] == "no_zero_sequence_path"
    assert math.isnan(mv["ikss_ka"]) and math.isnan(mv["ip_ka"]) and 0.005 < mv["ice_ka"] < 0.015
    assert any(w.code == "isolated_neutral" and w.element == "MV20" for w in one.warnings)
    back = json.loads(one.to_json())
    row = next(x for x in back["buses"] if x["id"] == "MV20")
    assert row["ip_ka"] is None and row["ice_ka"] == mv["ice_ka"]
    p = industrial.short_circuit(partial_currents=True, buses=["MV20"]).partial_currents
    assert p.index.names == ["source", "fault_bus"]
    assert {"feeder", "unit", "generator", "motor", "converter"} & set(p["kind"])
    assert (p["ib_ka"] <= p["ikss_ka"] * (1 + 1e-12)).all()


def test_industrial_example(industrial: ampflux.Network) -> None:
    r = industrial.short_circuit(branches=True)
    assert len(r.buses) == len(industrial.ids("buses"))
    assert not r.branches.empty


def test_package_metadata() -> None:
    assert ampflux.__version__ == "0.1.0"
    assert {"buses", "loads", "shunts"} <= set(ampflux.TABLES)
    assert len(set(ampflux.TABLES)) == len(ampflux.TABLES)
    assert ampflux.TABLES[-1] == "scenarios"
    typed = Path(ampflux.__file__).parent / "py.typed"
    assert typed.exists()
    assert (ROOT / "ampflux-py" / "python" / "ampflux" / "_ampflux.pyi").exists()
