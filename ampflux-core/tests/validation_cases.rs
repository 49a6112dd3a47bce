//! Every expected value of the shared reference cases (IEC TR 60909-4 examples, textbook and
//! pandapower/PowerFactory cases), within its stated tolerance.

use ampflux_testkit::validation::{load_files, observed, observed_text};

#[test]
fn every_reference_value_within_tolerance() {
    let mut failures = Vec::new();
    let mut checked = 0;
    for file in load_files() {
        for case in file.cases() {
            let report = match case.run() {
                Ok(r) => r,
                Err(e) => {
                    failures.push(format!("{} / {}: study failed: {e}", case.file, case.id));
                    continue;
                }
            };
            for e in &case.expected {
                checked += 1;
                if let Some(want) = &e.text {
                    let got = observed_text(&report, e);
                    if got.as_deref() != Some(want.as_str()) {
                        failures.push(format!(
                            "{} / {}: {:?} {} = {want} ({}), got {got:?}",
                            case.file, case.id, e.location, e.quantity, e.origin
                        ));
                    }
                    continue;
                }
                match observed(&report, e, &case.options.case) {
                    Some(got) if e.accepts(got) => {}
                    Some(got) => failures.push(format!(
                        "{} / {}: {} got {got} (diff {:.3e})",
                        case.file,
                        case.id,
                        e.describe(),
                        got - e.value
                    )),
                    None => failures.push(format!(
                        "{} / {}: {} not reported",
                        case.file,
                        case.id,
                        e.describe()
                    )),
                }
            }
        }
    }
    eprintln!("checked {checked} values, {} failures", failures.len());
    assert!(
        failures.is_empty(),
        "{} of {checked} values off:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// The element impedances and correction factors printed in the reference files
/// (`element_checks`), from [`ampflux_core::element_impedances`].
#[test]
fn element_impedances_and_correction_factors() {
    use ampflux_core::{StudyOptions, element_impedances};
    let mut checked = 0;
    let mut failures = Vec::new();
    for file in load_files() {
        let checks = file.element_checks();
        if checks.is_empty() {
            continue;
        }
        let net = file.network();
        for check in &checks {
            let options = StudyOptions {
                lv_tolerance_percent: 6.0,
                c_max_lv: check.cmax,
                ..StudyOptions::default()
            };
            let all = element_impedances(&net, &options).unwrap();
            let found = all
                .iter()
                .find(|e| e.id == check.element && e.table != ampflux_core::Table::Buses)
                .or_else(|| {
                    all.iter()
                        .find(|e| e.id.starts_with(&format!("{}@", check.element)))
                });
            let Some(e) = found else {
                failures.push(format!(
                    "{}: element {} not reported",
                    file.id, check.element
                ));
                continue;
            };
            let refer = |z: [f64; 2], kv: f64| match check.referred_to_kv {
                Some(target) => [z[0] * (target / kv).powi(2), z[1] * (target / kv).powi(2)],
                None => z,
            };
            let got = match check.quantity.as_str() {
                "z1" | "z1_with_kt" => refer(e.z1_ohm, e.z1_referred_to_kv),
                "z0" | "z0_with_kt" => match (e.z0_ohm, e.z0_referred_to_kv) {
                    (Some(z), Some(kv)) => refer(z, kv),
                    _ => [f64::NAN; 2],
                },
                "kt" => [e.corrections.get("kt").copied().unwrap_or(f64::NAN), 0.0],
                other => {
                    failures.push(format!(
                        "{}: quantity {other} not supported by the test",
                        file.id
                    ));
                    continue;
                }
            };
            checked += 1;
            let ok = (got[0] - check.value[0]).abs() <= check.tol_abs
                && (got[1] - check.value[1]).abs() <= check.tol_abs;
            if !ok {
                failures.push(format!(
                    "{} {} {}: got {:?}, expected {:?} ± {}",
                    file.id, check.element, check.quantity, got, check.value, check.tol_abs
                ));
            }
        }
    }
    eprintln!("checked {checked} element values");
    assert!(checked > 0);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
