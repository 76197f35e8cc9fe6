use jiff::Timestamp;

use super::{DomainError, Headline, PersonName, Slug, render_markdown};

/// Database identity of an article or brief.
pub type ItemId = i64;

/// Longest standfirst accepted, in characters.
pub const MAX_DEK_CHARS: usize = 400;
/// Largest body accepted, in bytes of Markdown source.
pub const MAX_BODY_BYTES: usize = 512 * 1024;
/// Longest title for search engines and social cards, in characters: search results
/// cut titles at about 60.
pub const MAX_SEO_TITLE_CHARS: usize = 70;
/// Longest description for search engines and social cards, in characters: search
/// results cut descriptions at about 155.
pub const MAX_SEO_DESCRIPTION_CHARS: usize = 200;

/// What an item is: a full article, or a brief that is a headline and a time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ItemKind {
    /// A full story with a body and a byline.
    Article,
    /// A headline-only item of the news line, maybe with one sentence.
    Brief,
}

impl ItemKind {
    /// The stored and written name of the kind.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Article => "article",
            Self::Brief => "brief",
        }
    }

    /// Reads a kind by its name.
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        match raw {
            "article" => Ok(Self::Article),
            "brief" => Ok(Self::Brief),
            other => Err(DomainError::UnknownKind(other.to_owned())),
        }
    }
}

/// Where an item stands in the editorial workflow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    /// Being written; not public.
    Draft,
    /// Handed to the editors; not public.
    Review,
    /// Waiting for its publication time; not public yet.
    Scheduled,
    /// Public.
    Published,
    /// Was public and has been withdrawn.
    Unpublished,
}

impl Status {
    /// Every status, in workflow order.
    pub const ALL: [Status; 5] = [
        Self::Draft,
        Self::Review,
        Self::Scheduled,
        Self::Published,
        Self::Unpublished,
    ];

    /// The stored name of the status.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Review => "review",
            Self::Scheduled => "scheduled",
            Self::Published => "published",
            Self::Unpublished => "unpublished",
        }
    }

    /// Reads a status by its name.
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        match raw {
            "draft" => Ok(Self::Draft),
            "review" => Ok(Self::Review),
            "scheduled" => Ok(Self::Scheduled),
            "published" => Ok(Self::Published),
            "unpublished" => Ok(Self::Unpublished),
            other => Err(DomainError::UnknownStatus(other.to_owned())),
        }
    }
}

/// An item's body: the Markdown the editor wrote and the sanitized HTML readers get.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Body {
    /// The source as written.
    pub markdown: String,
    /// Rendered and sanitized; safe to embed in a page as is.
    pub html: String,
}

impl Body {
    /// Renders and sanitizes a body, refusing one over the size limit.
    pub fn from_markdown(markdown: &str) -> Result<Self, DomainError> {
        if markdown.len() > MAX_BODY_BYTES {
            return Err(DomainError::BodyTooLong(markdown.len()));
        }
        let markdown = markdown.trim().to_owned();
        let html = render_markdown(&markdown);
        Ok(Self { markdown, html })
    }
}

/// The credit line under an item: `Author, Author//Outlet`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Byline {
    /// Names in the order printed.
    pub authors: Vec<PersonName>,
    /// The outlet after the slashes, if any.
    pub outlet: Option<String>,
}

/// A dated note telling readers what was corrected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Correction {
    /// When the correction was made.
    pub noted_at: Timestamp,
    /// What was wrong and what is right now.
    pub note: String,
}

/// What search engines and social cards show instead of the headline and standfirst;
/// each falls back to them when not given.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Seo {
    /// The title for search results and shares.
    pub title: Option<String>,
    /// The description for search results and shares.
    pub description: Option<String>,
}

impl Seo {
    /// Folds white space in both; an empty one is none; refuses either over its limit.
    pub fn parse(title: &str, description: &str) -> Result<Self, DomainError> {
        Ok(Self {
            title: Self::check_title(title)?,
            description: Self::check_description(description)?,
        })
    }

    /// A title with white space folded, or none; refused over [`MAX_SEO_TITLE_CHARS`]
    /// or with a control character.
    pub fn check_title(raw: &str) -> Result<Option<String>, DomainError> {
        let title = folded(raw);
        let chars = title.chars().count();
        if chars > MAX_SEO_TITLE_CHARS {
            return Err(DomainError::SeoTitleTooLong(chars));
        }
        if title.chars().any(char::is_control) {
            return Err(DomainError::SeoControlCharacter);
        }
        Ok(Some(title).filter(|t| !t.is_empty()))
    }

    /// A description with white space folded, or none; refused over
    /// [`MAX_SEO_DESCRIPTION_CHARS`] or with a control character.
    pub fn check_description(raw: &str) -> Result<Option<String>, DomainError> {
        let description = folded(raw);
        let chars = description.chars().count();
        if chars > MAX_SEO_DESCRIPTION_CHARS {
            return Err(DomainError::SeoDescriptionTooLong(chars));
        }
        if description.chars().any(char::is_control) {
            return Err(DomainError::SeoControlCharacter);
        }
        Ok(Some(description).filter(|d| !d.is_empty()))
    }
}

fn folded(raw: &str) -> String {
    raw.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The checked editorial content of an item, before it is filed in a section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemContent {
    /// Article or brief.
    pub kind: ItemKind,
    /// The headline.
    pub headline: Headline,
    /// URL decoration: derived from the headline unless an editor chose one.
    pub slug: Slug,
    /// Optional standfirst.
    pub dek: Option<String>,
    /// The body.
    pub body: Body,
    /// Who wrote it and for which outlet.
    pub byline: Byline,
    /// Topic labels.
    pub tags: Vec<PersonName>,
    /// Title and description for search engines and social cards.
    pub seo: Seo,
}

impl ItemContent {
    /// Folds white space in a standfirst; none when nothing is left; refuses one over
    /// [`MAX_DEK_CHARS`].
    pub fn check_dek(raw: &str) -> Result<Option<String>, DomainError> {
        let dek = folded(raw);
        let chars = dek.chars().count();
        if chars > MAX_DEK_CHARS {
            return Err(DomainError::DekTooLong(chars));
        }
        Ok(Some(dek).filter(|d| !d.is_empty()))
    }

    /// Checks every field an editor typed, naming the first that is wrong.
    pub fn new(
        kind: ItemKind,
        headline: &str,
        dek: Option<&str>,
        body_markdown: &str,
        authors: &[String],
        outlet: Option<&str>,
        tags: &[String],
    ) -> Result<Self, DomainError> {
        let headline = Headline::parse(headline)?;
        let slug = Slug::from_text(headline.as_ref(), kind.as_str());
        let dek = match dek {
            Some(d) => Self::check_dek(d)?,
            None => None,
        };
        let authors = authors
            .iter()
            .map(|a| PersonName::parse(a))
            .collect::<Result<Vec<_>, _>>()?;
        if kind == ItemKind::Article && authors.is_empty() {
            return Err(DomainError::MissingAuthor);
        }
        let outlet = match outlet.map(str::trim).filter(|o| !o.is_empty()) {
            Some(o) => Some(PersonName::parse(o)?.as_ref().to_owned()),
            None => None,
        };
        let tags = tags
            .iter()
            .map(|t| PersonName::parse(t))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self {
            kind,
            headline,
            slug,
            dek,
            body: Body::from_markdown(body_markdown)?,
            byline: Byline { authors, outlet },
            tags,
            seo: Seo::default(),
        })
    }
}

/// An article or brief as the newsroom stores it, in any status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// Database identity; decides the URL.
    pub id: ItemId,
    /// The edition it appears in.
    pub edition: super::EditionCode,
    /// Article or brief.
    pub kind: ItemKind,
    /// The headline.
    pub headline: String,
    /// URL decoration; an older one still resolves by id.
    pub slug: String,
    /// Optional standfirst.
    pub dek: Option<String>,
    /// Title and description for search engines and social cards.
    pub seo: Seo,
    /// Markdown source and sanitized HTML.
    pub body: Body,
    /// The section it is filed in.
    pub section: super::SectionId,
    /// Authors in byline order.
    pub authors: Vec<super::AuthorId>,
    /// Outlet after the byline, when it differs from the edition's.
    pub outlet: Option<String>,
    /// Topic labels in the order given.
    pub tags: Vec<super::TagId>,
    /// An item the editor promotes under this one.
    pub related: Option<ItemId>,
    /// The item of another edition this one translates: the first of its group of
    /// translations, which names none itself.
    pub translation_of: Option<ItemId>,
    /// Workflow status.
    pub status: Status,
    /// A lead story on the edition's home page.
    pub pinned: bool,
    /// When it went (or goes) public.
    pub published_at: Option<Timestamp>,
    /// Last editorial change.
    pub updated_at: Timestamp,
    /// Dated correction notes, oldest first.
    pub corrections: Vec<Correction>,
    /// Marked as breaking news.
    pub breaking: bool,
    /// Not to be published, by any path, before this time.
    pub embargo_until: Option<Timestamp>,
    /// When a published item is to be withdrawn.
    pub unpublish_at: Option<Timestamp>,
    /// The lead image, if any.
    pub lead_media: Option<i64>,
    /// The account that created it (none for imports).
    pub created_by: Option<super::UserId>,
    /// Optimistic-locking version: every save increments it.
    pub version: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn article(authors: &[&str]) -> Result<ItemContent, DomainError> {
        let authors: Vec<String> = authors.iter().map(|a| a.to_string()).collect();
        ItemContent::new(
            ItemKind::Article,
            "A headline",
            None,
            "Body.",
            &authors,
            None,
            &[],
        )
    }

    #[test]
    fn an_article_without_an_author_is_rejected_but_a_brief_is_fine() {
        assert_eq!(article(&[]), Err(DomainError::MissingAuthor));
        assert!(ItemContent::new(ItemKind::Brief, "Just a line", None, "", &[], None, &[]).is_ok());
    }

    #[test]
    fn the_slug_follows_the_headline() {
        let item = ItemContent::new(
            ItemKind::Brief,
            "Azərbaycan, Türkiyə: hərbi əməkdaşlıq",
            None,
            "",
            &[],
            None,
            &[],
        )
        .expect("valid");
        assert_eq!(item.slug.as_ref(), "azerbaycan-turkiye-herbi-emekdasliq");
    }

    #[test]
    fn an_oversized_body_or_dek_is_rejected() {
        let body = "x".repeat(MAX_BODY_BYTES + 1);
        let err = ItemContent::new(ItemKind::Brief, "h", None, &body, &[], None, &[]);
        assert_eq!(err, Err(DomainError::BodyTooLong(MAX_BODY_BYTES + 1)));
        let dek = "x".repeat(MAX_DEK_CHARS + 1);
        let err = ItemContent::new(ItemKind::Brief, "h", Some(&dek), "", &[], None, &[]);
        assert_eq!(err, Err(DomainError::DekTooLong(MAX_DEK_CHARS + 1)));
    }

    #[test]
    fn kinds_and_statuses_round_trip_through_their_names() {
        for kind in [ItemKind::Article, ItemKind::Brief] {
            assert_eq!(ItemKind::parse(kind.as_str()), Ok(kind));
        }
        for status in [
            Status::Draft,
            Status::Scheduled,
            Status::Published,
            Status::Unpublished,
        ] {
            assert_eq!(Status::parse(status.as_str()), Ok(status));
        }
        assert!(ItemKind::parse("video").is_err());
    }

    #[test]
    fn search_words_are_folded_and_refused_over_their_limits_or_with_control_characters() {
        let seo = Seo::parse("  Budget\n passed ", "\t").expect("valid");
        assert_eq!(seo.title.as_deref(), Some("Budget passed"));
        assert_eq!(seo.description, None);
        let long = "x".repeat(MAX_SEO_TITLE_CHARS + 1);
        assert_eq!(
            Seo::parse(&long, ""),
            Err(DomainError::SeoTitleTooLong(MAX_SEO_TITLE_CHARS + 1))
        );
        let long = "x".repeat(MAX_SEO_DESCRIPTION_CHARS + 1);
        assert_eq!(
            Seo::parse("", &long),
            Err(DomainError::SeoDescriptionTooLong(
                MAX_SEO_DESCRIPTION_CHARS + 1
            ))
        );
        for (title, description) in [("a\u{7}b", ""), ("", "a\u{0}b")] {
            assert_eq!(
                Seo::parse(title, description),
                Err(DomainError::SeoControlCharacter)
            );
        }
    }
}
