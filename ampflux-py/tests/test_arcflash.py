"""Arc flash and protection from Python: ``ampflux.ieee1584`` reproduces IEEE 1584-2018
Annex D (values from the repository's data file), ``Network.arc_flash`` returns the
DataFrame with the contract columns, labels, selectivity and TCC data, errors as
AmpFluxError subclasses."""

from __future__ import annotations

import json
import threading

import pandas as pd
import pytest

import ampflux
from conftest import ROOT

DATA = ROOT / "ampflux-core" / "tests" / "data"


def _annex_d() -> dict:
    return json.loads((DATA / "ieee1584_annex_d.json").read_text())


def _feeder() -> ampflux.Network:
    return ampflux.Network.from_json(DATA / "radial_feeder.json")


@pytest.mark.parametrize("case", _annex_d()["cases"], ids=lambda c: c["id"])
def test_ieee1584_reproduces_annex_d(case: dict) -> None:
    p = case["params"]
    r = ampflux.ieee1584(
        p["voc_kv"], p["config"], p["gap_mm"], p["distance_mm"], p["ibf_ka"], p["time_ms"],
        time_min_ms=p["time_min_ms"], height_mm=p["height_mm"], width_mm=p["width_mm"],
        depth_mm=p["depth_mm"],
    )
    for key in ["iarc_ka", "iarc_min_ka", "energy_j_per_cm2", "energy_min_j_per_cm2", "afb_mm",
                "afb_min_mm", "cf", "var_cf", "incident_energy_j_per_cm2",
                "incident_energy_cal_per_cm2", "ppe_category"]:
        assert key in r
    got = {
        "full.iarc_ka": r["iarc_ka"],
        "reduced.iarc_ka": r["iarc_min_ka"],
        "full.energy_j_per_cm2": r["energy_j_per_cm2"],
        "reduced.energy_j_per_cm2": r["energy_min_j_per_cm2"],
        "full.afb_mm": r["afb_mm"],
        "reduced.afb_mm": r["afb_min_mm"],
        "cf": r["cf"],
        "var_cf": r["var_cf"],
    }
    checked = 0
    for e in case["expected"]:
        if e["quantity"] in got:
            d = e["decimals"]
            assert f"{got[e['quantity']]:.{d}f}" == f"{e['value']:.{d}f}", e
            checked += 1
    assert checked >= 7
    assert r["incident_energy_j_per_cm2"] == max(r["energy_j_per_cm2"], r["energy_min_j_per_cm2"])


def test_ieee1584_errors_are_ampflux_errors() -> None:
    with pytest.raises(ampflux.OptionError) as e:
        ampflux.ieee1584(33.0, "VCB", 104, 914.4, 15, 100)
    assert "voc_kv" in str(e.value)
    with pytest.raises(ampflux.AmpFluxError):
        ampflux.ieee1584(4.16, "XYZ", 104, 914.4, 15, 100)
    with pytest.raises(ampflux.OptionError):
        ampflux.ieee1584(0.48, "VCB", 32, 609.6, 200, 100)


def test_arc_flash_dataframe_has_the_contract_columns() -> None:
    net = _feeder()
    df = net.arc_flash()
    assert isinstance(df, pd.DataFrame)
    assert list(df.index) == ["MV", "LV-MAIN", "LV-SUB"]
    for col in ["ibf_ka", "iarc_ka", "iarc_min_ka", "clearing_time_ms", "clearing_time_min_ms",
                "device", "incident_energy_j_per_cm2", "incident_energy_cal_per_cm2", "afb_mm",
                "ppe_category", "warnings"]:
        assert col in df.columns, col
    assert df.loc["LV-MAIN", "device"] == "TU-T1"
    assert df.loc["MV", "device"] is None
    assert df.loc["MV", "clearing_time_ms"] == 2000.0
    assert any("no protective device" in w for w in df.loc["MV", "warnings"])
    # the same numbers as the one calculation with the bus's equipment and durations
    row = df.loc["LV-MAIN"]
    one = ampflux.ieee1584(0.4, row["electrode_configuration"], row["gap_mm"],
                           row["working_distance_mm"], row["ibf_ka"], row["clearing_time_ms"],
                           time_min_ms=row["clearing_time_min_ms"], height_mm=row["height_mm"],
                           width_mm=row["width_mm"], depth_mm=row["depth_mm"])
    assert one["incident_energy_j_per_cm2"] == pytest.approx(row["incident_energy_j_per_cm2"],
                                                             rel=1e-12)
    report = df.attrs["report"]
    assert report["buses"][1]["scenarios"][0]["devices"]
    assert df.attrs["study"]["max_arc_duration_s"] == 2.0
    # options by name, short-circuit options passed through
    shorter = net.arc_flash(buses="MV", max_arc_duration_s=1.0, case="max", c_max_hv=1.0)
    assert list(shorter.index) == ["MV"]
    assert shorter.loc["MV", "clearing_time_ms"] == 1000.0
    assert shorter.loc["MV", "ibf_ka"] < df.loc["MV", "ibf_ka"]
    stepwise = net.arc_flash(energy_method="step_wise")
    assert stepwise.loc["LV-MAIN", "incident_energy_j_per_cm2"] == pytest.approx(
        df.loc["LV-MAIN", "incident_energy_j_per_cm2"], rel=1e-12)


def test_arc_flash_option_errors() -> None:
    net = _feeder()
    with pytest.raises(ampflux.OptionError):
        net.arc_flash(max_arc_duration_s=-1)
    with pytest.raises(ampflux.OptionError):
        net.arc_flash(energy_method="sometimes")
    with pytest.raises(ampflux.OptionError):
        net.arc_flash(buses=["NOPE"])


def test_labels_selectivity_and_tcc() -> None:
    net = _feeder()
    labels = net.arc_flash_labels(date="2024-05-01")
    assert set(labels) == {"MV", "LV-MAIN", "LV-SUB"}
    assert labels["LV-MAIN"].startswith("<svg") and "2024-05-01" in labels["LV-MAIN"]
    assert "PPE category" in net.arc_flash_labels(buses="LV-MAIN", ppe_category=True)["LV-MAIN"]
    sel = net.selectivity()
    assert sel.loc[("R-T1", "TU-T1"), "pass"]
    assert sel.loc[("TU-T1", "F-L1"), "fault_bus"] == "LV-SUB"
    assert not net.selectivity(cti_s=5.0).loc[("R-T1", "TU-T1"), "pass"]
    t = net.tcc(["F-L1", "TU-T1"], svg=True)
    assert [c["device"] for c in t["curves"]] == ["F-L1", "TU-T1"]
    assert t["svg"].startswith("<svg")
    assert {m["kind"] for m in t["marks"]} == {"bolted", "arcing"}
    with pytest.raises(ampflux.OptionError):
        net.tcc("NOPE")


def test_bad_device_data_is_a_validation_error() -> None:
    net = _feeder()
    doc = net.to_dict()
    doc["protective_devices"][0]["pickup_a"] = 0
    bad = ampflux.Network.from_dict(doc)
    issues = bad.validate()
    assert any(i.element == "R-T1" and i.field == "pickup_a" for i in issues)
    with pytest.raises(ampflux.ValidationError):
        bad.arc_flash()


def test_arc_flash_runs_in_threads() -> None:
    net = _feeder()
    results = []

    def work() -> None:
        results.append(net.arc_flash().loc["LV-MAIN", "incident_energy_j_per_cm2"])

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(results)) == 1 and len(results) == 4
