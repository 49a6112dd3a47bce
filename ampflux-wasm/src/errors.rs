//! The one boundary where errors become JavaScript values: every failure reaches JS as an
//! `Error` with `name = "AmpFluxError"`, a stable `code` and the list of problems (`issues`).
//!
//! Panics cannot abort silently either: the hook installed by [`install_panic_hook`] logs the
//! message and throws an `AmpFluxError` with code `internal_error` instead of trapping. A
//! panic leaves the instance half-way through some operation (destructors and the stack
//! pointer are not unwound), so from then on every export refuses to run ([`guard`]) with
//! the same code, until the module is loaded again.

use std::sync::atomic::{AtomicBool, Ordering};

use ampflux_core::{Error, Issue, Severity};
use wasm_bindgen::prelude::*;

/// Code of errors found by the binding itself (a non-string document, options that are not
/// an object, a change set of the wrong shape).
pub(crate) const INVALID_INPUT: &str = "invalid_input";

/// Code of the error thrown when the engine panicked (a bug; the module is re-instantiated).
pub(crate) const INTERNAL_ERROR: &str = "internal_error";

/// An error on its way to JavaScript: plain data, so that it can be built and tested
/// without a JS engine.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Failure {
    /// Stable machine-readable code (the core's `Error::code`, or `invalid_input`).
    pub code: &'static str,
    /// Human-readable summary.
    pub message: String,
    /// Every problem; never empty.
    pub issues: Vec<Issue>,
    /// Extra property naming the JSON path (`path`) or the study option (`option`).
    pub detail: Option<(&'static str, String)>,
}

impl Failure {
    /// A problem found by the binding (code `invalid_input`).
    pub fn input(message: impl Into<String>) -> Failure {
        Failure::single(INVALID_INPUT, message.into(), None)
    }

    fn single(code: &'static str, message: String, field: Option<String>) -> Failure {
        let issue = Issue {
            severity: Severity::Error,
            code: code.to_string(),
            table: None,
            element: None,
            field,
            message: message.clone(),
        };
        Failure {
            code,
            message,
            issues: vec![issue],
            detail: None,
        }
    }
}

impl From<Error> for Failure {
    /// The core's error with its code. Validation errors carry their issues; every other
    /// kind becomes a list of one problem, so that callers can always render `issues`.
    fn from(err: Error) -> Failure {
        let code = err.code();
        let message = err.to_string();
        match err {
            Error::Invalid(issues) => Failure {
                code,
                message,
                issues,
                detail: None,
            },
            Error::Format { path, .. } => Failure {
                detail: Some(("path", path)),
                ..Failure::single(code, message, None)
            },
            Error::InvalidOption { option, .. } => Failure {
                detail: Some(("option", option.clone())),
                ..Failure::single(code, message, Some(option))
            },
            _ => Failure::single(code, message, None),
        }
    }
}

impl From<Failure> for JsValue {
    fn from(failure: Failure) -> JsValue {
        let err = js_sys::Error::new(&failure.message);
        err.set_name("AmpFluxError");
        set(&err, "code", &JsValue::from_str(failure.code));
        let issues = serde_json::to_string(&failure.issues)
            .ok()
            .and_then(|text| js_sys::JSON::parse(&text).ok())
            .unwrap_or_else(|| js_sys::Array::new().into());
        set(&err, "issues", &issues);
        if let Some((key, value)) = &failure.detail {
            set(&err, key, &JsValue::from_str(value));
        }
        err.into()
    }
}

fn set(target: &JsValue, key: &str, value: &JsValue) {
    // setting a property on a fresh Error object cannot fail; a failure would only lose
    // the extra property, never the error itself
    let _ = js_sys::Reflect::set(target, &JsValue::from_str(key), value);
}

/// A core error as a JS `AmpFluxError`.
pub(crate) fn core_error(err: Error) -> JsValue {
    Failure::from(err).into()
}

/// A binding-level input error as a JS `AmpFluxError` with code `invalid_input`.
pub(crate) fn input_error(message: impl Into<String>) -> JsValue {
    Failure::input(message).into()
}

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = console, js_name = error)]
    fn console_error(message: &str);
}

/// Set by the panic hook: the instance must not run Rust code any more.
static STOPPED: AtomicBool = AtomicBool::new(false);

/// The first call of every export: refuses to run after a panic.
pub(crate) fn guard() -> Result<(), JsValue> {
    if STOPPED.load(Ordering::Relaxed) {
        return Err(Failure::single(
            INTERNAL_ERROR,
            "AmpFlux stopped after an internal error (see the console); load the module again \
             (reload the page) to continue"
                .to_string(),
            None,
        )
        .into());
    }
    Ok(())
}

/// Installs the panic hook: mark the instance stopped, log to `console.error`, and throw an
/// `AmpFluxError` with code `internal_error` to the caller instead of trapping.
pub(crate) fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        STOPPED.store(true, Ordering::Relaxed);
        let message = format!("AmpFlux internal error (please report it): {info}");
        console_error(&message);
        wasm_bindgen::throw_val(Failure::single(INTERNAL_ERROR, message, None).into());
    }));
}

#[cfg(test)]
mod tests {
    use super::*;
    use ampflux_core::{Network, StudyOptions};

    #[test]
    fn format_errors_name_their_path() {
        let err = Network::from_json(r#"{"buses": [{"id": "A", "vn_kvv": 1}]}"#).unwrap_err();
        let failure = Failure::from(err);
        assert_eq!(failure.code, "format_error");
        assert_eq!(failure.issues.len(), 1);
        assert!(failure.issues[0].message.contains("vn_kvv"));
        let (key, path) = failure.detail.expect("format errors carry a path");
        assert_eq!(key, "path");
        assert!(path.starts_with("buses[0]"), "{path}");
    }

    #[test]
    fn option_errors_name_the_option() {
        let err = StudyOptions::from_value(serde_json::json!({"fault": "4ph"})).unwrap_err();
        let failure = Failure::from(err);
        assert_eq!(failure.code, "invalid_option");
        assert_eq!(failure.issues[0].field.as_deref(), Some("fault"));
        assert_eq!(failure.detail, Some(("option", "fault".to_string())));
    }

    #[test]
    fn validation_errors_keep_every_issue() {
        let net = Network::from_json(
            r#"{"buses": [{"id": "A", "vn_kv": -1}, {"id": "B", "vn_kv": 0}],
                "lines": [{"id": "L", "from_bus": "A", "to_bus": "X", "length_km": 1,
                           "r_ohm_per_km": 0.1, "x_ohm_per_km": 0.1}]}"#,
        )
        .unwrap();
        let err = ampflux_core::short_circuit(&net, &StudyOptions::default()).unwrap_err();
        let failure = Failure::from(err);
        assert_eq!(failure.code, "validation_error");
        assert!(failure.issues.len() >= 3, "{:?}", failure.issues);
    }

    #[test]
    fn input_errors_have_one_issue() {
        let failure = Failure::input("not a string");
        assert_eq!(failure.code, INVALID_INPUT);
        assert_eq!(failure.issues[0].code, INVALID_INPUT);
        assert_eq!(failure.issues[0].severity, Severity::Error);
    }
}
