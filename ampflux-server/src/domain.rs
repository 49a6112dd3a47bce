//! The enumerations of the service, spelled in the API and the database as `as_str` gives.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

macro_rules! text_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum $name {
            $($(#[$vmeta])* #[serde(rename = $text)] $variant),+
        }

        // written out: the derive does not see the `rename`s made by this macro, and the
        // document would list the Rust variant names instead of the values on the wire
        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                utoipa::openapi::schema::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::Type::String)
                    .enum_values(Some([$($text),+]))
                    .into()
            }
        }

        impl utoipa::ToSchema for $name {}

        impl $name {
            /// Every value.
            pub const ALL: &[$name] = &[$($name::$variant),+];

            /// The text of the value in the API and the database.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            /// The value of `text`, if it is one.
            pub fn parse(text: &str) -> Option<$name> {
                match text { $($text => Some($name::$variant),)+ _ => None }
            }

            /// The allowed values, for error messages.
            pub fn allowed() -> String {
                [$($text),+].join(", ")
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

text_enum! {
    /// Role of a user in the company.
    Role {
        /// Manages users, all projects, members and the license.
        CompanyAdmin = "company_admin",
        /// Creates and edits projects, runs simulations, views company projects.
        User = "user",
    }
}

text_enum! {
    /// Role of a user in one project.
    ProjectRole {
        /// Edits, deletes and manages members.
        Owner = "owner",
        /// Edits circuits and runs simulations.
        Editor = "editor",
        /// Reads only.
        Viewer = "viewer",
    }
}

text_enum! {
    /// Who may read a project besides its members and the company admins.
    Visibility {
        /// Every user of the company may read it (default).
        Company = "company",
        /// Members only.
        Members = "members",
    }
}

text_enum! {
    /// A license plan.
    Plan {
        /// Free plan.
        Free = "free",
        /// Pro plan.
        Pro = "pro",
        /// Enterprise plan.
        Enterprise = "enterprise",
    }
}

text_enum! {
    /// State of a license.
    LicenseStatus {
        /// In force.
        Active = "active",
        /// Switched off by the company admin or the operator.
        Suspended = "suspended",
        /// Past its end date.
        Expired = "expired",
    }
}

text_enum! {
    /// State of a simulation (of the study it asked for).
    StudyStatus {
        /// Waiting for a worker.
        Queued = "queued",
        /// A worker is computing it.
        Running = "running",
        /// Computed; `result` holds the report.
        Succeeded = "succeeded",
        /// The core refused the study (`error` says why); the same input always fails.
        Failed = "failed",
        /// Every attempt failed for other reasons; the job is in the dead-letter state.
        Dead = "dead",
    }
}

impl StudyStatus {
    /// Whether the study will not change any more by itself.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            StudyStatus::Succeeded | StudyStatus::Failed | StudyStatus::Dead
        )
    }
}

/// The limits of a plan.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct PlanLimits {
    /// Projects of the company (`null` = unlimited).
    pub max_projects: Option<i64>,
    /// Buses of one circuit version.
    pub max_buses_per_circuit: Option<i64>,
    /// Simulations requested per day (UTC).
    pub simulations_per_day: Option<i64>,
    /// AI assistant requests per day (UTC).
    pub ai_requests_per_day: Option<i64>,
    /// Rows of one simulation's result: fault locations, and with branch results a row per
    /// branch and bus for each (choose fault buses with `buses` to stay within it).
    pub max_result_rows: Option<i64>,
    /// Queue priority of the company's jobs (higher first).
    pub queue_priority: i64,
}

impl Plan {
    /// The limits of the plan.
    pub fn limits(self) -> PlanLimits {
        match self {
            Plan::Free => PlanLimits {
                max_projects: Some(3),
                max_buses_per_circuit: Some(50),
                simulations_per_day: Some(50),
                ai_requests_per_day: Some(10),
                max_result_rows: Some(10_000),
                queue_priority: 0,
            },
            Plan::Pro => PlanLimits {
                max_projects: Some(50),
                max_buses_per_circuit: Some(2_000),
                simulations_per_day: Some(2_000),
                ai_requests_per_day: Some(500),
                max_result_rows: Some(2_000_000),
                queue_priority: 10,
            },
            Plan::Enterprise => PlanLimits {
                max_projects: None,
                max_buses_per_circuit: None,
                simulations_per_day: None,
                ai_requests_per_day: Some(10_000),
                max_result_rows: Some(20_000_000),
                queue_priority: 20,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_round_trip() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Some(*r));
        }
        assert_eq!(
            serde_json::to_string(&ProjectRole::Editor).unwrap(),
            "\"editor\""
        );
        assert_eq!(Plan::parse("gold"), None);
        assert_eq!(Plan::allowed(), "free, pro, enterprise");
    }

    #[test]
    fn schemas_list_the_values_on_the_wire() {
        use utoipa::PartialSchema;
        let schema = serde_json::to_value(Visibility::schema()).unwrap();
        assert_eq!(schema["enum"], serde_json::json!(["company", "members"]));
        assert_eq!(schema["type"], "string");
        let schema = serde_json::to_value(Role::schema()).unwrap();
        assert_eq!(schema["enum"], serde_json::json!(["company_admin", "user"]));
    }

    #[test]
    fn plans_grow() {
        let free = Plan::Free.limits();
        let pro = Plan::Pro.limits();
        assert!(free.max_projects < pro.max_projects);
        assert!(Plan::Enterprise.limits().max_projects.is_none());
    }
}
