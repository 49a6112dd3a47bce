//! The command line as a new user meets it (issue 16): a reader that closes the pipe early,
//! the progress bar on a terminal, every problem of a document at once with the file name,
//! CSV that tools can read, option flags set as typed values.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use ampflux_core::{Motor, Network};

/// The binary under test; `AMPFLUX_CLI_BIN` points these tests at another build (to check
/// that they fail on the build before the fixes).
fn bin_path() -> PathBuf {
    std::env::var_os("AMPFLUX_CLI_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_ampflux")))
}

fn bin() -> Command {
    Command::new(bin_path())
}

fn example() -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../examples/networks/industrial_plant.json")
        .to_string_lossy()
        .into_owned()
}

fn temp_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ampflux-behaviour-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn write_temp(name: &str, text: &str) -> String {
    let path = temp_dir().join(name);
    std::fs::write(&path, text).unwrap();
    path.to_string_lossy().into_owned()
}

fn run(args: &[&str]) -> (i32, String, String) {
    let out = bin().args(args).output().expect("ampflux runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Runs `ampflux args` with standard output (or standard error) a pipe whose reader has
/// gone away before the command writes.
fn with_closed(args: &[&str], close_stderr: bool) -> Output {
    let mut cmd = bin();
    cmd.args(args).stdin(Stdio::null());
    if close_stderr {
        cmd.stdout(Stdio::null()).stderr(Stdio::piped());
    } else {
        cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
    }
    let mut child = cmd.spawn().expect("ampflux runs");
    if close_stderr {
        drop(child.stderr.take());
    } else {
        drop(child.stdout.take());
    }
    child.wait_with_output().expect("ampflux ends")
}

/// A meshed grid large enough that every output is longer than a pipe's buffer, with a
/// negative-reactance line so that the study warns.
fn large_network() -> String {
    let mut net = ampflux_testkit::synthetic::meshed_grid(3000, 7);
    let (a, b) = (net.buses[1].id.clone(), net.buses[2].id.clone());
    net.add_line("SERIES_CAP", a, b, 1.0, 0.01, -0.05);
    write_temp("large.json", &net.to_json())
}

fn subcommands() -> Vec<String> {
    let (_, help, _) = run(&["--help"]);
    help.split_once("Commands:")
        .expect("help lists the commands")
        .1
        .lines()
        .take_while(|l| !l.trim().is_empty())
        .filter_map(|l| l.split_whitespace().next())
        .filter(|c| *c != "help")
        .map(str::to_string)
        .collect()
}

#[test]
fn a_closed_pipe_ends_quietly_for_every_command_and_output() {
    let large = large_network();
    let changes = {
        let (_, json, _) = run(&["diff", &example(), &large, "--format", "json"]);
        write_temp("changes.json", &json)
    };
    let bad = write_temp(
        "bad.json",
        r#"{"buses": [{"id": "A", "vn_kv": -1}, {"id": "B"}]}"#,
    );
    let mut cases: Vec<Vec<String>> = Vec::new();
    let mut add = |args: &[&str]| cases.push(args.iter().map(|s| s.to_string()).collect());
    for format in ["table", "csv", "json"] {
        add(&["sc", &large, "--format", format]);
        add(&["impedances", &large, "--format", format]);
    }
    add(&["sc", &large, "--branches", "--bus", "H1"]);
    add(&[
        "sc",
        &large,
        "--branches",
        "--format",
        "json",
        "--bus",
        "H1",
    ]);
    add(&["sc", &large, "--fault", "1ph", "--format", "csv"]);
    add(&["validate", &large]);
    add(&["validate", &large, "--format", "json"]);
    add(&["validate", &bad]);
    add(&["validate", &bad, "--format", "json"]);
    add(&["digest", &large]);
    add(&["diff", &example(), &large]);
    add(&["diff", &example(), &large, "--format", "json"]);
    add(&["apply", &example(), &changes]);
    add(&["--help"]);
    // commands added later get at least the plain form: `ampflux CMD NETWORK`
    let known = ["sc", "impedances", "validate", "digest", "diff", "apply"];
    for command in subcommands() {
        if !known.contains(&command.as_str()) {
            add(&[&command, &large]);
        }
    }
    for args in &cases {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        for close_stderr in [false, true] {
            let out = with_closed(&args, close_stderr);
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert_ne!(out.status.code(), Some(101), "{args:?}: {stderr}");
            assert!(out.status.code().is_some(), "{args:?} ended by a signal");
            assert!(
                !stderr.contains("panicked") && !stderr.contains("Broken pipe"),
                "{args:?}: {stderr}"
            );
        }
    }
    // the exit code stays the command's own verdict
    assert_eq!(
        with_closed(&["validate", &bad], false).status.code(),
        Some(2)
    );
    assert_eq!(with_closed(&["sc", &large], false).status.code(), Some(0));
}

/// A 20 kV star of `n` motor feeders: `n` machine columns for the exact I_b, so the study
/// reports `n` work units.
fn motor_star(n: usize) -> String {
    let mut net = Network::new(50.0);
    net.add_bus("S", 20.0);
    net.add_external_grid("Q", "S", 500.0, 0.1);
    for i in 0..n {
        let bus = format!("M{i}");
        net.add_bus(bus.clone(), 20.0);
        net.add_line(format!("L{i}"), "S", bus.clone(), 1.0, 0.1, 0.1);
        net.motors.push(Motor {
            id: format!("MOT{i}"),
            bus,
            pn_mw: 1.0,
            vn_kv: 20.0,
            cos_phi: 0.88,
            efficiency_percent: 96.0,
            lrc_pu: 5.0,
            ..Motor::default()
        });
    }
    write_temp("motor_star.json", &net.to_json())
}

#[test]
fn the_progress_bar_reaches_its_end_on_a_terminal() {
    if Command::new("script").arg("--version").output().is_err() {
        eprintln!("skipped: util-linux `script` (a pseudo-terminal) is not installed");
        return;
    }
    let n = 2100;
    let net = motor_star(n);
    // standard error is a terminal (script's pseudo-terminal); the report goes to /dev/null
    let command = format!(
        "'{}' sc '{net}' --format json > /dev/null",
        bin_path().display()
    );
    let out = Command::new("script")
        .args(["-qfec", &command, "/dev/null"])
        .stdin(Stdio::null())
        .output()
        .expect("script runs");
    let screen = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{screen}");
    // the work units: one column per source node (the n motors and the feeder)
    let total = n + 1;
    assert!(
        screen.contains(&format!("{total}/{total}")),
        "the bar never shows {total}/{total}: {:?}",
        screen.chars().rev().take(400).collect::<String>()
    );
}

#[test]
fn every_problem_at_once_each_with_the_file_name() {
    // a missing field, an invalid value and a dangling reference: three problems
    let bad = write_temp(
        "three.json",
        r#"{"buses": [{"id": "A", "vn_kv": -1}, {"id": "B", "vn_kv": 20}],
            "lines": [{"id": "L1", "from_bus": "B", "to_bus": "X", "length_km": 1,
                       "r_ohm_per_km": 0.1, "x_ohm_per_km": 0.1},
                      {"id": "L2", "from_bus": "A", "to_bus": "B", "length_km": 1,
                       "r_ohm_per_km": 0.1}]}"#,
    );
    for command in ["sc", "validate", "impedances", "digest"] {
        let (code, out, err) = run(&[command, &bad]);
        assert_eq!(code, 2, "{command}: {err}");
        // `validate` lists the problems on standard output, the others on standard error
        let all = format!("{out}{err}");
        let problems: Vec<&str> = all.lines().filter(|l| l.contains("error:")).collect();
        assert!(
            problems
                .iter()
                .any(|l| l.contains("`L2`") && l.contains("x_ohm_per_km"))
                && problems
                    .iter()
                    .any(|l| l.contains("`A`") && l.contains("vn_kv"))
                && problems
                    .iter()
                    .any(|l| l.contains("`L1`") && l.contains("`X`")),
            "{command}: not every problem listed:\n{err}{out}"
        );
        let listed = if command == "validate" { &out } else { &err };
        for line in listed.lines().filter(|l| l.contains("error")) {
            assert!(
                line.starts_with(bad.as_str()),
                "{command}: no file name: {line}"
            );
        }
        assert!(err.contains("3 errors"), "{command}: {err}");
    }
    // the JSON list of problems holds them all, with element and field
    let (code, out, _) = run(&["validate", &bad, "--format", "json"]);
    assert_eq!(code, 2);
    let issues: serde_json::Value = serde_json::from_str(&out).unwrap();
    let named: Vec<(String, String)> = issues
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["element"].as_str().unwrap_or("").to_string(),
                i["field"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    for want in [("L2", "x_ohm_per_km"), ("A", "vn_kv"), ("L1", "to_bus")] {
        assert!(
            named.contains(&(want.0.into(), want.1.into())),
            "{want:?} in {named:?}"
        );
    }
}

#[test]
fn a_syntax_error_names_its_position_once() {
    let bad = write_temp(
        "syntax.json",
        "{\"buses\": [\n  {\"id\": \"A\", \"vn_kv\": 1,}]}",
    );
    let (code, _, err) = run(&["sc", &bad]);
    assert_eq!(code, 2);
    assert_eq!(err.matches("line 2 column").count(), 1, "{err}");
    assert!(err.lines().all(|l| l.starts_with(bad.as_str())), "{err}");
    // the same for a change set
    let changes = write_temp("changes_syntax.json", "{\"changes\": [\n  1,]}");
    let (code, _, err) = run(&["apply", &example(), &changes]);
    assert_eq!(code, 2);
    assert_eq!(err.matches("line 2 column").count(), 1, "{err}");
    assert!(err.starts_with(changes.as_str()), "{err}");
}

#[test]
fn an_empty_file_is_called_empty() {
    let empty = write_temp("empty.json", "");
    for command in ["sc", "validate"] {
        let (code, _, err) = run(&[command, &empty]);
        assert_eq!(code, 2);
        assert!(err.contains("empty"), "{err}");
        assert!(!err.contains("EOF") && !err.contains("column 0"), "{err}");
    }
}

/// The CSV lines of `text` without the `#` comment lines.
fn csv_rows(text: &str) -> Vec<Vec<String>> {
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| l.split(',').map(str::to_string).collect())
        .collect()
}

fn significant_digits(cell: &str) -> usize {
    let mantissa = cell.split(['e', 'E']).next().unwrap();
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    digits.trim_start_matches('0').trim_end_matches('0').len()
}

#[test]
fn csv_has_a_study_header_status_names_and_six_digits() {
    let (code, out, err) = run(&["sc", &example(), "--format", "csv"]);
    assert_eq!(code, 0, "{err}");
    let comments: Vec<&str> = out.lines().take_while(|l| l.starts_with('#')).collect();
    assert!(
        comments
            .iter()
            .any(|l| l.contains("network:") && l.contains("sha256"))
    );
    let study = comments
        .iter()
        .find_map(|l| l.strip_prefix("# study: "))
        .expect("the options of the study");
    let study: serde_json::Value = serde_json::from_str(study).unwrap();
    assert_eq!(study["fault"], "3ph");
    let rows = csv_rows(&out);
    let status = rows[0].iter().position(|h| h == "status").unwrap();
    assert!(rows[1..].iter().all(|r| r[status] == "ok"), "{out}");
    for row in &rows[1..] {
        for cell in row.iter().filter(|c| c.parse::<f64>().is_ok()) {
            assert!(significant_digits(cell) <= 6, "{cell} in {row:?}");
        }
    }
}

#[test]
fn csv_branch_rows_go_to_their_own_file() {
    let dir = temp_dir();
    let branches = dir.join("branches.csv");
    let voltages = dir.join("voltages.csv");
    let (code, _, err) = run(&["sc", &example(), "--format", "csv", "--branches"]);
    assert_eq!(code, 2);
    assert!(err.contains("--branches-out"), "{err}");
    let (code, out, err) = run(&[
        "sc",
        &example(),
        "--format",
        "csv",
        "--bus",
        "LV1",
        "--branches-out",
        branches.to_str().unwrap(),
        "--voltages-out",
        voltages.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    let buses = csv_rows(&out);
    assert_eq!(buses.len(), 2, "one header and one bus row: {out}");
    assert!(buses.iter().all(|r| r.len() == buses[0].len()), "{out}");
    let read = |p: &Path| csv_rows(&std::fs::read_to_string(p).unwrap());
    let branch_rows = read(&branches);
    assert_eq!(branch_rows[0][..2], ["id", "fault_bus"]);
    assert!(branch_rows.len() > 2);
    assert!(branch_rows[1..].iter().all(|r| r[1] == "LV1"));
    let voltage_rows = read(&voltages);
    assert_eq!(voltage_rows[0][..2], ["fault_bus", "bus"]);
}

#[test]
fn option_flags_are_typed_values() {
    // a value out of range is named as such (it was turned into text and read back, which
    // failed on `inf` with a type error)
    let (code, _, err) = run(&["sc", &example(), "--tk", "inf"]);
    assert_eq!(code, 2);
    assert!(err.contains("tk_s") && err.contains("positive"), "{err}");
    let (code, _, err) = run(&["sc", &example(), "--fault", "4ph"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("2phe"),
        "the accepted values are listed: {err}"
    );
    // flags and --set give the same study
    let (_, a, _) = run(&[
        "sc",
        &example(),
        "--format",
        "json",
        "--fault",
        "2ph",
        "--tmin",
        "0.05",
        "--ib",
        "conservative",
    ]);
    let (_, b, _) = run(&[
        "sc",
        &example(),
        "--format",
        "json",
        "--set",
        "fault=2ph",
        "--set",
        "tmin_s=0.05",
        "--set",
        "breaking_current=conservative",
    ]);
    assert_eq!(a, b);
}
