//! The newsroom's vocabulary: pure types and rules, no I/O and no async.

mod account;
mod article;
mod clock;
mod edition;
mod error;
mod front_page;
mod headline;
mod markdown;
mod slug;
mod taxonomy;
pub mod time;
mod token;
mod webhook;
mod wire;

pub use account::{Action, InterfaceLanguage, Role, Scope, UserId, Username, check_password, may};
pub use article::{
    Body, Byline, Correction, Item, ItemContent, ItemId, ItemKind, MAX_DEK_CHARS,
    MAX_SEO_DESCRIPTION_CHARS, MAX_SEO_TITLE_CHARS, Seo, Status,
};
pub use clock::{Clock, ManualClock, SystemClock};
pub use edition::{Edition, EditionCode, LanguageTag};
pub use error::DomainError;
pub use front_page::{
    Arrangement, ArrangementError, MAX_BLOCK_ITEMS, MAX_SECTION_BLOCKS, MAX_TOP_STORIES,
    SectionBlock,
};
pub use headline::Headline;
pub use markdown::{
    escape_plain, escape_text, first_paragraph_text, plain_text, render_markdown, sanitize_html,
};
pub use slug::Slug;
pub use taxonomy::{Author, AuthorId, PersonName, Section, SectionId, Tag, TagId};
pub use token::{
    MAX_TOKEN_DAYS, MAX_TOKEN_NAME_CHARS, PUBLIC_ID_LEN, TOKEN_PREFIX, TokenError, TokenLifetime,
    TokenName, TokenScope, TokenScopes, TokenText, token_text,
};
pub use webhook::{MAX_WEBHOOK_URL_CHARS, WebhookError, WebhookEvent, WebhookEvents, WebhookUrl};
pub use wire::{
    CopyState, DEFAULT_POLL_INTERVAL, FeedUrl, MAX_FEED_URL_CHARS, MAX_POLL_INTERVAL,
    MAX_SOURCE_CHARS, MIN_POLL_INTERVAL, PollInterval, SourceName, WireError,
};
