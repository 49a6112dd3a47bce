//! Fuzz targets over ampflux-core: what each target does with the fuzzer's bytes, the
//! structured decoder, and the handling of known findings.
//!
//! Every target reads its input in one of two modes:
//! - **JSON mode** (the first non-blank byte is `{` or `[`): the text is the target's JSON
//!   form (see `invariants.rs`); saved regression inputs are in this form;
//! - **structured mode** (anything else): a small network and study options are decoded from
//!   the bytes by [`gen`], which reaches the deep study code far more often than mutated JSON.
//!
//! `json_form` turns any input into the JSON form that reproduces it (the `decode` example).

pub mod r#gen;
pub mod invariants;

use std::collections::HashSet;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Mutex, OnceLock};

use ampflux_core::Network;
use invariants::Check;
use serde_json::{Value, json};

/// The fuzz targets.
pub const TARGETS: [&str; 4] = ["reader", "study", "versions", "upgrade"];

/// Whether `data` is in JSON mode.
pub fn is_json(data: &[u8]) -> bool {
    matches!(
        data.iter().find(|b| !b.is_ascii_whitespace()),
        Some(b'{') | Some(b'[')
    )
}

/// reader: arbitrary bytes (invalid UTF-8 replaced) into `Network::from_json`.
pub fn reader(data: &[u8]) -> Check {
    invariants::reader(&String::from_utf8_lossy(data))
}

/// study: a case or network document, or a decoded network and options.
pub fn study(data: &[u8]) -> Check {
    if is_json(data) {
        return invariants::study_text(&String::from_utf8_lossy(data));
    }
    let mut src = r#gen::Src::new(data);
    let net = r#gen::network(&mut src);
    let options = r#gen::options(&mut src, &net);
    invariants::study(&net, &options)
}

fn three_networks(data: &[u8]) -> (Network, Network, Network) {
    let mut src = r#gen::Src::new(data);
    let a = r#gen::network(&mut src);
    let b = r#gen::mutate(&mut src, &a);
    let c = r#gen::mutate(&mut src, &a);
    (a, b, c)
}

/// versions: two or three network documents, or a decoded network and two edits of it.
pub fn versions(data: &[u8]) -> Check {
    if is_json(data) {
        return invariants::versions_text(&String::from_utf8_lossy(data));
    }
    let (a, b, c) = three_networks(data);
    invariants::versions(&a, &b, &c)
}

/// upgrade: any JSON document read as version 0, or a decoded network written as version 0.
pub fn upgrade(data: &[u8]) -> Check {
    if is_json(data) {
        return invariants::upgrade_text(&String::from_utf8_lossy(data));
    }
    let mut src = r#gen::Src::new(data);
    let net = r#gen::network(&mut src);
    let v0 = invariants::v1_as_v0(&net.document_value());
    invariants::upgrade_v0(&v0)?;
    match Network::from_value(v0) {
        Ok(back) if back == net => Ok(()),
        Ok(back) => Err(format!(
            "the v0 spelling of a network reads as another network: {}",
            invariants::first_difference(&net.document_value(), &back.document_value())
        )),
        Err(e) => Err(format!(
            "the v0 spelling of a valid document is refused: {e}"
        )),
    }
}

/// The JSON form of an input of `target` (what to save under `tests/data/fuzz/`).
pub fn json_form(target: &str, data: &[u8]) -> String {
    if target == "reader" || is_json(data) {
        return String::from_utf8_lossy(data).into_owned();
    }
    let value = match target {
        "study" => {
            let mut src = r#gen::Src::new(data);
            let net = r#gen::network(&mut src);
            let options = r#gen::options(&mut src, &net);
            json!({"network": net.document_value(), "options": options})
        }
        "versions" => {
            let (a, b, c) = three_networks(data);
            Value::Array(vec![
                a.document_value(),
                b.document_value(),
                c.document_value(),
            ])
        }
        "upgrade" => {
            let mut src = r#gen::Src::new(data);
            invariants::v1_as_v0(&r#gen::network(&mut src).document_value())
        }
        other => panic!("unknown target `{other}` (known: {TARGETS:?})"),
    };
    serde_json::to_string_pretty(&value).expect("JSON values serialize")
}

/// Runs the check of `target` on `data`.
pub fn check(target: &str, data: &[u8]) -> Check {
    match target {
        "reader" => reader(data),
        "study" => study(data),
        "versions" => versions(data),
        "upgrade" => upgrade(data),
        other => panic!("unknown target `{other}` (known: {TARGETS:?})"),
    }
}

// ---------------------------------------------------------------------------------------
// known findings
// ---------------------------------------------------------------------------------------

/// Substrings of known findings (panic messages with their location, or invariant
/// violations) from `AMPFLUX_FUZZ_KNOWN`, separated by `|`. Empty by default: every finding
/// stops the fuzzer. Set it to keep fuzzing past findings already reported.
fn known() -> &'static [String] {
    static KNOWN: OnceLock<Vec<String>> = OnceLock::new();
    KNOWN.get_or_init(|| {
        std::env::var("AMPFLUX_FUZZ_KNOWN")
            .unwrap_or_default()
            .split('|')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect()
    })
}

/// Notes the first hit of each known finding on stderr; whether `text` is known.
fn is_known(text: &str) -> bool {
    static SEEN: Mutex<Option<HashSet<String>>> = Mutex::new(None);
    let Some(k) = known().iter().find(|k| text.contains(k.as_str())) else {
        return false;
    };
    let mut seen = SEEN.lock().unwrap_or_else(|e| e.into_inner());
    if seen.get_or_insert_with(HashSet::new).insert(k.clone()) {
        eprintln!(
            "ampflux-fuzz: known finding `{k}` hit again (tolerated); first input text: {}",
            text.lines().next().unwrap_or("")
        );
    }
    true
}

/// Installed by every target after libfuzzer-sys's own hook (which aborts on any panic):
/// panics matching a known finding unwind quietly instead, so that [`run`] can go on.
pub fn init() {
    if known().is_empty() {
        return;
    }
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let message = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_default();
        let at = info
            .location()
            .map(|l| format!("{}:{}", l.file(), l.line()))
            .unwrap_or_default();
        if is_known(&format!("{message} at {at}")) {
            return;
        }
        previous(info);
    }));
}

/// Runs the check of `target` on `data`: a violation that is not known panics (the fuzzer
/// reports it as a crash); a known one, or a known panic, is tolerated.
pub fn run(target: &str, data: &[u8]) {
    let outcome = catch_unwind(AssertUnwindSafe(|| check(target, data)));
    match outcome {
        Ok(Ok(())) => {}
        Ok(Err(violation)) => {
            if !is_known(&violation) {
                panic!("{target} invariant violated: {violation}");
            }
        }
        // only a known panic gets here: the hook aborts on the others
        Err(_) => {}
    }
}
