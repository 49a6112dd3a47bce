//! Graph questions about the compiled network: merged buses, islands without a source, which
//! fault locations are meshed, and the phase shift of each node.

/// Disjoint sets with path halving and union by size.
#[derive(Clone, Debug)]
pub(crate) struct UnionFind {
    parent: Vec<usize>,
    size: Vec<usize>,
}

impl UnionFind {
    pub fn new(n: usize) -> UnionFind {
        UnionFind {
            parent: (0..n).collect(),
            size: vec![1; n],
        }
    }

    pub fn find(&mut self, mut x: usize) -> usize {
        while self.parent[x] != x {
            self.parent[x] = self.parent[self.parent[x]];
            x = self.parent[x];
        }
        x
    }

    pub fn union(&mut self, a: usize, b: usize) {
        let (mut ra, mut rb) = (self.find(a), self.find(b));
        if ra == rb {
            return;
        }
        if self.size[ra] < self.size[rb] {
            std::mem::swap(&mut ra, &mut rb);
        }
        self.parent[rb] = ra;
        self.size[ra] += self.size[rb];
    }
}

/// Nodes that lie in a connected component (over `couplings`) without any node in
/// `grounded`: they have no path to earth, so the sequence network is singular there.
pub(crate) fn unsupplied(
    n: usize,
    couplings: impl Iterator<Item = (usize, usize)>,
    grounded: &[bool],
) -> Vec<bool> {
    let mut uf = UnionFind::new(n);
    for (a, b) in couplings {
        uf.union(a, b);
    }
    let mut supplied_root = vec![false; n];
    for (i, g) in grounded.iter().enumerate() {
        if *g {
            let r = uf.find(i);
            supplied_root[r] = true;
        }
    }
    (0..n).map(|i| !supplied_root[uf.find(i)]).collect()
}

/// Whether each node is fed through more than one independent path from the sources
/// (IEC 60909-0 meshed network), for a graph of `edges` between nodes and one edge between
/// earth and each node in `source_nodes`.
///
/// A node has exactly one simple path to earth when every 2-edge-connected component on its
/// way to earth is entered and left at the same vertex; otherwise it is meshed.
pub(crate) fn meshed(n: usize, edges: &[(usize, usize)], source_nodes: &[usize]) -> Vec<bool> {
    let earth = n;
    let nv = n + 1;
    let mut all: Vec<(usize, usize)> = edges.iter().filter(|(a, b)| a != b).copied().collect();
    let mut sources: Vec<usize> = source_nodes.to_vec();
    sources.sort_unstable();
    sources.dedup();
    all.extend(sources.iter().map(|&s| (earth, s)));
    let (deg, adj) = csr(nv, &all);
    // Tarjan's bridges from earth only: vertices not reached stay `UNSEEN`
    let (disc, is_bridge) = bridges(&deg, &adj, all.len(), [earth]);
    // 2-edge-connected components
    let mut uf = UnionFind::new(nv);
    for (e, &(a, b)) in all.iter().enumerate() {
        if !is_bridge[e] && disc[a] != UNSEEN {
            uf.union(a, b);
        }
    }
    let comp: Vec<usize> = (0..nv).map(|v| uf.find(v)).collect();
    // walk the bridge tree from earth's component: exit vertex and flag per component
    let mut exit = vec![UNSEEN; nv];
    let mut flag = vec![false; nv];
    let root = comp[earth];
    exit[root] = earth;
    let mut visited = vec![false; nv];
    visited[root] = true;
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); nv];
    for v in 0..nv {
        if disc[v] != UNSEEN {
            members[comp[v]].push(v);
        }
    }
    let mut queue = std::collections::VecDeque::from([root]);
    while let Some(c) = queue.pop_front() {
        for &v in &members[c] {
            for &(w, e) in &adj[deg[v]..deg[v + 1]] {
                if !is_bridge[e] {
                    continue;
                }
                let cw = comp[w];
                if visited[cw] {
                    continue;
                }
                visited[cw] = true;
                exit[cw] = w;
                flag[cw] = flag[c] || v != exit[c];
                queue.push_back(cw);
            }
        }
    }
    (0..n)
        .map(|v| {
            if disc[v] == UNSEEN {
                return false;
            }
            let c = comp[v];
            if c == root {
                true
            } else {
                v != exit[c] || flag[c]
            }
        })
        .collect()
}

/// Whether the fault current at each node flows through a mesh (IEC 60909-0:2016 §9.1: the
/// breaking current of eq. 75 for meshed networks, else the sum of the sources' partial
/// breaking currents): some source's current reaches the node along more than one simple
/// path of branches. Paths closed only through earth (several sources on a radial network)
/// are not meshes. `edges` are the branches, `sources` the nodes with a source.
///
/// A source s reaches node k along exactly one path when every 2-edge-connected component on
/// the way is entered and left at the same vertex. Computed for all nodes at once on the
/// bridge tree, rooted per island, with the values of each direction of each bridge.
pub(crate) fn fed_through_meshes(
    n: usize,
    edges: &[(usize, usize)],
    sources: &[usize],
) -> Vec<bool> {
    let bridges = Bridges::new(n, edges);
    let comp = &bridges.comp;
    let nc = bridges.count;
    let mut size = vec![0usize; nc];
    for &c in comp {
        size[c] += 1;
    }
    let cyclic: Vec<bool> = size.iter().map(|&s| s > 1).collect();
    let mut has_source = vec![false; n];
    for &s in sources {
        has_source[s] = true;
    }
    // bridge tree: per component, the bridges (vertex here, vertex there, other component)
    let mut ports: Vec<Vec<(usize, usize, usize)>> = vec![Vec::new(); nc];
    for &(a, b) in &bridges.bridge_edges {
        ports[comp[a]].push((a, b, comp[b]));
        ports[comp[b]].push((b, a, comp[a]));
    }
    let mut src_count = vec![0usize; nc];
    for (v, &h) in has_source.iter().enumerate() {
        src_count[comp[v]] += usize::from(h);
    }
    // what arrives at a component: per port (vertex, a source lies beyond, one is meshed)
    let mut parent: Vec<Option<(usize, usize)>> = vec![None; nc]; // (port in c, parent)
    let mut order = Vec::with_capacity(nc);
    let mut seen = vec![false; nc];
    for root in 0..nc {
        if seen[root] {
            continue;
        }
        seen[root] = true;
        let mut stack = vec![root];
        while let Some(c) = stack.pop() {
            order.push(c);
            for &(_, there, d) in &ports[c] {
                if !seen[d] {
                    seen[d] = true;
                    parent[d] = Some((there, c));
                    stack.push(d);
                }
            }
        }
    }
    let is_child = |c: usize, d: usize| parent[d].is_some_and(|p| p.1 == c);
    // up[c]: the flow from c's subtree into its parent; down[c]: from the rest into c
    let mut up = vec![Flow::default(); nc];
    let mut down = vec![Flow::default(); nc];
    for &c in order.iter().rev() {
        let Some((out, _)) = parent[c] else { continue };
        let mut t = Tally::new(src_count[c], cyclic[c]);
        for &(here, _, d) in &ports[c] {
            if is_child(c, d) {
                t.add(here, up[d]);
            }
        }
        up[c] = t.out(out, has_source[out], None);
    }
    let mut tallies: Vec<Option<Tally>> = (0..nc).map(|_| None).collect();
    for &c in &order {
        let mut t = Tally::new(src_count[c], cyclic[c]);
        if let Some((here, _)) = parent[c] {
            t.add(here, down[c]);
        }
        for &(here, _, d) in &ports[c] {
            if is_child(c, d) {
                t.add(here, up[d]);
            }
        }
        for &(here, _, d) in &ports[c] {
            if is_child(c, d) {
                down[d] = t.out(here, has_source[here], Some((here, up[d])));
            }
        }
        tallies[c] = Some(t);
    }
    (0..n)
        .map(|v| {
            let t = tallies[comp[v]].as_ref().expect("every component visited");
            t.out(v, has_source[v], None).mesh
        })
        .collect()
}

/// The current arriving at (or leaving) a component through one port.
#[derive(Clone, Copy, Debug, Default)]
struct Flow {
    /// Some source lies on that side.
    has: bool,
    /// Some source on that side reaches the port along more than one path.
    mesh: bool,
}

/// Counts over the sources and arriving flows of one component, so that the flow out of any
/// port (leaving out the flow that arrives through it) costs O(1).
struct Tally {
    cyclic: bool,
    /// Source vertices in the component.
    sources: usize,
    has: usize,
    mesh: usize,
    has_at: std::collections::HashMap<usize, usize>,
}

impl Tally {
    fn new(sources: usize, cyclic: bool) -> Tally {
        Tally {
            cyclic,
            sources,
            has: 0,
            mesh: 0,
            has_at: Default::default(),
        }
    }

    fn add(&mut self, port: usize, f: Flow) {
        if f.has {
            self.has += 1;
            *self.has_at.entry(port).or_default() += 1;
        }
        if f.has && f.mesh {
            self.mesh += 1;
        }
    }

    /// The flow leaving through vertex `out` (itself a source vertex: `out_is_source`),
    /// without the arriving flow `except`.
    fn out(&self, out: usize, out_is_source: bool, except: Option<(usize, Flow)>) -> Flow {
        let (ex_has, ex_mesh, ex_at_out) = match except {
            Some((port, f)) => (
                usize::from(f.has),
                usize::from(f.has && f.mesh),
                usize::from(f.has && port == out),
            ),
            None => (0, 0, 0),
        };
        let has_arriving = self.has - ex_has;
        let at_out = self.has_at.get(&out).copied().unwrap_or(0) - ex_at_out;
        let src_elsewhere = self.sources > usize::from(out_is_source);
        Flow {
            has: has_arriving > 0 || self.sources > 0,
            mesh: self.mesh - ex_mesh > 0
                || (self.cyclic && (src_elsewhere || has_arriving > at_out)),
        }
    }
}

/// A vertex the depth-first search of [`bridges`] has not reached.
const UNSEEN: usize = usize::MAX;

/// Adjacency of the multigraph of `nv` vertices and `edges` in CSR form: the neighbours of
/// `v` are `adj[deg[v]..deg[v + 1]]`, each as (neighbour, edge id).
fn csr(nv: usize, edges: &[(usize, usize)]) -> (Vec<usize>, Vec<(usize, usize)>) {
    let mut deg = vec![0usize; nv + 1];
    for &(a, b) in edges {
        deg[a + 1] += 1;
        deg[b + 1] += 1;
    }
    for i in 0..nv {
        deg[i + 1] += deg[i];
    }
    let mut fill = deg.clone();
    let mut adj = vec![(0usize, 0usize); 2 * edges.len()];
    for (e, &(a, b)) in edges.iter().enumerate() {
        adj[fill[a]] = (b, e);
        fill[a] += 1;
        adj[fill[b]] = (a, e);
        fill[b] += 1;
    }
    (deg, adj)
}

/// Tarjan's bridge finding (iterative depth-first search) on a multigraph in [`csr`] form
/// with `edge_count` edges (no self-loops), from each root in turn that is not yet reached:
/// the discovery time of each vertex (`UNSEEN` where no root reaches it) and whether each edge
/// is a bridge. Parallel edges are told apart by their ids, so a doubled edge is no bridge.
fn bridges(
    deg: &[usize],
    adj: &[(usize, usize)],
    edge_count: usize,
    roots: impl IntoIterator<Item = usize>,
) -> (Vec<usize>, Vec<bool>) {
    let nv = deg.len() - 1;
    let mut disc = vec![UNSEEN; nv];
    let mut low = vec![0usize; nv];
    let mut is_bridge = vec![false; edge_count];
    let mut time = 0;
    for root in roots {
        if disc[root] != UNSEEN {
            continue;
        }
        disc[root] = time;
        low[root] = time;
        time += 1;
        let mut stack: Vec<(usize, usize, usize)> = vec![(root, usize::MAX, deg[root])];
        while let Some(&mut (v, pe, ref mut next)) = stack.last_mut() {
            if *next < deg[v + 1] {
                let (w, e) = adj[*next];
                *next += 1;
                if e == pe {
                    continue;
                }
                if disc[w] == UNSEEN {
                    disc[w] = time;
                    low[w] = time;
                    time += 1;
                    stack.push((w, e, deg[w]));
                } else {
                    low[v] = low[v].min(disc[w]);
                }
            } else {
                stack.pop();
                if let Some(&(p, _, _)) = stack.last() {
                    low[p] = low[p].min(low[v]);
                    if low[v] > disc[p] {
                        is_bridge[pe] = true;
                    }
                }
            }
        }
    }
    (disc, is_bridge)
}

/// Bridges and 2-edge-connected components of an undirected multigraph.
struct Bridges {
    /// Component of each vertex.
    comp: Vec<usize>,
    count: usize,
    bridge_edges: Vec<(usize, usize)>,
}

impl Bridges {
    fn new(n: usize, edges: &[(usize, usize)]) -> Bridges {
        let all: Vec<(usize, usize)> = edges.iter().filter(|(a, b)| a != b).copied().collect();
        let (deg, adj) = csr(n, &all);
        let (_, is_bridge) = bridges(&deg, &adj, all.len(), 0..n);
        let mut uf = UnionFind::new(n);
        for (e, &(a, b)) in all.iter().enumerate() {
            if !is_bridge[e] {
                uf.union(a, b);
            }
        }
        let mut id = vec![usize::MAX; n];
        let mut count = 0;
        let comp: Vec<usize> = (0..n)
            .map(|v| {
                let r = uf.find(v);
                if id[r] == usize::MAX {
                    id[r] = count;
                    count += 1;
                }
                id[r]
            })
            .collect();
        let bridge_edges = all
            .iter()
            .zip(&is_bridge)
            .filter(|(_, b)| **b)
            .map(|(e, _)| *e)
            .collect();
        Bridges {
            comp,
            count,
            bridge_edges,
        }
    }
}

/// Per node, the factor that refers a current in per unit of the node to a common reference
/// of its island through the off-nominal ratios `t` of the branches (a current I at end b of a
/// branch with ratio t at end a is I/t at end a): `edges` are (a, b, t). Exact along every
/// path of a radial network; in a mesh with inconsistent ratios, along a spanning tree.
pub(crate) fn current_ratios(n: usize, edges: &[(usize, usize, f64)]) -> Vec<f64> {
    let mut adj: Vec<Vec<(usize, f64)>> = vec![Vec::new(); n];
    for &(a, b, t) in edges {
        // f[a]·I_a = f[b]·I_b with I_a = I_b/t: f[a] = t·f[b]
        adj[a].push((b, 1.0 / t));
        adj[b].push((a, t));
    }
    let mut f = vec![f64::NAN; n];
    for start in 0..n {
        if !f[start].is_nan() {
            continue;
        }
        f[start] = 1.0;
        let mut stack = vec![start];
        while let Some(v) = stack.pop() {
            for &(w, m) in &adj[v] {
                if f[w].is_nan() {
                    f[w] = f[v] * m;
                    stack.push(w);
                }
            }
        }
    }
    f
}

/// Positive-sequence phase angle of each node (degrees) relative to a reference node of its
/// island, accumulated through the phase shifts of transformer vector groups; and whether
/// the zero sequence is inverted there. `edges` are (a, b, shift of b relative to a, zero
/// inverted).
pub(crate) fn phase_shifts(n: usize, edges: &[(usize, usize, f64, bool)]) -> (Vec<f64>, Vec<bool>) {
    let mut adj: Vec<Vec<(usize, f64, bool)>> = vec![Vec::new(); n];
    for &(a, b, shift, inv) in edges {
        adj[a].push((b, shift, inv));
        adj[b].push((a, -shift, inv));
    }
    let mut angle = vec![f64::NAN; n];
    let mut inverted = vec![false; n];
    for start in 0..n {
        if !angle[start].is_nan() {
            continue;
        }
        angle[start] = 0.0;
        let mut stack = vec![start];
        while let Some(v) = stack.pop() {
            for &(w, shift, inv) in &adj[v] {
                if angle[w].is_nan() {
                    angle[w] = angle[v] + shift;
                    inverted[w] = inverted[v] ^ inv;
                    stack.push(w);
                }
            }
        }
    }
    (angle, inverted)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn radial_feeder_is_not_meshed() {
        // 0 - 1 - 2, source at 0
        let m = meshed(3, &[(0, 1), (1, 2)], &[0]);
        assert_eq!(m, vec![false, false, false]);
    }

    #[test]
    fn ring_is_meshed_and_spur_beyond_it_too() {
        // source at 0; ring 0-1-2-0; spur 2-3
        let m = meshed(4, &[(0, 1), (1, 2), (2, 0), (2, 3)], &[0]);
        assert_eq!(m, vec![false, true, true, true]);
        // source at 3 (spur end): ring entered at 2; bus 2 is radial, 0 and 1 meshed
        let m = meshed(4, &[(0, 1), (1, 2), (2, 0), (2, 3)], &[3]);
        assert_eq!(m, vec![true, true, false, false]);
    }

    #[test]
    fn two_sources_mesh_the_path_between_them() {
        // 0 - 1 - 2 with sources at 0 and 2, spur 1 - 3
        let m = meshed(4, &[(0, 1), (1, 2), (1, 3)], &[0, 2]);
        assert_eq!(m, vec![true, true, true, true]);
    }

    #[test]
    fn parallel_branches_mesh() {
        let m = meshed(2, &[(0, 1), (0, 1)], &[0]);
        assert_eq!(m, vec![false, true]);
    }

    #[test]
    fn meshes_carrying_fault_current() {
        // two sources at 0 and 2 on the radial 0 - 1 - 2 (closed only through earth): no mesh
        let m = fed_through_meshes(3, &[(0, 1), (1, 2)], &[0, 2]);
        assert_eq!(m, vec![false, false, false]);
        // ring 0-1-2-0 with the source at 0, spur 2-3: every node but the source is fed
        // through the ring
        let m = fed_through_meshes(4, &[(0, 1), (1, 2), (2, 0), (2, 3)], &[0]);
        assert_eq!(m, vec![false, true, true, true]);
        // source at the spur end 3: the ring is entered at 2; 2 and 3 radial, 0 and 1 meshed
        let m = fed_through_meshes(4, &[(0, 1), (1, 2), (2, 0), (2, 3)], &[3]);
        assert_eq!(m, vec![true, true, false, false]);
        // parallel branches between the source and the fault
        let m = fed_through_meshes(3, &[(0, 1), (0, 1), (1, 2)], &[0, 2]);
        assert_eq!(m, vec![true, true, true]);
        // a ring without any source on its far side: 3 - 0 - ring(0,1,2); source at 3
        let m = fed_through_meshes(4, &[(3, 0), (0, 1), (1, 2), (2, 0)], &[3]);
        assert_eq!(m, vec![false, true, true, false]);
    }

    #[test]
    fn islands_without_source() {
        let dead = unsupplied(
            4,
            [(0, 1), (2, 3)].into_iter(),
            &[true, false, false, false],
        );
        assert_eq!(dead, vec![false, false, true, true]);
    }

    #[test]
    fn shifts_accumulate() {
        let (a, _) = phase_shifts(3, &[(0, 1, -150.0, false), (1, 2, 0.0, false)]);
        assert_eq!(a, vec![0.0, -150.0, -150.0]);
    }
}
