//! Filing items: editions, sections, authors and tags they need, and the items themselves.

use jiff::Timestamp;

use super::{Newsroom, NewsroomError};
use crate::domain::{
    DomainError, Edition, EditionCode, ItemContent, ItemId, ItemKind, PersonName, Section, Slug,
    Status,
};
use crate::store::{Entity, ItemExtras, NewItemRow, Writer};

/// How a filing names its section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SectionRef {
    /// An existing section, by slug; an unknown one is refused.
    Slug(String),
    /// A section by its display name, created when the edition has none of that name
    /// (copy from the wire names sections as readers see them).
    Named(String),
}

/// How a filing names its related item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Related {
    /// An existing item of the same edition.
    Id(ItemId),
    /// An earlier filing of the same batch, by position.
    Earlier(usize),
}

/// One item as an editor or an importer files it.
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
        }
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

impl Newsroom {
    /// Files a whole batch in one transaction: all of it is stored, or none.
    pub async fn file_batch(&self, batch: &Batch) -> Result<Vec<Filed>, NewsroomError> {
        let mut w = self.store.begin(self.clock.now()).await?;
        for edition in &batch.editions {
            ensure_edition(&mut w, edition).await?;
        }
        for (edition, slug, name) in &batch.sections {
            let code = known_edition(&mut w, edition).await?;
            let slug = Section::check_slug(slug)?;
            let name = PersonName::parse(name)?;
            if w.section(&code, slug.as_ref()).await?.is_none() {
                w.insert_section(&code, slug.as_ref(), name.as_ref())
                    .await?;
                w.append_change(
                    Entity::Taxonomy,
                    &format!("section:{code}:{slug}"),
                    "created",
                )
                .await?;
            }
        }
        let mut filed = Vec::with_capacity(batch.filings.len());
        for filing in &batch.filings {
            let outcome = file_one(&mut w, filing, &filed).await?;
            filed.push(outcome);
        }
        w.commit().await?;
        self.after_commit();
        let new = filed.iter().filter(|f| matches!(f, Filed::New(_))).count();
        tracing::info!(
            items.new = new,
            "filed a batch of {} items, {new} new",
            filed.len()
        );
        Ok(filed)
    }
}

async fn ensure_edition(w: &mut Writer, edition: &Edition) -> Result<(), NewsroomError> {
    if w.edition(&edition.code).await?.is_none() {
        let name = PersonName::parse(&edition.name)?;
        let outlet = PersonName::parse(&edition.outlet)?;
        let edition = Edition {
            code: edition.code.clone(),
            name: name.as_ref().to_owned(),
            outlet: outlet.as_ref().to_owned(),
        };
        w.insert_edition(&edition).await?;
        w.append_change(
            Entity::Taxonomy,
            &format!("edition:{}", edition.code),
            "created",
        )
        .await?;
    }
    Ok(())
}

async fn known_edition(w: &mut Writer, code: &str) -> Result<EditionCode, NewsroomError> {
    let code = EditionCode::parse(code)?;
    match w.edition(&code).await? {
        Some(_) => Ok(code),
        None => Err(NewsroomError::UnknownEdition(code.to_string())),
    }
}

async fn file_one(
    w: &mut Writer,
    filing: &Filing,
    earlier: &[Filed],
) -> Result<Filed, NewsroomError> {
    if let Some(key) = &filing.source_key
        && let Some(id) = w.item_by_source_key(key).await?
    {
        return Ok(Filed::AlreadyThere(id));
    }
    let edition = known_edition(w, &filing.edition).await?;
    let content = ItemContent::new(
        filing.kind,
        &filing.headline,
        filing.dek.as_deref(),
        &filing.body,
        &filing.authors,
        filing.outlet.as_deref(),
        &filing.tags,
    )?;
    let section = match &filing.section {
        SectionRef::Slug(slug) => {
            w.section(&edition, slug)
                .await?
                .ok_or_else(|| DomainError::UnknownSection {
                    edition: edition.to_string(),
                    section: slug.clone(),
                })?
        }
        SectionRef::Named(name) => section_named(w, &edition, name).await?,
    };
    let mut authors = Vec::with_capacity(content.byline.authors.len());
    for name in &content.byline.authors {
        let slug = Slug::from_text(name.as_ref(), "author");
        let id = match w.author(slug.as_ref()).await? {
            Some(author) => author.id,
            None => {
                let id = w.insert_author(slug.as_ref(), name.as_ref()).await?;
                w.append_change(Entity::Taxonomy, &format!("author:{slug}"), "created")
                    .await?;
                id
            }
        };
        if !authors.contains(&id) {
            authors.push(id);
        }
    }
    let mut tags = Vec::with_capacity(content.tags.len());
    for name in &content.tags {
        let slug = Slug::from_text(name.as_ref(), "tag");
        let id = match w.tag(&edition, slug.as_ref()).await? {
            Some(tag) => tag.id,
            None => {
                let id = w.insert_tag(&edition, slug.as_ref(), name.as_ref()).await?;
                w.append_change(
                    Entity::Taxonomy,
                    &format!("tag:{edition}:{slug}"),
                    "created",
                )
                .await?;
                id
            }
        };
        if !tags.contains(&id) {
            tags.push(id);
        }
    }
    let related = match filing.related {
        None => None,
        Some(Related::Earlier(index)) => match earlier.get(index) {
            Some(f) => Some(f.id()),
            None => return Err(NewsroomError::UnknownRelated(format!("#{index}"))),
        },
        Some(Related::Id(id)) => {
            if !w.item_exists(&edition, id).await? {
                return Err(NewsroomError::UnknownRelated(id.to_string()));
            }
            Some(id)
        }
    };
    let status = if filing.published_at > w.now() {
        Status::Scheduled
    } else {
        Status::Published
    };
    let id = w
        .insert_item(&NewItemRow {
            edition: &edition,
            content: &content,
            section: section.id,
            authors: &authors,
            tags: &tags,
            related,
            status,
            pinned: filing.pinned,
            published_at: Some(filing.published_at),
            source_key: filing.source_key.as_deref(),
            extras: ItemExtras::default(),
        })
        .await?;
    w.append_change(Entity::Item, &id.to_string(), status.as_str())
        .await?;
    tracing::debug!(item.id = id, edition = %edition, "filed item {id} as {}", status.as_str());
    Ok(Filed::New(id))
}

async fn section_named(
    w: &mut Writer,
    edition: &EditionCode,
    name: &str,
) -> Result<Section, NewsroomError> {
    let name = PersonName::parse(name)?;
    if let Some(section) = w.section_named(edition, name.as_ref()).await? {
        return Ok(section);
    }
    let slug = Section::check_slug(Slug::from_text(name.as_ref(), "section").as_ref())?;
    if let Some(section) = w.section(edition, slug.as_ref()).await? {
        return Ok(section);
    }
    let id = w
        .insert_section(edition, slug.as_ref(), name.as_ref())
        .await?;
    w.append_change(
        Entity::Taxonomy,
        &format!("section:{edition}:{slug}"),
        "created",
    )
    .await?;
    Ok(Section {
        id,
        edition: edition.clone(),
        slug,
        name: name.as_ref().to_owned(),
    })
}
