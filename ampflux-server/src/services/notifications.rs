//! Email notifications of finished simulations: when a worker ends a study (succeeded, failed
//! or dead), everyone who asked for it gets a mail with the outcome and the link to the
//! result. Sent through the [`Mailer`] (off when `AMPFLUX_SMTP_URL` is not set); successes
//! computed faster than `AMPFLUX_NOTIFY_MIN_COMPUTE_S` are not mailed (the requester is
//! most likely still looking at the page), failures always are.

use std::time::Duration;

use serde_json::Value;

use crate::db::{self, Db};
use crate::domain::StudyStatus;
use crate::error::Result;
use crate::ids::{CompanyId, StudyId};
use crate::mail::{Mail, Mailer};

/// The most mails one finished study sends (one per simulation that asked for it).
const MAX_MAILS_PER_STUDY: i64 = 50;

/// Sends the notifications of finished studies.
#[derive(Clone)]
pub struct Notifier {
    db: Db,
    mailer: Mailer,
    min_compute: Duration,
}

impl Notifier {
    /// Notifications over `db`, sent by `mailer`; successes computed in less than
    /// `min_compute` are not mailed.
    pub fn new(db: Db, mailer: Mailer, min_compute: Duration) -> Notifier {
        Notifier {
            db,
            mailer,
            min_compute,
        }
    }

    /// Mails the requesters of `study`, which has just ended (nothing when mail is off).
    pub async fn study_finished(&self, company: &CompanyId, study: &StudyId) -> Result<()> {
        if !self.mailer.enabled() {
            return Ok(());
        }
        let pool = &self.db.pool;
        let Some(study) = db::studies::get(pool, company, study).await? else {
            return Ok(());
        };
        let quick = study.compute_ms.unwrap_or(0) < self.min_compute.as_millis() as i64;
        if !study.status.is_final() || (study.status == StudyStatus::Succeeded && quick) {
            return Ok(());
        }
        let options: Value = serde_json::from_str(&study.options_json).unwrap_or_default();
        let what = format!(
            "fault {}, case {}",
            options["fault"].as_str().unwrap_or("3ph"),
            options["case"].as_str().unwrap_or("max")
        );
        let outcome = match study.status {
            StudyStatus::Succeeded => format!(
                "succeeded in {:.1} s",
                study.compute_ms.unwrap_or(0) as f64 / 1000.0
            ),
            _ => {
                let error: Value = study
                    .error_json
                    .as_deref()
                    .and_then(|e| serde_json::from_str(e).ok())
                    .unwrap_or_default();
                format!(
                    "{}: {}",
                    study.status,
                    error["message"].as_str().unwrap_or("no reason recorded")
                )
            }
        };
        let requesters =
            db::simulations::requesters(pool, company, &study.id, MAX_MAILS_PER_STUDY).await?;
        for r in requesters {
            let project = one_line(&r.project_name);
            self.mailer.send(Mail {
                to: r.email,
                subject: format!(
                    "AmpFlux simulation {}: {project}, version {}",
                    study.status, r.circuit_version
                ),
                body: format!(
                    "Hello {},\n\nyour simulation of project \"{project}\", circuit version {} \
                     ({what}), {outcome}.\n\nResult: {}/api/v1/simulations/{}\n",
                    one_line(&r.name),
                    r.circuit_version,
                    self.mailer.public_url(),
                    r.simulation_id,
                ),
            });
        }
        metrics::counter!("ampflux_notifications_total", "kind" => "simulation").increment(1);
        Ok(())
    }
}

/// `text` on one line (names go into subjects and sentences).
fn one_line(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}
