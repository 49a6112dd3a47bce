//! A network that no longer changes, with its content digest taken once.

use std::ops::Deref;
use std::sync::OnceLock;

use super::Network;

/// A [`Network`] that can no longer be changed, with its [`Network::digest`] computed once,
/// on first use, instead of by every study.
///
/// The digest is the SHA-256 of the whole canonical document: on a 10 000-bus grid it costs
/// about as much as parsing the document, which a binding that studies the same network
/// again and again (the WebAssembly `Network`, immutable from JS) would otherwise pay on
/// every study (issue 16, `benches/README.md`). Studies take one through
/// [`crate::short_circuit_frozen`]; the network is read through `Deref`.
///
/// ```
/// use ampflux_core::{FrozenNetwork, Network, StudyOptions, short_circuit, short_circuit_frozen};
/// let net = Network::from_json(r#"{"buses": [{"id": "A", "vn_kv": 20}],
///     "external_grids": [{"id": "Q", "bus": "A", "s_sc_max_mva": 500, "rx_max": 0.1}]}"#).unwrap();
/// let frozen = FrozenNetwork::new(net.clone());
/// assert_eq!(frozen.digest(), net.digest());
/// let options = StudyOptions::default();
/// let report = short_circuit_frozen(&frozen, &options, &|_, _| {}).unwrap();
/// assert_eq!(report, short_circuit(&net, &options).unwrap());
/// ```
#[derive(Clone, Debug)]
pub struct FrozenNetwork {
    net: Network,
    digest: OnceLock<String>,
}

impl FrozenNetwork {
    /// Freezes `net` (nothing is computed yet).
    pub fn new(net: Network) -> FrozenNetwork {
        FrozenNetwork {
            net,
            digest: OnceLock::new(),
        }
    }

    /// [`Network::digest`], computed on the first call and kept.
    pub fn digest(&self) -> &str {
        self.digest.get_or_init(|| self.net.digest())
    }

    /// The network, to change it (its digest is taken again when it is frozen again).
    pub fn into_inner(self) -> Network {
        self.net
    }
}

impl From<Network> for FrozenNetwork {
    fn from(net: Network) -> FrozenNetwork {
        FrozenNetwork::new(net)
    }
}

impl Deref for FrozenNetwork {
    type Target = Network;

    fn deref(&self) -> &Network {
        &self.net
    }
}
