//! Which sources feed a fault through a device: the two sides of a branch that is the only
//! path between them (a bridge of the compiled network's graph).
//!
//! IEC 60909-0:2016 §9.1.2 gives the breaking current of a location fed without meshes as the
//! sum of its sources' partial breaking currents μ·q·I''k; the current through a device that is
//! the only path from one part of the network to the fault is the share of the sources on the
//! far side of it, so its decay is theirs. Where the device's branch lies in a mesh the sources
//! cannot be told apart this way, and the duty study does not credit any decay that exceeds the
//! bus's (see `envelope`).
//!
//! The graph is the compiled system of the scenario (closed zero-impedance bus ties merge their
//! buses, an open or out-of-service switch opens its branch end), so it agrees with the
//! currents of the study. Bridges come from one depth-first search (Tarjan's low-link): a tree
//! edge (p, c) is a bridge when no back edge of c's subtree reaches above c, and the far side
//! of it is c's subtree, an interval of DFS entry times.

use std::collections::HashMap;

use crate::error::Result;
use crate::model::{Network, Table};
use crate::study::StudyOptions;
use crate::system::System;

/// The bridge structure of one scenario's network.
pub(crate) struct Feeding {
    /// DFS entry time of each node.
    tin: Vec<usize>,
    /// Largest entry time in each node's DFS subtree.
    tout: Vec<usize>,
    /// End nodes of each coupling branch of the system.
    edges: Vec<(usize, usize)>,
    /// The child node of each branch that is a bridge (its DFS tree edge).
    bridge_child: Vec<Option<usize>>,
    /// System branches of each model element (line, transformer, impedance, switch) by id.
    by_element: HashMap<String, Vec<usize>>,
    /// Node of each in-service bus by id.
    bus_node: HashMap<String, usize>,
}

/// One side of a bridge: the nodes of a DFS subtree, or the rest of its island.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Side {
    first: usize,
    last: usize,
    /// `true`: the side is the subtree [first, last]; `false`: the rest.
    inside: bool,
}

impl Side {
    /// Whether node `node` lies on this side (nodes of other islands never feed the fault).
    fn contains(self, tin: usize) -> bool {
        ((self.first..=self.last).contains(&tin)) == self.inside
    }
}

impl Feeding {
    /// The bridge structure of `net` as the study compiles it (three-phase maximum case: the
    /// positive-sequence graph, which every fault type shares).
    pub fn new(net: &Network, study: &StudyOptions) -> Result<Feeding> {
        let options = StudyOptions {
            fault: crate::study::FaultKind::ThreePhase,
            buses: None,
            branch_results: false,
            ..study.clone()
        };
        let sys = System::compile(net, &options)?;
        let n = sys.n();
        let mut edges = Vec::with_capacity(sys.branches.len());
        let mut adj: Vec<Vec<(usize, usize)>> = vec![Vec::new(); n];
        let mut by_element: HashMap<String, Vec<usize>> = HashMap::new();
        for br in &sys.branches {
            if !br.pos.couples() || br.a == br.b {
                continue;
            }
            let e = edges.len();
            edges.push((br.a, br.b));
            adj[br.a].push((br.b, e));
            adj[br.b].push((br.a, e));
            if let Some(id) = element_id(net, br.origin.table, br.origin.index) {
                by_element.entry(id.to_string()).or_default().push(e);
            }
        }
        let bus_node = net
            .buses
            .iter()
            .zip(&sys.bus_node)
            .filter_map(|(b, node)| node.map(|node| (b.id.clone(), node)))
            .collect();
        let (tin, tout, bridge_child) = bridges(n, &adj, edges.len());
        Ok(Feeding {
            tin,
            tout,
            edges,
            bridge_child,
            by_element,
            bus_node,
        })
    }

    /// The side beyond element `element` seen from bus `at` (the side of its other end(s)),
    /// when the element's branch at `at` is the only path between the two sides; `None` when
    /// it lies in a mesh, or is not a branch at `at`.
    pub fn beyond(&self, element: &str, at: &str) -> Option<Side> {
        let u = *self.bus_node.get(at)?;
        let e = *self
            .by_element
            .get(element)?
            .iter()
            .find(|&&e| self.edges[e].0 == u || self.edges[e].1 == u)?;
        let c = self.bridge_child[e]?;
        Some(Side {
            first: self.tin[c],
            last: self.tout[c],
            inside: c != u,
        })
    }

    /// The node of in-service bus `bus`.
    pub fn node(&self, bus: &str) -> Option<usize> {
        self.bus_node.get(bus).copied()
    }

    /// Whether node `node` lies on `side`.
    pub fn node_on(&self, side: Side, node: usize) -> bool {
        side.contains(self.tin[node])
    }
}

/// The id of the model element behind a system branch.
fn element_id(net: &Network, table: Table, index: usize) -> Option<&str> {
    Some(match table {
        Table::Lines => &net.lines.get(index)?.id,
        Table::Transformers => &net.transformers.get(index)?.id,
        Table::Transformers3w => &net.transformers3w.get(index)?.id,
        Table::Impedances => &net.impedances.get(index)?.id,
        Table::Switches => &net.switches.get(index)?.id,
        _ => return None,
    })
}

/// DFS entry times, subtree ends and the bridges (child node of each bridge edge) of the
/// multigraph `adj` with `m` edges (parallel edges are told apart by their index, so a double
/// circuit is no bridge). Iterative: no recursion depth limit on long radial feeders.
fn bridges(
    n: usize,
    adj: &[Vec<(usize, usize)>],
    m: usize,
) -> (Vec<usize>, Vec<usize>, Vec<Option<usize>>) {
    const NONE: usize = usize::MAX;
    let mut tin = vec![NONE; n];
    let mut tout = vec![0; n];
    let mut low = vec![0; n];
    let mut bridge_child = vec![None; m];
    let mut timer = 0;
    // (node, edge it was entered by, next neighbour to visit)
    let mut stack: Vec<(usize, usize, usize)> = Vec::new();
    for root in 0..n {
        if tin[root] != NONE {
            continue;
        }
        tin[root] = timer;
        low[root] = timer;
        timer += 1;
        stack.push((root, NONE, 0));
        while let Some(top) = stack.last_mut() {
            let (v, via, next) = *top;
            if next < adj[v].len() {
                top.2 += 1;
                let (w, e) = adj[v][next];
                if e == via {
                    continue;
                }
                if tin[w] == NONE {
                    tin[w] = timer;
                    low[w] = timer;
                    timer += 1;
                    stack.push((w, e, 0));
                } else {
                    low[v] = low[v].min(tin[w]);
                }
            } else {
                stack.pop();
                tout[v] = timer - 1;
                if let Some(&(p, _, _)) = stack.last() {
                    low[p] = low[p].min(low[v]);
                    if low[v] > tin[p] {
                        bridge_child[via] = Some(v);
                    }
                }
            }
        }
    }
    (tin, tout, bridge_child)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn graph(n: usize, edges: &[(usize, usize)]) -> Vec<Vec<(usize, usize)>> {
        let mut adj = vec![Vec::new(); n];
        for (e, &(a, b)) in edges.iter().enumerate() {
            adj[a].push((b, e));
            adj[b].push((a, e));
        }
        adj
    }

    /// A ring 0-1-2-0 with a tail 2-3-4 and a double circuit 4=5: only 2-3 and 3-4 are
    /// bridges; the side beyond 2-3 from 2 is {3, 4, 5}.
    #[test]
    fn bridges_of_a_ring_with_a_tail() {
        let edges = [(0, 1), (1, 2), (2, 0), (2, 3), (3, 4), (4, 5), (4, 5)];
        let adj = graph(6, &edges);
        let (tin, tout, bridge) = bridges(6, &adj, edges.len());
        let is_bridge: Vec<bool> = bridge.iter().map(Option::is_some).collect();
        assert_eq!(
            is_bridge,
            [false, false, false, true, true, false, false],
            "{bridge:?}"
        );
        let c = bridge[3].unwrap();
        assert_eq!(c, 3);
        let side = Side {
            first: tin[c],
            last: tout[c],
            inside: true,
        };
        let on: Vec<usize> = (0..6).filter(|&v| side.contains(tin[v])).collect();
        assert_eq!(on, [3, 4, 5]);
        let rest = Side {
            inside: false,
            ..side
        };
        let on: Vec<usize> = (0..6).filter(|&v| rest.contains(tin[v])).collect();
        assert_eq!(on, [0, 1, 2]);
    }

    /// A long radial feeder (no recursion limit) is all bridges.
    #[test]
    fn a_long_radial_feeder_is_all_bridges() {
        let n = 200_000;
        let edges: Vec<(usize, usize)> = (0..n - 1).map(|i| (i, i + 1)).collect();
        let adj = graph(n, &edges);
        let (_, _, bridge) = bridges(n, &adj, edges.len());
        assert!(bridge.iter().all(Option::is_some));
    }
}
