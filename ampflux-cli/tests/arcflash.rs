//! `ampflux arcflash`, `labels`, `tcc` and `selectivity` as a user runs them: the contract
//! fields of the JSON output, IEEE 1584-2018 Annex D.1 through the one-calculation flags,
//! files written, and bad input exiting 2 with the problem named.

use std::path::PathBuf;
use std::process::Command;

use serde_json::Value;

fn feeder() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../ampflux-core/tests/data/radial_feeder.json")
}

fn annex_d() -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../ampflux-core/tests/data/ieee1584_annex_d.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn ampflux(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_ampflux"))
        .args(args)
        .output()
        .expect("ampflux runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ampflux-af-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// The printed value of Annex D quantity `name` in case `case`.
fn printed(case: &str, name: &str) -> f64 {
    let doc = annex_d();
    let c = doc["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == case)
        .unwrap();
    c["expected"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["quantity"] == name)
        .unwrap()["value"]
        .as_f64()
        .unwrap()
}

#[test]
fn one_calculation_gives_the_contract_fields_and_annex_d1() {
    let (code, out, err) = ampflux(&[
        "arcflash",
        "--voc-kv",
        "4.16",
        "--config",
        "VCB",
        "--gap-mm",
        "104",
        "--distance-mm",
        "914.4",
        "--height-mm",
        "1143",
        "--width-mm",
        "762",
        "--depth-mm",
        "508",
        "--ibf-ka",
        "15",
        "--time-ms",
        "197",
        "--time-min-ms",
        "223",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    for key in [
        "iarc_ka",
        "iarc_min_ka",
        "energy_j_per_cm2",
        "energy_min_j_per_cm2",
        "afb_mm",
        "afb_min_mm",
        "cf",
        "var_cf",
        "incident_energy_j_per_cm2",
        "incident_energy_cal_per_cm2",
        "ppe_category",
    ] {
        assert!(v.get(key).is_some(), "{key} missing: {out}");
    }
    let r3 = |x: &Value| format!("{:.3}", x.as_f64().unwrap());
    assert_eq!(
        r3(&v["iarc_ka"]),
        format!("{:.3}", printed("D.1", "full.iarc_ka"))
    );
    assert_eq!(
        r3(&v["iarc_min_ka"]),
        format!("{:.3}", printed("D.1", "reduced.iarc_ka"))
    );
    assert_eq!(
        r3(&v["energy_j_per_cm2"]),
        format!("{:.3}", printed("D.1", "full.energy_j_per_cm2"))
    );
    assert_eq!(
        r3(&v["energy_min_j_per_cm2"]),
        format!("{:.3}", printed("D.1", "reduced.energy_j_per_cm2"))
    );
    assert_eq!(format!("{:.0}", v["afb_min_mm"].as_f64().unwrap()), "1704");
    assert_eq!(r3(&v["cf"]), "1.284");
    // the reduced scenario governs: 13.343 J/cm² = 3.189 cal/cm², PPE category 1
    assert_eq!(v["incident_energy_j_per_cm2"], v["energy_min_j_per_cm2"]);
    assert_eq!(v["ppe_category"], 1);
    // the table and CSV formats carry the same numbers
    let (code, table, _) = ampflux(&[
        "arcflash",
        "--voc-kv",
        "0.48",
        "--config",
        "vcb",
        "--gap-mm",
        "32",
        "--distance-mm",
        "609.6",
        "--height-mm",
        "610",
        "--width-mm",
        "610",
        "--depth-mm",
        "254",
        "--ibf-ka",
        "45",
        "--time-ms",
        "61.3",
        "--time-min-ms",
        "319",
    ]);
    assert_eq!(code, 0);
    assert!(
        table.contains("28.793") && table.contains("53.156") && table.contains("2669"),
        "{table}"
    );
}

#[test]
fn one_calculation_out_of_range_exits_2_naming_the_parameter() {
    let (code, _, err) = ampflux(&[
        "arcflash",
        "--voc-kv",
        "33",
        "--config",
        "VCB",
        "--gap-mm",
        "104",
        "--distance-mm",
        "914.4",
        "--ibf-ka",
        "15",
        "--time-ms",
        "100",
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("voc_kv") && err.contains("15 kV"), "{err}");
    let (code, _, err) = ampflux(&["arcflash", "--voc-kv", "0.48"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("--config") || err.contains("--gap-mm"),
        "{err}"
    );
    let (code, _, err) = ampflux(&[
        "arcflash", "--voc-kv", "0.48", "--config", "XYZ", "--gap-mm", "32",
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("electrode configuration"), "{err}");
}

#[test]
fn network_study_gives_the_contract_fields() {
    let net = feeder();
    let (code, out, err) = ampflux(&["arcflash", net.to_str().unwrap(), "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert!(v.get("study").is_some());
    let buses = v["buses"].as_array().unwrap();
    assert_eq!(buses.len(), 3);
    for b in buses {
        for key in [
            "id",
            "ibf_ka",
            "iarc_ka",
            "iarc_min_ka",
            "clearing_time_ms",
            "clearing_time_min_ms",
            "device",
            "incident_energy_j_per_cm2",
            "incident_energy_cal_per_cm2",
            "afb_mm",
            "ppe_category",
            "warnings",
        ] {
            assert!(b.get(key).is_some(), "{key} missing in {b}");
        }
    }
    let main = buses.iter().find(|b| b["id"] == "LV-MAIN").unwrap();
    assert_eq!(main["device"], "TU-T1");
    // the warnings (typical values, an MV bus no device clears) reach standard error
    assert!(
        err.contains("no protective device interrupts") && err.contains("`MV`"),
        "{err}"
    );
    // --bus, CSV and table
    let (code, csv, _) = ampflux(&[
        "arcflash",
        net.to_str().unwrap(),
        "--bus",
        "LV-SUB",
        "--format",
        "csv",
    ]);
    assert_eq!(code, 0);
    let header = csv.lines().find(|l| !l.starts_with('#')).unwrap();
    assert!(
        header.starts_with("id,ibf_ka,iarc_ka,iarc_min_ka,clearing_time_ms"),
        "{header}"
    );
    assert_eq!(csv.lines().filter(|l| l.starts_with("LV-SUB,")).count(), 1);
    let (code, table, _) = ampflux(&[
        "arcflash",
        net.to_str().unwrap(),
        "--set",
        "max_arc_duration_s=1",
    ]);
    assert_eq!(code, 0);
    assert!(table.contains("1000.0"), "{table}");
    // a bus outside the model's range is named
    let (code, _, err) = ampflux(&[
        "arcflash",
        net.to_str().unwrap(),
        "--set",
        "max_arc_duration_s=-1",
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("max_arc_duration_s"), "{err}");
}

#[test]
fn labels_tcc_and_selectivity_write_their_results() {
    let net = feeder();
    let dir = temp_dir("labels");
    let (code, out, err) = ampflux(&[
        "labels",
        net.to_str().unwrap(),
        "--out",
        dir.to_str().unwrap(),
        "--date",
        "2024-05-01",
    ]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out.lines().count(), 3);
    let svg = std::fs::read_to_string(dir.join("LV-MAIN.svg")).unwrap();
    for text in [
        "WARNING",
        "Arc flash boundary",
        "Incident energy",
        "Nominal system voltage",
        "400 V",
        "2024-05-01",
        "TU-T1",
    ] {
        assert!(svg.contains(text), "{text} missing from the label");
    }
    let tcc = dir.join("tcc.svg");
    let data = dir.join("tcc.json");
    let (code, out, err) = ampflux(&[
        "tcc",
        net.to_str().unwrap(),
        "--device",
        "F-L1",
        "--device",
        "TU-T1",
        "--device",
        "R-T1",
        "--out",
        tcc.to_str().unwrap(),
        "--data",
        data.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("bolted") && out.contains("arcing"), "{out}");
    assert!(std::fs::read_to_string(&tcc).unwrap().starts_with("<svg"));
    let d: Value = serde_json::from_str(&std::fs::read_to_string(&data).unwrap()).unwrap();
    assert_eq!(d["curves"].as_array().unwrap().len(), 3);
    let (code, _, err) = ampflux(&[
        "tcc",
        net.to_str().unwrap(),
        "--device",
        "NOPE",
        "--out",
        tcc.to_str().unwrap(),
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("NOPE"), "{err}");
    let (code, out, _) = ampflux(&["selectivity", net.to_str().unwrap(), "--format", "json"]);
    assert_eq!(code, 0);
    let s: Value = serde_json::from_str(&out).unwrap();
    assert!(
        s["pairs"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["pass"] == true)
    );
    let (_, table, _) = ampflux(&["selectivity", net.to_str().unwrap(), "--cti", "1.0"]);
    assert!(table.contains("FAIL"), "{table}");
    let _ = std::fs::remove_dir_all(&dir);
}
