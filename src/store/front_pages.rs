//! Front-page arrangements: one row per saved version of an edition's home page.

use jiff::Timestamp;
use sqlx::Row;

use super::editing::By;
use super::{Store, StoreError, StoreResult, Writer, rows};
use crate::domain::{Arrangement, EditionCode};

/// One saved version of an edition's front page.
#[derive(Debug, Clone)]
pub struct FrontPageRecord {
    /// The edition it arranges.
    pub edition: String,
    /// Its version, from 1 per edition.
    pub version: i64,
    /// What was chosen.
    pub arrangement: Arrangement,
    /// When it goes (or went) live.
    pub live_at: Timestamp,
    /// Whether it has gone live (else it waits for `live_at`).
    pub live: bool,
    /// The account that saved it, by display name.
    pub saved_by: Option<String>,
    /// When it was saved.
    pub saved_at: Timestamp,
}

/// A scheduled arrangement whose time has come.
#[derive(Debug, Clone)]
pub struct DueFrontPage {
    /// The edition.
    pub edition: String,
    /// The version going live.
    pub version: i64,
}

/// A query of saved versions with who saved them, `$rest` after the join.
macro_rules! select_versions {
    ($rest:literal) => {
        concat!(
            "SELECT f.edition, f.version, f.arrangement, f.live_at, f.state, ",
            "COALESCE(u.display_name, f.system_actor), f.saved_at ",
            "FROM front_pages f LEFT JOIN users u ON u.id = f.saved_by ",
            $rest
        )
    };
}

fn record(row: &sqlx::any::AnyRow) -> StoreResult<FrontPageRecord> {
    let text: String = row.try_get(2)?;
    let arrangement = serde_json::from_str(&text)
        .map_err(|e| StoreError::Corrupt(format!("front page arrangement: {e}")))?;
    Ok(FrontPageRecord {
        edition: row.try_get(0)?,
        version: row.try_get(1)?,
        arrangement,
        live_at: rows::instant(row.try_get(3)?)?,
        live: row.try_get::<String, _>(4)? == "live",
        saved_by: row.try_get(5)?,
        saved_at: rows::instant(row.try_get(6)?)?,
    })
}

impl Writer {
    /// The newest version of an edition's front page inside this transaction, 0 for none.
    pub async fn front_page_version(&mut self, edition: &EditionCode) -> StoreResult<i64> {
        let version: Option<i64> =
            sqlx::query_scalar("SELECT MAX(version) FROM front_pages WHERE edition = $1")
                .bind(edition.as_ref())
                .fetch_one(&mut *self.tx)
                .await?;
        Ok(version.unwrap_or(0))
    }

    /// Stores a new version of an edition's front page, live now or waiting for `live_at`.
    pub async fn insert_front_page(
        &mut self,
        edition: &EditionCode,
        version: i64,
        arrangement: &Arrangement,
        live_at: Timestamp,
        live: bool,
        by: By<'_>,
    ) -> StoreResult<()> {
        let text = serde_json::to_string(arrangement)
            .map_err(|e| StoreError::Corrupt(format!("front page arrangement: {e}")))?;
        sqlx::query(
            "INSERT INTO front_pages \
             (edition, version, arrangement, live_at, state, saved_by, system_actor, saved_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(edition.as_ref())
        .bind(version)
        .bind(text)
        .bind(live_at.as_microsecond())
        .bind(if live { "live" } else { "scheduled" })
        .bind(by.account())
        .bind(by.system())
        .bind(self.now.as_microsecond())
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    /// Scheduled arrangements whose time has come, oldest time first.
    pub async fn due_front_pages(&mut self, now: Timestamp) -> StoreResult<Vec<DueFrontPage>> {
        let rows = sqlx::query(
            "SELECT edition, version FROM front_pages \
             WHERE state = 'scheduled' AND live_at <= $1 ORDER BY live_at, version",
        )
        .bind(now.as_microsecond())
        .fetch_all(&mut *self.tx)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(DueFrontPage {
                    edition: r.try_get(0)?,
                    version: r.try_get(1)?,
                })
            })
            .collect()
    }

    /// Marks a scheduled arrangement live.
    pub async fn set_front_page_live(&mut self, edition: &str, version: i64) -> StoreResult<()> {
        sqlx::query(
            "UPDATE front_pages SET state = 'live' \
             WHERE edition = $1 AND version = $2 AND state = 'scheduled'",
        )
        .bind(edition)
        .bind(version)
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }
}

impl Store {
    /// Whether any scheduled arrangement's time has come (a cheap check for every tick).
    pub async fn has_due_front_pages(&self, now: Timestamp) -> StoreResult<bool> {
        let found: Option<i64> = sqlx::query_scalar(
            "SELECT 1 FROM front_pages WHERE state = 'scheduled' AND live_at <= $1 LIMIT 1",
        )
        .bind(now.as_microsecond())
        .fetch_optional(&self.pool)
        .await?;
        Ok(found.is_some())
    }

    /// The arrangement readers see for each edition that has one: its newest live version
    /// by go-live time.
    pub async fn live_front_pages(&self) -> StoreResult<Vec<FrontPageRecord>> {
        let rows = sqlx::query(select_versions!(
            "WHERE f.state = 'live' ORDER BY f.edition, f.live_at DESC, f.version DESC"
        ))
        .fetch_all(&self.reads)
        .await?;
        let mut current: Vec<FrontPageRecord> = Vec::new();
        for row in &rows {
            let r = record(row)?;
            if current.last().is_none_or(|c| c.edition != r.edition) {
                current.push(r);
            }
        }
        Ok(current)
    }

    /// The live arrangement of one edition, if it has one.
    pub async fn live_front_page(&self, edition: &str) -> StoreResult<Option<FrontPageRecord>> {
        let row = sqlx::query(select_versions!(
            "WHERE f.edition = $1 AND f.state = 'live' \
             ORDER BY f.live_at DESC, f.version DESC LIMIT 1"
        ))
        .bind(edition)
        .fetch_optional(&self.reads)
        .await?;
        row.as_ref().map(record).transpose()
    }

    /// One saved version of an edition's front page.
    pub async fn front_page_version(
        &self,
        edition: &str,
        version: i64,
    ) -> StoreResult<Option<FrontPageRecord>> {
        let row = sqlx::query(select_versions!("WHERE f.edition = $1 AND f.version = $2"))
            .bind(edition)
            .bind(version)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(record).transpose()
    }

    /// An edition's saved versions, newest first.
    pub async fn front_page_history(
        &self,
        edition: &str,
        limit: i64,
    ) -> StoreResult<Vec<FrontPageRecord>> {
        let rows = sqlx::query(select_versions!(
            "WHERE f.edition = $1 ORDER BY f.version DESC LIMIT $2"
        ))
        .bind(edition)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(record).collect()
    }
}

impl Writer {
    /// Whether the section with this id belongs to the edition.
    pub async fn section_in_edition(
        &mut self,
        edition: &EditionCode,
        id: crate::domain::SectionId,
    ) -> StoreResult<bool> {
        let found: Option<i64> =
            sqlx::query_scalar("SELECT id FROM sections WHERE id = $1 AND edition = $2")
                .bind(id)
                .bind(edition.as_ref())
                .fetch_optional(&mut *self.tx)
                .await?;
        Ok(found.is_some())
    }
}
