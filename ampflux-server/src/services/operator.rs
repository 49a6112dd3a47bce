//! The operator of the server: plans are the operator's decision, not the companies'. The
//! operator acts with `AMPFLUX_OPERATOR_TOKEN` on `/api/v1/admin/...` or with the
//! `ampflux-server admin` command on the server's machine.

use serde_json::json;
use sha2::{Digest, Sha256};
use sqlx::Row;

use super::audit::{self, Event, Origin};
use super::licenses::{self, LicenseChange};
use crate::clock::now_ms;
use crate::db::{self, Db, licenses::License};
use crate::domain::{LicenseStatus, Plan};
use crate::error::{Error, Result};
use crate::ids::CompanyId;

/// A company as the operator sees it.
#[derive(Clone, Debug)]
pub struct CompanySummary {
    /// Id.
    pub id: CompanyId,
    /// Name.
    pub name: String,
    /// Plan.
    pub plan: Plan,
    /// License status now.
    pub status: LicenseStatus,
    /// Users (not deleted).
    pub users: i64,
    /// Projects.
    pub projects: i64,
    /// Email of the first company_admin.
    pub admin_email: Option<String>,
}

/// The operator's operations.
#[derive(Clone)]
pub struct Operator {
    db: Db,
    token_digest: Option<[u8; 32]>,
}

impl Operator {
    /// The operator over `db`, recognised by `token` (`None`: only the command line).
    pub fn new(db: Db, token: Option<&str>) -> Operator {
        Operator {
            db,
            token_digest: token.map(|t| Sha256::digest(t.as_bytes()).into()),
        }
    }

    /// Unauthenticated unless `token` is the operator's (compared as digests, in constant
    /// time).
    pub fn authenticate(&self, token: Option<&str>) -> Result<()> {
        let refused = || Error::Unauthenticated {
            code: "operator_only",
            message: "this route needs the operator's token (AMPFLUX_OPERATOR_TOKEN)".into(),
        };
        let (Some(want), Some(token)) = (&self.token_digest, token) else {
            return Err(refused());
        };
        let got: [u8; 32] = Sha256::digest(token.as_bytes()).into();
        let same = want
            .iter()
            .zip(got.iter())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0;
        if same { Ok(()) } else { Err(refused()) }
    }

    /// Every company with its plan and size.
    pub async fn companies(&self) -> Result<Vec<CompanySummary>> {
        let rows = sqlx::query(
            "SELECT c.id, c.name, l.plan, l.status, l.start_date, l.end_date, l.updated_at, l.updated_by,
                    (SELECT COUNT(*) FROM users u WHERE u.company_id = c.id AND u.deleted_at IS NULL) AS users,
                    (SELECT COUNT(*) FROM projects p WHERE p.company_id = c.id) AS projects,
                    (SELECT MIN(u.email) FROM users u WHERE u.company_id = c.id AND u.role = 'company_admin'
                        AND u.deleted_at IS NULL) AS admin_email
             FROM companies c JOIN licenses l ON l.company_id = c.id ORDER BY c.created_at, c.id",
        )
        .fetch_all(&self.db.pool)
        .await?;
        let now = now_ms();
        rows.iter()
            .map(|r| {
                let license: License = sqlx::FromRow::from_row(r)?;
                Ok(CompanySummary {
                    id: r.try_get("id")?,
                    name: r.try_get("name")?,
                    plan: license.plan,
                    status: license.status_at(now),
                    users: r.try_get("users")?,
                    projects: r.try_get("projects")?,
                    admin_email: r.try_get("admin_email")?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(Error::from)
    }

    /// The company `which` names: its id, or the email of one of its company_admins.
    pub async fn find_company(&self, which: &str) -> Result<CompanyId> {
        if let Some(id) = CompanyId::parse(which) {
            return Ok(id);
        }
        let found: Vec<CompanyId> = sqlx::query_scalar(
            "SELECT DISTINCT company_id FROM users
             WHERE email = $1 AND role = 'company_admin' AND deleted_at IS NULL",
        )
        .bind(which.trim().to_lowercase())
        .fetch_all(&self.db.pool)
        .await?;
        match found.len() {
            1 => Ok(found.into_iter().next().expect("one")),
            0 => Err(Error::NotFound("company")),
            _ => Err(Error::Conflict {
                code: "ambiguous_company",
                message: format!(
                    "{which} is a company_admin of several companies; give the company id"
                ),
            }),
        }
    }

    /// Changes a company's license.
    pub async fn set_license(
        &self,
        origin: &Origin,
        company: &CompanyId,
        change: LicenseChange,
    ) -> Result<License> {
        let mut license = db::licenses::get(&self.db.pool, company)
            .await?
            .ok_or(Error::NotFound("company"))?;
        licenses::apply(&mut license, &change)?;
        license.updated_at = now_ms();
        license.updated_by = None;
        let mut tx = self.db.begin_write().await?;
        db::licenses::update(tx.conn(), company, &license).await?;
        audit::record_as(
            tx.conn(),
            company,
            None,
            origin,
            Event {
                action: "license.update",
                project_id: None,
                target: Some(company.as_str()),
                detail: json!({"by": "operator", "plan": license.plan, "status": license.status,
                    "end_date": license.end_date.map(crate::clock::rfc3339)}),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(license)
    }
}
