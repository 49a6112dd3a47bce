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
    // adjacency in CSR form: (neighbour, edge id)
    let mut deg = vec![0usize; nv + 1];
    for &(a, b) in &all {
        deg[a + 1] += 1;
        deg[b + 1] += 1;
    }
    for i in 0..nv {
        deg[i + 1] += deg[i];
    }
    let mut fill = deg.clone();
    let mut adj = vec![(0usize, 0usize); 2 * all.len()];
    for (e, &(a, b)) in all.iter().enumerate() {
        adj[fill[a]] = (b, e);
        fill[a] += 1;
        adj[fill[b]] = (a, e);
        fill[b] += 1;
    }
    // iterative Tarjan bridge finding from earth
    const UNSEEN: usize = usize::MAX;
    let mut disc = vec![UNSEEN; nv];
    let mut low = vec![0usize; nv];
    let mut is_bridge = vec![false; all.len()];
    let mut time = 0;
    let mut stack: Vec<(usize, usize, usize)> = Vec::new(); // (vertex, parent edge, next adj)
    disc[earth] = 0;
    low[earth] = 0;
    time += 1;
    stack.push((earth, usize::MAX, deg[earth]));
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
