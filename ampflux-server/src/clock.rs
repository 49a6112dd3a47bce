//! Times: the database keeps milliseconds since the Unix epoch (UTC); the API writes RFC 3339.

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// Milliseconds since the Unix epoch, now.
pub fn now_ms() -> i64 {
    (OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000) as i64
}

/// Days since the Unix epoch (UTC) of a time in milliseconds: the key of daily counters.
pub fn day_of(ms: i64) -> i64 {
    ms.div_euclid(86_400_000)
}

/// RFC 3339 text (`2026-11-28T20:53:57.123Z`) of a time in milliseconds.
pub fn rfc3339(ms: i64) -> String {
    OffsetDateTime::from_unix_timestamp_nanos(ms as i128 * 1_000_000)
        .ok()
        .and_then(|t| t.format(&Rfc3339).ok())
        .unwrap_or_default()
}

/// Milliseconds of an RFC 3339 text, or `None` when it is not one.
pub fn parse_rfc3339(text: &str) -> Option<i64> {
    OffsetDateTime::parse(text, &Rfc3339)
        .ok()
        .map(|t| (t.unix_timestamp_nanos() / 1_000_000) as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let ms = 1_795_000_000_123;
        assert_eq!(parse_rfc3339(&rfc3339(ms)), Some(ms));
        assert_eq!(day_of(86_400_000 * 3 + 5), 3);
        assert!(parse_rfc3339("yesterday").is_none());
    }
}
