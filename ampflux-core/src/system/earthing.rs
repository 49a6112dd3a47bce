//! How the system at each node is earthed, for the scope of IEC 60909-0:2016 (clause 1):
//! line-to-earth faults are computed in systems with a solidly or low-impedance earthed
//! neutral; systems with an isolated neutral or earthed only through arc-suppression coils
//! (resonance earthing) are outside it (IEC 60909-3 terms: capacitive earth-fault current,
//! residual current).

use super::topology::UnionFind;
use super::{OnePort, System, TwoPort};

/// Neutral earthing of the zero-sequence system a node belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Earthing {
    /// A conductive path to earth other than an arc-suppression coil (solid, resistance or
    /// reactance earthing, feeders, earthed generators).
    Effective,
    /// Earthed only through arc-suppression (Petersen) coils; `false` when one of them has
    /// no impedance given (then the residual current is unknown).
    Resonant(bool),
    /// No conductive path to earth: only capacitances (isolated neutral).
    Isolated,
}

fn conductive(port: &Option<OnePort>) -> bool {
    matches!(port, Some(OnePort::Z(_)))
}

/// Earthing class of every node, from the zero-sequence models: line capacitances never
/// count as earthing; paths through a coil count only as resonance earthing.
pub(crate) fn earthing(sys: &System) -> Vec<Earthing> {
    let n = sys.n();
    // `eff`: without coils; `all`: with them
    let (mut eff, mut all) = (UnionFind::new(n), UnionFind::new(n));
    let (mut g_eff, mut g_all) = (vec![false; n], vec![false; n]);
    for br in &sys.branches {
        let (ga, gb, couples) = match &br.zero {
            TwoPort::Open => continue,
            TwoPort::Pi { sh_a, sh_b, .. } => (conductive(sh_a), conductive(sh_b), true),
            TwoPort::Shunts { a, b } => (conductive(a), conductive(b), false),
            TwoPort::Tee { .. } => (true, true, true),
        };
        for (uf, g, take) in [
            (&mut eff, &mut g_eff, !br.zero_resonant),
            (&mut all, &mut g_all, true),
        ] {
            if !take {
                continue;
            }
            g[br.a] |= ga;
            g[br.b] |= gb;
            if couples && br.a != br.b {
                uf.union(br.a, br.b);
            }
        }
    }
    for sh in &sys.shunts {
        if conductive(&sh.zero) {
            g_all[sh.node] = true;
            g_eff[sh.node] |= !sh.zero_resonant;
        }
    }
    let mut unknown_coil = vec![false; n];
    for &node in &sys.resonant_nodes {
        g_all[node] = true;
        unknown_coil[node] = true;
    }
    let roots = |uf: &mut UnionFind, g: &[bool]| {
        let mut earthed = vec![false; n];
        for (i, &gi) in g.iter().enumerate() {
            if gi {
                let r = uf.find(i);
                earthed[r] = true;
            }
        }
        (0..n).map(|i| earthed[uf.find(i)]).collect::<Vec<bool>>()
    };
    let (e, a) = (roots(&mut eff, &g_eff), roots(&mut all, &g_all));
    let unknown = roots(&mut all, &unknown_coil);
    (0..n)
        .map(|i| match (e[i], a[i]) {
            (true, _) => Earthing::Effective,
            (false, true) => Earthing::Resonant(!unknown[i]),
            (false, false) => Earthing::Isolated,
        })
        .collect()
}
