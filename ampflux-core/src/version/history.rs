//! An append-only history of circuit revisions: commit, checkout, restore and merge. The
//! caller supplies author and timestamp (the core does no I/O and reads no clock).

use std::collections::{BTreeMap, HashSet, VecDeque};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::merge::{MergeOutcome, merge};
use crate::error::{Error, Result};
use crate::model::Network;

/// One revision of a circuit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Revision {
    /// Revision id: SHA-256 of the content digest, parents, author, message and timestamp.
    pub id: String,
    /// Content digest of the network ([`Network::digest`]).
    pub digest: String,
    /// Parent revision ids (none for the first, two for a merge).
    pub parents: Vec<String>,
    /// Who made it.
    pub author: String,
    /// Why.
    pub message: String,
    /// When (as supplied by the caller, e.g. RFC 3339).
    pub timestamp: String,
}

/// An append-only list of revisions with the networks they hold (stored once per content).
///
/// ```
/// use ampflux_core::{Network, version::History};
/// let mut h = History::new();
/// let mut net = Network::from_json(r#"{"buses": [{"id": "A", "vn_kv": 20}]}"#).unwrap();
/// let first = h.commit(&net, "ana", "initial", "2026-01-01T10:00:00Z").unwrap();
/// net.buses[0].vn_kv = 21.0;
/// h.commit(&net, "ana", "uprate", "2026-01-02T10:00:00Z").unwrap();
/// let back = h.restore(&first, "ana", "undo uprate", "2026-01-03T10:00:00Z").unwrap();
/// assert_eq!(h.checkout(&back).unwrap().buses[0].vn_kv, 20.0);
/// assert_eq!(h.revisions().len(), 3);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct History {
    revisions: Vec<Revision>,
    /// Canonical JSON of each network content, by digest.
    snapshots: BTreeMap<String, String>,
}

fn revision_id(
    digest: &str,
    parents: &[String],
    author: &str,
    message: &str,
    timestamp: &str,
) -> String {
    let mut h = Sha256::new();
    for part in [digest, &parents.join(","), author, message, timestamp] {
        h.update(part.as_bytes());
        h.update([0u8]);
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

impl History {
    /// An empty history.
    pub fn new() -> History {
        History::default()
    }

    /// Every revision, oldest first.
    pub fn revisions(&self) -> &[Revision] {
        &self.revisions
    }

    /// The latest revision.
    pub fn head(&self) -> Option<&Revision> {
        self.revisions.last()
    }

    /// The revision with id (or unique id prefix) `id`.
    pub fn revision(&self, id: &str) -> Result<&Revision> {
        let mut found = self.revisions.iter().filter(|r| r.id.starts_with(id));
        match (found.next(), found.next()) {
            (Some(r), None) if !id.is_empty() => Ok(r),
            (Some(_), Some(_)) => Err(Error::Conflict(format!("revision id `{id}` is ambiguous"))),
            _ => Err(Error::Conflict(format!(
                "no revision `{id}` in this history"
            ))),
        }
    }

    /// Records `network` as a new revision whose parent is the head. Returns the revision id.
    pub fn commit(
        &mut self,
        network: &Network,
        author: &str,
        message: &str,
        timestamp: &str,
    ) -> Result<String> {
        let parents: Vec<String> = self.head().map(|r| r.id.clone()).into_iter().collect();
        self.commit_with_parents(network, &parents, author, message, timestamp)
    }

    /// Records `network` with explicit parents (all must exist).
    pub fn commit_with_parents(
        &mut self,
        network: &Network,
        parents: &[String],
        author: &str,
        message: &str,
        timestamp: &str,
    ) -> Result<String> {
        for p in parents {
            self.revision(p)?;
        }
        let digest = network.digest();
        let id = revision_id(&digest, parents, author, message, timestamp);
        if self.revisions.iter().any(|r| r.id == id) {
            return Err(Error::Conflict(format!("revision {id} already exists")));
        }
        self.snapshots
            .entry(digest.clone())
            .or_insert_with(|| network.canonical_json());
        self.revisions.push(Revision {
            id: id.clone(),
            digest,
            parents: parents.to_vec(),
            author: author.into(),
            message: message.into(),
            timestamp: timestamp.into(),
        });
        Ok(id)
    }

    /// The network of revision `id`.
    pub fn checkout(&self, id: &str) -> Result<Network> {
        let rev = self.revision(id)?;
        let text = self.snapshots.get(&rev.digest).ok_or_else(|| {
            Error::Conflict(format!("the content of revision {} is missing", rev.id))
        })?;
        Network::from_json(text)
    }

    /// A new revision (child of the head) whose content equals revision `id`.
    pub fn restore(
        &mut self,
        id: &str,
        author: &str,
        message: &str,
        timestamp: &str,
    ) -> Result<String> {
        let net = self.checkout(id)?;
        self.commit(&net, author, message, timestamp)
    }

    /// The nearest common ancestor of two revisions.
    pub fn common_ancestor(&self, a: &str, b: &str) -> Result<Option<String>> {
        let a = self.revision(a)?.id.clone();
        let b = self.revision(b)?.id.clone();
        let ancestors_of_a = self.ancestors(&a);
        let mut queue = VecDeque::from([b]);
        let mut seen = HashSet::new();
        while let Some(r) = queue.pop_front() {
            if ancestors_of_a.contains(&r) {
                return Ok(Some(r));
            }
            if seen.insert(r.clone()) {
                queue.extend(self.revision(&r)?.parents.iter().cloned());
            }
        }
        Ok(None)
    }

    fn ancestors(&self, id: &str) -> HashSet<String> {
        let mut out = HashSet::new();
        let mut stack = vec![id.to_string()];
        while let Some(r) = stack.pop() {
            if out.insert(r.clone())
                && let Ok(rev) = self.revision(&r)
            {
                stack.extend(rev.parents.iter().cloned());
            }
        }
        out
    }

    /// Three-way merge of revision `theirs` into `ours` from their nearest common ancestor.
    /// Without conflicts the merged network is committed with both as parents and its id is
    /// returned with the outcome; with conflicts nothing is committed.
    pub fn merge(
        &mut self,
        ours: &str,
        theirs: &str,
        author: &str,
        message: &str,
        timestamp: &str,
    ) -> Result<(MergeOutcome, Option<String>)> {
        let base_id = self
            .common_ancestor(ours, theirs)?
            .ok_or_else(|| Error::Conflict("the two revisions share no ancestor".into()))?;
        let (base, mine, other) = (
            self.checkout(&base_id)?,
            self.checkout(ours)?,
            self.checkout(theirs)?,
        );
        let outcome = merge(&base, &mine, &other)?;
        if !outcome.conflicts.is_empty() {
            return Ok((outcome, None));
        }
        let parents = [
            self.revision(ours)?.id.clone(),
            self.revision(theirs)?.id.clone(),
        ];
        let id =
            self.commit_with_parents(&outcome.network, &parents, author, message, timestamp)?;
        Ok((outcome, Some(id)))
    }

    /// The history as JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("histories serialize")
    }

    /// Reads a history from JSON; every snapshot is checked against its digest.
    pub fn from_json(text: &str) -> Result<History> {
        let value = crate::format::json_tree(text, "the history is empty")?;
        let h: History = crate::format::from_value_with_path(value, "")?;
        for (digest, text) in &h.snapshots {
            let net = Network::from_json(text)?;
            if &net.digest() != digest {
                return Err(Error::Conflict(format!(
                    "snapshot {digest} does not match its content"
                )));
            }
        }
        for r in &h.revisions {
            if !h.snapshots.contains_key(&r.digest) {
                return Err(Error::Conflict(format!(
                    "revision {} has no snapshot",
                    r.id
                )));
            }
        }
        Ok(h)
    }
}
