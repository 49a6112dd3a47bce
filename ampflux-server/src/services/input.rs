//! Checks of the plain fields of request bodies.

use crate::error::Error;

/// A trimmed, non-empty text of at most `max` characters.
pub fn text(field: &str, value: &str, max: usize) -> Result<String, Error> {
    let v = value.trim();
    if v.is_empty() {
        return Err(Error::invalid_field(field, "required", "must not be empty"));
    }
    if v.contains('\0') {
        // PostgreSQL cannot store NUL in text; refused on every database alike
        return Err(Error::invalid_field(
            field,
            "invalid_character",
            "must not contain NUL characters",
        ));
    }
    if v.chars().count() > max {
        return Err(Error::invalid_field(
            field,
            "too_long",
            format!("must be at most {max} characters"),
        ));
    }
    Ok(v.to_string())
}

/// A text of at most `max` characters, possibly empty.
pub fn optional_text(field: &str, value: &str, max: usize) -> Result<String, Error> {
    if value.trim().is_empty() {
        return Ok(String::new());
    }
    text(field, value, max)
}

/// An email address, lowercased.
pub fn email(field: &str, value: &str) -> Result<String, Error> {
    let v = text(field, value, 254)?.to_lowercase();
    let valid = match v.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !v.chars().any(|c| c.is_whitespace() || c == ',')
                && !domain.contains('@')
        }
        None => false,
    };
    if valid {
        Ok(v)
    } else {
        Err(Error::invalid_field(
            field,
            "invalid_email",
            "is not an email address",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails() {
        assert_eq!(
            email("email", " Ada@Example.COM ").unwrap(),
            "ada@example.com"
        );
        for bad in [
            "", "ada", "ada@", "@x.io", "a b@x.io", "a@x", "a@x.io.", "a@@x.io",
        ] {
            assert!(email("email", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn texts() {
        assert_eq!(text("name", "  Ada ", 10).unwrap(), "Ada");
        assert!(text("name", "   ", 10).is_err());
        assert!(text("name", "abcdefghijk", 10).is_err());
        assert!(text("name", "a\0b", 10).is_err());
        assert_eq!(optional_text("d", "", 10).unwrap(), "");
    }
}
