//! The wire queue: agency copy filed by the feed poller or `import feed`, waiting for
//! the desk, and the feeds it comes from.
//!
//! Wire copy is never published by itself. Taking a story creates a draft through the
//! same use case as the editor's "New item" ([`Newsroom::create_in`]), crediting the
//! source, and marks the story taken in the same transaction, so two people taking it
//! at once get one draft between them.

use super::command::{Draft, DraftInput, FieldErrors, ItemCommand, SectionRef, Step};
use super::editing::EditError;
use super::{Actor, Newsroom, NewsroomError};
use crate::domain::{
    Action, CopyState, EditionCode, FeedUrl, Headline, ItemId, ItemKind, PollInterval, Scope,
    SourceName, escape_text, may,
};
use crate::import::feed::Story;
use crate::store::{CopyRecord, FeedRecord, NewCopy, NewFeed};

/// The name the feed poller files copy under, in the audit log.
pub const WIRE_ACTOR: &str = "wire";
/// The name feeds declared in the site config are kept in step under.
pub const CONFIG_ACTOR: &str = "config";
/// Stories listed on one page of the wire queue.
pub const WIRE_PAGE_SIZE: i64 = 30;

/// A story of the wire queue.
pub type WireCopy = CopyRecord;
/// An agency feed and its polling state.
pub type WireFeed = FeedRecord;

/// A feed to poll, with every value checked.
#[derive(Debug, Clone)]
pub struct FeedRequest {
    /// The source's name, which its copy is filed and credited under.
    pub name: SourceName,
    /// Where it is fetched from.
    pub url: FeedUrl,
    /// The edition its copy is for.
    pub edition: EditionCode,
    /// How often it is polled.
    pub interval: PollInterval,
}

/// What filing a feed's stories came to.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WireFiled {
    /// Stories new to the queue.
    pub new: usize,
    /// Stories the queue had from this source already.
    pub already: usize,
}

/// One page of the wire queue.
#[derive(Debug, Clone)]
pub struct WirePage {
    /// Waiting stories, newest first.
    pub copy: Vec<WireCopy>,
    /// How many wait in all.
    pub waiting: i64,
}

fn allowed(actor: &Actor, action: Action) -> Result<(), NewsroomError> {
    if may(actor.role, action, Scope::Newsroom) {
        Ok(())
    } else {
        Err(NewsroomError::Forbidden)
    }
}

/// The body of a draft taken from `copy`: its text, then a line crediting the source
/// and linking the original. The text is sanitized HTML already, which Markdown keeps
/// (and the renderer sanitizes again).
fn taken_body(copy: &CopyRecord) -> String {
    let text = if copy.content.trim().is_empty() {
        copy.summary.trim()
    } else {
        copy.content.trim()
    };
    let source = escape_text(&copy.source);
    let credit = match &copy.link {
        Some(link) => format!(
            "<p>Source: {source}, <a href=\"{}\">original report</a>.</p>",
            escape_text(link)
        ),
        None => format!("<p>Source: {source}.</p>"),
    };
    if text.is_empty() {
        credit
    } else {
        format!("{text}\n\n{credit}")
    }
}

/// A headline from a wire title, cut to the longest a headline may be.
fn headline_of(title: &str) -> String {
    if title.chars().count() <= Headline::MAX_CHARS {
        title.to_owned()
    } else {
        let mut cut: String = title.chars().take(Headline::MAX_CHARS - 1).collect();
        cut.push('…');
        cut
    }
}

impl Newsroom {
    /// Files a feed's stories from `source` into the queue as `actor`, each once per
    /// source however often it comes; one audit entry names what was new.
    pub async fn file_wire_copy(
        &self,
        actor: &Actor,
        source: &SourceName,
        feed: Option<i64>,
        edition: &EditionCode,
        stories: &[Story],
    ) -> Result<WireFiled, NewsroomError> {
        allowed(actor, Action::FileWire)?;
        let mut w = self.store.begin(self.clock.now()).await?;
        if w.edition(edition).await?.is_none() {
            return Err(NewsroomError::UnknownEdition(edition.to_string()));
        }
        let mut filed = WireFiled::default();
        for story in stories {
            let id = w
                .insert_wire_copy(NewCopy {
                    feed_id: feed,
                    source: source.as_ref(),
                    guid: &story.guid,
                    edition: edition.as_ref(),
                    title: &story.title,
                    summary: &story.summary,
                    content: &story.content,
                    link: story.link.as_deref(),
                    published_at: story.published_at,
                    updated_at: story.updated_at,
                })
                .await?;
            match id {
                Some(_) => filed.new += 1,
                None => filed.already += 1,
            }
        }
        // A poll that brought nothing new leaves no trace, or the log would fill with them.
        if filed.new > 0 {
            w.audit_by(
                actor.by(),
                "wire copy filed",
                &format!("wire:{}", source.as_ref()),
                &format!("{} new, {} already in the queue", filed.new, filed.already),
            )
            .await?;
        }
        w.commit().await?;
        Ok(filed)
    }

    /// Page `page` (from 1) of the waiting stories, newest first.
    pub async fn wire_queue(&self, actor: &Actor, page: i64) -> Result<WirePage, NewsroomError> {
        allowed(actor, Action::ReadWire)?;
        let offset = page.saturating_sub(1).max(0).saturating_mul(WIRE_PAGE_SIZE);
        Ok(WirePage {
            copy: self.store.waiting_wire_copy(WIRE_PAGE_SIZE, offset).await?,
            waiting: self.store.waiting_wire_copy_count().await?,
        })
    }

    /// A story of the queue, in any state.
    pub async fn wire_copy(&self, actor: &Actor, id: i64) -> Result<WireCopy, NewsroomError> {
        allowed(actor, Action::ReadWire)?;
        self.store
            .wire_copy(id)
            .await?
            .ok_or(NewsroomError::NoWireCopy(id))
    }

    /// Takes a waiting story as a new draft owned by `actor`: headline from its title,
    /// body from its text with a line crediting the source and linking the original,
    /// the source as the outlet after `actor`'s name, in the edition's first section.
    /// The story is marked taken in the same transaction; a story taken or dismissed
    /// already is refused, so it never becomes two drafts.
    pub async fn take_wire_copy(&self, actor: &Actor, id: i64) -> Result<ItemId, NewsroomError> {
        allowed(actor, Action::ReadWire)?;
        if !may(actor.role, Action::Create, Scope::NewItem) {
            return Err(NewsroomError::Forbidden);
        }
        let mut w = self.store.begin(self.clock.now()).await?;
        let copy = w
            .wire_copy(id)
            .await?
            .ok_or(NewsroomError::NoWireCopy(id))?;
        refuse_handled(&copy)?;
        let edition = EditionCode::parse(&copy.edition)
            .map_err(|_| NewsroomError::UnknownEdition(copy.edition.clone()))?;
        let section = w
            .first_section(&edition)
            .await?
            .ok_or_else(|| NewsroomError::UnknownEdition(copy.edition.clone()))?;
        let draft = Draft::parse(DraftInput {
            edition: copy.edition.clone(),
            kind: ItemKind::Article.as_str().to_owned(),
            headline: headline_of(&copy.title),
            body: taken_body(&copy),
            section: SectionRef::Slug(section),
            authors: vec![actor.name.clone()],
            outlet: copy.source.clone(),
            ..DraftInput::default()
        })
        .map_err(NewsroomError::WireRefused)?;
        let command = ItemCommand {
            draft,
            step: Step::Save,
            withdraw_at: None,
            note: None,
        };
        let item = self
            .create_in(&mut w, actor, &command, None)
            .await
            .map_err(|e| match e {
                EditError::Invalid(errors) => NewsroomError::WireRefused(errors),
                EditError::Forbidden => NewsroomError::Forbidden,
                EditError::Store(e) => NewsroomError::Store(e),
                other => NewsroomError::WireRefused(FieldErrors::one(
                    super::command::Field::Form,
                    other.to_string(),
                )),
            })?;
        if !w
            .handle_wire_copy(id, CopyState::Taken.as_str(), Some(item), actor.id)
            .await?
        {
            return Err(NewsroomError::WireCopyHandled(copy.state));
        }
        w.audit_by(
            actor.by(),
            "wire copy taken",
            &format!("wire-copy:{id}"),
            &format!("as item:{item} from {}: {}", copy.source, copy.title),
        )
        .await?;
        w.commit().await?;
        self.after_commit();
        tracing::info!(
            item.id = item,
            wire.copy = id,
            "{} took wire copy {id} as draft {item}",
            actor.name
        );
        Ok(item)
    }

    /// Dismisses a waiting story from the queue.
    pub async fn dismiss_wire_copy(&self, actor: &Actor, id: i64) -> Result<(), NewsroomError> {
        allowed(actor, Action::DismissWire)?;
        let mut w = self.store.begin(self.clock.now()).await?;
        let copy = w
            .wire_copy(id)
            .await?
            .ok_or(NewsroomError::NoWireCopy(id))?;
        refuse_handled(&copy)?;
        if !w
            .handle_wire_copy(id, CopyState::Dismissed.as_str(), None, actor.id)
            .await?
        {
            return Err(NewsroomError::WireCopyHandled(copy.state));
        }
        w.audit_by(
            actor.by(),
            "wire copy dismissed",
            &format!("wire-copy:{id}"),
            &format!("from {}: {}", copy.source, copy.title),
        )
        .await?;
        w.commit().await?;
        Ok(())
    }

    /// Every agency feed, by name, with its polling state.
    pub async fn wire_feeds(&self, actor: &Actor) -> Result<Vec<WireFeed>, NewsroomError> {
        allowed(actor, Action::ManageWireFeeds)?;
        Ok(self.store.wire_feeds().await?)
    }

    /// Adds a feed, polled from now on; returns its id.
    pub async fn add_wire_feed(
        &self,
        actor: &Actor,
        request: &FeedRequest,
    ) -> Result<i64, NewsroomError> {
        allowed(actor, Action::ManageWireFeeds)?;
        let mut w = self.store.begin(self.clock.now()).await?;
        if w.edition(&request.edition).await?.is_none() {
            return Err(NewsroomError::UnknownEdition(request.edition.to_string()));
        }
        if w.wire_feed_named(request.name.as_ref()).await?.is_some() {
            return Err(NewsroomError::WireFeedTaken(
                request.name.as_ref().to_owned(),
            ));
        }
        let id = w.insert_wire_feed(new_feed(request, false)).await?;
        w.audit_by(
            actor.by(),
            "wire feed added",
            &format!("wire-feed:{id}"),
            &describe(request),
        )
        .await?;
        w.commit().await?;
        Ok(id)
    }

    /// Pauses or resumes polling a feed; a resumed feed is due at once, its failures
    /// forgotten.
    pub async fn set_wire_feed_enabled(
        &self,
        actor: &Actor,
        id: i64,
        enabled: bool,
    ) -> Result<(), NewsroomError> {
        allowed(actor, Action::ManageWireFeeds)?;
        let mut w = self.store.begin(self.clock.now()).await?;
        let name = w
            .set_wire_feed_enabled(id, enabled)
            .await?
            .ok_or(NewsroomError::NoWireFeed(id))?;
        let what = if enabled {
            "wire feed resumed"
        } else {
            "wire feed paused"
        };
        w.audit_by(actor.by(), what, &format!("wire-feed:{id}"), &name)
            .await?;
        w.commit().await?;
        Ok(())
    }

    /// Removes a feed; the copy it brought stays in the queue.
    pub async fn delete_wire_feed(&self, actor: &Actor, id: i64) -> Result<(), NewsroomError> {
        allowed(actor, Action::ManageWireFeeds)?;
        let mut w = self.store.begin(self.clock.now()).await?;
        let name = w
            .delete_wire_feed(id)
            .await?
            .ok_or(NewsroomError::NoWireFeed(id))?;
        w.audit_by(
            actor.by(),
            "wire feed removed",
            &format!("wire-feed:{id}"),
            &name,
        )
        .await?;
        w.commit().await?;
        Ok(())
    }

    /// Brings the feeds declared in the site config into the store: new ones added,
    /// changed ones updated (a paused one stays paused), each change audited under
    /// [`CONFIG_ACTOR`]. Feeds added in the newsroom are left alone.
    pub async fn configure_wire_feeds(&self, feeds: &[FeedRequest]) -> Result<(), NewsroomError> {
        let actor = Actor::system(CONFIG_ACTOR);
        allowed(&actor, Action::ManageWireFeeds)?;
        let mut w = self.store.begin(self.clock.now()).await?;
        // An edition that does not exist yet is not checked here, so a fresh site can
        // start; each poll then fails saying so, on the feeds page.
        for request in feeds {
            let subject;
            let what = match w.wire_feed_named(request.name.as_ref()).await? {
                None => {
                    let id = w.insert_wire_feed(new_feed(request, true)).await?;
                    subject = format!("wire-feed:{id}");
                    "wire feed added"
                }
                Some(old)
                    if old.url == request.url.as_ref()
                        && old.edition == request.edition.as_ref()
                        && old.interval_secs == request.interval.duration().as_secs()
                        && old.configured =>
                {
                    continue;
                }
                Some(old) => {
                    w.update_wire_feed(old.id, new_feed(request, true)).await?;
                    subject = format!("wire-feed:{}", old.id);
                    "wire feed changed"
                }
            };
            w.audit_by(actor.by(), what, &subject, &describe(request))
                .await?;
        }
        w.commit().await?;
        Ok(())
    }
}

fn refuse_handled(copy: &CopyRecord) -> Result<(), NewsroomError> {
    if copy.state == CopyState::Waiting.as_str() {
        Ok(())
    } else {
        Err(NewsroomError::WireCopyHandled(copy.state.clone()))
    }
}

fn new_feed(request: &FeedRequest, configured: bool) -> NewFeed<'_> {
    NewFeed {
        name: request.name.as_ref(),
        url: request.url.as_ref(),
        edition: &request.edition,
        interval_secs: request.interval.duration().as_secs(),
        configured,
    }
}

fn describe(request: &FeedRequest) -> String {
    format!(
        "{} from {} for {} every {} min",
        request.name.as_ref(),
        request.url.as_ref(),
        request.edition,
        request.interval.as_minutes()
    )
}
