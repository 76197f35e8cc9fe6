//! The newsroom's use cases: the only code that writes content.
//!
//! Each use case checks the rules, writes the rows and their change-log entries in
//! one transaction, and then wakes the projections.

mod filing;
mod schedule;

use std::sync::Arc;

use thiserror::Error;
use tokio::sync::Notify;

pub use filing::{Batch, Filed, Filing, Related, SectionRef};

use crate::domain::DomainError;
use crate::store::{Store, StoreError};

/// Why a use case refused or failed; nothing was written.
#[derive(Debug, Error)]
pub enum NewsroomError {
    /// A value broke a domain rule.
    #[error(transparent)]
    Invalid(#[from] DomainError),
    /// The edition does not exist.
    #[error("there is no edition '{0}'")]
    UnknownEdition(String),
    /// The related item does not exist in the same edition.
    #[error("the related item {0} does not exist in this edition")]
    UnknownRelated(String),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Entry point for every content change.
#[derive(Clone)]
pub struct Newsroom {
    store: Store,
    committed: Arc<Notify>,
}

impl Newsroom {
    /// A newsroom writing to `store` and waking `committed` after every commit.
    pub fn new(store: Store, committed: Arc<Notify>) -> Self {
        Self { store, committed }
    }

    fn after_commit(&self) {
        // A stored permit means a feeder that is busy right now still runs once more.
        self.committed.notify_one();
    }
}
