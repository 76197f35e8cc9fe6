//! Copy from outside the newsroom, parsed whole and handed to the newsroom as one batch.

pub mod bench;
pub mod demo;
pub mod feed;
pub mod text;
pub mod vocabulary;
pub mod wordpress;
pub mod wxr;

use thiserror::Error;

/// A file that is not in the expected shape; nothing from it was stored.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("line {line}: expected {expected}, found {found}")]
pub struct ShapeError {
    /// 1-based line number.
    pub line: usize,
    /// What the format has at this point.
    pub expected: String,
    /// What the file has instead (quoted, shortened), or "the end of the file".
    pub found: String,
}

impl ShapeError {
    fn at(line: usize, expected: impl Into<String>, found: Option<&str>) -> Self {
        let found = match found {
            None => "the end of the file".to_owned(),
            Some(text) => {
                let short: String = text.chars().take(80).collect();
                let more = if text.chars().count() > 80 { "…" } else { "" };
                format!("\"{short}{more}\"")
            }
        };
        Self {
            line,
            expected: expected.into(),
            found,
        }
    }
}
