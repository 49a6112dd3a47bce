//! The arc-flash study of a network: bolted currents from an IEC 60909 three-phase study with
//! branch results, arcing currents of both IEEE 1584-2018 scenarios per bus, arc durations
//! from the protective devices at each scenario's arcing current ([`super::clearing`]),
//! incident energy, arc-flash boundary and PPE category; the larger energy governs.

use std::collections::HashMap;

use super::clearing::{self, Clearing, DeviceOperation, Limits, SourceEnd};
use super::stepwise::{self, ArcStep};
use super::{
    ArcContribution, ArcEnd, ArcFlashBus, ArcFlashOptions, ArcFlashReport, ArcFlashScenario,
    ArcScenario, Enclosure, EnergyMethod, Equipment, EquipmentClass, JOULES_PER_CALORIE,
    ppe_category, typical,
};
use crate::error::{Error, Issue, Result, Severity};
use crate::model::{Bus, Network, Table, in_service};
use crate::protection::topology::{Grid, device_currents_ka};
use crate::protection::{Characteristic, characteristic};
use crate::study::{BranchResult, BusStatus, FaultKind, PartialCurrent, StudyReport};

fn bus_warning(bus: &str, field: &str, code: &str, message: String) -> Issue {
    Issue::warning(Table::Buses, bus, field, code, message)
}

/// The equipment of `bus` with typical values for what is absent, and the names of those.
pub fn bus_equipment(bus: &Bus) -> (Equipment, EquipmentClass, Vec<String>) {
    let af = bus.arc_flash.clone().unwrap_or_default();
    let class = af.equipment.unwrap_or(EquipmentClass::Switchgear);
    let t = typical(class, bus.vn_kv)
        .or_else(|| typical(EquipmentClass::Switchgear, bus.vn_kv))
        .expect("switchgear is typical at every voltage");
    let mut used = Vec::new();
    let mut take = |name: &str, v: Option<f64>, typical: f64| {
        v.unwrap_or_else(|| {
            used.push(name.to_string());
            typical
        })
    };
    let enc = af.enclosure.unwrap_or_default();
    let equipment = Equipment {
        voc_kv: bus.vn_kv,
        electrode_configuration: af.electrode_configuration.unwrap_or_default(),
        gap_mm: take("gap_mm", af.gap_mm, t.gap_mm),
        working_distance_mm: take(
            "working_distance_mm",
            af.working_distance_mm,
            t.working_distance_mm,
        ),
        enclosure: Enclosure {
            height_mm: take("enclosure.height_mm", enc.height_mm, t.enclosure.height_mm),
            width_mm: take("enclosure.width_mm", enc.width_mm, t.enclosure.width_mm),
            depth_mm: take("enclosure.depth_mm", enc.depth_mm, t.enclosure.depth_mm),
        },
    };
    if af.electrode_configuration.is_none() {
        used.insert(0, "electrode_configuration".into());
    }
    if equipment.electrode_configuration.is_open_air() {
        used.retain(|f| !f.starts_with("enclosure."));
    }
    (equipment, class, used)
}

/// The field of a bus a range finding of the model is about.
fn bus_field(field: &str) -> String {
    match field {
        "voc_kv" => "vn_kv".into(),
        "ibf_ka" => "ibf_ka".into(),
        "distance_mm" => "arc_flash.working_distance_mm".into(),
        "gap_mm" => "arc_flash.gap_mm".into(),
        other => format!("arc_flash.enclosure.{other}"),
    }
}

/// Runs the arc-flash study of `net`.
///
/// ```
/// use ampflux_core::{Network, arcflash::{ArcFlashOptions, arc_flash}};
/// let net = Network::from_json(r#"{
///   "buses": [{"id": "MV", "vn_kv": 11}, {"id": "LV", "vn_kv": 0.4}],
///   "external_grids": [{"id": "Grid", "bus": "MV", "s_sc_max_mva": 250, "rx_max": 0.1}],
///   "transformers": [{"id": "T1", "hv_bus": "MV", "lv_bus": "LV", "sn_mva": 1.0,
///     "vn_hv_kv": 11, "vn_lv_kv": 0.42, "vk_percent": 6, "vkr_percent": 1, "vector_group": "Dyn11"}],
///   "switches": [{"id": "CB-T1", "bus": "MV", "element": "T1", "closed": true}],
///   "protective_devices": [{"id": "R-T1", "kind": "relay", "switch": "CB-T1",
///     "curve": "IEC_SI", "pickup_a": 80, "tms": 0.1, "instantaneous": {"pickup_a": 1500}}]
/// }"#).unwrap();
/// let report = arc_flash(&net, &ArcFlashOptions::default()).unwrap();
/// let lv = report.bus("LV").unwrap();
/// assert_eq!(lv.device.as_deref(), Some("R-T1"));
/// assert!(lv.incident_energy_cal_per_cm2 > 1.2);
/// ```
pub fn arc_flash(net: &Network, options: &ArcFlashOptions) -> Result<ArcFlashReport> {
    options.check()?;
    let mut warnings = Vec::new();
    let targets = targets(net, options, &mut warnings)?;
    let mut sc = options.short_circuit.clone();
    sc.fault = FaultKind::ThreePhase;
    sc.branch_results = true;
    sc.partial_currents = true;
    sc.buses = Some(targets.iter().map(|b| b.id.clone()).collect());
    let report = if targets.is_empty() {
        None
    } else {
        Some(crate::short_circuit(net, &sc)?)
    };
    let chars: Vec<Option<Characteristic>> = net
        .protective_devices
        .iter()
        .map(|d| characteristic(d, net.frequency_hz).ok())
        .collect();
    let grid = Grid::new(net);
    let ctx = Ctx {
        net,
        options,
        chars: &chars,
        grid: &grid,
    };
    let mut buses = Vec::new();
    if let Some(report) = &report {
        warnings.extend(report.warnings.iter().cloned());
        let rows = rows_by_fault(report);
        let results = crate::par::map(&targets, |bus| {
            ctx.bus(
                bus,
                report,
                rows.get(bus.id.as_str()).map_or(&[][..], Vec::as_slice),
            )
        });
        for r in results {
            match r {
                Ok(Some(b)) => buses.push(b),
                Ok(None) => {}
                Err(issue) => warnings.push(issue),
            }
        }
    }
    Ok(ArcFlashReport {
        study: options.clone(),
        network_digest: net.digest(),
        buses,
        warnings,
    })
}

/// The buses to study: the requested ones (each must lie in the model's voltage range) or
/// every in-service bus in range (others noted).
fn targets<'n>(
    net: &'n Network,
    options: &ArcFlashOptions,
    warnings: &mut Vec<Issue>,
) -> Result<Vec<&'n Bus>> {
    let in_range = |b: &Bus| (0.208..=15.0).contains(&b.vn_kv);
    match &options.buses {
        Some(ids) => ids
            .iter()
            .map(|id| {
                let bus = net
                    .buses
                    .iter()
                    .find(|b| &b.id == id)
                    .ok_or_else(|| Error::option("buses", format!("bus `{id}` does not exist")))?;
                if !in_range(bus) {
                    return Err(Error::option(
                        "buses",
                        format!(
                            "bus `{id}`: {} kV is outside the range of IEEE 1584-2018 (0.208 kV to 15 kV)",
                            bus.vn_kv
                        ),
                    ));
                }
                Ok(bus)
            })
            .collect(),
        None => Ok(net
            .buses
            .iter()
            .filter(|b| in_service(b.in_service))
            .filter(|b| {
                let ok = in_range(b);
                if !ok {
                    warnings.push(bus_warning(
                        &b.id,
                        "vn_kv",
                        "ieee1584_voltage_range",
                        format!(
                            "{} kV is outside the range of IEEE 1584-2018 (0.208 kV to 15 kV): no arc-flash result",
                            b.vn_kv
                        ),
                    ));
                }
                ok
            })
            .collect()),
    }
}

fn rows_by_fault(report: &StudyReport) -> HashMap<&str, Vec<&BranchResult>> {
    let mut map: HashMap<&str, Vec<&BranchResult>> = HashMap::new();
    for r in &report.branches {
        map.entry(r.fault_bus.as_str()).or_default().push(r);
    }
    map
}

/// The bolted fault at one bus, as the scenarios share it.
struct Fault {
    /// Bolted current I''k at the bus in kA.
    ibf_ka: f64,
    /// Enclosure size correction factor.
    cf: f64,
    /// Bolted current through each device in kA.
    devices_ka: Vec<f64>,
    /// The sources' partial currents.
    partials: Vec<PartialCurrent>,
}

struct Ctx<'a> {
    net: &'a Network,
    options: &'a ArcFlashOptions,
    chars: &'a [Option<Characteristic>],
    grid: &'a Grid,
}

impl Ctx<'_> {
    /// The result of one bus, `Ok(None)` silently for a bus without a result row, or the
    /// note why the bus has no result.
    fn bus(
        &self,
        bus: &Bus,
        report: &StudyReport,
        rows: &[&BranchResult],
    ) -> std::result::Result<Option<ArcFlashBus>, Issue> {
        let Some(res) = report.bus(&bus.id) else {
            return Ok(None);
        };
        if res.status == BusStatus::Unsupplied {
            return Err(bus_warning(
                &bus.id,
                "arc_flash",
                "unsupplied",
                "no source feeds the bus: no arc-flash result".into(),
            ));
        }
        let ibf = res.ikss_ka;
        let (eq, class, typical_values) = bus_equipment(bus);
        let mut warnings = Vec::new();
        for f in eq.check(ibf) {
            let field = bus_field(f.field.as_deref().unwrap_or(""));
            let issue = Issue {
                table: Some(Table::Buses),
                element: Some(bus.id.clone()),
                field: Some(field),
                ..f
            };
            if issue.is_error() {
                return Err(Issue {
                    severity: Severity::Warning,
                    message: format!("{}: no arc-flash result", issue.message),
                    ..issue
                });
            }
            warnings.push(issue);
        }
        if !typical_values.is_empty() {
            warnings.push(bus_warning(
                &bus.id,
                "arc_flash",
                "typical_values",
                format!(
                    "typical values of IEEE 1584-2018 Tables 8 and 10 ({} at {} kV) used for: {}",
                    class.as_str(),
                    bus.vn_kv,
                    typical_values.join(", ")
                ),
            ));
        }
        let correction = eq.enclosure_correction();
        let fault = Fault {
            ibf_ka: ibf,
            cf: correction.cf,
            devices_ka: device_currents_ka(self.net, rows),
            partials: report.partials(&bus.id).cloned().collect(),
        };
        let full = self.scenario(bus, &eq, &fault, ArcScenario::Full, &mut warnings)?;
        let reduced = self.scenario(bus, &eq, &fault, ArcScenario::Reduced, &mut warnings)?;
        let scenarios = [full, reduced];
        let g = if scenarios[1].energy_j_per_cm2 > scenarios[0].energy_j_per_cm2 {
            1
        } else {
            0
        };
        let gov = &scenarios[g];
        let cal = gov.energy_j_per_cm2 / JOULES_PER_CALORIE;
        let ppe = ppe_category(cal);
        if ppe.is_none() {
            warnings.push(bus_warning(
                &bus.id,
                "arc_flash",
                "above_40_cal",
                format!("incident energy {cal:.1} cal/cm² exceeds 40 cal/cm²: no PPE category applies; de-energize before work"),
            ));
        }
        Ok(Some(ArcFlashBus {
            id: bus.id.clone(),
            ibf_ka: ibf,
            iarc_ka: scenarios[0].iarc_ka,
            iarc_min_ka: scenarios[1].iarc_ka,
            clearing_time_ms: scenarios[0].clearing_time_ms,
            clearing_time_min_ms: scenarios[1].clearing_time_ms,
            device: gov.device.clone(),
            incident_energy_j_per_cm2: gov.energy_j_per_cm2,
            incident_energy_cal_per_cm2: cal,
            afb_mm: gov.afb_mm,
            ppe_category: ppe,
            warnings,
            name: bus.name.clone(),
            label: bus.arc_flash.as_ref().and_then(|a| a.label.clone()),
            vn_kv: bus.vn_kv,
            governing: gov.scenario,
            equipment: eq,
            equipment_class: class,
            typical_values,
            cf: correction.cf,
            var_cf: eq.var_cf(),
            scenarios,
        }))
    }

    fn scenario(
        &self,
        bus: &Bus,
        eq: &Equipment,
        f: &Fault,
        scenario: ArcScenario,
        warnings: &mut Vec<Issue>,
    ) -> std::result::Result<ArcFlashScenario, Issue> {
        let (ibf, cf) = (f.ibf_ka, f.cf);
        let arc = eq.arcing_current(ibf, scenario);
        let limits = Limits {
            max_arc_duration_s: self.options.max_arc_duration_s,
            motor_decay_s: self.options.motor_decay_s,
            converter_trip_s: self.options.converter_trip_s,
        };
        let fault = self
            .grid
            .node(&bus.id)
            .expect("studied buses are in the grid");
        let scale = arc.iarc_ka / ibf;
        let (c, energy, opened_at_s, steps, partials) = match self.options.energy_method {
            EnergyMethod::SingleStep => {
                let currents_a: Vec<f64> =
                    f.devices_ka.iter().map(|i| i * scale * 1000.0).collect();
                let feeds: Vec<bool> = self
                    .grid
                    .sources
                    .iter()
                    .map(|(_, src)| f.partials.iter().any(|p| p.source == src.id))
                    .collect();
                let c = clearing::clear(self.grid, fault, self.chars, &currents_a, &feeds, limits);
                let energy = eq.energy(ibf, &arc, c.time_s * 1000.0, cf);
                let opened_at_s = (0..self.chars.len())
                    .map(|k| {
                        c.operations
                            .iter()
                            .find(|o| o.0 == k)
                            .and_then(|o| o.2)
                            .filter(|t| *t <= c.time_s)
                    })
                    .collect();
                let step = ArcStep {
                    start_ms: 0.0,
                    duration_ms: c.time_s * 1000.0,
                    ibf_ka: ibf,
                    iarc_ka: arc.iarc_ka,
                };
                (c, energy, opened_at_s, vec![step], f.partials.clone())
            }
            EnergyMethod::StepWise => {
                let setup = stepwise::Setup {
                    net: self.net,
                    grid: self.grid,
                    chars: self.chars,
                    bus: &bus.id,
                    fault,
                    eq,
                    cf,
                    limits,
                    short_circuit: &self.options.short_circuit,
                };
                let r = stepwise::steps(&setup, scenario).map_err(|e| {
                    bus_warning(
                        &bus.id,
                        "arc_flash",
                        "step_wise_failed",
                        format!("the step-wise analysis failed ({e}): no arc-flash result"),
                    )
                })?;
                if r.out_of_range {
                    warnings.push(bus_warning(
                        &bus.id,
                        "arc_flash",
                        "ieee1584_current_range",
                        "a step of the arc has a bolted current outside the range of IEEE 1584-2018: the model is extrapolated for it".into(),
                    ));
                }
                let energy = r.energy.finish(eq, scenario, r.clearing.time_s * 1000.0);
                (r.clearing, energy, r.opened_at_s, r.steps, r.partials)
            }
        };
        let contributions = self.contributions(&c, &partials, scale);
        self.note_clearing(bus, scenario, &c, &contributions, warnings);
        Ok(ArcFlashScenario {
            scenario,
            iarc_ka: arc.iarc_ka,
            clearing_time_ms: c.time_s * 1000.0,
            device: c.device.map(|k| self.net.protective_devices[k].id.clone()),
            ended_by: if c.limited {
                ArcEnd::MaxArcDuration
            } else if c.ended_by_sources == Some(Table::Motors) {
                ArcEnd::MotorDecay
            } else if c.ended_by_sources == Some(Table::Converters) {
                ArcEnd::ConverterTrip
            } else {
                ArcEnd::Device
            },
            energy_j_per_cm2: energy.energy_j_per_cm2,
            afb_mm: energy.afb_mm,
            uninterrupted_sources: c
                .uninterrupted
                .iter()
                .map(|&s| self.grid.sources[s].1.id.clone())
                .collect(),
            contributions,
            devices: c
                .operations
                .iter()
                .map(|&(k, i, t)| DeviceOperation {
                    device: self.net.protective_devices[k].id.clone(),
                    current_ka: i / 1000.0,
                    time_ms: t.map(|t| t * 1000.0),
                    opened: opened_at_s[k].is_some(),
                    opened_at_ms: opened_at_s[k].map(|t| t * 1000.0),
                })
                .collect(),
            steps,
        })
    }

    /// The sources that fed the arc (those with a partial current of the bolted fault), their
    /// share of the arcing current (`scale` = I_arc/I_bf) and how each one's contribution
    /// ended, in the order they stopped.
    fn contributions(
        &self,
        c: &Clearing,
        partials: &[PartialCurrent],
        scale: f64,
    ) -> Vec<ArcContribution> {
        c.ends
            .iter()
            .filter_map(|&(s, t, end)| {
                let src = &self.grid.sources[s].1;
                let p = partials.iter().find(|p| p.source == src.id)?;
                let (ended_by, device) = match end {
                    SourceEnd::Device(k) => (
                        ArcEnd::Device,
                        Some(self.net.protective_devices[k].id.clone()),
                    ),
                    SourceEnd::ByItself if src.table == Table::Converters => {
                        (ArcEnd::ConverterTrip, None)
                    }
                    SourceEnd::ByItself => (ArcEnd::MotorDecay, None),
                    SourceEnd::Limit => (ArcEnd::MaxArcDuration, None),
                };
                Some(ArcContribution {
                    source: src.id.clone(),
                    kind: p.kind,
                    bus: p.bus.clone(),
                    ibf_ka: p.ikss_ka,
                    iarc_ka: p.ikss_ka * scale,
                    end_ms: t * 1000.0,
                    ended_by,
                    device,
                })
            })
            .collect()
    }

    fn note_clearing(
        &self,
        bus: &Bus,
        scenario: ArcScenario,
        c: &Clearing,
        contributions: &[ArcContribution],
        warnings: &mut Vec<Issue>,
    ) {
        let max = self.options.max_arc_duration_s;
        let (code, text) = if !c.uninterrupted.is_empty() {
            let ids: Vec<String> = c
                .uninterrupted
                .iter()
                .map(|&s| {
                    let id = &self.grid.sources[s].1.id;
                    match contributions.iter().find(|x| &x.source == id) {
                        Some(x) => format!("{id} ({:.3} kA of the bolted fault)", x.ibf_ka),
                        None => id.clone(),
                    }
                })
                .collect();
            (
                "uninterrupted_contribution",
                format!(
                    "no protective device interrupts the contribution of {}: the arc lasts max_arc_duration_s = {max} s",
                    ids.join(", ")
                ),
            )
        } else if c.limited {
            (
                "max_arc_duration",
                format!(
                    "the devices clear after more than {max} s: the arc duration is limited to max_arc_duration_s"
                ),
            )
        } else {
            return;
        };
        let full = format!("at the arcing current, {text}");
        if scenario == ArcScenario::Reduced
            && let Some(w) = warnings
                .iter_mut()
                .find(|w| w.code == code && w.message == full)
        {
            w.message = format!("at the arcing current and the reduced one, {text}");
            return;
        }
        let which = match scenario {
            ArcScenario::Full => "arcing current",
            ArcScenario::Reduced => "reduced arcing current",
        };
        warnings.push(bus_warning(
            &bus.id,
            "arc_flash",
            code,
            format!("at the {which}, {text}"),
        ));
    }
}
