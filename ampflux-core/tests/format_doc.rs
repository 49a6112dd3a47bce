//! The format specification `docs/network-format.md` documents every field the model accepts:
//! the field lists come from the model itself (the "expected one of ..." of a field no
//! struct has), so a field added to the model without its documentation fails here.

use std::path::PathBuf;

use ampflux_core::{Network, StudyOptions};

const PROBE: &str = "__no_such_field__";

fn spec() -> String {
    std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../docs/network-format.md"),
    )
    .expect("docs/network-format.md is in the repository")
}

/// The field names listed in a serde "unknown field" message.
fn accepted_fields(message: &str) -> Vec<String> {
    let list = message
        .split_once("expected one of ")
        .or_else(|| message.split_once("expected "))
        .unwrap_or_else(|| panic!("not an unknown-field message: {message}"))
        .1;
    list.split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect()
}

/// The fields of the document and of the elements of every array it holds (tables and any
/// other list of objects), as `(where, field)`.
fn model_fields() -> Vec<(String, String)> {
    let probe = |doc: serde_json::Value| -> Option<Vec<String>> {
        let err = Network::from_value(doc).err()?.to_string();
        err.contains(&format!("unknown field `{PROBE}`"))
            .then(|| accepted_fields(&err))
    };
    let top = probe(serde_json::json!({ PROBE: 1 })).expect("the document denies unknown fields");
    let mut fields: Vec<(String, String)> = top
        .iter()
        .map(|f| ("document".to_string(), f.clone()))
        .collect();
    for key in &top {
        if let Some(inner) = probe(serde_json::json!({ key.as_str(): [{ PROBE: 1 }] })) {
            fields.extend(inner.into_iter().map(|f| (key.clone(), f)));
        }
    }
    fields
}

#[test]
fn every_model_field_is_documented() {
    let spec = spec();
    let fields = model_fields();
    assert!(
        fields
            .iter()
            .any(|(t, f)| t == "lines" && f == "r_ohm_per_km"),
        "the probe finds the tables' fields: {fields:?}"
    );
    let missing: Vec<String> = fields
        .iter()
        .filter(|(_, f)| !spec.contains(&format!("`{f}`")) && !spec.contains(&format!("\"{f}\"")))
        .map(|(t, f)| format!("{t}.{f}"))
        .collect();
    assert!(
        missing.is_empty(),
        "fields of the model not documented in docs/network-format.md: {missing:?}"
    );
}

#[test]
fn every_study_option_is_documented() {
    let spec = spec();
    let section = spec
        .split_once("## Study options")
        .expect("the spec has a study options section")
        .1;
    let err = StudyOptions::from_value(serde_json::json!({ PROBE: 1 }))
        .unwrap_err()
        .to_string();
    let missing: Vec<String> = accepted_fields(&err)
        .into_iter()
        .filter(|f| !section.contains(&format!("`{f}`")))
        .collect();
    assert!(
        missing.is_empty(),
        "study options not documented in the spec's study options section: {missing:?}"
    );
}

#[test]
fn the_spec_example_reads() {
    let spec = spec();
    let example = spec
        .split_once("```json\n")
        .and_then(|(_, rest)| rest.split_once("```"))
        .expect("the spec opens with a JSON example")
        .0;
    if let Err(e) = Network::from_json(example) {
        panic!("the example of docs/network-format.md does not read: {e}");
    }
}
