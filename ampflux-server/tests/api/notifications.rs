//! Email notifications over SMTP (lettre) to a local sink the test starts: a simulation that
//! succeeds and one that fails mail their requester; an invitation mails the invited address.

use std::sync::Arc;
use std::time::Duration;

use ampflux_server::jobs::events::Events;
use ampflux_server::worker::Worker;
use reqwest::StatusCode;
use serde_json::json;
use tokio::sync::{Notify, watch};

use crate::helpers::{Backend, TestApp, small_network};
use crate::on_both;
use crate::smtp::SmtpSink;

on_both!(finished_and_failed_simulations_and_invitations_are_mailed);

async fn finished_and_failed_simulations_and_invitations_are_mailed(backend: Backend) {
    let sink = SmtpSink::start().await;
    let Some(app) = TestApp::spawn_with(
        backend,
        "notifications",
        &[
            ("AMPFLUX_SMTP_URL", sink.url.as_str()),
            ("AMPFLUX_MAIL_FROM", "AmpFlux <noreply@ampflux.test>"),
            ("AMPFLUX_PUBLIC_URL", "https://ampflux.test"),
            ("AMPFLUX_NOTIFY_MIN_COMPUTE_S", "0"),
            // the worker is started below, once a study is made to fail
            ("AMPFLUX_IN_PROCESS_WORKER", "false"),
        ],
    )
    .await
    else {
        return;
    };
    let admin = app.register("Volt AG", "ada@volt.example").await;

    // an invitation
    let inv = app
        .post(
            "/api/v1/invitations",
            &admin.token,
            json!({"email": "grace@volt.example"}),
        )
        .await;
    assert_eq!(inv.status, StatusCode::CREATED, "{}", inv.text);
    let token = inv.body["token"].as_str().unwrap();
    let mail = sink
        .wait_for("grace@volt.example", "invitation=", Duration::from_secs(20))
        .await;
    assert!(
        mail.data
            .contains("Subject: You are invited to Volt AG on AmpFlux")
    );
    assert!(mail.data.contains(token), "{}", mail.data);
    assert!(
        mail.data.contains("\r\nTo create your account"),
        "lines start at the margin: {}",
        mail.data
    );

    // two simulations; the options of the second are made unreadable, so the core refuses it
    let project = app.project(&admin, "Plant A").await;
    let sims = format!("/api/v1/projects/{project}/simulations");
    app.post(
        &format!("/api/v1/projects/{project}/circuits"),
        &admin.token,
        small_network(),
    )
    .await;
    let good = app.post(&sims, &admin.token, json!({})).await;
    let bad = app
        .post(&sims, &admin.token, json!({"study": {"ip_method": "b"}}))
        .await;
    let (good, bad) = (
        good.body["id"].as_str().unwrap().to_string(),
        bad.body["id"].as_str().unwrap().to_string(),
    );
    sqlx::query(
        "UPDATE studies SET options_json = '{\"fault\": \"none of them\"}'
         WHERE id = (SELECT study_id FROM simulations WHERE id = $1)",
    )
    .bind(&bad)
    .execute(app.pool())
    .await
    .unwrap();
    let state = &app.running.state;
    let (stop, stopped) = watch::channel(false);
    let worker = Worker::new(
        state.db.clone(),
        state.queue.clone(),
        state.config.jobs.clone(),
        Events::default(),
        Arc::new(Notify::new()),
    )
    .with_notifier(state.notifier.clone())
    .spawn(stopped);
    let limit = Duration::from_secs(60);
    assert_eq!(
        app.wait_simulation(&admin.token, &good, limit).await["status"],
        "succeeded"
    );
    assert_eq!(
        app.wait_simulation(&admin.token, &bad, limit).await["status"],
        "failed"
    );

    let ok = sink.wait_for("ada@volt.example", &good, limit).await;
    assert!(
        ok.data
            .contains("Subject: AmpFlux simulation succeeded: Plant A, version 1")
    );
    assert!(
        ok.data
            .contains(&format!("https://ampflux.test/api/v1/simulations/{good}"))
    );
    assert!(ok.data.contains("fault 3ph, case max"), "{}", ok.data);
    let failed = sink.wait_for("ada@volt.example", &bad, limit).await;
    assert!(
        failed
            .data
            .contains("Subject: AmpFlux simulation failed: Plant A, version 1")
    );
    assert!(failed.data.contains("From: AmpFlux <noreply@ampflux.test>"));
    let _ = stop.send(true);
    let _ = worker.await;
    app.stop().await;
}
