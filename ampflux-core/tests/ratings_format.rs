//! Equipment ratings and scenarios in the network document: reading and writing, the
//! canonical form and digest, circuit versions (diff, apply, merge) and validation.

use ampflux_core::model::{Insulation, SwitchKind};
use ampflux_core::version::{Change, apply, diff, merge};
use ampflux_core::{Network, Table};

const DOC: &str = r#"{
  "buses": [
    {"id": "MV", "vn_kv": 20, "ratings": {"ipk_ka": 40, "icw_ka": 16, "icw_duration_s": 1}},
    {"id": "LV", "vn_kv": 0.4},
    {"id": "LV2", "vn_kv": 0.4}
  ],
  "external_grids": [{"id": "Q", "bus": "MV", "s_sc_max_mva": 300, "rx_max": 0.1}],
  "transformers": [{"id": "T", "hv_bus": "MV", "lv_bus": "LV", "sn_mva": 1, "vn_hv_kv": 20,
    "vn_lv_kv": 0.42, "vk_percent": 6, "vkr_percent": 1, "vector_group": "Dyn5"}],
  "lines": [{"id": "C", "from_bus": "LV", "to_bus": "LV2", "length_km": 0.1,
    "r_ohm_per_km": 0.2, "x_ohm_per_km": 0.08, "clearing_time_s": 0.2,
    "conductor": {"material": "cu", "insulation": "xlpe", "cross_section_mm2": 95}}],
  "switches": [
    {"id": "Q1", "bus": "MV", "element": "T", "closed": true, "kind": "breaker",
     "ratings": {"breaking_ka": 16, "opening_time_s": 0.04}},
    {"id": "Q2", "bus": "LV", "element": "C", "closed": true}
  ],
  "scenarios": [{"id": "open", "switches": {"Q2": false}, "name": "cable off"},
                {"id": "no-grid", "out_of_service": ["Q"]}]
}"#;

fn doc() -> Network {
    Network::from_json(DOC).unwrap()
}

#[test]
fn ratings_and_scenarios_read_and_round_trip() {
    let net = doc();
    assert!(
        net.validate().iter().all(|i| !i.is_error()),
        "{:#?}",
        net.validate()
    );
    assert_eq!(net.switches[0].kind, SwitchKind::Breaker);
    assert_eq!(net.switches[1].kind, SwitchKind::Disconnector);
    let c = net.lines[0].conductor.as_ref().unwrap();
    assert_eq!(
        (c.insulation, c.cross_section_mm2),
        (Insulation::Xlpe, 95.0)
    );
    assert_eq!(net.scenarios.len(), 2);
    let back = Network::from_json(&net.to_json()).unwrap();
    assert_eq!(back, net);
    assert_eq!(back.digest(), net.digest());
    // the default kind is not written, so "disconnector" and absent are one circuit
    assert!(!net.to_json().contains("disconnector"));
    let explicit = DOC.replace(
        r#""element": "C", "closed": true}"#,
        r#""element": "C", "closed": true, "kind": "disconnector"}"#,
    );
    assert_eq!(
        Network::from_json(&explicit).unwrap().digest(),
        net.digest()
    );
}

#[test]
fn documents_without_the_new_fields_keep_their_form() {
    let text = r#"{"buses": [{"id": "A", "vn_kv": 20}],
        "switches": [{"id": "S", "bus": "A", "element": "A2", "closed": true}]}"#;
    let net = Network::from_json(text).unwrap();
    let canonical = net.canonical_json();
    assert!(!canonical.contains("scenarios"), "{canonical}");
    assert!(!canonical.contains("kind"), "{canonical}");
    assert!(!canonical.contains("ratings"), "{canonical}");
    assert!(!net.to_json().contains("scenarios"));
}

#[test]
fn the_digest_covers_ratings_and_scenarios_but_not_their_order() {
    let net = doc();
    let mut other = net.clone();
    other.scenarios.reverse();
    assert_eq!(other.digest(), net.digest());
    other.buses[0].ratings.as_mut().unwrap().icw_ka = Some(20.0);
    assert_ne!(other.digest(), net.digest());
    let mut other = net.clone();
    other.scenarios[0].switches.insert("Q1".into(), false);
    assert_ne!(other.digest(), net.digest());
}

#[test]
fn versions_diff_apply_and_merge_ratings_and_scenarios() {
    let base = doc();
    let mut ours = base.clone();
    ours.buses[1].ratings = Some(ampflux_core::model::BusRatings {
        ipk_ka: Some(105.0),
        ..Default::default()
    });
    ours.scenarios[0].out_of_service.push("T".into());
    let mut theirs = base.clone();
    theirs.switches[1].kind = SwitchKind::LoadBreak;
    theirs.scenarios.remove(1);
    theirs.lines[0]
        .conductor
        .as_mut()
        .unwrap()
        .cross_section_mm2 = 120.0;

    let d = diff(&base, &ours);
    assert_eq!(apply(&base, &d).unwrap(), ours);
    assert!(d.changes.iter().any(|c| matches!(c,
        Change::Changed { table: Table::Scenarios, id, field, .. } if id == "open" && field == "out_of_service")));
    assert!(d.changes.iter().any(|c| matches!(c,
        Change::Changed { table: Table::Buses, id, field, .. } if id == "LV" && field == "ratings")));
    let d = diff(&base, &theirs);
    assert_eq!(apply(&base, &d).unwrap(), theirs);
    assert!(d.changes.iter().any(|c| matches!(c,
        Change::Removed { table: Table::Scenarios, id, .. } if id == "no-grid")));

    let m = merge(&base, &ours, &theirs).unwrap();
    assert!(m.conflicts.is_empty(), "{:?}", m.conflicts);
    let net = m.network;
    assert_eq!(net.buses[1].ratings.as_ref().unwrap().ipk_ka, Some(105.0));
    assert_eq!(net.switches[1].kind, SwitchKind::LoadBreak);
    assert_eq!(
        net.lines[0].conductor.as_ref().unwrap().cross_section_mm2,
        120.0
    );
    assert_eq!(net.scenario_ids(), ["base", "open"]);
    assert_eq!(net.scenarios[0].out_of_service, ["T"]);

    // a scenario added to a network that had none
    let mut plain = base.clone();
    plain.scenarios.clear();
    let d = diff(&plain, &base);
    assert_eq!(apply(&plain, &d).unwrap(), base);
}

/// The findings of `net.validate()` as (table, element, field, code, is_error).
fn findings(net: &Network) -> Vec<(Option<Table>, String, String, String, bool)> {
    net.validate()
        .into_iter()
        .map(|i| {
            let error = i.is_error();
            (
                i.table,
                i.element.unwrap_or_default(),
                i.field.unwrap_or_default(),
                i.code,
                error,
            )
        })
        .collect()
}

fn has(net: &Network, table: Table, element: &str, field: &str, code: &str, error: bool) -> bool {
    findings(net).iter().any(|f| {
        f.0 == Some(table) && f.1 == element && f.2 == field && f.3 == code && f.4 == error
    })
}

#[test]
fn bad_ratings_are_errors_naming_element_and_field() {
    let mut net = doc();
    {
        let r = net.buses[0].ratings.as_mut().unwrap();
        r.ipk_ka = Some(-40.0);
        r.icw_duration_s = None;
    }
    net.buses[1].ratings = Some(ampflux_core::model::BusRatings {
        icw_duration_s: Some(1.0),
        ..Default::default()
    });
    {
        let r = net.switches[0].ratings.as_mut().unwrap();
        r.breaking_ka = Some(0.0);
        r.dc_percent = Some(120.0);
        r.icw_ka = Some(f64::NAN);
        r.icw_duration_s = Some(1.0);
    }
    net.lines[0].conductor.as_mut().unwrap().cross_section_mm2 = 0.0;
    net.lines[0].clearing_time_s = Some(-0.1);
    let b = Table::Buses;
    let s = Table::Switches;
    let l = Table::Lines;
    assert!(has(&net, b, "MV", "ratings.ipk_ka", "non_positive", true));
    assert!(has(
        &net,
        b,
        "MV",
        "ratings.icw_duration_s",
        "incomplete_rating",
        true
    ));
    assert!(has(
        &net,
        b,
        "LV",
        "ratings.icw_ka",
        "incomplete_rating",
        true
    ));
    assert!(has(
        &net,
        s,
        "Q1",
        "ratings.breaking_ka",
        "non_positive",
        true
    ));
    assert!(has(
        &net,
        s,
        "Q1",
        "ratings.dc_percent",
        "out_of_range",
        true
    ));
    assert!(has(&net, s, "Q1", "ratings.icw_ka", "non_positive", true));
    assert!(has(
        &net,
        l,
        "C",
        "conductor.cross_section_mm2",
        "non_positive",
        true
    ));
    assert!(has(&net, l, "C", "clearing_time_s", "non_positive", true));
    // the error reaches a study as a validation error
    let err = ampflux_core::short_circuit(&net, &Default::default()).unwrap_err();
    assert_eq!(err.code(), "validation_error");
}

#[test]
fn inconsistent_and_unused_ratings_are_named() {
    let mut net = doc();
    {
        let r = net.switches[0].ratings.as_mut().unwrap();
        r.service_breaking_ka = Some(20.0); // above breaking_ka = 16
        r.making_ka = Some(16.0); // a peak below √2·16
    }
    net.switches[1].ratings = Some(ampflux_core::model::SwitchRatings {
        breaking_ka: Some(10.0),
        opening_time_s: Some(0.05),
        ..Default::default()
    });
    let s = Table::Switches;
    assert!(has(
        &net,
        s,
        "Q1",
        "ratings.service_breaking_ka",
        "out_of_range",
        true
    ));
    assert!(has(
        &net,
        s,
        "Q1",
        "ratings.making_ka",
        "suspicious_rating",
        false
    ));
    assert!(has(
        &net,
        s,
        "Q2",
        "ratings.breaking_ka",
        "rating_not_used",
        false
    ));
    assert!(has(
        &net,
        s,
        "Q2",
        "ratings.opening_time_s",
        "rating_not_used",
        false
    ));
    net.switches[1].ratings = Some(ampflux_core::model::SwitchRatings {
        service_breaking_ka: Some(10.0),
        ..Default::default()
    });
    net.switches[1].kind = SwitchKind::Breaker;
    assert!(has(
        &net,
        s,
        "Q2",
        "ratings.breaking_ka",
        "incomplete_rating",
        true
    ));
    // a long clearing time leaves the adiabatic range: a warning
    net.lines[0].clearing_time_s = Some(6.0);
    assert!(has(
        &net,
        Table::Lines,
        "C",
        "clearing_time_s",
        "adiabatic_limit",
        false
    ));
}

#[test]
fn bad_scenarios_are_errors_naming_scenario_and_field() {
    let mut net = doc();
    net.scenarios[0].switches.insert("nope".into(), true);
    net.scenarios[1].out_of_service.push("ghost".into());
    net.scenarios[1].out_of_service.push("open".into()); // a scenario is not an element
    net.scenarios.push(ampflux_core::model::Scenario {
        id: "base".into(),
        ..Default::default()
    });
    net.scenarios.push(ampflux_core::model::Scenario {
        id: "MV".into(), // ids are unique across all tables
        ..Default::default()
    });
    let t = Table::Scenarios;
    assert!(has(&net, t, "open", "switches", "dangling_reference", true));
    assert!(has(
        &net,
        t,
        "no-grid",
        "out_of_service",
        "dangling_reference",
        true
    ));
    assert_eq!(
        findings(&net)
            .iter()
            .filter(|f| f.1 == "no-grid" && f.3 == "dangling_reference")
            .count(),
        2
    );
    assert!(has(&net, t, "base", "id", "reserved_id", true));
    assert!(has(&net, t, "MV", "id", "duplicate_id", true));
}

#[test]
fn a_scenario_network_is_the_base_with_its_changes() {
    let net = doc();
    let open = net.scenario_network("open").unwrap();
    assert!(!open.switches[1].closed);
    assert_eq!(open.lines, net.lines);
    let no_grid = net.scenario_network("no-grid").unwrap();
    assert_eq!(no_grid.external_grids[0].in_service, Some(false));
    // the scenario's network solves: without the grid nothing is supplied
    let r = ampflux_core::short_circuit(&no_grid, &Default::default()).unwrap();
    assert!(r.buses.iter().all(|b| b.ikss_ka == 0.0));
}
