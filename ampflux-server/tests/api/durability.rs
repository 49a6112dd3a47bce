//! How the records of cache hits are committed (`services::cache_hits::Durability`): the
//! relaxed commit is local to its transaction, and both choices serve cached studies.

use std::time::Duration;

use ampflux_server::db::Db;
use reqwest::StatusCode;
use serde_json::json;
use sqlx::Row;

use crate::helpers::{Backend, TestApp, fresh_database, small_network};
use crate::on_both;

on_both!(
    relaxed_commit_is_local_to_its_transaction,
    both_durabilities_serve_cached_studies
);

/// `synchronous_commit` of the transaction's connection, as PostgreSQL reports it.
async fn synchronous_commit(tx: &mut ampflux_server::db::Tx) -> String {
    sqlx::query("SHOW synchronous_commit")
        .fetch_one(tx.conn())
        .await
        .unwrap()
        .try_get::<String, _>(0)
        .unwrap()
}

async fn relaxed_commit_is_local_to_its_transaction(backend: Backend) {
    let Some(url) = fresh_database(backend, "relaxed_commit").await else {
        return;
    };
    // one connection: the transaction after the relaxed one runs on the same connection
    let db = Db::connect(&url, 1).await.unwrap();
    db.migrate().await.unwrap();
    let mut tx = db.begin_relaxed_write().await.unwrap();
    if backend == Backend::Postgres {
        assert_eq!(synchronous_commit(&mut tx).await, "off");
    }
    sqlx::query("CREATE TABLE kept (x INTEGER)")
        .execute(tx.conn())
        .await
        .unwrap();
    tx.commit().await.unwrap();

    let mut next = db.begin_write().await.unwrap();
    if backend == Backend::Postgres {
        // `SET LOCAL` ended with its transaction: every other write is flushed on commit
        assert_eq!(synchronous_commit(&mut next).await, "on");
    }
    let rows: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM kept")
        .fetch_one(next.conn())
        .await
        .unwrap();
    assert_eq!(rows, 0, "the relaxed transaction was committed");
    next.commit().await.unwrap();
}

async fn both_durabilities_serve_cached_studies(backend: Backend) {
    for durable in ["false", "true"] {
        let extra = [("AMPFLUX_DURABLE_CACHE_HITS", durable)];
        let Some(app) = TestApp::spawn_with(backend, "durability", &extra).await else {
            return;
        };
        let admin = app.register("Volt AG", "ada@volt.example").await;
        let project = app.project(&admin, "Plant A").await;
        app.save_circuit(&admin, &project, small_network()).await;
        let study = json!({"version": 1, "study": {"fault": "3ph"}});
        let first = app.simulated(&admin, &project, study.clone()).await;
        let sims = format!("/api/v1/projects/{project}/simulations");
        let mut ids = Vec::new();
        for _ in 0..8 {
            let hit = app.post(&sims, &admin.token, study.clone()).await;
            assert_eq!(hit.status, StatusCode::ACCEPTED, "{}", hit.text);
            assert_eq!(hit.body["cached"], true, "durable {durable}: {}", hit.text);
            ids.push(hit.body["id"].as_str().unwrap().to_string());
        }
        // each hit's simulation is readable at once, with the first one's result
        let want = app
            .wait_simulation(&admin.token, &first, Duration::from_secs(60))
            .await;
        for id in &ids {
            let got = app
                .get(&format!("/api/v1/simulations/{id}"), &admin.token)
                .await;
            assert_eq!(
                got.status,
                StatusCode::OK,
                "durable {durable}: {}",
                got.text
            );
            assert_eq!(got.body["result"], want["result"]);
        }
        let audited: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM audit_logs WHERE action = 'simulation.request'",
        )
        .fetch_one(app.pool())
        .await
        .unwrap();
        assert_eq!(audited, 9, "durable {durable}: every request is audited");
        app.stop().await;
    }
}
