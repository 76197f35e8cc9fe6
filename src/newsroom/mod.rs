//! The newsroom's use cases: the only code that writes content.
//!
//! Each use case checks the rules, writes the rows and their change-log entries in
//! one transaction, and then wakes the projections.

mod accounts;
mod api_reads;
mod command;
mod editing;
mod filing;
mod form;
mod front_page;
mod import_media;
mod importing;
mod media;
mod queries;
mod schedule;
mod taxonomy;
mod tokens;
mod two_factor;
mod webhooks;
mod wire;

use std::sync::Arc;

use thiserror::Error;
use tokio::sync::Notify;

pub use accounts::{
    ATTEMPT_WINDOW, Actor, Credentials, LoginError, MAX_ATTEMPTS_PER_ADDRESS,
    MAX_ATTEMPTS_PER_DEVICE, MAX_ATTEMPTS_PER_NAME_AND_ADDRESS, MAX_CODE_ATTEMPTS,
    MAX_CODE_FAILURES_PER_ACCOUNT, MAX_CONCURRENT_HASHES, Session, SignedIn, random_token,
    token_hash,
};
pub use command::{
    DESK_NOTE_TOO_LONG, DeskNote, Draft, DraftInput, Field, FieldError, FieldErrors, ItemCommand,
    SectionChoice, SectionRef, Step,
};
pub use editing::{EMBARGOED_UNTIL, EditError, NEW_AUTHOR};
pub use filing::{Batch, Filed, Filing, Related};
pub use form::{Button, ItemForm, Snapshot, WITHDRAW_AFTER_PUBLISHING};
pub use front_page::{FRONT_PAGE_HISTORY, FrontPageDesk, GoLive};
pub use import_media::ImportedImage;
pub use importing::{ImportError, ImportRun, Outcome, Standing};
pub use media::{ABANDONED_AFTER, FocalPoint, ImageFacts, ImageTexts};
pub use queries::Backlog;
pub use queries::Desk;
pub use taxonomy::EditionsApplied;
pub use tokens::{ApiToken, IssuedToken, TokenHolder, TokenRefusal, TokenRequest, TokenState};
pub use two_factor::{RECOVERY_CODES, TotpSetup, TwoFactorStatus, code_at};
pub use webhooks::{
    DELIVERIES_LISTED, Delivery, IssuedWebhook, WEBHOOK_SECRET_PREFIX, Webhook, WebhookRequest,
};
pub use wire::{
    CONFIG_ACTOR, FeedRequest, WIRE_ACTOR, WIRE_PAGE_SIZE, WireCopy, WireFeed, WireFiled, WirePage,
};

use crate::domain::{Clock, DomainError, SystemClock};
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
    /// A translation named by an importer could not be linked.
    #[error("cannot link the translation {0}")]
    Untranslatable(String),
    /// An item of a batch was refused; nothing of the batch was stored.
    #[error("item {position} (\"{headline}\"): {errors}")]
    Refused {
        /// Its position in the batch, from 1.
        position: usize,
        /// Its headline as given.
        headline: String,
        /// What is wrong with it.
        errors: FieldErrors,
    },
    /// The actor's role does not allow this.
    #[error("your role does not allow this")]
    Forbidden,
    /// A login name already in use.
    #[error("the login name '{0}' is taken")]
    Taken(String),
    /// Another section of the edition has this address.
    #[error("the section address (slug) '{0}' is taken")]
    SectionTaken(String),
    /// Another edition has this code.
    #[error("the edition code '{0}' is taken")]
    EditionTaken(String),
    /// No account has this login name.
    #[error("there is no account '{0}'")]
    NoAccount(String),

    #[error("the site must keep at least one active admin")]
    LastAdmin,
    /// The account is disabled.
    #[error("the account '{0}' is disabled")]
    AccountDisabled(String),
    /// A token request was refused; the error names the field.
    #[error(transparent)]
    Token(#[from] crate::domain::TokenError),
    /// No token has this id.
    #[error("there is no token '{0}'")]
    NoToken(String),
    /// No webhook (or no delivery of it) has this id.
    #[error("there is no webhook {0}")]
    NoWebhook(i64),
    /// A webhook was refused; the error says which field and why.
    #[error(transparent)]
    Webhook(#[from] crate::domain::WebhookError),
    /// No story of the wire queue has this id.
    #[error("there is no wire copy {0}")]
    NoWireCopy(i64),
    /// The story was taken or dismissed already; the text is its state.
    #[error("this wire copy was {0} already")]
    WireCopyHandled(String),
    /// The story could not become a draft; the errors say why.
    #[error("this wire copy cannot become a draft: {0}")]
    WireRefused(FieldErrors),
    /// No agency feed has this id.
    #[error("there is no wire feed {0}")]
    NoWireFeed(i64),
    /// Another feed has this name.
    #[error("name: there is a feed called '{0}' already")]
    WireFeedTaken(String),
    /// A feed's settings were refused; the error names the field.
    #[error(transparent)]
    Wire(#[from] crate::domain::WireError),
    /// The token was revoked already.
    #[error("the token '{0}' was already revoked")]
    TokenRevoked(String),
    /// The current password given was wrong.
    #[error("the current password is not right")]
    WrongPassword,
    /// Every password check slot is taken; nothing was done.
    #[error("the newsroom is busy; try again in a moment")]
    Busy,
    /// A two-factor step was refused; the text says why.
    #[error("{0}")]
    TwoFactor(&'static str),
    /// The operating system's random source or the hasher failed.
    #[error("could not make a secure token: {0}")]
    Random(String),
    /// An image without alt text.
    #[error("describe the image in the alt text: readers who cannot see it rely on it")]
    MissingAlt,
    /// An upload was refused; the message says why.
    #[error(transparent)]
    Media(#[from] crate::media::MediaError),
    /// No uploaded image has this id.
    #[error("there is no image {0}")]
    NoImage(i64),
    /// A focal point outside the image.
    #[error("the focal point must lie within the image: 0 to 1000 across and down")]
    BadFocalPoint,
    /// A front-page arrangement was refused; the error says why.
    #[error(transparent)]
    Arrangement(#[from] crate::domain::ArrangementError),
    /// Someone saved the front page since the editor's version; nothing was overwritten.
    #[error(
        "someone else saved this front page meanwhile (it is at version {0} now); reload it and arrange again"
    )]
    FrontPageConflict(i64),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Entry point for every content change.
#[derive(Clone)]
pub struct Newsroom {
    store: Store,
    committed: Arc<Notify>,
    media: Option<Arc<crate::media::MediaStore>>,
    upload_limits: crate::media::Limits,
    clock: Arc<dyn Clock>,
    zone: jiff::tz::TimeZone,
    sign_in: Arc<accounts::SignInGuard>,
    uploads: Arc<media::UploadQueue>,
    /// Woken after every commit, so the delivery worker looks for new deliveries.
    outbox: Arc<Notify>,
    /// The site's public address, which webhook bodies put before an item's path.
    public_base: Option<Arc<str>>,
}

impl Newsroom {
    /// A newsroom writing to `store` and waking `committed` after every commit.
    pub fn new(store: Store, committed: Arc<Notify>) -> Self {
        Self {
            store,
            committed,
            media: None,
            upload_limits: crate::media::Limits::default(),
            clock: Arc::new(SystemClock),
            zone: jiff::tz::TimeZone::UTC,
            sign_in: Arc::default(),
            uploads: Arc::new(media::UploadQueue::new(2, 4)),
            outbox: Arc::default(),
            public_base: None,
        }
    }

    /// The same newsroom, taking the time from `clock` instead of the system's.
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// The same newsroom, keeping revisions' times in the site's zone, as its forms
    /// show them (UTC until set).
    pub fn in_zone(mut self, zone: jiff::tz::TimeZone) -> Self {
        self.zone = zone;
        self
    }

    /// The time by the newsroom's clock, which every rule about time reads.
    pub fn now(&self) -> jiff::Timestamp {
        self.clock.now()
    }

    /// The same newsroom, keeping uploaded images in `media` and refusing larger ones.
    pub fn with_media(mut self, media: crate::media::MediaStore, max_upload_bytes: usize) -> Self {
        self.media = Some(Arc::new(media));
        self.upload_limits.max_bytes = max_upload_bytes;
        self
    }

    /// The same newsroom, giving webhooks items' addresses under `base`
    /// (`https://news.example`); paths alone until set.
    pub fn with_public_base(mut self, base: Option<String>) -> Self {
        self.public_base = base.map(Arc::from);
        self
    }

    /// Woken after every commit: the delivery worker waits on it.
    pub fn outbox(&self) -> Arc<Notify> {
        self.outbox.clone()
    }

    /// Tells the delivery worker that deliveries were queued or freed, when no
    /// content changed.
    fn wake_outbox(&self) {
        self.outbox.notify_one();
    }

    fn after_commit(&self) {
        // A stored permit means a feeder that is busy right now still runs once more.
        self.committed.notify_one();
        self.outbox.notify_one();
    }
}
