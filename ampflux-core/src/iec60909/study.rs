//! The short-circuit study: compile the network, factor each sequence network once, get the
//! driving-point impedances of every fault location by selected inversion, and evaluate
//! I''k, i_p, I_b and I_th per location in parallel.

use std::borrow::Cow;
use std::sync::atomic::{AtomicUsize, Ordering};

use super::branch_flows;
use num_complex::Complex64 as C64;

use super::contributions::{SourceTerm, node_ratios};
use super::location::{Entries, LocationData, base_data, bus_result, meshing, unit_data};
use super::partials;
use super::sequence_set::{SequenceSet, Which};
use crate::error::{Error, Issue, Result};
use crate::model::{FrozenNetwork, Network, Table};
use crate::par;
use crate::study::{BusResult, BusStatus, FaultKind, Method, StudyOptions, StudyReport};
use crate::system::admittance::Admittance;
use crate::system::earthing::{Earthing, earthing};
use crate::system::{Sequence, System};

/// Runs a short-circuit study on `net` and returns a report keyed by element ids.
///
/// ```
/// use ampflux_core::{FaultKind, Network, StudyOptions, short_circuit};
/// let net = Network::from_json(r#"{"buses": [{"id": "A", "vn_kv": 110.0}],
///     "external_grids": [{"id": "Q", "bus": "A", "s_sc_max_mva": 2000, "rx_max": 0.1,
///                          "x0x_max": 1.0, "r0x0_max": 0.1}]}"#).unwrap();
/// let three = short_circuit(&net, &StudyOptions::default()).unwrap();
/// // S''k = √3·U_n·I''k reproduces the feeder's 2000 MVA
/// assert!((three.bus("A").unwrap().skss_mva - 2000.0).abs() < 1e-6);
/// let earth = short_circuit(&net, &StudyOptions { fault: FaultKind::LineToEarth, ..Default::default() }).unwrap();
/// assert!((earth.bus("A").unwrap().ikss_ka - three.bus("A").unwrap().ikss_ka).abs() < 1e-9);
/// ```
pub fn short_circuit(net: &Network, options: &StudyOptions) -> Result<StudyReport> {
    short_circuit_with_progress(net, options, &|_, _| {})
}

/// [`short_circuit`] reporting progress as (done, total) work units (columns solved, fault
/// locations evaluated), for progress bars in front ends. Called from worker threads.
pub fn short_circuit_with_progress(
    net: &Network,
    options: &StudyOptions,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<StudyReport> {
    study(Cow::Borrowed(net), None, options, progress)
}

/// [`short_circuit_with_progress`] on a [`FrozenNetwork`]: the report's `network_digest` is
/// the one the frozen network keeps, so studying the same network again does not hash the
/// whole document again. The way for bindings whose network is immutable (the WebAssembly
/// `Network`).
pub fn short_circuit_frozen(
    net: &FrozenNetwork,
    options: &StudyOptions,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<StudyReport> {
    study(Cow::Borrowed(&**net), Some(net.digest()), options, progress)
}

/// [`short_circuit_with_progress`] on a network given by value, for callers that have no
/// further use for it (the command line): once the network is compiled into the sequence
/// networks and its digest taken, it is dropped, unless the branch results or the partial
/// currents name its elements. On the 100 000-bus synthetic grid that frees about 70 MB
/// before the factorizations (issue 16, `benches/README.md`).
pub fn short_circuit_owned(
    net: Network,
    options: &StudyOptions,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<StudyReport> {
    study(Cow::Owned(net), None, options, progress)
}

/// The study; `digest`: the network's digest when the caller already has it.
fn study(
    net: Cow<'_, Network>,
    digest: Option<&str>,
    options: &StudyOptions,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<StudyReport> {
    options.check()?;
    let issues = net.validate_for(options);
    if issues.iter().any(Issue::is_error) {
        return Err(Error::Invalid(issues));
    }
    let mut warnings = issues;
    let sys = System::compile(&net, options)?;
    let locations = locations(&net, options, &sys, &mut warnings)?;
    let network_digest = digest.map_or_else(|| net.digest(), str::to_owned);
    // a network given by value goes before the symbolic analysis unless the results name its
    // elements
    let net = (options.branch_results || options.partial_currents).then_some(net);
    let adm = Admittance::new(&sys)?;
    let ratios = node_ratios(&sys);
    let terms = SourceTerm::all(&sys, None, &ratios);
    let ctx = Context {
        net: net.as_deref(),
        options,
        sys: &sys,
        adm: &adm,
        earthing: if options.fault.involves_earth() {
            earthing(&sys)
        } else {
            vec![Earthing::Effective; sys.n()]
        },
        // the sources' partial currents matter where machines decay (three-phase faults) or
        // wind units bring their κ_WD
        sweep: SourceTerm::matter(&terms, options.fault),
        terms,
        ratios,
    };
    let mut set = SequenceSet::new(&ctx)?;
    if set.fallback() {
        warnings.push(note(
            "lu_fallback",
            "a sequence matrix needed pivoting: driving-point impedances were found by one LU solve per fault location",
        ));
    }
    check_zero_sequence_data(&ctx, &set, &locations)?;
    // a fault at the terminals of a power station unit's generator is evaluated with the
    // unit's K_G,S, K_T,S and c·U_rG (IEC 60909-0 §6.7.2)
    let unit_of = |loc: &Location| {
        (options.method == Method::Iec60909)
            .then(|| sys.units.iter().find(|u| u.node == loc.node))
            .flatten()
    };
    let plain: Vec<Location> = locations
        .iter()
        .filter(|l| unit_of(l).is_none())
        .cloned()
        .collect();
    let at_units: Vec<&Location> = locations.iter().filter(|l| unit_of(l).is_some()).collect();
    let counter = Progress {
        callback: progress,
        done: AtomicUsize::new(0),
        total: if ctx.sweep {
            sweep_work(&sys, plain.len())
        } else {
            0
        } + at_units.len()
            + if options.branch_results {
                locations.len()
            } else {
                0
            },
    };
    let mesh = meshing(&ctx);
    // every driving-point impedance from one selected inversion per matrix: the diagonal at
    // the plain locations, and the 2×2 blocks on the two nodes of every unit location
    let mut pairs: Vec<(usize, usize)> = plain.iter().map(|l| (l.node, l.node)).collect();
    let unit_nodes: Vec<[usize; 2]> = at_units
        .iter()
        .map(|l| SequenceSet::unit_nodes(&sys, unit_of(l).expect("filtered on it")))
        .collect();
    for [g, h] in &unit_nodes {
        pairs.extend([(*g, *g), (*g, *h), (*h, *g), (*h, *h)]);
    }
    // memory (issue 16): without the sources' partial currents, converters, branch results or
    // partial currents, nothing solves with the factors after the driving-point impedances:
    // each is released as its entries are taken
    let solves_later =
        ctx.sweep || !sys.sources.is_empty() || options.branch_results || options.partial_currents;
    let entries = Entries::compute(&ctx, &mut set, &pairs, !solves_later);
    let mut data = base_data(&ctx, &set, &plain, &entries, &counter).into_iter();
    let idx: Vec<usize> = (0..at_units.len()).collect();
    let unit_rows = par::map(&idx, |&u| {
        let loc = at_units[u];
        let unit = unit_of(loc).expect("filtered on it");
        let at = plain.len() + 4 * u;
        let block = |v: &[C64]| [[v[at], v[at + 1]], [v[at + 2], v[at + 3]]];
        let zss = |which: Which| -> Option<[[C64; 2]; 2]> {
            match which {
                Which::Seq(Sequence::Positive) => Some(block(&entries.pos)),
                Which::Peak => Some(block(&entries.peak)),
                Which::Seq(Sequence::Negative) => entries.neg.as_deref().map(block),
                Which::Seq(Sequence::Zero) => entries.zero.as_deref().map(block),
                Which::Dc => entries.dc.as_deref().map(block),
                Which::NoMotors => entries.no_motors.as_deref().map(block),
            }
        };
        let d = unit_data(&ctx, &set, loc, unit, &zss, &counter);
        (bus_result(&ctx, &mesh, loc, d.as_ref(), Some(unit)), d)
    });
    // memory (issue 16): what the bus rows no longer need goes before they are built: the
    // entries and the plain locations always, the factors unless branch results or partial
    // currents solve with them afterwards
    drop(entries);
    drop(plain);
    let set = if options.branch_results || options.partial_currents {
        Some(set)
    } else {
        drop(set);
        None
    };
    let keep_data = options.partial_currents;
    let mut kept: Vec<Option<LocationData>> = Vec::new();
    let mut unit_rows = unit_rows.into_iter();
    let buses: Vec<BusResult> = locations
        .iter()
        .map(|loc| {
            let (row, d) = match unit_of(loc) {
                Some(_) => unit_rows.next().expect("one row per unit location"),
                None => {
                    let d = data.next().expect("one datum per location");
                    (bus_result(&ctx, &mesh, loc, d.as_ref(), None), d)
                }
            };
            if keep_data {
                kept.push(d);
            }
            row
        })
        .collect();
    let data = kept;
    check_finite(&buses)?;
    warn_negative_impedance(&buses, &mut warnings);
    warn_locations(&ctx, &locations, &buses, &mut warnings);
    let (branches, voltages) = if options.branch_results {
        let set = set.as_ref().expect("kept for the branch results");
        branch_flows::compute(&ctx, set, &locations, &buses, &unit_of, &counter)?
    } else {
        (Vec::new(), Vec::new())
    };
    let partial_currents = if options.partial_currents {
        let rows = partials::row_count(&sys, locations.len());
        if rows > partials::MAX_ROWS {
            return Err(Error::option(
                "partial_currents",
                format!(
                    "{} fault locations × {} sources would give {rows} rows; choose fault buses with `buses`",
                    locations.len(),
                    sys.shunts.iter().filter(|s| s.is_source()).count() + sys.sources.len()
                ),
            ));
        }
        let entries: Vec<partials::Entry<'_>> = (0..locations.len())
            .map(|i| partials::Entry {
                loc: &locations[i],
                bus: &buses[i],
                data: data[i].as_ref(),
                unit: unit_of(&locations[i]),
            })
            .collect();
        partials::table(
            &ctx,
            set.as_ref().expect("kept for the partial currents"),
            &entries,
        )
    } else {
        Vec::new()
    };
    Ok(StudyReport {
        study: options.clone(),
        network_digest,
        buses,
        branches,
        voltages,
        partial_currents,
        warnings,
    })
}

/// A negative resistance or reactance seen from the fault (series-compensated lines,
/// negative-resistance equivalents) lies outside what IEC 60909 defines κ for: each such
/// location is named, with the convention used for i_p and I_th.
fn warn_negative_impedance(buses: &[BusResult], warnings: &mut Vec<Issue>) {
    for b in buses.iter().filter(|b| b.status == BusStatus::Ok) {
        if b.rk_ohm >= 0.0 && b.xk_ohm >= 0.0 {
            continue;
        }
        let kappa = if b.kappa >= 2.0 {
            "κ is limited to 2.0, so i_p = 2√2·I''k and I_th uses m at κ = 2 (upper bounds)"
                .to_string()
        } else {
            format!("κ = {:.4} from R/X as computed", b.kappa)
        };
        warnings.push(Issue::warning(
            Table::Buses,
            &b.id,
            "rk_ohm",
            "negative_fault_impedance",
            format!(
                "the short-circuit impedance at the fault is R_k = {:.6} Ω, X_k = {:.6} Ω \
                 (negative parts come from series compensation or negative-resistance \
                 equivalents); IEC 60909 does not define κ there: {kappa}",
                b.rk_ohm, b.xk_ohm
            ),
        ));
    }
}

/// Locations the engineer must know about beyond their status: unsupplied buses (no source
/// feeds their island), earth faults outside IEC 60909 (isolated neutral, resonance earthing),
/// and minimum steady-state currents left empty for want of a generator's x_dsat.
fn warn_locations(
    ctx: &Context<'_>,
    locations: &[Location],
    buses: &[BusResult],
    warnings: &mut Vec<Issue>,
) {
    let fault = ctx.options.fault;
    let unsupplied: std::collections::HashSet<&str> = warnings
        .iter()
        .filter(|w| w.code == "unsupplied")
        .filter_map(|w| w.element.as_deref())
        .collect();
    let mut found: Vec<Issue> = Vec::new();
    for (loc, b) in locations.iter().zip(buses) {
        let (code, message) = match b.status {
            // `validate` names the buses no source of any case can feed
            BusStatus::Unsupplied if unsupplied.contains(b.id.as_str()) => continue,
            BusStatus::Unsupplied => (
                "unsupplied",
                "no source feeds this bus's island: every short-circuit current is zero".to_string(),
            ),
            BusStatus::NoZeroSequencePath if fault == FaultKind::LineToEarth => (
                "isolated_neutral",
                format!(
                    "the system at this bus has an isolated neutral: a line-to-earth fault is \
                     outside IEC 60909-0 (clause 1) and no I''k1, i_p, I_b or I_th is given; {}",
                    match b.ice_ka {
                        Some(i) => format!("the capacitive earth-fault current is {i:.4} kA"),
                        None => "give the zero-sequence capacitances (c0_nf_per_km) for the capacitive earth-fault current".to_string(),
                    }
                ),
            ),
            BusStatus::ResonanceEarthed => (
                "resonance_earthed",
                format!(
                    "the system at this bus is resonance-earthed (arc-suppression coil): a \
                     line-to-earth fault is outside IEC 60909-0 (clause 1) and no I''k1, i_p, \
                     I_b or I_th is given; {}",
                    match b.ires_ka {
                        Some(i) => format!("the residual current is {i:.4} kA"),
                        None => "give the coil impedance for the residual current".to_string(),
                    }
                ),
            ),
            BusStatus::Ok if fault == FaultKind::DoubleLineToEarth => {
                match ctx.earthing[loc.node] {
                    Earthing::Isolated | Earthing::Resonant(_) => (
                        "earth_current_outside_standard",
                        "the system at this bus is not effectively earthed (isolated neutral or \
                         arc-suppression coil): the line currents are those of the double \
                         line-to-earth fault, the earth current is the capacitive or residual \
                         current, outside IEC 60909-0"
                            .to_string(),
                    ),
                    Earthing::Effective => continue,
                }
            }
            BusStatus::Ok
                if ctx.options.case == crate::study::Case::Min && b.ik_ka.is_nan() =>
            {
                (
                    "missing_data",
                    "I_kmin near a synchronous generator needs its saturated synchronous \
                     reactance xdsat_pu (IEC 60909-0:2016 §10.2.1); I_k is left empty"
                        .to_string(),
                )
            }
            _ => continue,
        };
        found.push(Issue::warning(Table::Buses, &b.id, "status", code, message));
    }
    // a location's own warning replaces the one `validate` gave for its bus
    let replaced: std::collections::HashSet<(&str, &str)> = found
        .iter()
        .filter_map(|w| Some((w.code.as_str(), w.element.as_deref()?)))
        .collect();
    warnings.retain(|w| {
        !w.element
            .as_deref()
            .is_some_and(|e| replaced.contains(&(w.code.as_str(), e)))
    });
    warnings.extend(found);
}

/// Element data far outside the physical range (a reactance of 1e-300 p.u., ...) can make the
/// arithmetic overflow into infinities and NaN: refused with the location named rather than
/// reported as a normal result (found by the `study` fuzz target).
fn check_finite(buses: &[BusResult]) -> Result<()> {
    for b in buses.iter().filter(|b| b.status == BusStatus::Ok) {
        let values = [
            b.ikss_ka, b.skss_mva, b.ip_ka, b.ib_ka, b.ith_ka, b.kappa, b.rk_ohm, b.xk_ohm,
        ];
        if values.iter().any(|v| !v.is_finite()) {
            return Err(Error::Solver(format!(
                "the results at `{}` are not finite numbers (R_k = {} Ω, X_k = {} Ω): the \
                 arithmetic overflows; check the network for impedances or ratings far outside \
                 the physical range",
                b.id, b.rk_ohm, b.xk_ohm
            )));
        }
    }
    Ok(())
}

fn note(code: &str, message: &str) -> Issue {
    Issue {
        severity: crate::error::Severity::Warning,
        code: code.into(),
        table: None,
        element: None,
        field: None,
        message: message.into(),
    }
}

/// What the evaluation needs from the study.
pub(crate) struct Context<'a> {
    /// The network, kept where the results name its elements (branch results, partial
    /// currents); `None` once a network given by value has been compiled and dropped.
    pub net: Option<&'a Network>,
    pub options: &'a StudyOptions,
    pub sys: &'a System,
    pub adm: &'a Admittance,
    /// Earthing of the zero-sequence system at each node (all effective for faults without
    /// earth).
    pub earthing: Vec<Earthing>,
    /// Whether the locations need the sources' partial currents.
    pub sweep: bool,
    /// The sources of the base network.
    pub terms: Vec<SourceTerm>,
    /// Per node, the factor referring currents through the transformers' ratios.
    pub ratios: Vec<f64>,
}

impl<'a> Context<'a> {
    /// The network, for the results that name its elements (the study keeps it for them).
    pub fn network(&self) -> &'a Network {
        self.net
            .expect("the study keeps the network for branch results and partial currents")
    }
}

/// Columns solved for the sources' partial currents of `locations` base locations.
fn sweep_work(sys: &System, locations: usize) -> usize {
    let mut nodes: Vec<usize> = sys
        .shunts
        .iter()
        .filter(|s| s.is_source())
        .map(|s| s.node)
        .collect();
    nodes.sort_unstable();
    nodes.dedup();
    nodes.len().min(locations)
}

/// A fault location.
#[derive(Clone, Debug)]
pub(crate) struct Location {
    pub id: String,
    pub node: usize,
}

fn locations(
    net: &Network,
    options: &StudyOptions,
    sys: &System,
    warnings: &mut Vec<Issue>,
) -> Result<Vec<Location>> {
    let mut out = Vec::new();
    let wanted: Option<std::collections::HashSet<&str>> = options
        .buses
        .as_ref()
        .map(|b| b.iter().map(String::as_str).collect());
    for (i, bus) in net.buses.iter().enumerate() {
        if let Some(w) = &wanted
            && !w.contains(bus.id.as_str())
        {
            continue;
        }
        match sys.bus_node[i] {
            Some(node) => out.push(Location {
                id: bus.id.clone(),
                node,
            }),
            None if wanted.is_some() => warnings.push(Issue::warning(
                Table::Buses,
                &bus.id,
                "in_service",
                "out_of_service",
                "the bus is out of service; no result",
            )),
            None => {}
        }
    }
    for (k, lf) in options.line_faults.iter().enumerate() {
        let node = sys.line_fault_nodes[k];
        if node == usize::MAX {
            // validation has checked that the line exists and is in service (an open switch at
            // an end leaves a dead end node): one of its end buses is out of service
            return Err(Error::Topology(format!(
                "a fault along line `{}` was requested, but one of its end buses is out of \
                 service, which takes the line out; put the bus back in service or fault another line",
                lf.line
            )));
        }
        out.push(Location {
            id: lf.location_id(),
            node,
        });
    }
    Ok(out)
}

/// Earth faults in a zero-sequence island that contains a network feeder without
/// zero-sequence data cannot be computed: error naming the feeder and field.
fn check_zero_sequence_data(ctx: &Context<'_>, set: &SequenceSet, locs: &[Location]) -> Result<()> {
    let Some((m0, _)) = &set.zero else {
        return Ok(());
    };
    let mut issues = Vec::new();
    for (node, grid) in &ctx.sys.zero_unknown {
        let comp = m0.component[*node];
        if let Some(loc) = locs.iter().find(|l| m0.component[l.node] == comp) {
            issues.push(Issue::error(
                Table::ExternalGrids,
                grid,
                "x0x_max",
                "missing_data",
                format!(
                    "an earth fault at `{}` is fed through this feeder's zero-sequence network, which needs x0x_max and r0x0_max",
                    loc.id
                ),
            ));
        }
    }
    if issues.is_empty() {
        Ok(())
    } else {
        Err(Error::Invalid(issues))
    }
}

/// Progress over the heavy parts (machine columns and location evaluations).
pub(crate) struct Progress<'a> {
    callback: &'a (dyn Fn(usize, usize) + Sync),
    done: AtomicUsize,
    total: usize,
}

impl Progress<'_> {
    pub fn tick(&self, n: usize) {
        let done = self.done.fetch_add(n, Ordering::Relaxed) + n;
        (self.callback)(done.min(self.total), self.total);
    }
}
