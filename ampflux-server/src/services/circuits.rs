//! Circuit versions: the versions of a project's network document. The core reads,
//! validates, canonicalizes and diffs every document; this service stores and numbers them,
//! and is the one place a stored network is loaded.

use ampflux_core::{Issue, Network, version as history};
use serde_json::{Value, json};

use super::audit::{self, Event};
use super::order::{self, ElementOrder};
use super::projects::Projects;
use super::{Actor, Listed, input, licenses};
use crate::auth::Caller;
use crate::auth::access::{Level, ProjectAccess};
use crate::clock::now_ms;
use crate::db::circuits::{Blob, NewVersion, Version};
use crate::db::{self, Db, Page};
use crate::error::{Error, Result};
use crate::ids::{CompanyId, ProjectId};

/// A circuit version named in a request: a number from 1, or the latest.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VersionRef {
    /// The newest version.
    Latest,
    /// Version number.
    Number(i64),
}

impl VersionRef {
    /// `latest` or a number from 1 (anything else names no version).
    pub fn parse(text: &str) -> Option<VersionRef> {
        if text == "latest" {
            return Some(VersionRef::Latest);
        }
        text.parse::<i64>()
            .ok()
            .filter(|v| *v >= 1)
            .map(VersionRef::Number)
    }
}

/// The outcome of a save or restore.
#[derive(Clone, Debug)]
pub struct Saved {
    /// The version holding the content: new, or the latest when the content did not change.
    pub version: Version,
    /// Whether a new version was made.
    pub created: bool,
    /// Validation warnings of the core (the document was saved).
    pub warnings: Vec<Issue>,
}

/// The changes between two versions (the core's change set).
#[derive(Clone, Debug)]
pub struct Diff {
    /// Version diffed from.
    pub from: Version,
    /// Version diffed to.
    pub to: Version,
    /// Number of changes.
    pub count: usize,
    /// One line per element.
    pub summary: String,
    /// The changes, as the core writes them.
    pub changes: Value,
}

/// A three-way merge request: `theirs` merged into `ours`, both derived from `base`.
#[derive(Clone, Copy, Debug)]
pub struct MergeRequest {
    /// The common base.
    pub base: VersionRef,
    /// The version merged into (its values win in conflicts).
    pub ours: VersionRef,
    /// The version whose changes are merged in.
    pub theirs: VersionRef,
    /// Whether to save the merged network as the newest version (only without conflicts).
    pub save: bool,
}

/// The outcome of a three-way merge (the core's `version::merge`).
#[derive(Clone, Debug)]
pub struct Merged {
    /// The common base.
    pub base: Version,
    /// The version merged into.
    pub ours: Version,
    /// The version merged in.
    pub theirs: Version,
    /// Fields changed differently on both sides (ours kept), as the core writes them.
    pub conflicts: Value,
    /// How many conflicts.
    pub conflict_count: usize,
    /// Their changes applied on top of ours, as the core writes them.
    pub applied: Value,
    /// How many changes were applied.
    pub applied_count: usize,
    /// One line per element changed by the merge.
    pub summary: String,
    /// The merged network document (canonical).
    pub network: Value,
    /// The version saved, when `save` was asked and there were no conflicts.
    pub saved: Option<Saved>,
}

/// What the core made of a posted document.
struct Checked {
    canonical: String,
    digest: String,
    buses: i64,
    warnings: Vec<Issue>,
    order: Option<Order>,
}

/// A document's element order as stored: its digest and its JSON (`services::order`).
#[derive(Clone, Debug)]
struct Order {
    digest: String,
    json: String,
}

impl Order {
    /// The order of `net`'s tables, or `None` when it is the canonical order.
    fn of(net: &Network) -> Option<Order> {
        ElementOrder::of(net).map(|o| Order::new(o.to_json()))
    }

    fn new(json: String) -> Order {
        Order {
            digest: order::digest(&json),
            json,
        }
    }
}

/// The content of a version to append: its digest, the document when it may be new to the
/// company, and the document's element order (when not canonical).
struct Content<'a> {
    digest: &'a str,
    bus_count: i64,
    blob: Option<Blob<'a>>,
    order: Option<Order>,
}

fn check_document(document: &[u8]) -> Result<Checked, ampflux_core::Error> {
    let text = std::str::from_utf8(document).map_err(|e| ampflux_core::Error::Format {
        path: ".".into(),
        message: format!("the document is not UTF-8 text: {e}"),
    })?;
    let net = Network::from_json(text)?;
    let issues = net.validate();
    if issues.iter().any(Issue::is_error) {
        return Err(ampflux_core::Error::Invalid(issues));
    }
    Ok(Checked {
        canonical: net.canonical_json(),
        digest: net.digest(),
        buses: net.buses.len() as i64,
        warnings: issues,
        order: Order::of(&net),
    })
}

/// The number of buses of a JSON network document, counted in one pass over the text
/// without building anything (0 when it is not an object with a `buses` array): the cheap
/// check before the core reads the document. Fails on malformed JSON.
pub fn count_buses(document: &[u8]) -> Result<usize, serde_json::Error> {
    use serde::de::{Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

    struct Elements;
    impl<'de> Visitor<'de> for Elements {
        type Value = usize;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("an array of buses")
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<usize, A::Error> {
            let mut n = 0;
            while seq.next_element::<IgnoredAny>()?.is_some() {
                n += 1;
            }
            Ok(n)
        }
        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<usize, A::Error> {
            IgnoredAny.visit_map(map).map(|_| 0)
        }
        fn visit_unit<E>(self) -> Result<usize, E> {
            Ok(0)
        }
        fn visit_bool<E>(self, _: bool) -> Result<usize, E> {
            Ok(0)
        }
        fn visit_i64<E>(self, _: i64) -> Result<usize, E> {
            Ok(0)
        }
        fn visit_u64<E>(self, _: u64) -> Result<usize, E> {
            Ok(0)
        }
        fn visit_f64<E>(self, _: f64) -> Result<usize, E> {
            Ok(0)
        }
        fn visit_str<E>(self, _: &str) -> Result<usize, E> {
            Ok(0)
        }
    }
    struct Buses(usize);
    impl<'de> serde::Deserialize<'de> for Buses {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Buses, D::Error> {
            d.deserialize_any(Elements).map(Buses)
        }
    }
    struct Top;
    impl<'de> Visitor<'de> for Top {
        type Value = usize;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a network document")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<usize, A::Error> {
            let mut n = 0;
            while let Some(key) = map.next_key::<String>()? {
                if key == "buses" {
                    n = map.next_value::<Buses>()?.0;
                } else {
                    map.next_value::<IgnoredAny>()?;
                }
            }
            Ok(n)
        }
        fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<usize, A::Error> {
            IgnoredAny.visit_seq(seq).map(|_| 0)
        }
        fn visit_unit<E>(self) -> Result<usize, E> {
            Ok(0)
        }
        fn visit_bool<E>(self, _: bool) -> Result<usize, E> {
            Ok(0)
        }
        fn visit_i64<E>(self, _: i64) -> Result<usize, E> {
            Ok(0)
        }
        fn visit_u64<E>(self, _: u64) -> Result<usize, E> {
            Ok(0)
        }
        fn visit_f64<E>(self, _: f64) -> Result<usize, E> {
            Ok(0)
        }
        fn visit_str<E>(self, _: &str) -> Result<usize, E> {
            Ok(0)
        }
    }
    let mut de = serde_json::Deserializer::from_slice(document);
    let n = de.deserialize_any(Top)?;
    de.end()?;
    Ok(n)
}

/// The circuit versions.
#[derive(Clone)]
pub struct Circuits {
    db: Db,
    projects: Projects,
}

impl Circuits {
    /// The versions in `db`, with the access rules of `projects`.
    pub fn new(db: Db, projects: Projects) -> Circuits {
        Circuits { db, projects }
    }

    /// The project service these versions belong to.
    pub fn projects(&self) -> &Projects {
        &self.projects
    }

    /// Version `which` of the project, or not found.
    pub async fn version(&self, a: &ProjectAccess, which: VersionRef) -> Result<Version> {
        self.version_of(&a.project.company_id, &a.project.id, which)
            .await?
            .ok_or(Error::NotFound("circuit version"))
    }

    /// Version `which` of a project, if it exists.
    pub async fn version_of(
        &self,
        company: &CompanyId,
        project: &ProjectId,
        which: VersionRef,
    ) -> Result<Option<Version>> {
        let pool = &self.db.pool;
        Ok(match which {
            VersionRef::Number(v) => db::circuits::get(pool, company, project, v).await?,
            VersionRef::Latest => db::circuits::latest(pool, company, project).await?,
        })
    }

    /// The stored (canonical) document with `digest`.
    pub async fn document(&self, company: &CompanyId, digest: &str) -> Result<String> {
        db::circuits::blob(&self.db.pool, company, digest)
            .await?
            .ok_or_else(|| Error::internal(format!("circuit blob {digest} missing")))
    }

    /// The network with `digest`, read by the core off the async runtime.
    pub async fn network(&self, company: &CompanyId, digest: &str) -> Result<Network> {
        let text = self.document(company, digest).await?;
        // a stored document was valid when it was saved: failing to read it is the server's
        tokio::task::spawn_blocking(move || Network::from_json(&text))
            .await?
            .map_err(Error::internal)
    }

    /// Version `which` of a project with its network.
    pub async fn load(
        &self,
        company: &CompanyId,
        project: &ProjectId,
        which: VersionRef,
    ) -> Result<Option<(Version, Network)>> {
        let Some(v) = self.version_of(company, project, which).await? else {
            return Ok(None);
        };
        let net = self.network(company, &v.digest).await?;
        Ok(Some((v, net)))
    }

    /// One page of the project's history, newest first.
    pub async fn list(
        &self,
        caller: &Caller,
        project: &str,
        page: Page,
    ) -> Result<Listed<Version>> {
        let a = self.projects.access(caller, project).await?;
        let pool = &self.db.pool;
        let items = db::circuits::list(pool, &caller.company_id, &a.project.id, page).await?;
        let total = db::circuits::count(pool, &caller.company_id, &a.project.id).await?;
        Ok(Listed { items, total })
    }

    /// One version with its document (as JSON).
    pub async fn get(
        &self,
        caller: &Caller,
        project: &str,
        which: &str,
    ) -> Result<(Version, Value)> {
        let a = self.projects.access(caller, project).await?;
        let which = VersionRef::parse(which).ok_or(Error::NotFound("circuit version"))?;
        let v = self.version(&a, which).await?;
        let text = self.document(&caller.company_id, &v.digest).await?;
        let network = serde_json::from_str(&text).map_err(Error::internal)?;
        Ok((v, network))
    }

    /// Saves a network document (JSON text) as the newest version (validated by the core,
    /// stored canonical with its digest; unchanged content makes no new version). A
    /// document with more buses than the plan allows is refused after a count of its buses,
    /// before the core reads it.
    pub async fn save(
        &self,
        actor: &Actor,
        project: &str,
        document: axum::body::Bytes,
        message: Option<&str>,
    ) -> Result<Saved> {
        let caller = &actor.caller;
        let a = self.projects.access(caller, project).await?;
        a.require(Level::Write, "saving a circuit version")?;
        let message = input::optional_text("message", message.unwrap_or(""), 500)?;
        let license = licenses::active(&self.db.pool, &caller.company_id).await?;
        let max_buses = license.plan.limits().max_buses_per_circuit;
        let (document, counted) = tokio::task::spawn_blocking(move || {
            let counted = count_buses(&document);
            (document, counted)
        })
        .await?;
        let counted = counted.map_err(|e| Error::Unreadable {
            code: "malformed_json",
            message: e.to_string(),
        })?;
        licenses::within(&license, "buses per circuit", max_buses, counted as i64)?;
        let checked = tokio::task::spawn_blocking(move || check_document(&document)).await??;
        licenses::within(&license, "buses per circuit", max_buses, checked.buses)?;
        let blob = Blob {
            digest: &checked.digest,
            canonical_json: &checked.canonical,
            bus_count: checked.buses,
        };
        let content = Content {
            digest: &checked.digest,
            bus_count: checked.buses,
            blob: Some(blob),
            order: checked.order,
        };
        let (created, version) = self
            .append(actor, &a.project.id, content, &message, None)
            .await?;
        Ok(Saved {
            version,
            created,
            warnings: checked.warnings,
        })
    }

    /// The element order of version `v` (to give a version with its content): its stored
    /// order, or for a version saved before orders were kept, its bus order.
    async fn order_of(
        &self,
        company: &CompanyId,
        project: &ProjectId,
        v: &Version,
    ) -> Result<Option<Order>> {
        let pool = &self.db.pool;
        if let Some(digest) = &v.order_digest {
            let json = db::circuits::order(pool, company, digest)
                .await?
                .ok_or_else(|| Error::internal(format!("element order {digest} missing")))?;
            return Ok(Some(Order::new(json)));
        }
        let Some(buses) = db::circuits::bus_order(pool, company, project, v.version).await? else {
            return Ok(None);
        };
        let buses: Value = serde_json::from_str(&buses).map_err(Error::internal)?;
        let json = serde_json::to_string(&json!({ "buses": buses })).map_err(Error::internal)?;
        Ok(Some(Order::new(json)))
    }

    /// The element order with `digest` (JSON), stored with a version of `company`.
    pub async fn order(&self, company: &CompanyId, digest: &str) -> Result<Option<String>> {
        Ok(db::circuits::order(&self.db.pool, company, digest).await?)
    }

    /// Makes the content of an old version the newest version.
    pub async fn restore(&self, actor: &Actor, project: &str, which: &str) -> Result<Saved> {
        let a = self.projects.access(&actor.caller, project).await?;
        a.require(Level::Write, "restoring a circuit version")?;
        let which = VersionRef::parse(which).ok_or(Error::NotFound("circuit version"))?;
        let old = self.version(&a, which).await?;
        let message = format!("restore of version {}", old.version);
        let order = self
            .order_of(&a.project.company_id, &a.project.id, &old)
            .await?;
        let content = Content {
            digest: &old.digest,
            bus_count: old.bus_count,
            blob: None,
            order,
        };
        let (created, version) = self
            .append(actor, &a.project.id, content, &message, Some(old.version))
            .await?;
        Ok(Saved {
            version,
            created,
            warnings: Vec::new(),
        })
    }

    /// The core's change set between two versions.
    pub async fn diff(&self, caller: &Caller, project: &str, from: &str, to: &str) -> Result<Diff> {
        let a = self.projects.access(caller, project).await?;
        let parse = |t: &str| VersionRef::parse(t).ok_or(Error::NotFound("circuit version"));
        let from = self.version(&a, parse(from)?).await?;
        let to = self.version(&a, parse(to)?).await?;
        self.diff_versions(&caller.company_id, from, to).await
    }

    /// The core's change set between two stored versions of one company.
    pub async fn diff_versions(
        &self,
        company: &CompanyId,
        from: Version,
        to: Version,
    ) -> Result<Diff> {
        let old = self.network(company, &from.digest).await?;
        let new = self.network(company, &to.digest).await?;
        let (count, summary, changes) = tokio::task::spawn_blocking(move || {
            let set = history::diff(&old, &new);
            let changes = serde_json::to_value(&set.changes).map_err(Error::internal)?;
            Ok::<_, Error>((set.len(), set.summary(), changes))
        })
        .await??;
        Ok(Diff {
            from,
            to,
            count,
            summary,
            changes,
        })
    }

    /// Merges version `theirs` into `ours` on their common `base` with the core's three-way
    /// merge: changes to different fields combine, a field changed to different values on
    /// both sides is a conflict (ours kept). With `save` and no conflicts the merged network
    /// (validated like any saved document) becomes the newest version.
    pub async fn merge(&self, actor: &Actor, project: &str, req: MergeRequest) -> Result<Merged> {
        let caller = &actor.caller;
        let a = self.projects.access(caller, project).await?;
        if req.save {
            a.require(Level::Write, "saving a merged circuit version")?;
        }
        let company = &caller.company_id;
        let base = self.version(&a, req.base).await?;
        let ours = self.version(&a, req.ours).await?;
        let theirs = self.version(&a, req.theirs).await?;
        let nets = (
            self.network(company, &base.digest).await?,
            self.network(company, &ours.digest).await?,
            self.network(company, &theirs.digest).await?,
        );
        let (outcome, checked) = tokio::task::spawn_blocking(move || {
            let m = history::merge(&nets.0, &nets.1, &nets.2)?;
            let issues = m.network.validate();
            let checked = Checked {
                canonical: m.network.canonical_json(),
                digest: m.network.digest(),
                buses: m.network.buses.len() as i64,
                warnings: issues,
                order: Order::of(&m.network),
            };
            Ok::<_, Error>((m, checked))
        })
        .await??;
        let conflicts = serde_json::to_value(&outcome.conflicts).map_err(Error::internal)?;
        let applied = serde_json::to_value(&outcome.applied.changes).map_err(Error::internal)?;
        let network = serde_json::from_str(&checked.canonical).map_err(Error::internal)?;
        let saved = if req.save && outcome.conflicts.is_empty() {
            if checked.warnings.iter().any(Issue::is_error) {
                return Err(ampflux_core::Error::Invalid(checked.warnings).into());
            }
            let license = licenses::active(&self.db.pool, company).await?;
            let max = license.plan.limits().max_buses_per_circuit;
            licenses::within(&license, "buses per circuit", max, checked.buses)?;
            let blob = Blob {
                digest: &checked.digest,
                canonical_json: &checked.canonical,
                bus_count: checked.buses,
            };
            let message = format!(
                "merge of version {} into version {} (base {})",
                theirs.version, ours.version, base.version
            );
            let content = Content {
                digest: &checked.digest,
                bus_count: checked.buses,
                blob: Some(blob),
                order: checked.order.clone(),
            };
            let (created, version) = self
                .append(actor, &a.project.id, content, &message, None)
                .await?;
            Some(Saved {
                version,
                created,
                warnings: checked.warnings,
            })
        } else {
            None
        };
        Ok(Merged {
            base,
            ours,
            theirs,
            conflict_count: outcome.conflicts.len(),
            conflicts,
            applied_count: outcome.applied.len(),
            summary: outcome.applied.summary(),
            applied,
            network,
            saved,
        })
    }

    /// Appends a version with `digest` unless it equals the latest; returns whether one was
    /// made, and the version holding the content.
    async fn append(
        &self,
        actor: &Actor,
        project: &ProjectId,
        content: Content<'_>,
        message: &str,
        restored_from: Option<i64>,
    ) -> Result<(bool, Version)> {
        let digest = content.digest;
        let caller = &actor.caller;
        let company = &caller.company_id;
        let now = now_ms();
        let mut tx = self.db.begin_write().await?;
        // the project row's lock orders concurrent saves of one project (numbers stay dense)
        db::projects::touch(tx.conn(), company, project, now).await?;
        if let Some(blob) = content.blob {
            db::circuits::put_blob(tx.conn(), company, blob, now).await?;
        }
        if let Some(o) = &content.order {
            db::circuits::put_order(tx.conn(), company, &o.digest, &o.json, now).await?;
        }
        if let Some(latest) = db::circuits::latest(tx.conn(), company, project).await?
            && latest.digest == digest
        {
            return Ok((false, latest));
        }
        let version = db::circuits::append(
            tx.conn(),
            company,
            NewVersion {
                project,
                digest,
                message,
                restored_from,
                created_by: &caller.id,
                created_at: now,
                order_digest: content.order.as_ref().map(|o| o.digest.as_str()),
                bus_count: content.bus_count,
            },
        )
        .await?;
        audit::record(
            tx.conn(),
            actor,
            Event {
                action: if restored_from.is_some() {
                    "circuit.restore"
                } else {
                    "circuit.save"
                },
                project_id: Some(project),
                target: Some(&version.to_string()),
                detail: json!({"version": version, "digest": digest, "restored_from": restored_from}),
            },
        )
        .await?;
        let saved = db::circuits::get(tx.conn(), company, project, version)
            .await?
            .ok_or_else(|| Error::internal("version vanished in its own transaction"))?;
        tx.commit().await?;
        Ok((true, saved))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buses_are_counted_without_reading_the_document() {
        let doc = br#"{"name": "x", "buses": [{"id": "A", "vn_kv": 20}, {"id": "B", "vn_kv": 0.4}],
                      "lines": [{"id": "L", "anything": [1, {"buses": [1, 2, 3]}]}]}"#;
        assert_eq!(count_buses(doc).unwrap(), 2);
        assert_eq!(count_buses(b"[1, 2]").unwrap(), 0);
        assert_eq!(count_buses(br#"{"buses": 3}"#).unwrap(), 0);
        assert!(count_buses(br#"{"buses": [1, 2"#).is_err());
    }
}
