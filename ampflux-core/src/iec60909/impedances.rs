//! The impedances the study uses for each element, after the correction factors of the case:
//! what an engineer checks against hand calculations (Z_Q, Z_T·K_T, Z_G·K_G, Z_S·K_S, ...).

use std::collections::BTreeMap;

use num_complex::Complex64 as C64;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Issue, Result};
use crate::model::{Network, Table};
use crate::study::StudyOptions;
use crate::system::{OnePort, System, TwoPort};

/// The corrected sequence impedances of one element (or one leg of a three-winding
/// transformer), in Ω.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ElementImpedance {
    /// Element id.
    pub id: String,
    /// Its table.
    pub table: Table,
    /// `hv`, `mv` or `lv` for the star-equivalent legs of a three-winding transformer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub leg: Option<String>,
    /// Positive-sequence impedance [R, X] in Ω, at `z1_referred_to_kv`.
    pub z1_ohm: [f64; 2],
    /// Voltage the positive-sequence impedance is referred to, kV (transformers: the rated
    /// voltage of the LV winding; other elements: their bus).
    pub z1_referred_to_kv: f64,
    /// Zero-sequence impedance [R, X] in Ω of the element's path to earth or between its
    /// ends (absent: no zero-sequence path).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub z0_ohm: Option<[f64; 2]>,
    /// Voltage the zero-sequence impedance is referred to, kV.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub z0_referred_to_kv: Option<f64>,
    /// Correction factors applied (`kt`, `kg`, `ks`, `kso`, `kt_hv_mv`, ...).
    pub corrections: BTreeMap<String, f64>,
}

fn pair(z: C64) -> [f64; 2] {
    [z.re, z.im]
}

/// The corrected impedances of every in-service element for a study with `options`
/// (positive sequence at the nominal frequency, the models used for I''k).
///
/// ```
/// use ampflux_core::{Network, StudyOptions, element_impedances};
/// let net = Network::from_json(r#"{"buses": [{"id": "Q", "vn_kv": 20}, {"id": "F", "vn_kv": 0.4}],
///   "transformers": [{"id": "T1", "hv_bus": "Q", "lv_bus": "F", "sn_mva": 0.63, "vn_hv_kv": 20,
///     "vn_lv_kv": 0.41, "vk_percent": 4, "vkr_percent": 1.0317, "vector_group": "Dyn5"}]}"#).unwrap();
/// let options = StudyOptions { c_max_lv: Some(1.05), ..StudyOptions::default() };
/// let t1 = &element_impedances(&net, &options).unwrap()[0];
/// assert!((t1.corrections["kt"] - 0.974894).abs() < 1e-6);
/// assert!((t1.z1_ohm[1] - 0.010053).abs() < 1e-6); // X_T·K_T at 0.41 kV
/// ```
pub fn element_impedances(net: &Network, options: &StudyOptions) -> Result<Vec<ElementImpedance>> {
    options.check()?;
    let issues = net.validate();
    if issues.iter().any(Issue::is_error) {
        return Err(Error::Invalid(issues));
    }
    let sys = System::compile(net, options)?;
    let corrections = |table: Table, index: usize| -> BTreeMap<String, f64> {
        sys.corrections
            .iter()
            .filter(|c| c.0 == table && c.1 == index)
            .map(|c| (c.2.to_string(), c.3))
            .collect()
    };
    let mut out = Vec::new();
    for br in &sys.branches {
        let o = &br.origin;
        let (id, z1_kv, leg) = match o.table {
            Table::Lines => (&net.lines[o.index].id, sys.nodes[br.b].vn_kv, None),
            Table::Transformers => {
                let t = &net.transformers[o.index];
                (&t.id, t.vn_lv_kv, None)
            }
            Table::Transformers3w => {
                let t = &net.transformers3w[o.index];
                let leg = ["hv", "mv", "lv"][o.part as usize];
                (&t.id, t.vn_hv_kv, Some(leg.to_string()))
            }
            Table::Impedances => (&net.impedances[o.index].id, sys.nodes[br.b].vn_kv, None),
            Table::Switches => (&net.switches[o.index].id, sys.nodes[br.b].vn_kv, None),
            _ => continue,
        };
        if o.table == Table::Lines && o.part > 0 {
            continue;
        }
        let TwoPort::Pi { z, .. } = &br.pos else {
            continue;
        };
        // per unit of side b, at the rated voltage of that side
        let zb_b = sys.z_base(br.b);
        let (z0, z0_kv) = match &br.zero {
            TwoPort::Pi { z, .. } => (Some(*z * zb_b), Some(z1_kv)),
            TwoPort::Tee { za, zb, .. } => (Some((za + zb) * zb_b), Some(z1_kv)),
            TwoPort::Shunts {
                b: Some(OnePort::Z(z)),
                ..
            } => (Some(z * zb_b), Some(z1_kv)),
            TwoPort::Shunts {
                a: Some(OnePort::Z(z)),
                ..
            } => {
                let zb_a = sys.z_base(br.a);
                let kv = match o.table {
                    Table::Transformers => net.transformers[o.index].vn_hv_kv,
                    _ => sys.nodes[br.a].vn_kv,
                };
                (Some(z * zb_a), Some(kv))
            }
            _ => (None, None),
        };
        out.push(ElementImpedance {
            id: id.clone(),
            table: o.table,
            leg,
            z1_ohm: pair(z * zb_b),
            z1_referred_to_kv: z1_kv,
            z0_ohm: z0.map(pair),
            z0_referred_to_kv: z0_kv,
            corrections: corrections(o.table, o.index),
        });
    }
    for sh in &sys.shunts {
        let zb = sys.z_base(sh.node);
        let kv = sys.nodes[sh.node].vn_kv;
        out.push(ElementImpedance {
            id: net.ids(sh.table)[sh.index].to_string(),
            table: sh.table,
            leg: None,
            z1_ohm: pair(sh.pos.z(1.0) * zb),
            z1_referred_to_kv: kv,
            z0_ohm: sh.zero.map(|p| pair(p.z(1.0) * zb)),
            z0_referred_to_kv: sh.zero.map(|_| kv),
            corrections: corrections(sh.table, sh.index),
        });
    }
    Ok(out)
}
