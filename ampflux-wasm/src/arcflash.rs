//! Arc flash and protection in JS: `ieee1584(params)` (one IEEE 1584-2018 calculation),
//! `arcFlashLabelSvg(bus, label)`, and the `Network` methods `arcFlash`, `arcFlashLabels`,
//! `selectivity`, `tcc`, `tccSvg`. Options with the format's names in, reports with the CLI's
//! JSON field names out.

use ampflux_core::arcflash::{
    ArcFlashBus, ArcFlashOptions, Ieee1584Params, LabelOptions, arc_flash,
    ieee1584 as core_ieee1584, label_svg,
};
use ampflux_core::protection::{SelectivityOptions, TccOptions, selectivity, tcc, tcc_svg};
use serde::de::DeserializeOwned;
use wasm_bindgen::prelude::*;

use crate::errors::{core_error, guard, input_error};
use crate::json::{from_js, to_js, type_name};
use crate::network::WasmNetwork;

/// A JS object (or JSON text) read as `T` through its JSON form; `None` for `undefined` or
/// `null`. Unknown names and wrong types throw `invalid_option` with serde's message.
fn read<T: DeserializeOwned>(value: &JsValue, what: &str) -> Result<Option<T>, JsValue> {
    if value.is_null_or_undefined() {
        return Ok(None);
    }
    if !value.is_object() && value.as_string().is_none() {
        return Err(input_error(format!(
            "{what} must be an object, got {}",
            type_name(value)
        )));
    }
    let json = from_js(value, what)?;
    serde_json::from_value(json).map(Some).map_err(|e| {
        core_error(ampflux_core::Error::InvalidOption {
            option: what.to_string(),
            message: e.to_string(),
        })
    })
}

/// Arc-flash options (`buses`, `max_arc_duration_s`, `motor_decay_s`, `energy_method`, and
/// the short-circuit options under `short_circuit`).
fn arc_flash_options(value: &JsValue) -> Result<ArcFlashOptions, JsValue> {
    let options = if value.is_null_or_undefined() {
        ArcFlashOptions::default()
    } else {
        ArcFlashOptions::from_value(from_js(value, "arc-flash options")?).map_err(core_error)?
    };
    options.check().map_err(core_error)?;
    Ok(options)
}

#[wasm_bindgen(js_class = Network)]
impl WasmNetwork {
    /// Runs the IEEE 1584-2018 arc-flash study. Options: `buses`, `max_arc_duration_s`
    /// (default 2), `motor_decay_s` (default 0.1, `null`: motors need a device),
    /// `converter_trip_s` (default 0.16, `null`: converters need a device),
    /// `energy_method` (`"single_step"` or `"step_wise"`), `short_circuit` (study options of
    /// the IEC 60909 study). Returns `{study, network_digest, buses, warnings}` as `ampflux
    /// arcflash NET.json --format json`.
    #[wasm_bindgen(js_name = arcFlash, unchecked_return_type = "ArcFlashReport")]
    pub fn arc_flash(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "ArcFlashOptionsInput")] options: JsValue,
    ) -> Result<JsValue, JsValue> {
        guard()?;
        let options = arc_flash_options(&options)?;
        to_js(&arc_flash(&self.inner, &options).map_err(core_error)?)
    }

    /// One printable label (SVG text, NFPA 70E 130.5(H)) per bus of the arc-flash study:
    /// `{busId: svg}`. `label`: `{date, study, method: "incident_energy" | "ppe_category"}`.
    #[wasm_bindgen(js_name = arcFlashLabels, unchecked_return_type = "Record<string, string>")]
    pub fn arc_flash_labels(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "ArcFlashOptionsInput")] options: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "LabelOptions")] label: JsValue,
    ) -> Result<JsValue, JsValue> {
        guard()?;
        let options = arc_flash_options(&options)?;
        let label: LabelOptions = read(&label, "label options")?.unwrap_or_default();
        let report = arc_flash(&self.inner, &options).map_err(core_error)?;
        let labels: std::collections::BTreeMap<&str, String> = report
            .buses
            .iter()
            .map(|b| (b.id.as_str(), label_svg(b, &label)))
            .collect();
        to_js(&labels)
    }

    /// Selectivity between neighbouring protective devices in series. Options: `cti_s`
    /// (default 0.2), `buses`, `short_circuit`. Returns `{study, network_digest, pairs,
    /// warnings}`.
    #[wasm_bindgen(unchecked_return_type = "SelectivityReport")]
    pub fn selectivity(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "Partial<SelectivityOptions>")]
        options: JsValue,
    ) -> Result<JsValue, JsValue> {
        guard()?;
        let options = if options.is_null_or_undefined() {
            SelectivityOptions::default()
        } else {
            SelectivityOptions::from_value(from_js(&options, "selectivity options")?)
                .map_err(core_error)?
        };
        to_js(&selectivity(&self.inner, &options).map_err(core_error)?)
    }

    /// Time-current curves of `options.devices` sampled in log-log (currents referred to
    /// `reference_kv`), with the fault currents through each device marked.
    #[wasm_bindgen(unchecked_return_type = "TccReport")]
    pub fn tcc(
        &self,
        #[wasm_bindgen(unchecked_param_type = "TccOptionsInput")] options: JsValue,
    ) -> Result<JsValue, JsValue> {
        guard()?;
        let options: TccOptions = read(&options, "tcc options")?.unwrap_or_default();
        to_js(&tcc(&self.inner, &options).map_err(core_error)?)
    }

    /// The TCC drawn as SVG text (log-log axes, bands, marked currents, legend).
    #[wasm_bindgen(js_name = tccSvg)]
    pub fn tcc_svg(
        &self,
        #[wasm_bindgen(unchecked_param_type = "TccOptionsInput")] options: JsValue,
        title: Option<String>,
    ) -> Result<String, JsValue> {
        guard()?;
        let options: TccOptions = read(&options, "tcc options")?.unwrap_or_default();
        let report = tcc(&self.inner, &options).map_err(core_error)?;
        let title =
            title.unwrap_or_else(|| self.inner.name.clone().unwrap_or_else(|| "TCC".into()));
        Ok(tcc_svg(&report, &title))
    }
}

/// One IEEE 1584-2018 calculation: `{voc_kv, config, gap_mm, distance_mm, height_mm?,
/// width_mm?, depth_mm?, ibf_ka, time_ms, time_min_ms?}` in, the result of `ampflux arcflash
/// --format json` out (`iarc_ka`, `iarc_min_ka`, `energy_j_per_cm2`, ..., `ppe_category`).
/// Parameters outside the model's range throw `invalid_option` naming the parameter.
#[wasm_bindgen(unchecked_return_type = "Ieee1584Result")]
pub fn ieee1584(
    #[wasm_bindgen(unchecked_param_type = "Ieee1584Params")] params: JsValue,
) -> Result<JsValue, JsValue> {
    guard()?;
    let params: Ieee1584Params = read(&params, "ieee1584 parameters")?
        .ok_or_else(|| input_error("ieee1584 expects the parameters object"))?;
    to_js(&core_ieee1584(&params).map_err(core_error)?)
}

/// The label (SVG text) of one bus row of an `arcFlash` report, without running the study
/// again (for a label preview).
#[wasm_bindgen(js_name = arcFlashLabelSvg)]
pub fn arc_flash_label_svg(
    #[wasm_bindgen(unchecked_param_type = "ArcFlashBus")] bus: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "LabelOptions")] label: JsValue,
) -> Result<String, JsValue> {
    guard()?;
    if bus.is_null_or_undefined() {
        return Err(input_error(
            "arcFlashLabelSvg expects a bus row of an arcFlash report",
        ));
    }
    let json = from_js(&bus, "bus")?;
    let bus: ArcFlashBus = serde_json::from_value(json)
        .map_err(|e| input_error(format!("not a bus row of an arcFlash report: {e}")))?;
    let label: LabelOptions = read(&label, "label options")?.unwrap_or_default();
    Ok(label_svg(&bus, &label))
}
