//! From a device of the document to its characteristic, with every problem of its data named
//! by device and field (the validation of the `protective_devices` table).

use super::{Characteristic, FuseCurve, InverseTime, Relay, RelayCurve, Stage, TripUnit};
use crate::error::Issue;
use crate::model::{DeviceKind, ProtectiveDevice, Table};

/// The interrupting time of a breaker whose relay does not give one: 5 cycles of the network
/// frequency (the usual rating of medium-voltage breakers, and IEEE 1584-2018's typical
/// opening time for them).
pub fn default_breaker_time_s(frequency_hz: f64) -> f64 {
    5.0 / frequency_hz
}

/// Trip unit defaults: instantaneous clearing time, tolerances, tr multiple.
const TRIP_CLEARING_S: f64 = 0.05;
const PICKUP_TOLERANCE_PERCENT: f64 = 10.0;
const TIME_TOLERANCE_PERCENT: f64 = 20.0;
const TR_MULTIPLE: f64 = 6.0;

struct Checker<'a> {
    id: &'a str,
    issues: Vec<Issue>,
}

impl Checker<'_> {
    fn error(&mut self, field: &str, code: &str, message: String) {
        self.issues.push(Issue::error(
            Table::ProtectiveDevices,
            self.id,
            field,
            code,
            message,
        ));
    }

    /// A value that must be finite and > 0.
    fn positive(&mut self, field: &str, v: f64) -> f64 {
        if !(v.is_finite() && v > 0.0) {
            self.error(
                field,
                "non_positive",
                format!("must be a positive finite number, got {v}"),
            );
        }
        v
    }

    /// A value that must be finite and ≥ 0.
    fn non_negative(&mut self, field: &str, v: f64) -> f64 {
        if !(v.is_finite() && v >= 0.0) {
            self.error(
                field,
                "negative",
                format!("must be a finite number >= 0, got {v}"),
            );
        }
        v
    }

    /// A field the device's kind needs.
    fn required(&mut self, field: &str, v: Option<f64>) -> f64 {
        match v {
            Some(v) => self.positive(field, v),
            None => {
                self.error(field, "missing_field", "required".into());
                f64::NAN
            }
        }
    }

    /// Fields that must be absent for the device's kind.
    fn absent(&mut self, kind: DeviceKind, fields: &[(&str, bool)]) {
        for (field, present) in fields {
            if *present {
                self.error(
                    field,
                    "field_not_applicable",
                    format!("does not apply to a {}", kind.as_str()),
                );
            }
        }
    }
}

/// The characteristic of `device` in a network of `frequency_hz`, or every problem of its
/// data (non-positive pickups and multipliers, unknown curves, non-monotone fuse points,
/// fields of another kind of device), each naming the device and the field.
pub fn characteristic(
    device: &ProtectiveDevice,
    frequency_hz: f64,
) -> Result<Characteristic, Vec<Issue>> {
    let mut c = Checker {
        id: &device.id,
        issues: Vec::new(),
    };
    let d = device;
    let relay_fields = [
        ("pickup_a", d.pickup_a.is_some()),
        ("tms", d.tms.is_some()),
        ("time_dial", d.time_dial.is_some()),
        ("definite_time", d.definite_time.is_some()),
        ("instantaneous", d.instantaneous.is_some()),
        ("breaker_time_s", d.breaker_time_s.is_some()),
    ];
    let trip_fields = [
        ("ir_a", d.ir_a.is_some()),
        ("tr_s", d.tr_s.is_some()),
        ("tr_multiple", d.tr_multiple.is_some()),
        ("isd_a", d.isd_a.is_some()),
        ("tsd_s", d.tsd_s.is_some()),
        ("i2t", d.i2t.is_some()),
        ("ii_a", d.ii_a.is_some()),
        ("clearing_time_s", d.clearing_time_s.is_some()),
        (
            "pickup_tolerance_percent",
            d.pickup_tolerance_percent.is_some(),
        ),
        ("time_tolerance_percent", d.time_tolerance_percent.is_some()),
    ];
    let fuse_fields = [
        ("rated_current_a", d.rated_current_a.is_some()),
        ("points", d.points.is_some()),
    ];
    let out = match d.kind {
        DeviceKind::Relay => {
            c.absent(d.kind, &trip_fields);
            c.absent(d.kind, &fuse_fields);
            relay(&mut c, d, frequency_hz).map(Characteristic::Relay)
        }
        DeviceKind::TripUnit => {
            c.absent(d.kind, &relay_fields);
            c.absent(d.kind, &fuse_fields);
            c.absent(d.kind, &[("curve", d.curve.is_some())]);
            Some(Characteristic::TripUnit(trip_unit(&mut c, d)))
        }
        DeviceKind::Fuse => {
            c.absent(d.kind, &relay_fields);
            c.absent(d.kind, &trip_fields);
            fuse(&mut c, d).map(Characteristic::Fuse)
        }
    };
    match out {
        Some(ch) if c.issues.is_empty() => Ok(ch),
        _ => Err(c.issues),
    }
}

fn relay(c: &mut Checker<'_>, d: &ProtectiveDevice, frequency_hz: f64) -> Option<Relay> {
    let inverse_time = match &d.curve {
        None => {
            for (field, v) in [
                ("pickup_a", d.pickup_a),
                ("tms", d.tms),
                ("time_dial", d.time_dial),
            ] {
                if v.is_some() {
                    c.error(
                        field,
                        "missing_field",
                        "an inverse-time setting needs `curve`".into(),
                    );
                }
            }
            None
        }
        Some(name) => {
            let iec_hint = d.tms.is_some();
            let Some(curve) = RelayCurve::parse(name, iec_hint) else {
                let known: Vec<&str> = RelayCurve::ALL.iter().map(|c| c.as_str()).collect();
                c.error(
                    "curve",
                    "unknown_curve",
                    format!("unknown relay curve `{name}`; known: {}", known.join(", ")),
                );
                return None;
            };
            let pickup_a = c.required("pickup_a", d.pickup_a);
            let (wanted, other, value) = if curve.is_iec() {
                ("tms", ("time_dial", d.time_dial), d.tms)
            } else {
                ("time_dial", ("tms", d.tms), d.time_dial)
            };
            if other.1.is_some() {
                c.error(
                    other.0,
                    "field_not_applicable",
                    format!("{} takes `{wanted}`, not `{}`", curve.as_str(), other.0),
                );
            }
            let multiplier = c.required(wanted, value);
            Some(InverseTime {
                curve,
                pickup_a,
                multiplier,
            })
        }
    };
    let mut stage = |field: &str, s: Option<crate::model::RelayStage>| {
        s.map(|s| Stage {
            pickup_a: c.positive(&format!("{field}.pickup_a"), s.pickup_a),
            time_s: c.non_negative(&format!("{field}.time_s"), s.time_s.unwrap_or(0.0)),
        })
    };
    let definite_time = stage("definite_time", d.definite_time);
    let instantaneous = stage("instantaneous", d.instantaneous);
    if inverse_time.is_none() && definite_time.is_none() && instantaneous.is_none() {
        c.error(
            "curve",
            "missing_field",
            "a relay needs an inverse-time curve, a definite-time or an instantaneous stage".into(),
        );
    }
    let breaker_time_s = match d.breaker_time_s {
        Some(t) => c.non_negative("breaker_time_s", t),
        None => default_breaker_time_s(frequency_hz),
    };
    Some(Relay {
        inverse_time,
        definite_time,
        instantaneous,
        breaker_time_s,
    })
}

fn trip_unit(c: &mut Checker<'_>, d: &ProtectiveDevice) -> TripUnit {
    let ir_a = c.required("ir_a", d.ir_a);
    let tr_s = c.required("tr_s", d.tr_s);
    let tr_multiple = c.positive("tr_multiple", d.tr_multiple.unwrap_or(TR_MULTIPLE));
    let short_time = match (d.isd_a, d.tsd_s) {
        (Some(isd), Some(tsd)) => Some((c.positive("isd_a", isd), c.non_negative("tsd_s", tsd))),
        (None, None) => None,
        (Some(_), None) => {
            c.error("tsd_s", "missing_field", "`isd_a` needs `tsd_s`".into());
            None
        }
        (None, Some(_)) => {
            c.error("isd_a", "missing_field", "`tsd_s` needs `isd_a`".into());
            None
        }
    };
    if d.i2t.is_some() && short_time.is_none() {
        c.error(
            "i2t",
            "field_not_applicable",
            "`i2t` needs a short-time stage".into(),
        );
    }
    let ii_a = d.ii_a.map(|v| c.positive("ii_a", v));
    let clearing_time_s = c.positive(
        "clearing_time_s",
        d.clearing_time_s.unwrap_or(TRIP_CLEARING_S),
    );
    let mut tolerance = |field: &str, v: Option<f64>, default: f64| {
        let v = v.unwrap_or(default);
        if !(v.is_finite() && (0.0..100.0).contains(&v)) {
            c.error(
                field,
                "out_of_range",
                format!("must be >= 0 and < 100 percent, got {v}"),
            );
        }
        v / 100.0
    };
    let pickup_tolerance = tolerance(
        "pickup_tolerance_percent",
        d.pickup_tolerance_percent,
        PICKUP_TOLERANCE_PERCENT,
    );
    let time_tolerance = tolerance(
        "time_tolerance_percent",
        d.time_tolerance_percent,
        TIME_TOLERANCE_PERCENT,
    );
    if let Some((isd, _)) = short_time
        && isd < ir_a
    {
        c.error(
            "isd_a",
            "out_of_range",
            format!("Isd {isd} A is below Ir {ir_a} A"),
        );
    }
    TripUnit {
        ir_a,
        tr_s,
        tr_multiple,
        short_time,
        i2t: d.i2t.unwrap_or(false),
        ii_a,
        clearing_time_s,
        pickup_tolerance,
        time_tolerance,
    }
}

fn fuse(c: &mut Checker<'_>, d: &ProtectiveDevice) -> Option<FuseCurve> {
    let points = match (&d.curve, &d.points) {
        (Some(_), Some(_)) => {
            c.error(
                "points",
                "field_not_applicable",
                "give either `curve` or `points`, not both".into(),
            );
            return None;
        }
        (None, None) => {
            c.error(
                "points",
                "missing_field",
                "a fuse needs `points` or a generic `curve`".into(),
            );
            return None;
        }
        (Some(name), None) => {
            let Some(generic) = super::generic_fuse(name) else {
                let known: Vec<&str> = super::generic_fuses()
                    .iter()
                    .map(|g| g.name.as_str())
                    .collect();
                c.error(
                    "curve",
                    "unknown_curve",
                    format!(
                        "unknown fuse curve `{name}`; the generic curves are: {}",
                        known.join(", ")
                    ),
                );
                return None;
            };
            if let Some(rated) = d.rated_current_a
                && rated != generic.rated_current_a
            {
                c.error(
                    "rated_current_a",
                    "rating_mismatch",
                    format!(
                        "{rated} A differs from the {} A of `{}`",
                        generic.rated_current_a, generic.name
                    ),
                );
            }
            generic.points.clone()
        }
        (None, Some(points)) => {
            if let Some(rated) = d.rated_current_a {
                c.positive("rated_current_a", rated);
            }
            check_points(c, points);
            points.clone()
        }
    };
    Some(FuseCurve { points })
}

/// Fuse points: at least two, positive numbers, strictly increasing currents, strictly
/// decreasing melting and clearing times, clearing ≥ melting.
fn check_points(c: &mut Checker<'_>, points: &[crate::model::FusePoint]) {
    if points.len() < 2 {
        c.error(
            "points",
            "too_few_points",
            format!("needs at least 2 points, got {}", points.len()),
        );
    }
    for (k, p) in points.iter().enumerate() {
        c.positive(&format!("points[{k}].current_a"), p.current_a);
        c.positive(&format!("points[{k}].melting_time_s"), p.melting_time_s);
        c.positive(&format!("points[{k}].clearing_time_s"), p.clearing_time_s);
        if p.clearing_time_s < p.melting_time_s {
            c.error(
                &format!("points[{k}].clearing_time_s"),
                "clearing_before_melting",
                format!(
                    "clearing time {} s is shorter than the melting time {} s",
                    p.clearing_time_s, p.melting_time_s
                ),
            );
        }
    }
    for (k, w) in points.windows(2).enumerate() {
        let (a, b) = (&w[0], &w[1]);
        let checks = [
            ("current_a", b.current_a > a.current_a, "increase"),
            (
                "melting_time_s",
                b.melting_time_s < a.melting_time_s,
                "decrease",
            ),
            (
                "clearing_time_s",
                b.clearing_time_s < a.clearing_time_s,
                "decrease",
            ),
        ];
        for (field, ok, verb) in checks {
            if !ok {
                c.error(
                    &format!("points[{}].{field}", k + 1),
                    "non_monotone",
                    format!("fuse curve is not monotone: {field} must strictly {verb} from point {k} to point {}", k + 1),
                );
            }
        }
    }
}
