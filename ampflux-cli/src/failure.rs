//! A failed command: its exit code and the lines it prints on standard error.

use std::path::Path;

use ampflux_core::{Error, Issue};

use crate::out::warn;

/// A failure with its exit code (2 bad input, 1 anything else) and its message lines.
pub(crate) struct Failure {
    pub code: u8,
    lines: Vec<String>,
}

impl Failure {
    /// Bad input (exit code 2) described by one line.
    pub fn input(message: String) -> Failure {
        Failure {
            code: 2,
            lines: vec![message],
        }
    }

    /// The output could not be written (exit code 1).
    pub fn output(e: std::io::Error) -> Failure {
        Failure {
            code: 1,
            lines: vec![format!("error: cannot write the output: {e}")],
        }
    }

    /// A core error about the document at `path`: every line names the file.
    pub fn in_file(path: &Path, e: Error) -> Failure {
        let mut f = Failure::from(e);
        let file = path.display();
        for line in &mut f.lines {
            *line = format!("{file}: {line}");
        }
        f
    }

    /// The problems of the document at `path` (from [`ampflux_core::Network::check_json`]),
    /// one line each with the file name, and a count (exit code 2).
    pub fn problems(path: &Path, issues: &[Issue]) -> Failure {
        let file = path.display();
        let mut lines: Vec<String> = issues.iter().map(|i| format!("{file}: {i}")).collect();
        lines.push(summary(path, issues));
        Failure { code: 2, lines }
    }

    /// Prints the message on standard error.
    pub fn report(&self) {
        warn(&self.lines);
    }
}

/// `FILE: 3 errors, 1 warning`.
pub(crate) fn summary(path: &Path, issues: &[Issue]) -> String {
    let errors = issues.iter().filter(|i| i.is_error()).count();
    let warnings = issues.len() - errors;
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    format!(
        "{}: {}, {}",
        path.display(),
        plural(errors, "error"),
        plural(warnings, "warning")
    )
}

impl From<Error> for Failure {
    fn from(e: Error) -> Failure {
        let code = match e {
            Error::Solver(_) => 1,
            _ => 2,
        };
        let lines = if e.issues().is_empty() {
            vec![format!("error [{}]: {e}", e.code())]
        } else {
            let mut lines: Vec<String> = e.issues().iter().map(ToString::to_string).collect();
            let errors = e.issues().iter().filter(|i| i.is_error()).count();
            lines.push(format!(
                "error [{}]: the network has {errors} problem{}",
                e.code(),
                if errors == 1 { "" } else { "s" }
            ));
            lines
        };
        Failure { code, lines }
    }
}
