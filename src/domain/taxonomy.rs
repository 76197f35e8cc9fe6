use super::{DomainError, EditionCode, Slug};

/// Database identity of a section.
pub type SectionId = i64;
/// Database identity of an author.
pub type AuthorId = i64;
/// Database identity of a tag.
pub type TagId = i64;

/// Path segments that reader URLs use for the site's own pages, so no section may take them.
const RESERVED: &[&str] = &[
    "news",
    "author",
    "tag",
    "search",
    "live",
    "feed",
    "feeds",
    "feed-xml",
    "static",
    "media",
    "newsroom",
    "api",
    "sitemap",
    "corrections",
];

/// A person's or a tag's display name: one line, 1 to 120 characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PersonName(String);

impl PersonName {
    /// Longest name accepted, in characters.
    pub const MAX_CHARS: usize = 120;

    /// Checks and folds white space in a name.
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let folded = raw.split_whitespace().collect::<Vec<_>>().join(" ");
        let chars = folded.chars().count();
        if chars == 0 || chars > Self::MAX_CHARS || folded.chars().any(char::is_control) {
            return Err(DomainError::InvalidName);
        }
        Ok(Self(folded))
    }
}

impl AsRef<str> for PersonName {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// A section of an edition, such as Foreign Policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    /// Database identity.
    pub id: SectionId,
    /// The edition the section belongs to.
    pub edition: EditionCode,
    /// URL segment, unique within the edition.
    pub slug: Slug,
    /// Display name in the edition's language.
    pub name: String,
    /// Left out of the masthead and the automatic home page; its page stays.
    pub hidden: bool,
}

impl Section {
    /// Checks a section slug: safe and not one of the site's own path segments.
    pub fn check_slug(raw: &str) -> Result<Slug, DomainError> {
        let slug = Slug::parse(raw)?;
        if RESERVED.contains(&raw) {
            return Err(DomainError::ReservedSlug(raw.to_owned()));
        }
        Ok(slug)
    }
}

/// A writer credited in bylines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Author {
    /// Database identity.
    pub id: AuthorId,
    /// URL segment, unique across the site.
    pub slug: Slug,
    /// Name as printed in the byline.
    pub name: String,
}

/// A topic label within an edition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tag {
    /// Database identity.
    pub id: TagId,
    /// The edition the tag belongs to.
    pub edition: EditionCode,
    /// URL segment, unique within the edition.
    pub slug: Slug,
    /// Display name.
    pub name: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_section_cannot_take_a_path_the_site_uses() {
        assert_eq!(
            Section::check_slug("news"),
            Err(DomainError::ReservedSlug("news".into()))
        );
        assert!(Section::check_slug("foreign-policy").is_ok());
        assert!(Section::check_slug("Foreign Policy").is_err());
    }

    #[test]
    fn names_are_folded_and_bounded() {
        assert_eq!(
            PersonName::parse("  Mədinə \u{a0} Məmmədova ")
                .expect("valid")
                .as_ref(),
            "Mədinə Məmmədova"
        );
        assert!(PersonName::parse("").is_err());
        assert!(PersonName::parse(&"x".repeat(121)).is_err());
    }
}
