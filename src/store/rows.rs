//! Decoding stored values into domain types; a value that does not decode is corrupt.

use jiff::Timestamp;

use super::{StoreError, StoreResult};
use crate::domain::{EditionCode, Slug};

/// `$1, $2, …, $n`: the placeholders of an `IN (…)` list of `n` values.
pub(super) fn placeholders(n: usize) -> String {
    (1..=n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

pub(super) fn instant(micros: i64) -> StoreResult<Timestamp> {
    Timestamp::from_microsecond(micros).map_err(|e| StoreError::Corrupt(e.to_string()))
}

pub(super) fn edition(code: &str) -> StoreResult<EditionCode> {
    EditionCode::parse(code).map_err(|e| StoreError::Corrupt(e.to_string()))
}

pub(super) fn slug(raw: &str) -> StoreResult<Slug> {
    Slug::parse(raw).map_err(|e| StoreError::Corrupt(e.to_string()))
}

pub(super) fn corrupt(err: crate::domain::DomainError) -> StoreError {
    StoreError::Corrupt(err.to_string())
}
