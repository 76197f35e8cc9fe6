use thiserror::Error;

/// Why a value was refused by a domain constructor.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DomainError {
    #[error("the headline is empty")]
    EmptyHeadline,
    #[error("the headline has {0} characters; at most {max} are allowed", max = super::Headline::MAX_CHARS)]
    HeadlineTooLong(usize),
    #[error("the headline contains a control character")]
    ControlCharacter,
    #[error("'{0}' is not a safe slug: use lowercase letters, digits and single hyphens")]
    UnsafeSlug(String),
    #[error("'{0}' is reserved for the site's own pages and cannot name a section")]
    ReservedSlug(String),
    #[error(
        "'{0}' is not an edition code: use a two- or three-letter language code such as en or az"
    )]
    InvalidEditionCode(String),
    #[error("'{0}' is where the site's JSON API lives and cannot be an edition code")]
    ReservedEditionCode(String),
    #[error("'{0}' is not a language tag: use one such as az, en-GB or az-Latn")]
    InvalidLanguageTag(String),
    #[error("there is no section '{section}' in the '{edition}' edition")]
    UnknownSection { edition: String, section: String },
    #[error("a name must have between 1 and {max} characters", max = super::PersonName::MAX_CHARS)]
    InvalidName,
    #[error("an article needs at least one author")]
    MissingAuthor,
    #[error("'{0}' is not a kind of item: use article or brief")]
    UnknownKind(String),
    #[error("'{0}' is not a status: use draft, review, scheduled, published or unpublished")]
    UnknownStatus(String),
    #[error("the standfirst has {0} characters; at most {max} are allowed", max = super::article::MAX_DEK_CHARS)]
    DekTooLong(usize),
    #[error("the title for search engines has {0} characters; at most {max} are allowed", max = super::article::MAX_SEO_TITLE_CHARS)]
    SeoTitleTooLong(usize),
    #[error("the words for search engines contain a control character")]
    SeoControlCharacter,
    #[error("the description for search engines has {0} characters; at most {max} are allowed", max = super::article::MAX_SEO_DESCRIPTION_CHARS)]
    SeoDescriptionTooLong(usize),
    #[error("the body has {0} bytes; at most {max} are allowed", max = super::article::MAX_BODY_BYTES)]
    BodyTooLong(usize),
    #[error("'{0}' is not a time in the form HH:MM DD.MM.YYYY")]
    InvalidTime(String),
    #[error("'{0}' is not a role: use admin, editor or reporter")]
    UnknownRole(String),
    #[error("'{0}' is not a language of the newsroom: use az, en, ru or tr")]
    UnknownLanguage(String),
    #[error(
        "'{0}' is not a login name: use 3 to 40 lowercase letters, digits, dots, hyphens or underscores"
    )]
    InvalidUsername(String),
    #[error("a password needs at least {min} characters (and at most {max} bytes)", min = super::account::MIN_PASSWORD_CHARS, max = super::account::MAX_PASSWORD_BYTES)]
    WeakPassword,
}
