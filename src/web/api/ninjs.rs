//! IPTC ninjs 3.0 (News in JSON): items as partners' systems read them.
//!
//! Each item declares the standard it follows in `standard` (ninjs 3.0 forbids any
//! property its schema does not name, so the JSON Schema `$schema` keyword has no
//! place in an instance). Names follow the 3.0 schema's camelCase.

use serde::Serialize;
use utoipa::ToSchema;

/// The media type of a ninjs answer.
pub const MEDIA_TYPE: &str = "application/vnd.iptc.ninjs+json";

/// The schema every item here validates against.
pub const SCHEMA_URI: &str = "http://www.iptc.org/std/ninjs/ninjs-schema_3.0.json#";

/// The standard an item follows.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct NinjsStandard {
    /// Always `ninjs`.
    pub name: &'static str,
    /// Always `3.0`.
    pub version: &'static str,
    /// The schema's URI.
    pub schema: &'static str,
}

impl NinjsStandard {
    /// ninjs 3.0.
    pub fn v3() -> Self {
        Self {
            name: "ninjs",
            version: "3.0",
            schema: SCHEMA_URI,
        }
    }
}

/// A headline, description or body.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct NinjsText {
    /// What it is for (`main`, `summary`, `correction`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// Its media type, when it is not plain text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    /// The text.
    pub value: String,
}

/// A concept the item is about: a tag or its section.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct NinjsSubject {
    /// Its name.
    pub name: String,
    /// How it relates to the item (`about` for tags, `section` for the section).
    pub rel: String,
    /// Its identifier.
    pub uri: String,
}

/// One file of an image.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct NinjsRendition {
    /// `original` or `w<width>`.
    pub name: String,
    /// Where to fetch it.
    pub href: String,
    /// Its media type.
    pub content_type: String,
    /// Width in pixels.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub width: Option<i64>,
    /// Height in pixels.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub height: Option<i64>,
}

/// An image that goes with the item.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct NinjsAssociation {
    /// Its name among the item's associations (`leadimage`).
    pub name: String,
    /// How it relates to the item.
    pub rel: String,
    /// Its identifier.
    pub uri: String,
    /// Always `picture`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// Its alternative text and caption.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub descriptions: Vec<NinjsText>,
    /// Its credit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
    /// Its files.
    pub renditions: Vec<NinjsRendition>,
}

/// Another identifier of the item.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct NinjsAltId {
    /// What kind (`newsline-id`, `url`).
    pub role: String,
    /// The identifier.
    pub value: String,
}

/// One item in IPTC ninjs 3.0.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct NinjsItem {
    /// The item's global identifier.
    pub uri: String,
    /// The standard followed: ninjs 3.0.
    pub standard: NinjsStandard,
    /// Always `text`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// When it was first public (its last change for items never public).
    pub first_created: String,
    /// Its last editorial change.
    pub version_created: String,
    /// `usable` when published, `canceled` when withdrawn, `withheld` otherwise.
    pub pub_status: &'static str,
    /// The edition's language (BCP 47).
    pub language: String,
    /// The headline.
    pub headlines: Vec<NinjsText>,
    /// The standfirst and any corrections.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub descriptions: Vec<NinjsText>,
    /// The body as HTML, in answers about one item.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub bodies: Vec<NinjsText>,
    /// The byline.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
    /// Its URL segment.
    pub slugline: String,
    /// Its section and tags.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub subjects: Vec<NinjsSubject>,
    /// The lead image.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub associations: Vec<NinjsAssociation>,
    /// Its id and its reader URL.
    pub alt_ids: Vec<NinjsAltId>,
}

/// A page of ninjs items, newest first.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct NinjsList {
    /// The items, each a ninjs 3.0 object.
    pub data: Vec<NinjsItem>,
    /// The cursor of the next page; absent on the last.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}
