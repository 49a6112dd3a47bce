//! Typed ids: one newtype per kind of record, so that a project id cannot be passed where a
//! company id is expected. Every id is a UUID v4 made by the server; on the wire and in the
//! database it is its text (in the OpenAPI document a `string`: view fields of these types
//! carry `#[schema(value_type = String)]`).

use serde::{Deserialize, Serialize};

macro_rules! ids {
    ($($(#[$meta:meta])* $name:ident;)+) => {$(
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// A new random id.
            pub fn new() -> $name {
                $name(uuid::Uuid::new_v4().to_string())
            }

            /// The id written in `text` (a path parameter, a field of a request), or `None`
            /// when it is not one this server could have made (such ids are a 404, never a
            /// database lookup).
            pub fn parse(text: &str) -> Option<$name> {
                uuid::Uuid::parse_str(text).ok().map(|_| $name(text.to_string()))
            }

            /// An id read from a trusted place (the database, a signed token).
            pub fn from_trusted(text: String) -> $name {
                $name(text)
            }

            /// The text of the id.
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// The text of the id, owned.
            pub fn into_string(self) -> String {
                self.0
            }
        }

        impl Default for $name {
            fn default() -> $name {
                $name::new()
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.0
            }
        }

        impl sqlx::Type<sqlx::Any> for $name {
            fn type_info() -> sqlx::any::AnyTypeInfo {
                <String as sqlx::Type<sqlx::Any>>::type_info()
            }
        }

        impl<'q> sqlx::Encode<'q, sqlx::Any> for $name {
            fn encode_by_ref(
                &self,
                buf: &mut <sqlx::Any as sqlx::Database>::ArgumentBuffer,
            ) -> Result<sqlx::encode::IsNull, sqlx::error::BoxDynError> {
                <String as sqlx::Encode<'q, sqlx::Any>>::encode_by_ref(&self.0, buf)
            }
        }

        impl<'r> sqlx::Decode<'r, sqlx::Any> for $name {
            fn decode(
                value: <sqlx::Any as sqlx::Database>::ValueRef<'r>,
            ) -> Result<$name, sqlx::error::BoxDynError> {
                <String as sqlx::Decode<'r, sqlx::Any>>::decode(value).map($name)
            }
        }
    )+};
}

ids! {
    /// A company (tenant): every row of tenant data carries it.
    CompanyId;
    /// A user account.
    UserId;
    /// A project.
    ProjectId;
    /// A simulation: one request of a study on one circuit version.
    SimulationId;
    /// A study: one computation per (company, circuit digest, study options).
    StudyId;
    /// A job of the queue.
    JobId;
    /// An invitation to join a company.
    InvitationId;
    /// A login session: the family of refresh tokens started by one login; access tokens
    /// name it, so ending it ends them.
    SessionId;
    /// One refresh token of a session.
    RefreshTokenId;
    /// An API key of a company, for programs.
    ApiKeyId;
    /// An entry of the audit log.
    AuditId;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_parse_only_uuids() {
        let id = ProjectId::new();
        assert_eq!(ProjectId::parse(id.as_str()), Some(id.clone()));
        assert_eq!(ProjectId::parse("1; DROP TABLE projects"), None);
        assert_eq!(serde_json::to_value(&id).unwrap(), id.as_str());
    }
}
