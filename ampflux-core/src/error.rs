//! The crate's one error type, the validation [`Issue`], and their stable codes.

use serde::{Deserialize, Serialize};

use crate::model::Table;

/// How bad a validation finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// The study cannot run.
    Error,
    /// The study runs; the result may not be what the user meant.
    Warning,
}

/// One validation finding, naming the element and the field it concerns.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Issue {
    /// Error or warning.
    pub severity: Severity,
    /// Stable machine-readable code (`dangling_reference`, `non_positive`, ...).
    pub code: String,
    /// Table of the element (absent for document-level findings).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub table: Option<Table>,
    /// Id of the element (absent for document-level findings).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub element: Option<String>,
    /// Field of the element the finding is about.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// Human-readable explanation.
    pub message: String,
}

impl Issue {
    /// An error about `element`.`field`.
    pub fn error(
        table: Table,
        element: &str,
        field: &str,
        code: &str,
        message: impl Into<String>,
    ) -> Issue {
        Issue {
            severity: Severity::Error,
            code: code.to_string(),
            table: Some(table),
            element: Some(element.to_string()),
            field: Some(field.to_string()),
            message: message.into(),
        }
    }

    /// A warning about `element`.`field`.
    pub fn warning(
        table: Table,
        element: &str,
        field: &str,
        code: &str,
        message: impl Into<String>,
    ) -> Issue {
        Issue {
            severity: Severity::Warning,
            ..Issue::error(table, element, field, code, message)
        }
    }

    /// Whether this finding stops a study.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl std::fmt::Display for Issue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let level = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        match (&self.table, &self.element, &self.field) {
            (Some(t), Some(e), Some(field)) => {
                write!(f, "{level}: {t} `{e}`, field `{field}`: {}", self.message)
            }
            (Some(t), Some(e), None) => write!(f, "{level}: {t} `{e}`: {}", self.message),
            (_, _, Some(field)) => write!(f, "{level}: field `{field}`: {}", self.message),
            _ => write!(f, "{level}: {}", self.message),
        }
    }
}

/// Everything that can go wrong in AmpFlux.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The document is not valid JSON or does not match the format (unknown field, wrong type).
    #[error("invalid network document at `{path}`: {message}")]
    Format {
        /// JSON path of the offending value (`lines[3].r_ohm_per_km`).
        path: String,
        /// What is wrong.
        message: String,
    },
    /// The document's `format`/`version` cannot be read by this build.
    #[error("unsupported document: {0}")]
    UnsupportedVersion(String),
    /// The network failed validation; every problem is listed.
    #[error("invalid network: {}", summarize(.0))]
    Invalid(Vec<Issue>),
    /// A study option is out of range or refers to something that does not exist.
    #[error("invalid study option `{option}`: {message}")]
    InvalidOption {
        /// Option name as in the format's study options.
        option: String,
        /// What is wrong.
        message: String,
    },
    /// The network's topology makes the requested study impossible.
    #[error("topology: {0}")]
    Topology(String),
    /// The linear algebra failed (singular or numerically broken system).
    #[error("solver: {0}")]
    Solver(String),
    /// A change set does not apply to the network it is applied to.
    #[error("change set does not apply: {0}")]
    Conflict(String),
}

fn summarize(issues: &[Issue]) -> String {
    let errors: Vec<&Issue> = issues.iter().filter(|i| i.is_error()).collect();
    let mut text = format!("{} problem(s)", errors.len());
    for issue in errors.iter().take(5) {
        text.push_str("; ");
        text.push_str(&issue.to_string());
    }
    if errors.len() > 5 {
        text.push_str("; ...");
    }
    text
}

impl Error {
    /// Stable machine-readable code, shared by the CLI, Python, JS and HTTP bodies.
    pub fn code(&self) -> &'static str {
        match self {
            Error::Format { .. } => "format_error",
            Error::UnsupportedVersion(_) => "unsupported_version",
            Error::Invalid(_) => "validation_error",
            Error::InvalidOption { .. } => "invalid_option",
            Error::Topology(_) => "topology_error",
            Error::Solver(_) => "solver_error",
            Error::Conflict(_) => "conflict",
        }
    }

    /// The validation findings carried by the error (empty for other kinds).
    pub fn issues(&self) -> &[Issue] {
        match self {
            Error::Invalid(issues) => issues,
            _ => &[],
        }
    }

    pub(crate) fn option(option: &str, message: impl Into<String>) -> Error {
        Error::InvalidOption {
            option: option.to_string(),
            message: message.into(),
        }
    }
}

/// Result with the crate's [`Error`].
pub type Result<T> = std::result::Result<T, Error>;
