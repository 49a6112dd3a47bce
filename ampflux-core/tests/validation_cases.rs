//! Every expected value of the shared reference cases (IEC TR 60909-4 examples, textbook and
//! pandapower/PowerFactory cases), within its stated tolerance.

use ampflux_testkit::validation::{load_files, observed};

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
