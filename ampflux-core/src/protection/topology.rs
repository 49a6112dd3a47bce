//! Where devices sit in the network: a graph of buses and branch ends, the devices at each
//! branch end, the sources, the devices in series between a fault and each source, and the
//! order in which devices interrupt the contributions to a fault.

use std::collections::{HashMap, VecDeque};

use serde::{Deserialize, Serialize};

use crate::model::{Network, Table, in_service};
use crate::study::BranchResult;

/// A source of short-circuit current.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Source {
    /// Element id.
    pub id: String,
    /// Its table (`external_grids`, `generators`, `motors`, `converters`).
    pub table: Table,
    /// Bus it feeds.
    pub bus: String,
}

/// One edge: a branch, a leg of a three-winding transformer (to its star point) or a
/// bus-bus switch.
struct Edge {
    a: usize,
    b: usize,
    /// Element id (branch or switch).
    element: String,
    /// Devices at this edge (indices into `net.protective_devices`) with the node of the
    /// bus they sit at.
    devices: Vec<(usize, usize)>,
}

/// The network as a graph for protection: in-service buses, closed branch ends and
/// bus-bus switches, the devices on them and the sources.
pub(crate) struct Grid {
    /// Bus ids by node (star points of three-winding transformers have no bus).
    pub names: Vec<Option<String>>,
    index: HashMap<String, usize>,
    edges: Vec<Edge>,
    adj: Vec<Vec<usize>>,
    /// Sources by node.
    pub sources: Vec<(usize, Source)>,
    /// Edge of each device (None: its switch is open or out of service).
    device_edge: Vec<Option<usize>>,
}

impl Grid {
    /// Builds the graph of `net` (every switch as in the document).
    pub fn new(net: &Network) -> Grid {
        let mut g = Grid {
            names: Vec::new(),
            index: HashMap::new(),
            edges: Vec::new(),
            adj: Vec::new(),
            sources: Vec::new(),
            device_edge: vec![None; net.protective_devices.len()],
        };
        for b in net.buses.iter().filter(|b| in_service(b.in_service)) {
            g.index.insert(b.id.clone(), g.names.len());
            g.names.push(Some(b.id.clone()));
        }
        // open switch ends: (bus, element) pairs that cut a branch end
        let open: Vec<(&str, &str)> = net
            .switches
            .iter()
            .filter(|s| !(s.closed && in_service(s.in_service)))
            .map(|s| (s.bus.as_str(), s.element.as_str()))
            .collect();
        let cut = |bus: &str, element: &str| open.contains(&(bus, element));
        let two = |g: &mut Grid, id: &str, on: Option<bool>, a: &str, b: &str| {
            if in_service(on) && !cut(a, id) && !cut(b, id) {
                g.edge(a, b, id);
            }
        };
        for l in &net.lines {
            two(&mut g, &l.id, l.in_service, &l.from_bus, &l.to_bus);
        }
        for t in &net.transformers {
            two(&mut g, &t.id, t.in_service, &t.hv_bus, &t.lv_bus);
        }
        for z in &net.impedances {
            two(&mut g, &z.id, z.in_service, &z.from_bus, &z.to_bus);
        }
        for t in net
            .transformers3w
            .iter()
            .filter(|t| in_service(t.in_service))
        {
            let star = g.names.len();
            g.names.push(None);
            g.adj.resize(g.names.len(), Vec::new());
            for bus in [&t.hv_bus, &t.mv_bus, &t.lv_bus] {
                if let Some(&n) = g.index.get(bus.as_str())
                    && !cut(bus, &t.id)
                {
                    g.push_edge(n, star, &t.id);
                }
            }
        }
        for s in &net.switches {
            if s.closed && in_service(s.in_service) && g.index.contains_key(s.element.as_str()) {
                g.edge(&s.bus, &s.element, &s.id);
            }
        }
        g.adj.resize(g.names.len(), Vec::new());
        g.place_devices(net);
        g.add_sources(net);
        g
    }

    fn edge(&mut self, a: &str, b: &str, element: &str) {
        if let (Some(&a), Some(&b)) = (self.index.get(a), self.index.get(b)) {
            self.push_edge(a, b, element);
        }
    }

    fn push_edge(&mut self, a: usize, b: usize, element: &str) {
        self.adj.resize(self.names.len(), Vec::new());
        let e = self.edges.len();
        self.edges.push(Edge {
            a,
            b,
            element: element.to_string(),
            devices: Vec::new(),
        });
        self.adj[a].push(e);
        self.adj[b].push(e);
    }

    fn place_devices(&mut self, net: &Network) {
        let switches: HashMap<&str, _> = net.switches.iter().map(|s| (s.id.as_str(), s)).collect();
        for (k, d) in net.protective_devices.iter().enumerate() {
            if !in_service(d.in_service) {
                continue;
            }
            let Some(s) = switches.get(d.switch.as_str()) else {
                continue;
            };
            let Some(&bus) = self.index.get(s.bus.as_str()) else {
                continue;
            };
            // the edge of the switch's element at the switch's bus (a bus-bus switch is its
            // own edge)
            let found = self.adj[bus].iter().copied().find(|&e| {
                let edge = &self.edges[e];
                edge.element == s.element || edge.element == s.id
            });
            if let Some(e) = found {
                self.edges[e].devices.push((k, bus));
                self.device_edge[k] = Some(e);
            }
        }
    }

    fn add_sources(&mut self, net: &Network) {
        let add = |g: &mut Grid, id: &str, table, bus: &str, on: Option<bool>| {
            if let Some(&n) = g.index.get(bus).filter(|_| in_service(on)) {
                g.sources.push((
                    n,
                    Source {
                        id: id.to_string(),
                        table,
                        bus: bus.to_string(),
                    },
                ));
            }
        };
        for x in &net.external_grids {
            add(self, &x.id, Table::ExternalGrids, &x.bus, x.in_service);
        }
        for x in &net.generators {
            add(self, &x.id, Table::Generators, &x.bus, x.in_service);
        }
        for x in &net.motors {
            add(self, &x.id, Table::Motors, &x.bus, x.in_service);
        }
        for x in &net.converters {
            add(self, &x.id, Table::Converters, &x.bus, x.in_service);
        }
    }

    /// Node of bus `id`.
    pub fn node(&self, id: &str) -> Option<usize> {
        self.index.get(id).copied()
    }

    /// Whether device `k` sits on a closed edge of the graph.
    pub fn is_placed(&self, k: usize) -> bool {
        self.device_edge[k].is_some()
    }

    /// Breadth-first search from `from` over edges without an opened device; the parent edge
    /// of every reached node (`usize::MAX` at the root, `None` unreached).
    fn search(&self, from: usize, opened: &[bool]) -> Vec<Option<usize>> {
        let mut parent = vec![None; self.names.len()];
        parent[from] = Some(usize::MAX);
        let mut queue = VecDeque::from([from]);
        while let Some(n) = queue.pop_front() {
            for &e in &self.adj[n] {
                let edge = &self.edges[e];
                if edge.devices.iter().any(|&(d, _)| opened[d]) {
                    continue;
                }
                let m = if edge.a == n { edge.b } else { edge.a };
                if parent[m].is_none() {
                    parent[m] = Some(e);
                    queue.push_back(m);
                }
            }
        }
        parent
    }

    /// Indices (into `self.sources`) of the sources connected to `fault` when the devices
    /// flagged in `opened` have opened.
    pub fn connected_sources(&self, fault: usize, opened: &[bool]) -> Vec<usize> {
        let parent = self.search(fault, opened);
        (0..self.sources.len())
            .filter(|&s| parent[self.sources[s].0].is_some())
            .collect()
    }

    /// For each source connected to `fault`: the buses and devices on the shortest path
    /// from the fault to it (devices ordered from the fault outward).
    pub fn paths(&self, fault: usize) -> Vec<SourcePath> {
        let none = vec![false; self.device_edge.len()];
        let parent = self.search(fault, &none);
        let mut out = Vec::new();
        for (node, src) in &self.sources {
            if parent[*node].is_none() {
                continue;
            }
            // walk from the source back to the fault, then reverse
            let mut buses = Vec::new();
            let mut devices = Vec::new();
            let mut n = *node;
            loop {
                if let Some(name) = &self.names[n] {
                    buses.push(name.clone());
                }
                let e = parent[n].expect("reached");
                if e == usize::MAX {
                    break;
                }
                let edge = &self.edges[e];
                // walking towards the fault: the devices at this end come first
                let (near_source, near_fault): (Vec<_>, Vec<_>) =
                    edge.devices.iter().partition(|&&(_, at)| at == n);
                devices.extend(near_source.iter().chain(&near_fault).map(|&(d, _)| d));
                n = if edge.a == n { edge.b } else { edge.a };
            }
            buses.reverse();
            devices.reverse();
            out.push(SourcePath {
                source: src.clone(),
                buses,
                devices,
            });
        }
        out
    }
}

/// The shortest path from a fault to one source.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct SourcePath {
    pub source: Source,
    /// Buses from the fault to the source.
    pub buses: Vec<String>,
    /// Devices (indices into `net.protective_devices`) from the fault outward.
    pub devices: Vec<usize>,
}

/// The devices in series between a fault at one bus and one source.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SeriesPath {
    /// The source.
    pub source: Source,
    /// Buses on the path, from the fault bus to the source's bus.
    pub buses: Vec<String>,
    /// Device ids in series, from the fault outward (the first should operate first).
    pub devices: Vec<String>,
}

/// The devices in series between a fault at `bus` and each source that feeds it, along the
/// path through the fewest branches (in a meshed network a source is reached by other paths
/// too; the clearing-time analysis of the arc-flash study accounts for all of them).
///
/// Returns `None` when `bus` is not an in-service bus.
pub fn series_devices(net: &Network, bus: &str) -> Option<Vec<SeriesPath>> {
    let grid = Grid::new(net);
    let fault = grid.node(bus)?;
    Some(
        grid.paths(fault)
            .into_iter()
            .map(|p| SeriesPath {
                source: p.source,
                buses: p.buses,
                devices: p
                    .devices
                    .iter()
                    .map(|&k| net.protective_devices[k].id.clone())
                    .collect(),
            })
            .collect(),
    )
}

/// The current in kA through each device for one fault (0 where none is computed).
pub(crate) fn device_currents_ka(net: &Network, rows: &[&BranchResult]) -> Vec<f64> {
    let by_id: HashMap<&str, &BranchResult> = rows.iter().map(|r| (r.id.as_str(), *r)).collect();
    let switches: HashMap<&str, _> = net.switches.iter().map(|s| (s.id.as_str(), s)).collect();
    net.protective_devices
        .iter()
        .map(|d| {
            let Some(s) = switches.get(d.switch.as_str()) else {
                return 0.0;
            };
            if let Some(r) = by_id.get(s.id.as_str()) {
                // a bus-bus switch with impedance is its own branch
                return r.ikss_from_ka;
            }
            let Some(r) = by_id.get(s.element.as_str()) else {
                return 0.0;
            };
            if r.from_bus == s.bus {
                r.ikss_from_ka
            } else if r.to_bus == s.bus {
                r.ikss_to_ka
            } else if r.mv_bus.as_deref() == Some(s.bus.as_str()) {
                r.ikss_mv_ka.unwrap_or(0.0)
            } else {
                0.0
            }
        })
        .collect()
}
