use sqlx::Row;
use sqlx::any::AnyRow;

use super::{Store, StoreResult, Writer, rows};
use crate::domain::{
    Author, AuthorId, Edition, EditionCode, LanguageTag, Section, SectionId, Tag, TagId,
};

/// Columns of [`edition_from`].
const EDITION_COLUMNS: &str = "code, name, outlet, language, time_zone, launched";

fn edition_from(row: &AnyRow) -> StoreResult<Edition> {
    let mut edition = Edition::new(
        rows::edition(&row.try_get::<String, _>("code")?)?,
        row.try_get::<String, _>("name")?,
        row.try_get::<String, _>("outlet")?,
    );
    if let Some(tag) = row.try_get::<Option<String>, _>("language")? {
        edition.language = LanguageTag::parse(&tag).map_err(rows::corrupt)?;
    }
    edition.time_zone = row.try_get("time_zone")?;
    edition.launched = row.try_get::<i64, _>("launched")? != 0;
    Ok(edition)
}

fn section_from(row: &AnyRow) -> StoreResult<Section> {
    Ok(Section {
        id: row.try_get("id")?,
        edition: rows::edition(&row.try_get::<String, _>("edition")?)?,
        slug: rows::slug(&row.try_get::<String, _>("slug")?)?,
        name: row.try_get("name")?,
        hidden: row.try_get::<i64, _>("hidden")? != 0,
    })
}

fn author_from(row: &AnyRow) -> StoreResult<Author> {
    Ok(Author {
        id: row.try_get("id")?,
        slug: rows::slug(&row.try_get::<String, _>("slug")?)?,
        name: row.try_get("name")?,
    })
}

fn tag_from(row: &AnyRow) -> StoreResult<Tag> {
    Ok(Tag {
        id: row.try_get("id")?,
        edition: rows::edition(&row.try_get::<String, _>("edition")?)?,
        slug: rows::slug(&row.try_get::<String, _>("slug")?)?,
        name: row.try_get("name")?,
    })
}

impl Store {
    /// Every edition, in display order.
    pub async fn editions(&self) -> StoreResult<Vec<Edition>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {EDITION_COLUMNS} FROM editions ORDER BY position, code"
        )))
        .fetch_all(&self.reads)
        .await?;
        rows.iter().map(edition_from).collect()
    }

    /// Every section of every edition, in display order.
    pub async fn sections(&self) -> StoreResult<Vec<Section>> {
        let rows = sqlx::query(
            "SELECT id, edition, slug, name, hidden FROM sections ORDER BY edition, position, id",
        )
        .fetch_all(&self.reads)
        .await?;
        rows.iter().map(section_from).collect()
    }

    /// Every section's earlier addresses: (edition, old slug, section).
    pub async fn section_redirects(&self) -> StoreResult<Vec<(String, String, SectionId)>> {
        let rows = sqlx::query("SELECT edition, slug, section_id FROM section_redirects")
            .fetch_all(&self.reads)
            .await?;
        rows.iter()
            .map(|r| {
                Ok((
                    r.try_get("edition")?,
                    r.try_get("slug")?,
                    r.try_get("section_id")?,
                ))
            })
            .collect()
    }

    /// Every author.
    pub async fn authors(&self) -> StoreResult<Vec<Author>> {
        let rows = sqlx::query("SELECT id, slug, name FROM authors ORDER BY id")
            .fetch_all(&self.reads)
            .await?;
        rows.iter().map(author_from).collect()
    }

    /// Every tag of every edition.
    pub async fn tags(&self) -> StoreResult<Vec<Tag>> {
        let rows = sqlx::query("SELECT id, edition, slug, name FROM tags ORDER BY id")
            .fetch_all(&self.reads)
            .await?;
        rows.iter().map(tag_from).collect()
    }
}

impl Writer {
    /// The edition with this code, if it exists.
    pub async fn edition(&mut self, code: &EditionCode) -> StoreResult<Option<Edition>> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {EDITION_COLUMNS} FROM editions WHERE code = $1"
        )))
        .bind(code.as_ref())
        .fetch_optional(&mut *self.tx)
        .await?;
        row.as_ref().map(edition_from).transpose()
    }

    /// Adds an edition at the end of the display order.
    pub async fn insert_edition(&mut self, edition: &Edition) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO editions (code, name, outlet, language, time_zone, launched, position) \
             VALUES ($1, $2, $3, $4, $5, $6, (SELECT COUNT(*) FROM editions))",
        )
        .bind(edition.code.as_ref())
        .bind(&edition.name)
        .bind(&edition.outlet)
        .bind(edition.language.as_ref())
        .bind(edition.time_zone.as_deref())
        .bind(i64::from(edition.launched))
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    /// Sets an edition's names, language, zone and place in the display order.
    pub async fn update_edition(&mut self, edition: &Edition, position: i64) -> StoreResult<()> {
        sqlx::query(
            "UPDATE editions SET name = $1, outlet = $2, language = $3, time_zone = $4, \
             position = $5, launched = $7 WHERE code = $6",
        )
        .bind(&edition.name)
        .bind(&edition.outlet)
        .bind(edition.language.as_ref())
        .bind(edition.time_zone.as_deref())
        .bind(position)
        .bind(edition.code.as_ref())
        .bind(i64::from(edition.launched))
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    /// Makes a draft edition public.
    pub async fn launch_edition(&mut self, code: &EditionCode) -> StoreResult<()> {
        sqlx::query("UPDATE editions SET launched = 1 WHERE code = $1")
            .bind(code.as_ref())
            .execute(&mut *self.tx)
            .await?;
        Ok(())
    }

    /// An edition's place in the display order.
    pub async fn edition_position(&mut self, code: &EditionCode) -> StoreResult<Option<i64>> {
        let position =
            sqlx::query_scalar("SELECT CAST(position AS BIGINT) FROM editions WHERE code = $1")
                .bind(code.as_ref())
                .fetch_optional(&mut *self.tx)
                .await?;
        Ok(position)
    }

    /// Whether an edition's old section address now leads to a section moved elsewhere.
    pub async fn section_moved_from(
        &mut self,
        edition: &EditionCode,
        slug: &str,
    ) -> StoreResult<bool> {
        let found: Option<i64> = sqlx::query_scalar(
            "SELECT section_id FROM section_redirects WHERE edition = $1 AND slug = $2",
        )
        .bind(edition.as_ref())
        .bind(slug)
        .fetch_optional(&mut *self.tx)
        .await?;
        Ok(found.is_some())
    }

    /// What the site config said of `subject` when it was last applied, if ever.
    pub async fn config_fingerprint(&mut self, subject: &str) -> StoreResult<Option<String>> {
        let fingerprint =
            sqlx::query_scalar("SELECT fingerprint FROM config_applied WHERE subject = $1")
                .bind(subject)
                .fetch_optional(&mut *self.tx)
                .await?;
        Ok(fingerprint)
    }

    /// Records what the site config says of `subject` as applied.
    pub async fn set_config_fingerprint(
        &mut self,
        subject: &str,
        fingerprint: &str,
    ) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO config_applied (subject, fingerprint) VALUES ($1, $2) \
             ON CONFLICT (subject) DO UPDATE SET fingerprint = excluded.fingerprint",
        )
        .bind(subject)
        .bind(fingerprint)
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    /// Gives a section a new address and name; the old address redirects to it.
    pub async fn readdress_section(
        &mut self,
        section: &Section,
        slug: &str,
        name: &str,
    ) -> StoreResult<()> {
        // A section taking an address that used to be another's ends that redirect.
        sqlx::query("DELETE FROM section_redirects WHERE edition = $1 AND slug = $2")
            .bind(section.edition.as_ref())
            .bind(slug)
            .execute(&mut *self.tx)
            .await?;
        if section.slug.as_ref() != slug {
            sqlx::query(
                "INSERT INTO section_redirects (edition, slug, section_id) VALUES ($1, $2, $3)",
            )
            .bind(section.edition.as_ref())
            .bind(section.slug.as_ref())
            .bind(section.id)
            .execute(&mut *self.tx)
            .await?;
        }
        sqlx::query("UPDATE sections SET slug = $1, name = $2 WHERE id = $3")
            .bind(slug)
            .bind(name)
            .bind(section.id)
            .execute(&mut *self.tx)
            .await?;
        Ok(())
    }

    /// Shows or hides a section in the masthead and the automatic home page.
    pub async fn set_section_hidden(&mut self, id: SectionId, hidden: bool) -> StoreResult<()> {
        sqlx::query("UPDATE sections SET hidden = $1 WHERE id = $2")
            .bind(i64::from(hidden))
            .bind(id)
            .execute(&mut *self.tx)
            .await?;
        Ok(())
    }

    /// An edition's sections in display order.
    pub async fn section_order(&mut self, edition: &EditionCode) -> StoreResult<Vec<SectionId>> {
        let ids =
            sqlx::query_scalar("SELECT id FROM sections WHERE edition = $1 ORDER BY position, id")
                .bind(edition.as_ref())
                .fetch_all(&mut *self.tx)
                .await?;
        Ok(ids)
    }

    /// Sets an edition's display order to `ids`, first to last.
    pub async fn set_section_order(&mut self, ids: &[SectionId]) -> StoreResult<()> {
        for (position, id) in ids.iter().enumerate() {
            sqlx::query("UPDATE sections SET position = $1 WHERE id = $2")
                .bind(position as i64)
                .bind(*id)
                .execute(&mut *self.tx)
                .await?;
        }
        Ok(())
    }

    /// Renames a section.
    pub async fn rename_section(&mut self, id: SectionId, name: &str) -> StoreResult<()> {
        sqlx::query("UPDATE sections SET name = $1 WHERE id = $2")
            .bind(name)
            .bind(id)
            .execute(&mut *self.tx)
            .await?;
        Ok(())
    }

    /// The section with this slug in an edition, if it exists.
    pub async fn section(
        &mut self,
        edition: &EditionCode,
        slug: &str,
    ) -> StoreResult<Option<Section>> {
        let row = sqlx::query(
            "SELECT id, edition, slug, name, hidden FROM sections WHERE edition = $1 AND slug = $2",
        )
        .bind(edition.as_ref())
        .bind(slug)
        .fetch_optional(&mut *self.tx)
        .await?;
        row.as_ref().map(section_from).transpose()
    }

    /// The section of an edition with this display name, if any.
    pub async fn section_named(
        &mut self,
        edition: &EditionCode,
        name: &str,
    ) -> StoreResult<Option<Section>> {
        let row = sqlx::query(
            "SELECT id, edition, slug, name, hidden FROM sections WHERE edition = $1 AND name = $2",
        )
        .bind(edition.as_ref())
        .bind(name)
        .fetch_optional(&mut *self.tx)
        .await?;
        row.as_ref().map(section_from).transpose()
    }

    /// Adds a section at the end of its edition's display order.
    pub async fn insert_section(
        &mut self,
        edition: &EditionCode,
        slug: &str,
        name: &str,
    ) -> StoreResult<SectionId> {
        let id = sqlx::query_scalar(
            "INSERT INTO sections (edition, slug, name, position) \
             VALUES ($1, $2, $3, (SELECT COUNT(*) FROM sections WHERE edition = $1)) RETURNING id",
        )
        .bind(edition.as_ref())
        .bind(slug)
        .bind(name)
        .fetch_one(&mut *self.tx)
        .await?;
        Ok(id)
    }

    /// The author with this slug, if any.
    pub async fn author(&mut self, slug: &str) -> StoreResult<Option<Author>> {
        let row = sqlx::query("SELECT id, slug, name FROM authors WHERE slug = $1")
            .bind(slug)
            .fetch_optional(&mut *self.tx)
            .await?;
        row.as_ref().map(author_from).transpose()
    }

    /// Adds an author.
    pub async fn insert_author(&mut self, slug: &str, name: &str) -> StoreResult<AuthorId> {
        let id =
            sqlx::query_scalar("INSERT INTO authors (slug, name) VALUES ($1, $2) RETURNING id")
                .bind(slug)
                .bind(name)
                .fetch_one(&mut *self.tx)
                .await?;
        Ok(id)
    }

    /// The tag with this slug in an edition, if any.
    pub async fn tag(&mut self, edition: &EditionCode, slug: &str) -> StoreResult<Option<Tag>> {
        let row = sqlx::query(
            "SELECT id, edition, slug, name FROM tags WHERE edition = $1 AND slug = $2",
        )
        .bind(edition.as_ref())
        .bind(slug)
        .fetch_optional(&mut *self.tx)
        .await?;
        row.as_ref().map(tag_from).transpose()
    }

    /// Adds a tag to an edition.
    pub async fn insert_tag(
        &mut self,
        edition: &EditionCode,
        slug: &str,
        name: &str,
    ) -> StoreResult<TagId> {
        let id = sqlx::query_scalar(
            "INSERT INTO tags (edition, slug, name) VALUES ($1, $2, $3) RETURNING id",
        )
        .bind(edition.as_ref())
        .bind(slug)
        .bind(name)
        .fetch_one(&mut *self.tx)
        .await?;
        Ok(id)
    }
}
