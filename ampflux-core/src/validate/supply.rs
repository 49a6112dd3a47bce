//! Buses that no source can feed: islands of the in-service network (open switches and
//! out-of-service elements cut it) without a network feeder, generator, motor or converter.
//! Every short-circuit current there is zero; the study reports them as `unsupplied`.

use std::collections::HashMap;

use crate::error::Issue;
use crate::model::{Network, Table, in_service};
use crate::system::topology::UnionFind;

pub(super) fn unsupplied_buses(net: &Network, issues: &mut Vec<Issue>) {
    let index: HashMap<&str, usize> = net
        .buses
        .iter()
        .enumerate()
        .filter(|(_, b)| in_service(b.in_service))
        .map(|(i, b)| (b.id.as_str(), i))
        .collect();
    // branch ends opened by a bus-element switch
    let open: Vec<(&str, &str)> = net
        .switches
        .iter()
        .filter(|s| !s.closed || !in_service(s.in_service))
        .filter(|s| !index.contains_key(s.element.as_str()))
        .map(|s| (s.bus.as_str(), s.element.as_str()))
        .collect();
    let mut uf = UnionFind::new(net.buses.len());
    let mut join = |id: &str, ends: &[&str]| {
        let nodes: Vec<usize> = ends
            .iter()
            .filter(|b| !open.contains(&(**b, id)))
            .filter_map(|b| index.get(b).copied())
            .collect();
        // a branch with an end out of service is out
        if nodes.len() == ends.len() {
            for w in nodes.windows(2) {
                uf.union(w[0], w[1]);
            }
        }
    };
    for l in net.lines.iter().filter(|l| in_service(l.in_service)) {
        join(&l.id, &[&l.from_bus, &l.to_bus]);
    }
    for t in net.transformers.iter().filter(|t| in_service(t.in_service)) {
        join(&t.id, &[&t.hv_bus, &t.lv_bus]);
    }
    for t in net
        .transformers3w
        .iter()
        .filter(|t| in_service(t.in_service))
    {
        join(&t.id, &[&t.hv_bus, &t.mv_bus, &t.lv_bus]);
    }
    for z in net.impedances.iter().filter(|z| in_service(z.in_service)) {
        join(&z.id, &[&z.from_bus, &z.to_bus]);
    }
    for s in net.switches.iter() {
        if s.closed && in_service(s.in_service) {
            if let (Some(&a), Some(&b)) = (index.get(s.bus.as_str()), index.get(s.element.as_str()))
            {
                uf.union(a, b);
            }
        }
    }
    let mut fed = vec![false; net.buses.len()];
    let sources = net
        .external_grids
        .iter()
        .filter(|g| in_service(g.in_service))
        .map(|g| g.bus.as_str())
        .chain(
            net.generators
                .iter()
                .filter(|g| in_service(g.in_service))
                .map(|g| g.bus.as_str()),
        )
        .chain(
            net.motors
                .iter()
                .filter(|m| in_service(m.in_service))
                .map(|m| m.bus.as_str()),
        )
        .chain(
            net.converters
                .iter()
                .filter(|c| in_service(c.in_service))
                .map(|c| c.bus.as_str()),
        );
    for bus in sources {
        if let Some(&i) = index.get(bus) {
            let r = uf.find(i);
            fed[r] = true;
        }
    }
    for (i, b) in net.buses.iter().enumerate() {
        if in_service(b.in_service) && !fed[uf.find(i)] {
            issues.push(Issue::warning(
                Table::Buses,
                &b.id,
                "in_service",
                "unsupplied",
                "no network feeder, generator, motor or converter can feed this bus (its island \
                 has none, or open switches cut it off): every short-circuit current there is zero",
            ));
        }
    }
}
