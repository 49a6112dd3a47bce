//! Circuit versions: validation by the core, canonical storage without duplicates, history,
//! get, diff, restore, three-way merge, and the plan's bus limit.

use ampflux_core::Network;
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{Backend, TestApp, grid, small_network, small_network_changed, test_config};
use crate::on_both;

on_both!(
    save_history_diff_restore,
    invalid_documents_and_bus_limit,
    three_way_merge_with_conflicts,
    versions_saved_before_their_bus_count_was_kept_get_it,
);

async fn save_history_diff_restore(backend: Backend) {
    let Some(app) = TestApp::spawn(backend, "circuits").await else {
        return;
    };
    let admin = app.register("Volt AG", "ada@volt.example").await;
    let project = app.project(&admin, "Plant A").await;
    let base = format!("/api/v1/projects/{project}/circuits");
    let digest = Network::from_value(small_network()).unwrap().digest();

    let v1 = app
        .post(
            &format!("{base}?message=first"),
            &admin.token,
            small_network(),
        )
        .await;
    assert_eq!(v1.status, StatusCode::CREATED, "{}", v1.text);
    assert_eq!(v1.body["version"], 1);
    assert_eq!(v1.body["digest"], digest.as_str());
    assert!(v1.body["created_at"].as_str().unwrap().ends_with('Z'));

    // the same content, even written differently, is not stored again
    let mut reordered = small_network();
    reordered["buses"] = json!([{"vn_kv": 0.40, "id": "F"}, {"id": "Q", "vn_kv": 20}]);
    let same = app.post(&base, &admin.token, reordered).await;
    assert_eq!(same.status, StatusCode::OK, "{}", same.text);
    assert_eq!(same.body["version"], 1);
    assert_eq!(same.body["created"], false);

    let v2 = app.post(&base, &admin.token, small_network_changed()).await;
    assert_eq!(v2.status, StatusCode::CREATED);
    assert_eq!(v2.body["version"], 2);
    let blobs: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM circuit_blobs WHERE company_id = $1")
        .bind(&admin.company_id)
        .fetch_one(app.pool())
        .await
        .unwrap();
    assert_eq!(blobs, 2);

    let history = app.get(&base, &admin.token).await;
    assert_eq!(history.body["total"], 2);
    assert_eq!(history.body["items"][0]["version"], 2);
    assert_eq!(history.body["items"][1]["message"], "first");
    assert_eq!(history.body["items"][1]["bus_count"], 2);

    let got = app.get(&format!("{base}/1"), &admin.token).await;
    assert_eq!(got.status, StatusCode::OK);
    let stored = Network::from_value(got.body["network"].clone()).unwrap();
    assert_eq!(stored.digest(), digest);
    assert_eq!(
        app.get(&format!("{base}/latest"), &admin.token).await.body["version"],
        2
    );
    assert_eq!(
        app.get(&format!("{base}/9"), &admin.token).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get(&format!("{base}/zero"), &admin.token).await.status,
        StatusCode::NOT_FOUND
    );

    // the diff is the core's change set
    let diff = app.get(&format!("{base}/1/diff/2"), &admin.token).await;
    assert_eq!(diff.status, StatusCode::OK, "{}", diff.text);
    let want = ampflux_core::version::diff(
        &Network::from_value(small_network()).unwrap(),
        &Network::from_value(small_network_changed()).unwrap(),
    );
    assert_eq!(diff.body["summary"], want.summary().as_str());
    assert_eq!(diff.body["count"], want.len());
    assert_eq!(
        diff.body["changes"],
        serde_json::to_value(&want.changes).unwrap()
    );
    assert_eq!(
        app.get(&format!("{base}/2/diff/2"), &admin.token)
            .await
            .body["count"],
        0
    );

    // restore makes a new version with the old content, unless it already is the latest
    let restored = app
        .post(&format!("{base}/1/restore"), &admin.token, json!({}))
        .await;
    assert_eq!(restored.status, StatusCode::CREATED, "{}", restored.text);
    assert_eq!(restored.body["version"], 3);
    assert_eq!(restored.body["restored_from"], 1);
    assert_eq!(restored.body["digest"], digest.as_str());
    let again = app
        .post(&format!("{base}/3/restore"), &admin.token, json!({}))
        .await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(again.body["created"], false);
    assert_eq!(
        app.post(&format!("{base}/7/restore"), &admin.token, json!({}))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    app.stop().await;
}

async fn invalid_documents_and_bus_limit(backend: Backend) {
    let Some(app) = TestApp::spawn(backend, "circuit validation").await else {
        return;
    };
    let admin = app.register("Volt AG", "ada@volt.example").await;
    let project = app.project(&admin, "Plant A").await;
    let base = format!("/api/v1/projects/{project}/circuits");

    // every problem, with element and field
    let mut broken = small_network();
    broken["transformers"][0]["lv_bus"] = json!("NOWHERE");
    broken["buses"][0]["vn_kv"] = json!(-20.0);
    let bad = app.post(&base, &admin.token, broken).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.text);
    assert_eq!(bad.body["code"], "validation_error");
    let issues = bad.body["issues"].as_array().unwrap();
    assert!(issues.len() >= 2, "{issues:?}");
    assert!(
        issues
            .iter()
            .any(|i| i["element"] == "T1" && i["field"] == "lv_bus")
    );
    assert!(
        issues
            .iter()
            .any(|i| i["element"] == "Q" && i["field"] == "vn_kv")
    );

    let mut typo = small_network();
    typo["buses"][0]["vn_kvv"] = json!(20);
    let format = app.post(&base, &admin.token, typo).await;
    assert_eq!(format.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(format.body["code"], "format_error");
    assert!(
        format.body["issues"][0]["field"]
            .as_str()
            .unwrap()
            .contains("buses[0]")
    );

    let newer = app
        .post(
            &base,
            &admin.token,
            json!({"format": "ampflux-network", "version": 99, "buses": []}),
        )
        .await;
    assert_eq!(newer.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(newer.body["code"], "unsupported_version");

    // the free plan allows 50 buses per circuit; pro allows more
    let big = grid(80, 3);
    let limited = app.post(&base, &admin.token, big.clone()).await;
    assert_eq!(
        limited.status,
        StatusCode::PAYMENT_REQUIRED,
        "{}",
        limited.text
    );
    assert_eq!(limited.body["code"], "plan_limit");
    app.plan(&admin, "pro").await;
    assert_eq!(
        app.post(&base, &admin.token, big).await.status,
        StatusCode::CREATED
    );
    app.stop().await;
}

/// Two versions changed from a common base are merged by the core: disjoint changes combine
/// (and can be saved as a version), a field changed differently on both sides is reported
/// as a conflict and nothing is saved.
async fn three_way_merge_with_conflicts(backend: Backend) {
    let Some(app) = TestApp::spawn(backend, "circuit merge").await else {
        return;
    };
    let admin = app.register("Volt AG", "ada@volt.example").await;
    let project = app.project(&admin, "Plant A").await;
    let base = format!("/api/v1/projects/{project}/circuits");
    let merge = format!("{base}/merge");
    // v1: base; v2 (theirs): transformer impedance; v3 (ours): grid strength
    let mut ours = small_network();
    ours["external_grids"][0]["s_sc_max_mva"] = json!(500.0);
    for (doc, want) in [
        (small_network(), 1),
        (small_network_changed(), 2),
        (ours, 3),
    ] {
        let a = app.post(&base, &admin.token, doc).await;
        assert_eq!(a.body["version"], want, "{}", a.text);
    }

    // a preview: clean, nothing stored
    let m = app
        .post(
            &merge,
            &admin.token,
            json!({"base": 1, "ours": 3, "theirs": 2}),
        )
        .await;
    assert_eq!(m.status, StatusCode::OK, "{}", m.text);
    assert_eq!(m.body["clean"], true);
    assert_eq!(m.body["conflicts"], json!([]));
    assert_eq!(m.body["applied_count"], 1, "{}", m.text);
    assert_eq!(m.body["saved"], serde_json::Value::Null);
    let merged = Network::from_value(m.body["network"].clone()).unwrap();
    assert_eq!(merged.transformers[0].vk_percent, 6.0);
    assert_eq!(merged.external_grids[0].s_sc_max_mva, 500.0);
    assert_eq!(app.get(&base, &admin.token).await.body["total"], 3);

    // saved: a new version with both changes (ours defaults to the latest)
    let saved = app
        .post(
            &merge,
            &admin.token,
            json!({"base": 1, "theirs": 2, "save": true}),
        )
        .await;
    assert_eq!(saved.status, StatusCode::CREATED, "{}", saved.text);
    assert_eq!(saved.body["ours"], 3);
    assert_eq!(saved.body["saved"]["version"], 4);
    let v4 = app.get(&format!("{base}/4"), &admin.token).await;
    let v4 = Network::from_value(v4.body["network"].clone()).unwrap();
    assert_eq!(v4.digest(), merged.digest());
    let audit = app
        .get("/api/v1/audit?action=circuit.save", &admin.token)
        .await;
    assert_eq!(audit.body["total"], 4, "{}", audit.text);

    // a conflict: the impedance changed to 8 % on ours (v5) and to 6 % on theirs (v2)
    let mut conflicting = small_network();
    conflicting["transformers"][0]["vk_percent"] = json!(8.0);
    app.post(&base, &admin.token, conflicting).await;
    let c = app
        .post(
            &merge,
            &admin.token,
            json!({"base": 1, "ours": "latest", "theirs": 2, "save": true}),
        )
        .await;
    assert_eq!(c.status, StatusCode::OK, "{}", c.text);
    assert_eq!(c.body["clean"], false);
    assert_eq!(c.body["saved"], serde_json::Value::Null);
    let conflicts = c.body["conflicts"].as_array().unwrap();
    assert_eq!(conflicts.len(), 1, "{}", c.text);
    assert_eq!(conflicts[0]["id"], "T1");
    assert_eq!(conflicts[0]["field"], "vk_percent");
    assert_eq!(conflicts[0]["base"].as_f64(), Some(4.0));
    assert_eq!(conflicts[0]["ours"].as_f64(), Some(8.0));
    assert_eq!(conflicts[0]["theirs"].as_f64(), Some(6.0));
    // ours kept in the merged network; nothing stored
    let kept = Network::from_value(c.body["network"].clone()).unwrap();
    assert_eq!(kept.transformers[0].vk_percent, 8.0);
    assert_eq!(app.get(&base, &admin.token).await.body["total"], 5);

    // versions that cannot exist, or do not
    let bad = app
        .post(&merge, &admin.token, json!({"base": 0, "theirs": 2}))
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.text);
    let missing = app
        .post(&merge, &admin.token, json!({"base": 1, "theirs": 99}))
        .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND, "{}", missing.text);
    // a viewer may preview but not save
    let viewer = app.add_user(&admin, "viewer@volt.example", "user").await;
    let preview = app
        .post(
            &merge,
            &viewer.token,
            json!({"base": 1, "ours": 3, "theirs": 2}),
        )
        .await;
    assert_eq!(preview.status, StatusCode::OK, "{}", preview.text);
    let refused = app
        .post(
            &merge,
            &viewer.token,
            json!({"base": 1, "ours": 3, "theirs": 2, "save": true}),
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.text);
    app.stop().await;
}

/// Migration 0008 keeps a version's bus count with the version (read from the stored
/// document's row, SQLite walked the document's overflow pages to reach it) and replaces the
/// study index. A database written before it (versions saved, then the column, the index
/// and the migration's record put back as migration 7 left them, data kept) is upgraded on
/// start, and every version, a restored one included, reports its bus count as before;
/// versions saved after the upgrade have theirs too.
async fn versions_saved_before_their_bus_count_was_kept_get_it(backend: Backend) {
    let Some(app) = TestApp::spawn(backend, "circuits_bus_count").await else {
        return;
    };
    let admin = app.register("Volt AG", "ada@volt.example").await;
    let project = app.project(&admin, "Plant A").await;
    let base = format!("/api/v1/projects/{project}/circuits");
    app.save_circuit(&admin, &project, grid(30, 7)).await;
    app.save_circuit(&admin, &project, small_network()).await;
    let restored = app
        .post(&format!("{base}/1/restore"), &admin.token, json!({}))
        .await;
    assert_eq!(restored.status, StatusCode::CREATED, "{}", restored.text);
    let counts = |history: &serde_json::Value| -> Vec<i64> {
        history["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v["bus_count"].as_i64().expect("a bus count"))
            .collect()
    };
    let before = counts(&app.get(&base, &admin.token).await.body);
    assert_eq!(before, [30, 2, 30], "newest first");

    // back to the schema of migration 7, with the data
    let url = app.database_url.clone();
    for sql in [
        "ALTER TABLE circuit_versions DROP COLUMN bus_count",
        "DROP INDEX idx_studies_lookup",
        "CREATE INDEX idx_studies_digest ON studies(company_id, digest)",
        "DELETE FROM _sqlx_migrations WHERE version = 8",
    ] {
        sqlx::query(sql).execute(app.pool()).await.unwrap();
    }
    app.stop().await;

    let app = TestApp::start(test_config(&url, &[]), url).await;
    let login = app
        .call(
            reqwest::Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"email": "ada@volt.example", "password": "correct horse battery"})),
        )
        .await;
    assert_eq!(login.status, StatusCode::OK, "{}", login.text);
    let admin = app.session(&login.body, "ada@volt.example").await;
    assert_eq!(counts(&app.get(&base, &admin.token).await.body), before);
    let one = app.get(&format!("{base}/2"), &admin.token).await;
    assert_eq!(one.body["bus_count"], 2, "{}", one.text);
    app.save_circuit(&admin, &project, grid(12, 3)).await;
    let after = counts(&app.get(&base, &admin.token).await.body);
    assert_eq!(after, [12, 30, 2, 30]);
    app.stop().await;
}
