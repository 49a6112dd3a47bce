//! Simulations: jobs computed by the core once per (circuit digest, options), results equal
//! to the core's report, invalid requests, progress events, the daily limit.

use std::time::Duration;

use ampflux_core::{Network, StudyOptions, short_circuit};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{Backend, TestApp, grid, small_network};
use crate::on_both;

on_both!(
    computed_once_and_cached,
    invalid_studies,
    progress_events,
    daily_limit,
    duty_and_arc_flash_kinds,
    every_row_in_the_document_order,
    project_visibility_decides_who_reads_and_requests,
    a_dead_credential_is_refused_before_anything_else,
);

async fn computed_once_and_cached(backend: Backend) {
    let Some(app) = TestApp::spawn(backend, "simulations").await else {
        return;
    };
    let admin = app.register("Volt AG", "ada@volt.example").await;
    let project = app.project(&admin, "Plant A").await;
    let sims = format!("/api/v1/projects/{project}/simulations");
    app.post(
        &format!("/api/v1/projects/{project}/circuits"),
        &admin.token,
        small_network(),
    )
    .await;

    let first = app
        .post(
            &sims,
            &admin.token,
            json!({"version": 1, "study": {"fault": "3ph", "case": "max"}}),
        )
        .await;
    assert_eq!(first.status, StatusCode::ACCEPTED, "{}", first.text);
    assert_eq!(first.body["status"], "queued");
    assert_eq!(first.body["cached"], false);
    assert!(first.headers.get("location").is_some());
    let id = first.body["id"].as_str().unwrap();
    let done = app
        .wait_simulation(&admin.token, id, Duration::from_secs(60))
        .await;
    assert_eq!(done["status"], "succeeded", "{done}");

    // the result is the core's report on the network as posted (the stored document is its
    // canonical form), as the CLI writes it
    let stored = app
        .get(
            &format!("/api/v1/projects/{project}/circuits/1"),
            &admin.token,
        )
        .await;
    let net = Network::from_value(stored.body["network"].clone()).unwrap();
    assert_eq!(
        net.digest(),
        Network::from_value(small_network()).unwrap().digest()
    );
    let posted = Network::from_value(small_network()).unwrap();
    let report = short_circuit(&posted, &StudyOptions::default()).unwrap();
    let want = serde_json::to_value(&report).unwrap();
    // buses in the order of the document as posted (Q before F), not the stored canonical one
    let ids: Vec<&str> = done["result"]["buses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["Q", "F"]);
    assert_eq!(done["result"]["buses"], want["buses"]);
    assert_eq!(done["result"]["branches"], want["branches"]);
    assert_eq!(done["result"]["network_digest"], net.digest().as_str());
    let ikss = done["result"]["buses"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["id"] == "F")
        .unwrap()["ikss_ka"]
        .as_f64()
        .unwrap();
    assert!((ikss - report.bus("F").unwrap().ikss_ka).abs() < 1e-12);
    assert_eq!(done["attempts"], 1);

    // the same study again (options written differently, version left to its default, the
    // latest): no new computation
    let again = app.post(&sims, &admin.token, json!({"study": {}})).await;
    assert_eq!(again.status, StatusCode::ACCEPTED);
    assert_eq!(again.body["status"], "succeeded");
    assert_eq!(again.body["cached"], true, "{}", again.text);
    let cached = app
        .get(
            &format!("/api/v1/simulations/{}", again.body["id"].as_str().unwrap()),
            &admin.token,
        )
        .await;
    assert_eq!(cached.body["result"], done["result"]);
    assert_eq!(cached.body["version"], 1);
    let (studies, computations): (i64, i64) = {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM studies")
            .fetch_one(app.pool())
            .await
            .unwrap();
        let c: i64 = sqlx::query_scalar("SELECT MAX(computations) FROM studies")
            .fetch_one(app.pool())
            .await
            .unwrap();
        (n, c)
    };
    assert_eq!((studies, computations), (1, 1));

    // another study of the same circuit is computed
    let min = app
        .post(
            &sims,
            &admin.token,
            json!({"version": 1, "study": {"ip_method": "b"}}),
        )
        .await;
    assert_eq!(min.body["cached"], false, "{}", min.text);
    let min_done = app
        .wait_simulation(
            &admin.token,
            min.body["id"].as_str().unwrap(),
            Duration::from_secs(60),
        )
        .await;
    assert_eq!(min_done["status"], "succeeded");
    assert_eq!(min_done["study"]["ip_method"], "b");

    let list = app.get(&sims, &admin.token).await;
    assert_eq!(list.body["total"], 3);
    assert!(list.body["items"][0]["result"].is_null());

    // the same content written in another bus order, in another project: another study
    // (the core runs on the network in that version's order), whose rows come in that order
    let other = app.project(&admin, "Plant B").await;
    let mut reversed = small_network();
    reversed["buses"] = json!([{"id": "F", "vn_kv": 0.4}, {"id": "Q", "vn_kv": 20.0}]);
    app.post(
        &format!("/api/v1/projects/{other}/circuits"),
        &admin.token,
        reversed,
    )
    .await;
    let shared = app
        .post(
            &format!("/api/v1/projects/{other}/simulations"),
            &admin.token,
            json!({}),
        )
        .await;
    assert_eq!(shared.body["cached"], false, "{}", shared.text);
    let shared = app
        .wait_simulation(
            &admin.token,
            shared.body["id"].as_str().unwrap(),
            Duration::from_secs(60),
        )
        .await;
    assert_eq!(shared["result"]["network_digest"], net.digest().as_str());
    let ids: Vec<&str> = shared["result"]["buses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["F", "Q"]);
    // and a later version is what a request without `version` studies
    app.post(
        &format!("/api/v1/projects/{project}/circuits"),
        &admin.token,
        crate::helpers::small_network_changed(),
    )
    .await;
    let latest = app.post(&sims, &admin.token, json!({})).await;
    assert_eq!(latest.body["cached"], false, "{}", latest.text);
    let latest = app
        .wait_simulation(
            &admin.token,
            latest.body["id"].as_str().unwrap(),
            Duration::from_secs(60),
        )
        .await;
    assert_eq!(latest["version"], 2);
    app.stop().await;
}

async fn invalid_studies(backend: Backend) {
    let Some(app) = TestApp::spawn(backend, "invalid studies").await else {
        return;
    };
    let admin = app.register("Volt AG", "ada@volt.example").await;
    let project = app.project(&admin, "Plant A").await;
    let sims = format!("/api/v1/projects/{project}/simulations");

    let no_version = app
        .post(&sims, &admin.token, json!({"version": 1, "study": {}}))
        .await;
    assert_eq!(no_version.status, StatusCode::NOT_FOUND);
    app.post(
        &format!("/api/v1/projects/{project}/circuits"),
        &admin.token,
        small_network(),
    )
    .await;

    let unknown = app
        .post(
            &sims,
            &admin.token,
            json!({"version": 1, "study": {"faults": "3ph"}}),
        )
        .await;
    assert_eq!(
        unknown.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        unknown.text
    );
    assert_eq!(unknown.body["code"], "invalid_option");
    let range = app
        .post(
            &sims,
            &admin.token,
            json!({"version": 1, "study": {"tk_s": -1.0}}),
        )
        .await;
    assert_eq!(range.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(range.body["code"], "invalid_option");

    // an earth fault needs zero-sequence data the circuit lacks: the core's issues, at once
    let earth = app
        .post(
            &sims,
            &admin.token,
            json!({"version": 1, "study": {"fault": "1ph"}}),
        )
        .await;
    assert_eq!(
        earth.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        earth.text
    );
    assert_eq!(earth.body["code"], "validation_error");
    assert!(
        earth.body["issues"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["element"] == "T1")
    );

    let missing_bus = app
        .post(
            &sims,
            &admin.token,
            json!({"version": 1, "study": {"buses": ["NOPE"]}}),
        )
        .await;
    assert_eq!(
        missing_bus.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        missing_bus.text
    );
    assert_eq!(
        app.post(&sims, &admin.token, json!({"version": "first"}))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get(
            &format!("/api/v1/simulations/{}", uuid::Uuid::new_v4()),
            &admin.token
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
    app.stop().await;
}

async fn progress_events(backend: Backend) {
    let Some(app) = TestApp::spawn(backend, "progress events").await else {
        return;
    };
    let admin = app.register("Volt AG", "ada@volt.example").await;
    app.plan(&admin, "enterprise").await;
    let project = app.project(&admin, "Grid").await;
    app.post(
        &format!("/api/v1/projects/{project}/circuits"),
        &admin.token,
        grid(400, 7),
    )
    .await;
    let sim = app
        .post(
            &format!("/api/v1/projects/{project}/simulations"),
            &admin.token,
            json!({"version": 1, "study": {"fault": "1ph"}}),
        )
        .await;
    assert_eq!(sim.status, StatusCode::ACCEPTED, "{}", sim.text);
    let id = sim.body["id"].as_str().unwrap();

    // EventSource style: token in the query string
    let res = app
        .http
        .get(format!(
            "{}/api/v1/simulations/{id}/events?access_token={}",
            app.base, admin.token
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/event-stream")
    );
    let text = tokio::time::timeout(Duration::from_secs(120), res.text())
        .await
        .expect("stream ends")
        .unwrap();
    let events: Vec<(String, Value)> = text
        .split("\n\n")
        .filter_map(|block| {
            let name = block.lines().find_map(|l| l.strip_prefix("event: "))?;
            let data = block.lines().find_map(|l| l.strip_prefix("data: "))?;
            Some((name.to_string(), serde_json::from_str(data).ok()?))
        })
        .collect();
    let (last, data) = events.last().expect("at least the done event");
    assert_eq!(last, "done", "{text}");
    assert_eq!(data["status"], "succeeded");
    assert!(events.iter().any(|(n, _)| n == "progress"), "{text}");
    // real work units: never more done than in all, never backwards, all done at the end
    let mut before = 0;
    for (_, e) in &events {
        let (done, total) = (e["done"].as_i64().unwrap(), e["total"].as_i64().unwrap());
        assert!(done <= total && done >= before, "{text}");
        before = done;
    }
    assert!(data["total"].as_i64().unwrap() >= 2, "{text}");
    assert_eq!(data["done"], data["total"], "{text}");
    let finished = app
        .get(&format!("/api/v1/simulations/{id}"), &admin.token)
        .await;
    assert_eq!(finished.body["progress"]["done"], data["total"]);
    assert_eq!(finished.body["progress"]["total"], data["total"]);

    let no_token = app
        .http
        .get(format!("{}/api/v1/simulations/{id}/events", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(no_token.status(), StatusCode::UNAUTHORIZED);
    app.stop().await;
}

async fn daily_limit(backend: Backend) {
    let Some(app) = TestApp::spawn(backend, "daily limit").await else {
        return;
    };
    let admin = app.register("Volt AG", "ada@volt.example").await;
    let project = app.project(&admin, "Plant A").await;
    let sims = format!("/api/v1/projects/{project}/simulations");
    app.post(
        &format!("/api/v1/projects/{project}/circuits"),
        &admin.token,
        small_network(),
    )
    .await;
    // the free plan allows 50 simulations a day, cached or not
    let first = app.post(&sims, &admin.token, json!({"version": 1})).await;
    assert_eq!(first.status, StatusCode::ACCEPTED, "{}", first.text);
    let id = first.body["id"].as_str().unwrap();
    app.wait_simulation(&admin.token, id, Duration::from_secs(60))
        .await;
    for i in 1..40 {
        let a = app.post(&sims, &admin.token, json!({"version": 1})).await;
        assert_eq!(a.status, StatusCode::ACCEPTED, "request {i}: {}", a.text);
        assert_eq!(a.body["cached"], true);
    }
    // cache hits at once are written together; the limit still holds for each of them
    let at_once = (0..25).map(|_| app.post(&sims, &admin.token, json!({"version": 1})));
    let answers = futures_util::future::join_all(at_once).await;
    let accepted = answers
        .iter()
        .filter(|a| a.status == StatusCode::ACCEPTED)
        .count();
    assert_eq!(accepted, 10);
    for over in answers.iter().filter(|a| a.status != StatusCode::ACCEPTED) {
        assert_eq!(over.status, StatusCode::PAYMENT_REQUIRED, "{}", over.text);
        assert_eq!(over.body["code"], "plan_limit");
    }
    let over = app.post(&sims, &admin.token, json!({"version": 1})).await;
    assert_eq!(over.status, StatusCode::PAYMENT_REQUIRED, "{}", over.text);
    let license = app.get("/api/v1/license", &admin.token).await;
    assert_eq!(license.body["usage"]["simulations_today"], 50);
    // every accepted request made its simulation and its audit entry, the refused ones none
    let listed = app.get(&sims, &admin.token).await;
    assert_eq!(listed.body["total"], 50);
    let audited: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_logs WHERE action = 'simulation.request'")
            .fetch_one(app.pool())
            .await
            .unwrap();
    assert_eq!(audited, 50);
    app.stop().await;
}

/// `"kind": "duty"` and `"kind": "arc_flash"` run the core's duty and arc-flash studies
/// through the same job path and cache; their results are the core's reports; an unknown
/// kind is refused naming `kind`.
async fn duty_and_arc_flash_kinds(backend: Backend) {
    let Some(app) = TestApp::spawn(backend, "study_kinds").await else {
        return;
    };
    let admin = app.register("Volt AG", "ada@volt.example").await;
    let project = app.project(&admin, "Plant A").await;
    let sims = format!("/api/v1/projects/{project}/simulations");
    let circuits = format!("/api/v1/projects/{project}/circuits");
    let plant: Value = serde_json::from_str(include_str!(
        "../../../examples/networks/industrial_plant.json"
    ))
    .unwrap();
    let feeder: Value = serde_json::from_str(include_str!(
        "../../../ampflux-core/tests/data/radial_feeder.json"
    ))
    .unwrap();
    app.post(&circuits, &admin.token, plant.clone()).await;
    app.post(&circuits, &admin.token, feeder.clone()).await;

    let run = |study: Value, version: i64| {
        let (app, sims, token) = (&app, &sims, &admin.token);
        async move {
            let posted = app
                .post(sims, token, json!({"version": version, "study": study}))
                .await;
            assert_eq!(posted.status, StatusCode::ACCEPTED, "{}", posted.text);
            let id = posted.body["id"].as_str().unwrap().to_string();
            app.wait_simulation(token, &id, Duration::from_secs(120))
                .await
        }
    };

    // the stored documents are the canonical forms of those posted; the results are the
    // core's reports on the documents as posted
    let stored = |version: i64| {
        let (app, circuits, token) = (&app, &circuits, &admin.token);
        async move {
            let got = app.get(&format!("{circuits}/{version}"), token).await;
            Network::from_value(got.body["network"].clone()).unwrap()
        }
    };
    let done = run(json!({"kind": "duty", "duty_basis": "bus_total"}), 1).await;
    assert_eq!(done["status"], "succeeded", "{done}");
    let net = Network::from_value(plant).unwrap();
    assert_eq!(stored(1).await.digest(), net.digest());
    let options = ampflux_core::duty::DutyOptions::from_value(json!({})).unwrap();
    let want = ampflux_core::duty::equipment_duty(&net, &options).unwrap();
    let want = serde_json::to_value(&want).unwrap();
    assert_eq!(done["result"]["checks"], want["checks"]);
    assert_eq!(done["result"]["summary"], want["summary"]);
    assert!(
        want["summary"]["fail"].as_u64().unwrap() > 0,
        "the example has failing devices"
    );

    // arc flash on the radial feeder with its protective devices
    let done = run(json!({"kind": "arc_flash"}), 2).await;
    assert_eq!(done["status"], "succeeded", "{done}");
    let net = Network::from_value(feeder.clone()).unwrap();
    assert_eq!(stored(2).await.digest(), net.digest());
    let options = ampflux_core::arcflash::ArcFlashOptions::from_value(json!({})).unwrap();
    let want = ampflux_core::arcflash::arc_flash(&net, &options).unwrap();
    let want = serde_json::to_value(&want).unwrap();
    // bus rows in the order of the document as posted, like a short-circuit result
    assert_eq!(done["result"]["buses"], want["buses"]);

    // the same request again is answered from the cache
    let again = app
        .post(
            &sims,
            &admin.token,
            json!({"version": 2, "study": {"kind": "arc_flash"}}),
        )
        .await;
    assert_eq!(again.body["cached"], true, "{}", again.text);

    // an unknown kind is an error naming `kind`
    let bad = app
        .post(
            &sims,
            &admin.token,
            json!({"version": 1, "study": {"kind": "load_flow"}}),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.text);
    assert!(bad.text.contains("kind"), "{}", bad.text);
}

/// A radial 20 kV feeder of `n` buses whose ids are not in alphabetical order ("B10" sorts
/// before "B2"), nor are its lines': a document whose every table differs from the stored
/// canonical one.
fn unsorted_feeder(n: usize) -> Value {
    let bus = |i: usize| format!("B{}", (i * 7) % n);
    let buses: Vec<Value> = (0..n)
        .map(|i| json!({"id": bus(i), "vn_kv": 20.0}))
        .collect();
    let lines: Vec<Value> = (1..n)
        .map(|i| {
            json!({"id": format!("L{}", (i * 5) % n), "from_bus": bus(i - 1), "to_bus": bus(i),
                   "length_km": 0.5, "r_ohm_per_km": 0.16, "x_ohm_per_km": 0.11,
                   "r0_ohm_per_km": 0.5, "x0_ohm_per_km": 0.35})
        })
        .collect();
    json!({
        "format": "ampflux-network", "version": 1, "frequency_hz": 50,
        "buses": buses, "lines": lines,
        "external_grids": [{"id": "Grid", "bus": bus(0), "s_sc_max_mva": 500.0, "rx_max": 0.1,
                            "s_sc_min_mva": 400.0, "x0x_max": 1.0, "r0x0_max": 0.1}]
    })
}

/// Every row table of a result (bus, branch and voltage rows, page after page) in the order
/// of the document as posted: exactly the rows of the core's study of that document, as a
/// local study gives them. The same content posted in another order is studied in that
/// order.
async fn every_row_in_the_document_order(backend: Backend) {
    let Some(app) = TestApp::spawn(backend, "row order").await else {
        return;
    };
    let admin = app.register("Volt AG", "ada@volt.example").await;
    let study = json!({"fault": "1ph", "branch_results": true});
    let check = |document: Value, project: String| {
        let (app, token, study) = (&app, &admin.token, study.clone());
        async move {
            app.post(
                &format!("/api/v1/projects/{project}/circuits"),
                token,
                document.clone(),
            )
            .await;
            let posted = app
                .post(
                    &format!("/api/v1/projects/{project}/simulations"),
                    token,
                    json!({"study": study}),
                )
                .await;
            assert_eq!(posted.status, StatusCode::ACCEPTED, "{}", posted.text);
            assert_eq!(posted.body["cached"], false, "{}", posted.text);
            let id = posted.body["id"].as_str().unwrap().to_string();
            let done = app
                .wait_simulation(token, &id, Duration::from_secs(60))
                .await;
            assert_eq!(done["status"], "succeeded", "{done}");
            // the local study of the same document
            let net = Network::from_value(document).unwrap();
            let options = StudyOptions::from_value(study).unwrap();
            let want = serde_json::to_value(short_circuit(&net, &options).unwrap()).unwrap();
            assert_eq!(done["result"]["buses"], want["buses"]);
            // branch and voltage rows, 7 a page (pages cut across fault locations)
            for part in ["branches", "voltages"] {
                let mut rows = Vec::new();
                for page in 1.. {
                    let got = app
                        .get(
                            &format!("/api/v1/simulations/{id}?page={page}&per_page=7"),
                            token,
                        )
                        .await;
                    let chunk = got.body["result"][part].as_array().unwrap().clone();
                    if chunk.is_empty() {
                        break;
                    }
                    rows.extend(chunk);
                }
                assert_eq!(Value::Array(rows), want[part], "{part}");
            }
            want
        }
    };
    let document = unsorted_feeder(12);
    let want = check(document.clone(), app.project(&admin, "Feeder").await).await;
    let first: Vec<&str> = want["branches"]
        .as_array()
        .unwrap()
        .iter()
        .take(3)
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(first, ["L5", "L10", "L3"], "the document's line order");
    assert_eq!(want["voltages"][1]["bus"], "B7", "the document's bus order");

    // the same content in the reverse order, in another project: studied in that order
    let mut reversed = document;
    for table in ["buses", "lines"] {
        reversed[table].as_array_mut().unwrap().reverse();
    }
    let want = check(reversed, app.project(&admin, "Reversed").await).await;
    assert_eq!(want["branches"][0]["id"], "L7");
    app.stop().await;
}

/// Reading a simulation and requesting one check the caller's access to the project in the
/// same query as the simulation or version they read: a members-only project hides its
/// simulations from the company's other users, a viewer reads but does not request, an
/// editor requests, a company admin does everything.
async fn project_visibility_decides_who_reads_and_requests(backend: Backend) {
    let Some(app) = TestApp::spawn(backend, "sim_visibility").await else {
        return;
    };
    let admin = app.register("Volt AG", "ada@volt.example").await;
    let cat = app.add_user(&admin, "cat@volt.example", "user").await;
    let project = app.project(&admin, "Plant A").await;
    app.save_circuit(&admin, &project, small_network()).await;
    let study = json!({"version": 1, "study": {"fault": "3ph"}});
    let id = app.simulated(&admin, &project, study.clone()).await;
    let sim = format!("/api/v1/simulations/{id}");
    let sims = format!("/api/v1/projects/{project}/simulations");

    // visible to the company: cat reads, but requests need a project role
    assert_eq!(app.get(&sim, &cat.token).await.status, StatusCode::OK);
    let asked = app.post(&sims, &cat.token, study.clone()).await;
    assert_eq!(asked.status, StatusCode::FORBIDDEN, "{}", asked.text);

    let hide = app
        .call(
            reqwest::Method::PATCH,
            &format!("/api/v1/projects/{project}"),
            Some(&admin.token),
            Some(json!({"visibility": "members"})),
        )
        .await;
    assert_eq!(hide.status, StatusCode::OK, "{}", hide.text);
    let hidden = app.get(&sim, &cat.token).await;
    assert_eq!(hidden.status, StatusCode::NOT_FOUND, "{}", hidden.text);
    assert_eq!(hidden.body["code"], "not_found");
    let asked = app.post(&sims, &cat.token, study.clone()).await;
    assert_eq!(asked.status, StatusCode::NOT_FOUND, "{}", asked.text);
    let events = app.get(&format!("{sim}/events"), &cat.token).await;
    assert_eq!(events.status, StatusCode::NOT_FOUND, "{}", events.text);

    app.add_member(&admin, &project, &cat, "viewer").await;
    assert_eq!(app.get(&sim, &cat.token).await.status, StatusCode::OK);
    let asked = app.post(&sims, &cat.token, study.clone()).await;
    assert_eq!(asked.status, StatusCode::FORBIDDEN, "{}", asked.text);
    // a version the project does not have is named once the caller may see the project
    let missing = app
        .post(
            &sims,
            &admin.token,
            json!({"version": 9, "study": {"fault": "3ph"}}),
        )
        .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND, "{}", missing.text);
    assert!(missing.text.contains("circuit version"), "{}", missing.text);

    // the role raised to editor (adding a member again sets the role)
    let editor = app
        .post(
            &format!("/api/v1/projects/{project}/members"),
            &admin.token,
            json!({"user_id": cat.user_id, "role": "editor"}),
        )
        .await;
    assert!(editor.status.is_success(), "{}", editor.text);
    let asked = app.post(&sims, &cat.token, study).await;
    assert_eq!(asked.status, StatusCode::ACCEPTED, "{}", asked.text);
    assert_eq!(asked.body["cached"], true, "{}", asked.text);
    app.stop().await;
}

/// A simulation request, and a read of a simulation, check the caller's account and token
/// session in the same query as what they read (a cache hit is one query and a share of a
/// group write, a read of a result one query and its row pages): a logged-out session or a
/// deleted account is refused with 401 before any other answer the request would get (a
/// malformed body or query, an unknown project or simulation, a cache hit), and what was
/// refused wrote nothing; an API key still works.
async fn a_dead_credential_is_refused_before_anything_else(backend: Backend) {
    let Some(app) = TestApp::spawn(backend, "sim_dead_credential").await else {
        return;
    };
    let admin = app.register("Volt AG", "ada@volt.example").await;
    let cat = app.add_user(&admin, "cat@volt.example", "user").await;
    let dan = app.add_user(&admin, "dan@volt.example", "user").await;
    let project = app.project(&admin, "Plant A").await;
    app.add_member(&admin, &project, &cat, "editor").await;
    app.add_member(&admin, &project, &dan, "editor").await;
    app.save_circuit(&admin, &project, small_network()).await;
    let study = json!({"study": {"fault": "3ph"}});
    let sim = app.simulated(&admin, &project, study.clone()).await;
    let sims = format!("/api/v1/projects/{project}/simulations");
    let unknown = "/api/v1/projects/00000000-0000-4000-8000-000000000000/simulations";
    // reads of a simulation, and what each answers while the session lives
    let reads = [
        (format!("/api/v1/simulations/{sim}"), StatusCode::OK),
        (
            format!("/api/v1/simulations/{sim}?per_page=0"),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            format!("/api/v1/simulations/{sim}?page=x"),
            StatusCode::BAD_REQUEST,
        ),
        ("/api/v1/simulations/x".to_string(), StatusCode::NOT_FOUND),
        (
            "/api/v1/simulations/00000000-0000-4000-8000-000000000000".to_string(),
            StatusCode::NOT_FOUND,
        ),
    ];
    let raw = |token: &str, path: &str| {
        app.http
            .post(format!("{}{path}", app.base))
            .bearer_auth(token)
            .header("content-type", "application/json")
            .body("{\"study\": ")
            .send()
    };
    let requests = || async {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM simulations")
            .fetch_one(app.pool())
            .await
            .unwrap();
        n
    };

    // the live session: each request gets its own answer
    let hit = app.post(&sims, &cat.token, study.clone()).await;
    assert_eq!(hit.status, StatusCode::ACCEPTED, "{}", hit.text);
    assert_eq!(hit.body["cached"], true);
    let malformed = raw(&cat.token, &sims).await.unwrap();
    assert_eq!(malformed.status(), StatusCode::BAD_REQUEST);
    let bad_id = app
        .post("/api/v1/projects/x/simulations", &cat.token, study.clone())
        .await;
    assert_eq!(bad_id.status, StatusCode::NOT_FOUND, "{}", bad_id.text);
    let missing = app.post(unknown, &cat.token, study.clone()).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND, "{}", missing.text);
    for (path, status) in &reads {
        let read = app.get(path, &cat.token).await;
        assert_eq!(read.status, *status, "{path}: {}", read.text);
    }

    // logged out: 401 first, whatever else is wrong, and nothing written
    let out = app
        .call(
            reqwest::Method::POST,
            "/api/v1/auth/logout",
            None,
            Some(json!({"refresh_token": cat.refresh})),
        )
        .await;
    assert_eq!(out.status, StatusCode::NO_CONTENT, "{}", out.text);
    let before = requests().await;
    for path in [sims.as_str(), "/api/v1/projects/x/simulations", unknown] {
        let refused = app.post(path, &cat.token, study.clone()).await;
        assert_eq!(
            refused.status,
            StatusCode::UNAUTHORIZED,
            "{path}: {}",
            refused.text
        );
        assert_eq!(refused.body["code"], "invalid_token");
        let malformed = raw(&cat.token, path).await.unwrap();
        assert_eq!(malformed.status(), StatusCode::UNAUTHORIZED, "{path}");
    }
    assert_eq!(
        requests().await,
        before,
        "a refused request wrote a simulation"
    );

    // a deleted account: 401 as well
    let deleted = app
        .call(
            reqwest::Method::DELETE,
            &format!("/api/v1/users/{}", dan.user_id),
            Some(&admin.token),
            None,
        )
        .await;
    assert!(deleted.status.is_success(), "{}", deleted.text);
    let refused = app.post(&sims, &dan.token, study.clone()).await;
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED, "{}", refused.text);
    let read = app.get(&reads[0].0, &dan.token).await;
    assert_eq!(read.status, StatusCode::UNAUTHORIZED, "{}", read.text);
    assert_eq!(requests().await, before);

    // an API key (checked when the request arrives) is served from the cache
    let made = app
        .post("/api/v1/api-keys", &admin.token, json!({"name": "sweeps"}))
        .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text);
    let key = made.body["key"].as_str().unwrap();
    let hit = app.post(&sims, key, study).await;
    assert_eq!(hit.status, StatusCode::ACCEPTED, "{}", hit.text);
    assert_eq!(hit.body["cached"], true);
    assert_eq!(app.get(&reads[0].0, key).await.status, StatusCode::OK);
    assert_eq!(requests().await, before + 1);
    app.stop().await;
}
