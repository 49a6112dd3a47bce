//! `ampflux duty` as a user runs it: the JSON contract, exit codes 0/3/2, CSV and table
//! output, scenarios; and `ampflux sc --scenario`.

use std::path::PathBuf;
use std::process::Command;

use serde_json::Value;

fn example() -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../examples/networks/industrial_plant.json")
        .to_string_lossy()
        .into_owned()
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

fn write_temp(name: &str, text: &str) -> String {
    let dir = std::env::temp_dir().join(format!("ampflux-duty-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.to_string_lossy().into_owned()
}

fn json(args: &[&str]) -> (i32, Value, String) {
    let (code, out, err) = ampflux(args);
    let v = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}\n{err}"));
    (code, v, err)
}

fn find<'a>(v: &'a Value, element: &str, check: &str) -> &'a Value {
    v["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["element"] == element && c["check"] == check)
        .unwrap_or_else(|| panic!("no {check} row for {element}"))
}

#[test]
fn the_example_shows_every_verdict_and_exits_3() {
    let (code, v, err) = json(&["duty", &example(), "--format", "json"]);
    assert_eq!(code, 3, "{err}");
    assert!(err.contains("checks fail"), "{err}");
    for key in ["study", "checks", "summary"] {
        assert!(v.get(key).is_some(), "{key}");
    }
    let summary = &v["summary"];
    for verdict in ["pass", "marginal", "fail", "unrated"] {
        assert!(
            summary[verdict].as_u64().unwrap() > 0,
            "no {verdict} in {summary}"
        );
    }
    for c in v["checks"].as_array().unwrap() {
        for key in [
            "element",
            "table",
            "check",
            "duty",
            "rating",
            "unit",
            "utilization_percent",
            "verdict",
            "fault",
            "location",
            "scenario",
        ] {
            assert!(c.get(key).is_some(), "{key} missing in {c}");
        }
    }
    // the failing breaker and the undersized cable
    let breaker = find(&v, "Q-LV2", "breaking");
    assert_eq!(breaker["verdict"], "fail");
    assert_eq!(breaker["table"], "switches");
    assert_eq!(breaker["location"], "LV2");
    assert_eq!(breaker["scenario"], "base");
    let cable = find(&v, "C2", "cable_thermal");
    assert_eq!(cable["verdict"], "fail");
    assert_eq!(cable["unit"], "mm2");
    assert!(cable["utilization_percent"].as_f64().unwrap() > 150.0);
    assert_eq!(find(&v, "Q-LV-tie", "short_time")["verdict"], "unrated");
    assert_eq!(find(&v, "Q-LV-tie", "short_time")["rating"], Value::Null);
    assert_eq!(v["study"]["duty_basis"], "bus_total");
}

#[test]
fn a_network_whose_equipment_is_adequate_exits_0() {
    let path = write_temp(
        "ok.json",
        r#"{"buses": [{"id": "MV", "vn_kv": 20, "ratings": {"ipk_ka": 63, "icw_ka": 25, "icw_duration_s": 1}}],
            "external_grids": [{"id": "Q", "bus": "MV", "s_sc_max_mva": 300, "rx_max": 0.1}]}"#,
    );
    let (code, out, err) = ampflux(&["duty", &path, "--set", "faults=3ph"]);
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(
        out.contains("2 checks: 2 pass, 0 marginal, 0 fail, 0 unrated"),
        "{out}"
    );
}

#[test]
fn bad_input_exits_2_with_the_problem_named() {
    let (code, _, err) = ampflux(&["duty", &example(), "--set", "case=min"]);
    assert_eq!(code, 2);
    assert!(err.contains("case"), "{err}");
    let (code, _, err) = ampflux(&["duty", &example(), "--scenario", "nope"]);
    assert_eq!(code, 2);
    assert!(err.contains("nope"), "{err}");
    let bad = write_temp(
        "bad.json",
        r#"{"buses": [{"id": "MV", "vn_kv": 20, "ratings": {"icw_ka": 25}}],
            "external_grids": [{"id": "Q", "bus": "MV", "s_sc_max_mva": 300, "rx_max": 0.1}]}"#,
    );
    let (code, _, err) = ampflux(&["duty", &bad]);
    assert_eq!(code, 2);
    assert!(
        err.contains("MV") && err.contains("ratings.icw_duration_s"),
        "{err}"
    );
}

#[test]
fn csv_and_table_carry_the_rows() {
    let (code, out, _) = ampflux(&["duty", &example(), "--format", "csv"]);
    assert_eq!(code, 3);
    let mut lines = out.lines().filter(|l| !l.starts_with('#'));
    let header = lines.next().unwrap();
    assert!(
        header.starts_with(
            "element,table,check,duty,rating,unit,utilization_percent,verdict,fault,location,scenario"
        ),
        "{header}"
    );
    assert!(out.contains("# summary: {\"pass\""), "{out}");
    assert!(lines.any(|l| l.starts_with("C2,lines,cable_thermal,")));
    let (code, out, _) = ampflux(&["duty", &example()]);
    assert_eq!(code, 3);
    assert!(out.starts_with("Equipment duty"), "{out}");
    assert!(out.contains("Q-LV2") && out.contains("fail"), "{out}");
}

#[test]
fn scenarios_widen_the_envelope() {
    let (_, base, _) = json(&["duty", &example(), "--format", "json"]);
    let (_, all, _) = json(&["duty", &example(), "--format", "json", "--all-scenarios"]);
    let (_, tie, _) = json(&[
        "duty",
        &example(),
        "--format",
        "json",
        "--scenario",
        "tie-closed",
    ]);
    let duty = |v: &Value| find(v, "Q-LV2", "breaking")["duty"].as_f64().unwrap();
    assert!(duty(&all) > duty(&base));
    assert_eq!(duty(&all), duty(&tie));
    assert_eq!(find(&all, "Q-LV2", "breaking")["scenario"], "tie-closed");
    assert_eq!(all["study"]["all_scenarios"], true);
    // --set duty_basis=through: the breaker's own share, never more than the bus total
    let (_, through, _) = json(&[
        "duty",
        &example(),
        "--format",
        "json",
        "--set",
        "duty_basis=through",
    ]);
    assert!(duty(&through) <= duty(&base) * (1.0 + 1e-12));
    assert_eq!(through["study"]["duty_basis"], "through");
}

#[test]
fn sc_runs_on_a_scenario() {
    let p = example();
    let (code, base, _) = json(&["sc", &p, "--format", "json", "--bus", "LV2"]);
    assert_eq!(code, 0);
    let (code, tie, err) = json(&[
        "sc",
        &p,
        "--format",
        "json",
        "--bus",
        "LV2",
        "--scenario",
        "tie-closed",
    ]);
    assert_eq!(code, 0, "{err}");
    let ik = |v: &Value| v["buses"][0]["ikss_ka"].as_f64().unwrap();
    assert!(ik(&tie) > ik(&base));
    assert_ne!(tie["network_digest"], base["network_digest"]);
    let (code, _, err) = ampflux(&["sc", &p, "--scenario", "nope"]);
    assert_eq!(code, 2);
    assert!(err.contains("nope"), "{err}");
}
