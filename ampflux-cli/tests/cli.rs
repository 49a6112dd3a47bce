//! The `ampflux` command as a user runs it: exit codes, JSON/CSV/table output, --set, errors.

use std::path::PathBuf;
use std::process::Command;

fn example() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../examples/networks/industrial_plant.json")
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

fn write_temp(name: &str, text: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ampflux-cli-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn json_report_has_the_contract_fields() {
    let (code, out, err) = ampflux(&[
        "sc",
        example().to_str().unwrap(),
        "--format",
        "json",
        "--branches",
        "--bus",
        "LV1",
    ]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["study"]["fault"], "3ph");
    let bus = &v["buses"][0];
    for key in [
        "id", "ikss_ka", "skss_mva", "ip_ka", "ib_ka", "ith_ka", "rk_ohm", "xk_ohm",
    ] {
        assert!(bus.get(key).is_some(), "bus field {key} missing");
    }
    assert_eq!(bus["id"], "LV1");
    let br = &v["branches"][0];
    for key in [
        "id",
        "fault_bus",
        "ikss_from_ka",
        "ikss_to_ka",
        "angle_from_deg",
        "angle_to_deg",
        "ip_ka",
        "ith_ka",
    ] {
        assert!(br.get(key).is_some(), "branch field {key} missing");
    }
    // the transformer feeding LV1 carries the largest LV-side current
    let tl1 = v["branches"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["id"] == "TL1")
        .unwrap();
    assert_eq!(tl1["from_bus"], "MV20");
    assert!(tl1["ikss_to_ka"].as_f64().unwrap() > 10.0);
}

#[test]
fn options_by_flag_and_by_set_agree() {
    let path = example();
    let p = path.to_str().unwrap();
    let (_, a, _) = ampflux(&[
        "sc",
        p,
        "--format",
        "json",
        "--case",
        "min",
        "--ip-method",
        "b",
        "--tk",
        "0.5",
    ]);
    let (_, b, _) = ampflux(&[
        "sc",
        p,
        "--format",
        "json",
        "--set",
        "case=min",
        "--set",
        "ip_method=b",
        "--set",
        "tk_s=0.5",
    ]);
    let (a, b): (serde_json::Value, serde_json::Value) = (
        serde_json::from_str(&a).unwrap(),
        serde_json::from_str(&b).unwrap(),
    );
    assert_eq!(a["buses"], b["buses"]);
    assert_eq!(a["study"]["case"], "min");
    let (_, c, _) = ampflux(&[
        "sc",
        p,
        "--format",
        "json",
        "--set",
        "c_min_lv=0.95",
        "--set",
        "kt_in_min_case=true",
        "--case",
        "min",
    ]);
    let c: serde_json::Value = serde_json::from_str(&c).unwrap();
    let lv = |v: &serde_json::Value| {
        v["buses"]
            .as_array()
            .unwrap()
            .iter()
            .find(|b| b["id"] == "LV1")
            .unwrap()["ikss_ka"]
            .as_f64()
            .unwrap()
    };
    assert!(lv(&c) != lv(&a));
}

#[test]
fn unbalanced_faults_and_fault_along_a_line() {
    let p = example();
    let (code, out, err) = ampflux(&[
        "sc",
        p.to_str().unwrap(),
        "--fault",
        "1ph",
        "--at",
        "C1:0.3",
        "--format",
        "csv",
        "--rf",
        "0.5",
    ]);
    assert_eq!(code, 0, "{err}");
    let header = out.lines().find(|l| !l.starts_with('#')).unwrap();
    assert!(header.contains("ikss_earth_ka"));
    assert!(out.lines().any(|l| l.starts_with("C1@0.3,")), "{out}");
}

#[test]
fn bad_input_exits_2_with_every_problem_on_stderr() {
    let bad = write_temp(
        "bad.json",
        r#"{"buses": [{"id": "A", "vn_kv": -1}], "lines": [{"id": "L", "from_bus": "A", "to_bus": "X",
            "length_km": 1, "r_ohm_per_km": 0.1, "x_ohm_per_km": 0.1}]}"#,
    );
    let (code, out, err) = ampflux(&["sc", bad.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(out.is_empty());
    assert!(err.contains("vn_kv") && err.contains("`X`"), "{err}");
    assert!(!err.contains("panicked"));
    let typo = write_temp(
        "typo.json",
        r#"{"buses": [{"id": "A", "vn_kv": 1, "vnkv": 2}]}"#,
    );
    let (code, _, err) = ampflux(&["sc", typo.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(
        err.contains("buses `A`") && err.contains("vnkv"),
        "the element and the field are named: {err}"
    );
    let (code, _, err) = ampflux(&["sc", "/nonexistent/net.json"]);
    assert_eq!(code, 2);
    assert!(err.contains("cannot read"));
    let (code, _, err) = ampflux(&["sc", p_str(), "--set", "nonsense=1"]);
    assert_eq!(code, 2);
    assert!(err.contains("nonsense"));
    let (code, _, err) = ampflux(&["sc", p_str(), "--bus", "NOPE"]);
    assert_eq!(code, 2);
    assert!(err.contains("NOPE"));
    let (code, _, err) = ampflux(&["sc", p_str(), "--at", "C1:1.5"]);
    assert_eq!(code, 2, "{err}");
}

fn p_str() -> &'static str {
    Box::leak(example().to_string_lossy().into_owned().into_boxed_str())
}

#[test]
fn validate_lists_problems() {
    let (code, out, _) = ampflux(&["validate", p_str()]);
    assert_eq!(code, 0);
    assert!(out.contains("no problems") || out.contains("warning"));
    let (code, out, _) = ampflux(&[
        "validate",
        p_str(),
        "--set",
        "fault=1ph",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{out}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(v.is_array());
}

#[test]
fn table_output_is_readable() {
    let (code, out, _) = ampflux(&["sc", p_str()]);
    assert_eq!(code, 0);
    assert!(out.contains("Ik'' kA"));
    assert!(out.lines().any(|l| l.starts_with("LV1")));
}

#[test]
fn digest_diff_and_apply() {
    let a = example();
    let text = std::fs::read_to_string(&a).unwrap();
    let b = write_temp(
        "b.json",
        &text
            .replace("\"vk_percent\": 12.5", "\"vk_percent\": 13.0")
            .replace("{\"id\": \"C3\"", "{\"id\": \"C3\", \"name\": \"PV cable\""),
    );
    let (code, da, _) = ampflux(&["digest", a.to_str().unwrap()]);
    assert_eq!(code, 0);
    assert_eq!(da.trim().len(), 64);
    // the same circuit written differently has the same digest
    let compact = write_temp(
        "compact.json",
        &serde_json::to_string(&serde_json::from_str::<serde_json::Value>(&text).unwrap()).unwrap(),
    );
    assert_eq!(ampflux(&["digest", compact.to_str().unwrap()]).1, da);
    let (code, summary, _) = ampflux(&["diff", a.to_str().unwrap(), b.to_str().unwrap()]);
    assert_eq!(code, 0);
    assert!(summary.contains("T1: vk_percent 12.5 -> 13.0"), "{summary}");
    assert!(
        summary.contains("C3: name (absent) -> 'PV cable'"),
        "{summary}"
    );
    let (_, json, _) = ampflux(&[
        "diff",
        a.to_str().unwrap(),
        b.to_str().unwrap(),
        "--format",
        "json",
    ]);
    let changes = write_temp("changes.json", &json);
    let (code, patched, err) = ampflux(&["apply", a.to_str().unwrap(), changes.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let patched = write_temp("patched.json", &patched);
    assert_eq!(
        ampflux(&["digest", patched.to_str().unwrap()]).1,
        ampflux(&["digest", b.to_str().unwrap()]).1
    );
    // a change set for another network is refused
    let (code, _, err) = ampflux(&["apply", b.to_str().unwrap(), changes.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("conflict"), "{err}");
}

#[test]
fn impedances_show_corrected_values_and_factors() {
    let (code, out, err) = ampflux(&["impedances", p_str(), "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let t1 = v
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["id"] == "T1")
        .unwrap();
    assert!(t1["corrections"]["kt"].as_f64().unwrap() < 1.0);
    let chp = v
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["id"] == "CHP")
        .unwrap();
    assert!(chp["corrections"].get("kso").is_some(), "{chp}");
    let (code, out, _) = ampflux(&["impedances", p_str()]);
    assert_eq!(code, 0);
    assert!(out.contains("kt="));
}
