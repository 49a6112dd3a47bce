//! Step-by-step upgrades of older network documents to the current format version.
//!
//! Version history:
//! - **0**: the prototype's documents (2026 pre-release). Tables `trafos` and `trafos3w`
//!   instead of `transformers` and `transformers3w`, line end temperature as
//!   `end_temp_degc`, and the frequency as `f_hz`.
//! - **1**: the AmpFlux network document of `docs/network-format.md`.
//!
//! A document without `version` is read as the current version; a newer version or a
//! foreign `format` tag is refused.

use serde_json::{Map, Value};

use crate::error::{Error, Result};
use crate::model::{FORMAT_TAG, FORMAT_VERSION};

/// Format versions this build can read (older ones are upgraded on read).
pub const SUPPORTED_VERSIONS: std::ops::RangeInclusive<u32> = 0..=FORMAT_VERSION;

type Step = fn(&mut Map<String, Value>) -> Result<()>;

/// Upgrade steps: `STEPS[v]` turns a version-`v` document into version `v + 1`.
const STEPS: [Step; FORMAT_VERSION as usize] = [v0_to_v1];

/// Checks the `format` tag and upgrades the document to [`FORMAT_VERSION`] one step at a time.
pub fn upgrade_document(mut value: Value) -> Result<Value> {
    let Value::Object(map) = &mut value else {
        return Err(Error::Format {
            path: ".".into(),
            message: "a network document is a JSON object".into(),
        });
    };
    match map.get("format") {
        None => {}
        Some(Value::String(tag)) if tag == FORMAT_TAG => {}
        Some(other) => {
            return Err(Error::UnsupportedVersion(format!(
                "`format` is {other}, expected \"{FORMAT_TAG}\""
            )));
        }
    }
    let version = match map.get("version") {
        None => FORMAT_VERSION,
        Some(v) => v
            .as_u64()
            .and_then(|v| u32::try_from(v).ok())
            .ok_or_else(|| Error::Format {
                path: "version".into(),
                message: format!("`version` must be a non-negative integer, got {v}"),
            })?,
    };
    if version > FORMAT_VERSION {
        return Err(Error::UnsupportedVersion(format!(
            "document version {version} is newer than this build supports ({FORMAT_VERSION}); \
             upgrade AmpFlux to read it"
        )));
    }
    for (from, step) in STEPS.iter().enumerate().skip(version as usize) {
        step(map)?;
        map.insert("version".into(), Value::from(from as u32 + 1));
    }
    map.insert("format".into(), Value::String(FORMAT_TAG.into()));
    map.insert("version".into(), Value::from(FORMAT_VERSION));
    Ok(value)
}

fn rename_key(map: &mut Map<String, Value>, old: &str, new: &str) -> Result<()> {
    if let Some(v) = map.remove(old) {
        if map.contains_key(new) {
            return Err(Error::Format {
                path: old.into(),
                message: format!("both `{old}` (version 0) and `{new}` are present"),
            });
        }
        map.insert(new.into(), v);
    }
    Ok(())
}

fn v0_to_v1(doc: &mut Map<String, Value>) -> Result<()> {
    rename_key(doc, "trafos", "transformers")?;
    rename_key(doc, "trafos3w", "transformers3w")?;
    rename_key(doc, "f_hz", "frequency_hz")?;
    if let Some(Value::Array(lines)) = doc.get_mut("lines") {
        for line in lines {
            if let Value::Object(line) = line {
                rename_key(line, "end_temp_degc", "endtemp_degree")?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn newer_version_is_refused() {
        let err = upgrade_document(json!({"format": FORMAT_TAG, "version": 99})).unwrap_err();
        assert_eq!(err.code(), "unsupported_version");
    }

    #[test]
    fn foreign_tag_is_refused() {
        let err = upgrade_document(json!({"format": "pandapower", "version": 1})).unwrap_err();
        assert_eq!(err.code(), "unsupported_version");
    }

    #[test]
    fn version_zero_is_upgraded() {
        let doc = upgrade_document(json!({"format": FORMAT_TAG, "version": 0, "f_hz": 60,
            "trafos": [], "lines": [{"id": "L", "end_temp_degc": 80}]}))
        .unwrap();
        assert_eq!(doc["version"], 1);
        assert_eq!(doc["frequency_hz"], 60);
        assert!(doc.get("transformers").is_some());
        assert_eq!(doc["lines"][0]["endtemp_degree"], 80);
    }
}
