//! Filing copy from elsewhere: importers hand the newsroom a batch (editions and
//! sections it needs, then items), which goes in whole or not at all, each item
//! through the same use case as the editor's, as a named part of the system.

use jiff::Timestamp;

use super::command::{Draft, DraftInput, Field, FieldErrors, ItemCommand, SectionRef, Step};
use super::editing::EditError;
use super::taxonomy::{ensure_edition, ensure_section};
use super::{Actor, Newsroom, NewsroomError};
use crate::domain::{Action, Edition, ItemId, ItemKind};

/// How a filing names its related item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Related {
    /// An existing item of the same edition.
    Id(ItemId),
    /// An earlier filing of the same batch, by position.
    Earlier(usize),
}

/// One item as an importer read it from its copy, before any check.
#[derive(Debug, Clone)]
pub struct Filing {
    /// Edition code.
    pub edition: String,
    /// Section it goes in.
    pub section: SectionRef,
    /// Article or brief.
    pub kind: ItemKind,
    /// Headline as typed.
    pub headline: String,
    /// Optional standfirst.
    pub dek: Option<String>,
    /// Body in Markdown.
    pub body: String,
    /// Author names in byline order.
    pub authors: Vec<String>,
    /// Outlet after the byline, if it differs from the edition's.
    pub outlet: Option<String>,
    /// Tag names.
    pub tags: Vec<String>,
    /// Promoted item.
    pub related: Option<Related>,
    /// Lead story on the home page.
    pub pinned: bool,
    /// Publication time; a future one schedules the item instead.
    pub published_at: Timestamp,
    /// Identity in the source copy; a filing whose key is already stored is skipped.
    pub source_key: Option<String>,
    /// The lead image, an uploaded image's id.
    pub lead_media: Option<i64>,
}

impl Filing {
    /// A headline-only brief with nothing else set, to fill in further as needed.
    pub fn brief(
        edition: &str,
        section: SectionRef,
        headline: &str,
        published_at: Timestamp,
    ) -> Self {
        Self {
            edition: edition.to_owned(),
            section,
            kind: ItemKind::Brief,
            headline: headline.to_owned(),
            dek: None,
            body: String::new(),
            authors: Vec::new(),
            outlet: None,
            tags: Vec::new(),
            related: None,
            pinned: false,
            published_at,
            source_key: None,
            lead_media: None,
        }
    }

    /// Checks the filing's fields: its draft (without its related item, which is
    /// linked as it is filed), or every field that is wrong. Writes nothing.
    pub fn draft(&self) -> Result<Draft, FieldErrors> {
        Draft::parse(DraftInput {
            new_authors: None,
            edition: self.edition.clone(),
            kind: self.kind.as_str().to_owned(),
            headline: self.headline.clone(),
            slug: String::new(),
            dek: self.dek.clone().unwrap_or_default(),
            seo_title: String::new(),
            seo_description: String::new(),
            body: self.body.clone(),
            section: self.section.clone(),
            authors: self.authors.clone(),
            outlet: self.outlet.clone().unwrap_or_default(),
            tags: self.tags.clone(),
            translation_of: None,
            related: match self.related {
                Some(Related::Id(id)) => Some(id),
                _ => None,
            },
            lead_media: self.lead_media,
            pinned: self.pinned,
            breaking: false,
            embargo: None,
        })
    }
}

/// A set of changes that succeed or fail together.
#[derive(Debug, Clone, Default)]
pub struct Batch {
    /// Editions to create when missing.
    pub editions: Vec<Edition>,
    /// Sections to create when missing: edition code, slug, display name.
    pub sections: Vec<(String, String, String)>,
    /// Items to file, in order.
    pub filings: Vec<Filing>,
}

impl Batch {
    /// Adds another batch after this one, keeping its related links pointing at its own items.
    pub fn append(&mut self, other: Batch) {
        let offset = self.filings.len();
        self.editions.extend(other.editions);
        self.sections.extend(other.sections);
        self.filings.extend(other.filings.into_iter().map(|mut f| {
            if let Some(Related::Earlier(i)) = f.related {
                f.related = Some(Related::Earlier(i + offset));
            }
            f
        }));
    }
}

/// What became of one filing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Filed {
    /// Stored as a new item.
    New(ItemId),
    /// Its source key was stored already; left as it was.
    AlreadyThere(ItemId),
}

impl Filed {
    /// The item's id either way.
    pub fn id(self) -> ItemId {
        match self {
            Self::New(id) | Self::AlreadyThere(id) => id,
        }
    }
}

/// A refusal of the filing at `index`, naming it.
fn refused(index: usize, filing: &Filing, errors: FieldErrors) -> NewsroomError {
    NewsroomError::Refused {
        position: index + 1,
        headline: filing.headline.clone(),
        errors,
    }
}

impl Newsroom {
    /// Marks items as translations of others, each pair named by source keys
    /// (translation, translated), in one transaction through the editor's save: a
    /// revision and an audit entry each. Pairs already linked are left alone.
    pub async fn link_translations(
        &self,
        actor: &Actor,
        pairs: &[(String, String)],
    ) -> Result<(), NewsroomError> {
        if pairs.is_empty() {
            return Ok(());
        }
        let mut w = self.store.begin(self.clock.now()).await?;
        for (key, target) in pairs {
            let unknown = || NewsroomError::Untranslatable(key.clone());
            let id = w.item_by_source_key(key).await?.ok_or_else(unknown)?;
            let of = w.item_by_source_key(target).await?.ok_or_else(unknown)?;
            let item = w.item_for_update(id).await?.ok_or_else(unknown)?;
            if item.translation_of.is_some() {
                continue;
            }
            let mut draft = self.draft_of(&item).await.map_err(|e| match e {
                EditError::Store(e) => NewsroomError::Store(e),
                other => NewsroomError::Untranslatable(format!("{key}: {other}")),
            })?;
            draft.translation_of = Some(of);
            let command = ItemCommand {
                draft,
                step: Step::Save,
                withdraw_at: None,
                note: None,
            };
            self.save_in(&mut w, actor, id, item.version, &command, Action::Edit)
                .await
                .map_err(|e| match e {
                    EditError::Store(e) => NewsroomError::Store(e),
                    EditError::Forbidden => NewsroomError::Forbidden,
                    other => NewsroomError::Untranslatable(format!("{key}: {other}")),
                })?;
        }
        w.commit().await?;
        self.after_commit();
        Ok(())
    }

    /// Files a whole batch as `actor` in one transaction: all of it is stored, or none.
    ///
    /// Every filing is checked before anything is written; each item is then created
    /// by the same use case as an editor's (roles, revisions, audit entries), with the
    /// step [`Step::PublishAsOf`] its publication time. Filings whose source key is
    /// stored already are skipped.
    pub async fn file_batch(
        &self,
        actor: &Actor,
        batch: &Batch,
    ) -> Result<Vec<Filed>, NewsroomError> {
        let drafts = batch
            .filings
            .iter()
            .enumerate()
            .map(|(i, f)| f.draft().map_err(|errors| refused(i, f, errors)))
            .collect::<Result<Vec<_>, _>>()?;
        let mut w = self.store.begin(self.clock.now()).await?;
        for edition in &batch.editions {
            ensure_edition(&mut w, actor, edition).await?;
        }
        for (edition, slug, name) in &batch.sections {
            ensure_section(&mut w, actor, edition, slug, name).await?;
        }
        let mut filed: Vec<Filed> = Vec::with_capacity(batch.filings.len());
        for (index, (filing, mut draft)) in batch.filings.iter().zip(drafts).enumerate() {
            if let Some(key) = &filing.source_key
                && let Some(id) = w.item_by_source_key(key).await?
            {
                filed.push(Filed::AlreadyThere(id));
                continue;
            }
            if let Some(Related::Earlier(earlier)) = filing.related {
                let Some(target) = filed.get(earlier) else {
                    return Err(NewsroomError::UnknownRelated(format!("#{earlier}")));
                };
                draft.related = Some(target.id());
            }
            let command = ItemCommand {
                draft,
                step: Step::PublishAsOf(filing.published_at),
                withdraw_at: None,
                note: None,
            };
            let id = self
                .create_in(&mut w, actor, &command, filing.source_key.as_deref())
                .await
                .map_err(|e| match e {
                    EditError::Invalid(errors) => refused(index, filing, errors),
                    EditError::Forbidden => NewsroomError::Forbidden,
                    EditError::Store(e) => NewsroomError::Store(e),
                    other => refused(
                        index,
                        filing,
                        FieldErrors::one(Field::Form, other.to_string()),
                    ),
                })?;
            tracing::debug!(item.id = id, "filed item {id} as {}", actor.name);
            filed.push(Filed::New(id));
        }
        w.commit().await?;
        self.after_commit();
        let new = filed.iter().filter(|f| matches!(f, Filed::New(_))).count();
        tracing::info!(
            items.new = new,
            actor = %actor.name,
            "filed a batch of {} items, {new} new",
            filed.len()
        );
        Ok(filed)
    }
}
