//! Values across the boundary as JSON: `JSON.stringify` in, `JSON.parse` out. Numbers keep
//! every bit (serde_json writes the shortest round-trip form), and the field names are the
//! serde names shared with the CLI, Python and HTTP.

use serde::Serialize;
use serde_json::Value;
use wasm_bindgen::prelude::*;

use crate::errors::{Failure, input_error};

/// A JS value as JSON (`undefined` properties are dropped, as `JSON.stringify` does).
/// `what` names the argument in error messages.
pub(crate) fn from_js(value: &JsValue, what: &str) -> Result<Value, JsValue> {
    if let Some(text) = value.as_string() {
        return serde_json::from_str(&text)
            .map_err(|e| input_error(format!("{what}: the text is not valid JSON: {e}")));
    }
    let text = js_sys::JSON::stringify(value).map_err(|e| {
        input_error(format!(
            "{what} cannot be written as JSON: {}",
            describe(&e)
        ))
    })?;
    let text = text
        .as_string()
        .ok_or_else(|| input_error(format!("{what} cannot be written as JSON")))?;
    serde_json::from_str(&text).map_err(|e| input_error(format!("{what}: {e}")))
}

/// A serializable value as a plain JS object, array, string or number.
pub(crate) fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsValue> {
    let text = serde_json::to_string(value)
        .map_err(|e| Failure::input(format!("result cannot be written as JSON: {e}")))?;
    js_sys::JSON::parse(&text)
}

/// A short description of a thrown JS value, for messages.
pub(crate) fn describe(value: &JsValue) -> String {
    if let Some(text) = value.as_string() {
        return text;
    }
    js_sys::Reflect::get(value, &JsValue::from_str("message"))
        .ok()
        .and_then(|m| m.as_string())
        .unwrap_or_else(|| "unknown error".to_string())
}

/// `typeof`-like name of a JS value, for messages.
pub(crate) fn type_name(value: &JsValue) -> String {
    if value.is_null() {
        "null".into()
    } else if js_sys::Array::is_array(value) {
        "an array".into()
    } else {
        value.js_typeof().as_string().unwrap_or_default()
    }
}
