//! Reading WordPress exports (WXR 1.0, 1.1 and 1.2) as a stream of entries: authors,
//! categories, tags and terms from the channel, then each `<item>` (post, page,
//! attachment, menu item ...) as it comes, so that memory does not grow with the file.
//!
//! Elements are matched by namespace, not by prefix: an export may bind `wp` to
//! another URI inside an element, or use another prefix for WordPress's namespace.
//! WordPress's own namespace is the one the root binds to `wp` (one of the three
//! export versions'), as WordPress's importer reads it. The first occurrence of a
//! field in an item wins. A document type declaration is skipped, never expanded,
//! and a reference to any entity but XML's five is an error.

use std::borrow::Cow;
use std::io::BufRead;

use quick_xml::NsReader;
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::ResolveResult;

/// The namespace of `content:encoded`.
const CONTENT_NS: &[u8] = b"http://purl.org/rss/1.0/modules/content/";
/// The namespace of `dc:creator`.
const DC_NS: &[u8] = b"http://purl.org/dc/elements/1.1/";
/// What a WordPress export namespace starts with; the version and a slash follow.
/// WordPress.com writes it with https.
const WP_NS_STEMS: [&str; 2] = [
    "http://wordpress.org/export/",
    "https://wordpress.org/export/",
];
/// The export versions read.
const VERSIONS: [&str; 3] = ["1.0", "1.1", "1.2"];
/// Longest text kept from one field; a post's content is far shorter.
const MAX_FIELD_BYTES: usize = 16 * 1024 * 1024;

/// Why an export was refused, and where in it (a byte offset; see [`locate`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{kind}")]
pub struct WxrError {
    /// Byte offset in the file where reading failed.
    pub offset: u64,
    /// What went wrong.
    pub kind: WxrErrorKind,
}

/// What is wrong with an export.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WxrErrorKind {
    /// The XML itself is broken: a mismatched or unclosed tag, a bad character, ...
    #[error("the file is not well-formed XML: {0}")]
    Malformed(String),
    /// The file ends before its elements are closed.
    #[error("the file ends before <{0}> is closed: it is truncated")]
    Truncated(String),
    /// Well-formed XML, but not an RSS document with a channel.
    #[error("this is not a WordPress export: {0}")]
    NotWxr(String),
    /// No `<wp:wxr_version>` in the channel.
    #[error("this is not a WordPress export: it has no <wp:wxr_version>")]
    MissingVersion,
    /// A version other than 1.0, 1.1 and 1.2.
    #[error("WordPress export version {0:?} is not supported (1.0, 1.1 and 1.2 are)")]
    UnsupportedVersion(String),
    /// A field holds more than [`MAX_FIELD_BYTES`].
    #[error("<{0}> is larger than 16 MiB")]
    TooLarge(String),
    /// The file could not be read.
    #[error("the file could not be read: {0}")]
    Io(String),
}

/// A position in a file as people count it: lines and characters from 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    /// The line, from 1.
    pub line: u64,
    /// The character in the line, from 1.
    pub column: u64,
}

impl std::fmt::Display for Position {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}, column {}", self.line, self.column)
    }
}

/// The line and column of byte `offset` in `source` (read again from its start).
pub fn locate(mut source: impl BufRead, offset: u64) -> std::io::Result<Position> {
    let mut line = 1;
    let mut column = 1;
    let mut seen = 0u64;
    while seen < offset {
        let chunk = source.fill_buf()?;
        if chunk.is_empty() {
            break;
        }
        let take = usize::try_from(offset - seen).map_or(chunk.len(), |n| n.min(chunk.len()));
        for &byte in &chunk[..take] {
            if byte == b'\n' {
                line += 1;
                column = 1;
            } else if byte & 0xC0 != 0x80 {
                // Continuation bytes of UTF-8 are part of the character before.
                column += 1;
            }
        }
        seen += take as u64;
        source.consume(take);
    }
    Ok(Position { line, column })
}

/// The export's version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WxrVersion {
    /// WXR 1.0.
    V1_0,
    /// WXR 1.1.
    V1_1,
    /// WXR 1.2.
    V1_2,
}

/// The channel's description of the site exported.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Site {
    /// The site's title.
    pub title: String,
    /// The site's address.
    pub link: String,
    /// Its language (`en-US`).
    pub language: String,
    /// `wp:base_site_url`.
    pub base_site_url: String,
    /// `wp:base_blog_url`.
    pub base_blog_url: String,
}

/// A `wp:author` of the channel.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Author {
    /// `wp:author_id`.
    pub id: String,
    /// `wp:author_login`, what items' `dc:creator` names.
    pub login: String,
    /// `wp:author_display_name`.
    pub display_name: String,
    /// `wp:author_first_name`.
    pub first_name: String,
    /// `wp:author_last_name`.
    pub last_name: String,
}

/// A category, tag or other term of the channel.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Term {
    /// `category`, `post_tag`, or a `wp:term`'s taxonomy.
    pub taxonomy: String,
    /// Its slug (nicename).
    pub slug: String,
    /// Its name.
    pub name: String,
    /// The parent's slug, for a category.
    pub parent: String,
}

/// A category or tag an item is filed under (`<category domain nicename>`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ItemTerm {
    /// `category` or `post_tag` (or another taxonomy).
    pub domain: String,
    /// Its slug.
    pub slug: String,
    /// Its name.
    pub name: String,
}

/// One `<item>`: a post, page, attachment or another post type, as exported.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Item {
    /// Where in the file the item starts (a byte offset), for reports.
    pub offset: u64,
    /// The title.
    pub title: String,
    /// The permalink.
    pub link: String,
    /// The RSS `pubDate`.
    pub pub_date: String,
    /// The `guid`.
    pub guid: String,
    /// `dc:creator`: the author's login.
    pub creator: String,
    /// `content:encoded`: the body as WordPress stores it.
    pub content: String,
    /// `excerpt:encoded`.
    pub excerpt: String,
    /// `wp:post_id`.
    pub post_id: String,
    /// `wp:post_date`, the site's local time.
    pub post_date: String,
    /// `wp:post_date_gmt`.
    pub post_date_gmt: String,
    /// `wp:post_modified_gmt`.
    pub post_modified_gmt: String,
    /// `wp:post_name`: the slug.
    pub post_name: String,
    /// `wp:status`: publish, future, draft, pending, private, trash, inherit ...
    pub status: String,
    /// `wp:post_parent`.
    pub post_parent: String,
    /// `wp:post_type`: post, page, attachment, nav_menu_item ...
    pub post_type: String,
    /// `wp:post_password`.
    pub post_password: String,
    /// `wp:is_sticky`.
    pub is_sticky: String,
    /// `wp:attachment_url`, for an attachment.
    pub attachment_url: String,
    /// Categories and tags, in file order.
    pub terms: Vec<ItemTerm>,
    /// `wp:postmeta` keys and values, in file order.
    pub meta: Vec<(String, String)>,
}

impl Item {
    /// The value of the first `wp:postmeta` with `key`.
    pub fn meta(&self, key: &str) -> Option<&str> {
        self.meta
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

/// One entry of an export, in file order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entry {
    /// A `wp:author`.
    Author(Author),
    /// A `wp:category`, `wp:tag` or `wp:term`.
    Term(Term),
    /// An `<item>`.
    Item(Box<Item>),
}

/// Which element an event names, by namespace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Space {
    /// No namespace: RSS's own elements.
    Rss,
    /// WordPress's export namespace.
    Wp,
    /// `content:`.
    Content,
    /// `excerpt:`.
    Excerpt,
    /// `dc:`.
    Dc,
    /// Anything else.
    Other,
}

/// Where the reader is in the document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    /// Before the root element.
    Prolog,
    /// Inside `<rss>`, before `<channel>`.
    Rss,
    /// Inside `<channel>`.
    Channel,
    /// After `</channel>`.
    AfterChannel,
    /// After `</rss>`.
    Done,
}

/// Reads an export entry by entry.
pub struct Export<R: BufRead> {
    reader: NsReader<R>,
    buf: Vec<u8>,
    stage: Stage,
    /// The URI the root binds to `wp`, when it binds one.
    wp_ns: Option<Vec<u8>>,
    /// The URI the root binds to `excerpt`, when it binds one.
    excerpt_ns: Option<Vec<u8>>,
    version: Option<WxrVersion>,
    site: Site,
    /// The names of the open elements, for a truncated file's message.
    open: Vec<String>,
}

impl<R: BufRead> Export<R> {
    /// An export read from `source`.
    pub fn new(source: R) -> Self {
        let mut reader = NsReader::from_reader(source);
        let config = reader.config_mut();
        config.check_end_names = true;
        config.expand_empty_elements = true;
        Self {
            reader,
            buf: Vec::new(),
            stage: Stage::Prolog,
            wp_ns: None,
            excerpt_ns: None,
            version: None,
            site: Site::default(),
            open: Vec::new(),
        }
    }

    /// The export's version, once read.
    pub fn version(&self) -> Option<WxrVersion> {
        self.version
    }

    /// What the channel said of the site so far.
    pub fn site(&self) -> &Site {
        &self.site
    }

    fn error(&self, kind: WxrErrorKind) -> WxrError {
        WxrError {
            offset: self.reader.buffer_position(),
            kind,
        }
    }

    /// The next event with its namespace and local name, or a refusal.
    fn next_event(&mut self) -> Result<Next, WxrError> {
        let mut buf = std::mem::take(&mut self.buf);
        buf.clear();
        let next = self.convert(&mut buf);
        self.buf = buf;
        next
    }

    fn convert(&mut self, buf: &mut Vec<u8>) -> Result<Next, WxrError> {
        let (space, event) = match self.reader.read_resolved_event_into(buf) {
            Ok((resolved, event)) => (
                space_of(&resolved, self.wp_ns.as_deref(), self.excerpt_ns.as_deref()),
                event,
            ),
            Err(err) => {
                return Err(WxrError {
                    offset: self.reader.error_position(),
                    kind: xml_error(&err, self.open.last()),
                });
            }
        };
        let malformed = |this: &Self, e: &dyn std::fmt::Display| {
            this.error(WxrErrorKind::Malformed(e.to_string()))
        };
        Ok(match event {
            Event::Start(start) => {
                let local = String::from_utf8_lossy(start.local_name().as_ref()).into_owned();
                let name = String::from_utf8_lossy(start.name().as_ref()).into_owned();
                let attributes = attributes(&start);
                self.open.push(name);
                Next::Start {
                    space,
                    local,
                    attributes,
                }
            }
            Event::End(_) => {
                self.open.pop();
                Next::End
            }
            Event::Text(text) => Next::Text(
                text.xml10_content()
                    .map_err(|e| malformed(self, &e))?
                    .into_owned(),
            ),
            Event::CData(data) => Next::Text(
                data.xml10_content()
                    .map_err(|e| malformed(self, &e))?
                    .into_owned(),
            ),
            Event::GeneralRef(reference) => {
                let text = match reference
                    .resolve_char_ref()
                    .map_err(|e| malformed(self, &e))?
                {
                    Some(c) => c.to_string(),
                    None => {
                        let name = reference.decode().map_err(|e| malformed(self, &e))?;
                        match quick_xml::escape::resolve_predefined_entity(&name) {
                            Some(text) => text.to_owned(),
                            None => {
                                return Err(malformed(self, &format!("unknown entity &{name};")));
                            }
                        }
                    }
                };
                Next::Text(text)
            }
            Event::Eof => Next::Eof,
            // Declarations, comments, processing instructions and the DTD say nothing here.
            Event::Empty(_)
            | Event::Decl(_)
            | Event::PI(_)
            | Event::Comment(_)
            | Event::DocType(_) => Next::Nothing,
        })
    }

    fn truncated(&self) -> WxrError {
        let inside = self
            .open
            .last()
            .cloned()
            .unwrap_or_else(|| "rss".to_owned());
        self.error(WxrErrorKind::Truncated(inside))
    }

    /// The text inside the element just opened, up to its end (text of elements
    /// nested in it included).
    fn text(&mut self, name: &str) -> Result<String, WxrError> {
        let mut text = String::new();
        let mut depth = 0usize;
        loop {
            match self.next_event()? {
                Next::Text(t) => {
                    if text.len() + t.len() > MAX_FIELD_BYTES {
                        return Err(self.error(WxrErrorKind::TooLarge(name.to_owned())));
                    }
                    text.push_str(&t);
                }
                Next::Start { .. } => depth += 1,
                Next::End if depth == 0 => return Ok(text),
                Next::End => depth -= 1,
                Next::Eof => return Err(self.truncated()),
                Next::Nothing => {}
            }
        }
    }

    /// Skips the rest of the element just opened.
    fn skip(&mut self) -> Result<(), WxrError> {
        let mut depth = 0usize;
        loop {
            match self.next_event()? {
                Next::Start { .. } => depth += 1,
                Next::End if depth == 0 => return Ok(()),
                Next::End => depth -= 1,
                Next::Eof => return Err(self.truncated()),
                Next::Text(_) | Next::Nothing => {}
            }
        }
    }

    /// The children of the element just opened, as (namespace, local name, text),
    /// with a hook for children that have children of their own.
    fn fields(
        &mut self,
        mut nested: impl FnMut(&mut Self, Space, &str, &[(String, String)]) -> Result<bool, WxrError>,
        mut field: impl FnMut(Space, &str, String, &[(String, String)]),
    ) -> Result<(), WxrError> {
        loop {
            match self.next_event()? {
                Next::Start {
                    space,
                    local,
                    attributes,
                } => {
                    if nested(self, space, &local, &attributes)? {
                        continue;
                    }
                    let text = self.text(&local)?;
                    field(space, &local, text, &attributes);
                }
                Next::End => return Ok(()),
                Next::Eof => return Err(self.truncated()),
                Next::Text(_) | Next::Nothing => {}
            }
        }
    }

    fn author(&mut self) -> Result<Author, WxrError> {
        let mut author = Author::default();
        self.fields(
            |_, _, _, _| Ok(false),
            |space, local, text, _| {
                if space != Space::Wp {
                    return;
                }
                let slot = match local {
                    "author_id" => &mut author.id,
                    "author_login" => &mut author.login,
                    "author_display_name" => &mut author.display_name,
                    "author_first_name" => &mut author.first_name,
                    "author_last_name" => &mut author.last_name,
                    _ => return,
                };
                first(slot, text);
            },
        )?;
        Ok(author)
    }

    fn term(&mut self, kind: &str) -> Result<Term, WxrError> {
        let mut term = Term {
            taxonomy: match kind {
                "category" => "category".to_owned(),
                "tag" => "post_tag".to_owned(),
                _ => String::new(),
            },
            ..Term::default()
        };
        self.fields(
            |_, _, _, _| Ok(false),
            |space, local, text, _| {
                if space != Space::Wp {
                    return;
                }
                let slot = match local {
                    "term_taxonomy" => &mut term.taxonomy,
                    "category_nicename" | "tag_slug" | "term_slug" => &mut term.slug,
                    "cat_name" | "tag_name" | "term_name" => &mut term.name,
                    "category_parent" | "term_parent" => &mut term.parent,
                    _ => return,
                };
                first(slot, text);
            },
        )?;
        Ok(term)
    }

    fn item(&mut self, offset: u64) -> Result<Item, WxrError> {
        let mut item = Item {
            offset,
            ..Item::default()
        };
        let mut meta = Vec::new();
        self.fields(
            |me, space, local, _| match (space, local) {
                (Space::Wp, "postmeta") => {
                    let mut key = String::new();
                    let mut value = String::new();
                    me.fields(
                        |_, _, _, _| Ok(false),
                        |space, local, text, _| match (space, local) {
                            (Space::Wp, "meta_key") => first(&mut key, text),
                            (Space::Wp, "meta_value") => first(&mut value, text),
                            _ => {}
                        },
                    )?;
                    if !key.is_empty() {
                        meta.push((key, value));
                    }
                    Ok(true)
                }
                // Comments are not imported.
                (Space::Wp, "comment") => me.skip().map(|()| true),
                _ => Ok(false),
            },
            |space, local, text, attributes| {
                let slot = match (space, local) {
                    (Space::Rss, "category") => {
                        let attribute = |name: &str| {
                            attributes
                                .iter()
                                .find(|(n, _)| n == name)
                                .map(|(_, v)| v.clone())
                                .unwrap_or_default()
                        };
                        item.terms.push(ItemTerm {
                            domain: attribute("domain"),
                            slug: attribute("nicename"),
                            name: text.trim().to_owned(),
                        });
                        return;
                    }
                    (Space::Rss, "title") => &mut item.title,
                    (Space::Rss, "link") => &mut item.link,
                    (Space::Rss, "pubDate") => &mut item.pub_date,
                    (Space::Rss, "guid") => &mut item.guid,
                    (Space::Dc, "creator") => &mut item.creator,
                    (Space::Content, "encoded") => &mut item.content,
                    (Space::Excerpt, "encoded") => &mut item.excerpt,
                    (Space::Wp, "post_id") => &mut item.post_id,
                    (Space::Wp, "post_date") => &mut item.post_date,
                    (Space::Wp, "post_date_gmt") => &mut item.post_date_gmt,
                    (Space::Wp, "post_modified_gmt") => &mut item.post_modified_gmt,
                    (Space::Wp, "post_name") => &mut item.post_name,
                    (Space::Wp, "status") => &mut item.status,
                    (Space::Wp, "post_parent") => &mut item.post_parent,
                    (Space::Wp, "post_type") => &mut item.post_type,
                    (Space::Wp, "post_password") => &mut item.post_password,
                    (Space::Wp, "is_sticky") => &mut item.is_sticky,
                    (Space::Wp, "attachment_url") => &mut item.attachment_url,
                    _ => return,
                };
                first(slot, text);
            },
        )?;
        item.meta = meta;
        for value in [
            &mut item.post_id,
            &mut item.post_type,
            &mut item.status,
            &mut item.post_name,
            &mut item.post_date,
            &mut item.post_date_gmt,
            &mut item.post_modified_gmt,
            &mut item.post_parent,
            &mut item.is_sticky,
            &mut item.creator,
            &mut item.link,
            &mut item.guid,
            &mut item.attachment_url,
        ] {
            let trimmed = value.trim();
            if trimmed.len() != value.len() {
                *value = trimmed.to_owned();
            }
        }
        Ok(item)
    }

    /// The next entry, `None` at the end of a complete export, or why the file is
    /// refused. After an error, the export is not read further.
    pub fn next_entry(&mut self) -> Result<Option<Entry>, WxrError> {
        loop {
            let at = self.reader.buffer_position();
            let next = self.next_event()?;
            match (self.stage, next) {
                (_, Next::Nothing) | (_, Next::Text(_)) => {}
                (
                    Stage::Prolog,
                    Next::Start {
                        space,
                        local,
                        attributes,
                    },
                ) => {
                    if space != Space::Rss || local != "rss" {
                        return Err(WxrError {
                            offset: at,
                            kind: WxrErrorKind::NotWxr(format!(
                                "its root element is <{local}>, not <rss>"
                            )),
                        });
                    }
                    for (name, value) in attributes {
                        if name == "xmlns:wp" && is_wp_ns(value.as_bytes(), "") {
                            self.wp_ns = Some(value.into_bytes());
                        } else if name == "xmlns:excerpt" {
                            self.excerpt_ns = Some(value.into_bytes());
                        }
                    }
                    self.stage = Stage::Rss;
                }
                (Stage::Rss, Next::Start { space, local, .. }) => {
                    if space != Space::Rss || local != "channel" {
                        return Err(WxrError {
                            offset: at,
                            kind: WxrErrorKind::NotWxr(format!(
                                "<rss> holds <{local}> where <channel> belongs"
                            )),
                        });
                    }
                    self.stage = Stage::Channel;
                }
                (Stage::Channel, Next::Start { space, local, .. }) => {
                    match (space, local.as_str()) {
                        // Items may come before the version: the channel's end
                        // refuses an export that never gives one.
                        (Space::Rss, "item") => {
                            return Ok(Some(Entry::Item(Box::new(self.item(at)?))));
                        }
                        (Space::Wp, "wxr_version") => {
                            let found = self.text("wxr_version")?;
                            let found = found.trim();
                            self.version = Some(match found {
                                "1.0" => WxrVersion::V1_0,
                                "1.1" => WxrVersion::V1_1,
                                "1.2" => WxrVersion::V1_2,
                                other => {
                                    return Err(WxrError {
                                        offset: at,
                                        kind: WxrErrorKind::UnsupportedVersion(
                                            other.chars().take(40).collect(),
                                        ),
                                    });
                                }
                            });
                        }
                        (Space::Wp, "author") => return Ok(Some(Entry::Author(self.author()?))),
                        (Space::Wp, kind @ ("category" | "tag" | "term")) => {
                            let kind = kind.to_owned();
                            return Ok(Some(Entry::Term(self.term(&kind)?)));
                        }
                        (Space::Rss, "title") => self.site.title = self.text("title")?,
                        (Space::Rss, "link") => {
                            self.site.link = self.text("link")?.trim().to_owned()
                        }
                        (Space::Rss, "language") => {
                            self.site.language = self.text("language")?.trim().to_owned();
                        }
                        (Space::Wp, "base_site_url") => {
                            self.site.base_site_url = self.text("base_site_url")?.trim().to_owned();
                        }
                        (Space::Wp, "base_blog_url") => {
                            self.site.base_blog_url = self.text("base_blog_url")?.trim().to_owned();
                        }
                        _ => self.skip()?,
                    }
                }
                (Stage::Channel, Next::End) => {
                    if self.version.is_none() {
                        return Err(WxrError {
                            offset: at,
                            kind: WxrErrorKind::MissingVersion,
                        });
                    }
                    self.stage = Stage::AfterChannel;
                }
                (Stage::AfterChannel, Next::Start { .. }) => self.skip()?,
                (Stage::AfterChannel, Next::End) => self.stage = Stage::Done,
                (Stage::Done, Next::Start { local, .. }) => {
                    return Err(WxrError {
                        offset: at,
                        kind: WxrErrorKind::Malformed(format!(
                            "<{local}> after the end of the document"
                        )),
                    });
                }
                (Stage::Done, Next::Eof) => return Ok(None),
                (Stage::Prolog, Next::Eof) => {
                    return Err(WxrError {
                        offset: at,
                        kind: WxrErrorKind::NotWxr("the file has no elements".into()),
                    });
                }
                (Stage::Rss, Next::End) => {
                    return Err(WxrError {
                        offset: at,
                        kind: WxrErrorKind::NotWxr("<rss> has no <channel>".into()),
                    });
                }
                (_, Next::Eof) => return Err(self.truncated()),
                (Stage::Prolog | Stage::Done, Next::End) => {
                    return Err(self.error(WxrErrorKind::Malformed("an unmatched end tag".into())));
                }
            }
        }
    }
}

/// One event, reduced to what the reader needs.
enum Next {
    Start {
        space: Space,
        local: String,
        attributes: Vec<(String, String)>,
    },
    End,
    Text(String),
    Eof,
    Nothing,
}

/// Which namespace an element is in, given the URIs the root binds to `wp` and
/// `excerpt` (any export version's when it binds none).
fn space_of(
    resolved: &ResolveResult<'_>,
    wp_ns: Option<&[u8]>,
    excerpt_ns: Option<&[u8]>,
) -> Space {
    let uri: &[u8] = match resolved {
        ResolveResult::Unbound => return Space::Rss,
        ResolveResult::Bound(ns) => ns.0,
        ResolveResult::Unknown(_) => return Space::Other,
    };
    if uri.is_empty() {
        return Space::Rss;
    }
    if uri == CONTENT_NS {
        return Space::Content;
    }
    if uri == DC_NS {
        return Space::Dc;
    }
    let excerpt = match excerpt_ns {
        Some(excerpt) => uri == excerpt,
        None => is_wp_ns(uri, "excerpt/"),
    };
    if excerpt {
        return Space::Excerpt;
    }
    let wp = match wp_ns {
        Some(wp) => uri == wp,
        None => is_wp_ns(uri, ""),
    };
    if wp { Space::Wp } else { Space::Other }
}

fn is_wp_ns(uri: &[u8], suffix: &str) -> bool {
    WP_NS_STEMS.iter().any(|stem| {
        uri.strip_prefix(stem.as_bytes())
            .and_then(|rest| rest.strip_suffix(suffix.as_bytes()))
            .and_then(|rest| rest.strip_suffix(b"/"))
            .is_some_and(|version| VERSIONS.iter().any(|v| version == v.as_bytes()))
    })
}

/// An element's attributes by qualified name, unescaped; broken ones are left out
/// (an attribute is never what makes an export valid).
fn attributes(start: &BytesStart<'_>) -> Vec<(String, String)> {
    start
        .attributes()
        .filter_map(Result::ok)
        .filter_map(|a| {
            let name = String::from_utf8_lossy(a.key.as_ref()).into_owned();
            let value = a
                .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .ok()
                .map(Cow::into_owned)?;
            Some((name, value))
        })
        .collect()
}

fn first(slot: &mut String, text: String) {
    if slot.is_empty() {
        *slot = text;
    }
}

fn xml_error(err: &quick_xml::Error, open: Option<&String>) -> WxrErrorKind {
    use quick_xml::errors::{IllFormedError, SyntaxError};
    let inside = || open.cloned().unwrap_or_else(|| "rss".to_owned());
    match err {
        quick_xml::Error::Io(io) => WxrErrorKind::Io(io.to_string()),
        quick_xml::Error::IllFormed(IllFormedError::MissingEndTag(name)) => {
            WxrErrorKind::Truncated(name.clone())
        }
        // The input ended inside markup.
        quick_xml::Error::Syntax(
            SyntaxError::UnclosedComment | SyntaxError::UnclosedCData | SyntaxError::UnclosedTag,
        ) => WxrErrorKind::Truncated(inside()),
        other => WxrErrorKind::Malformed(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(text: &str) -> Result<Vec<Entry>, WxrError> {
        let mut export = Export::new(text.as_bytes());
        let mut entries = Vec::new();
        while let Some(entry) = export.next_entry()? {
            entries.push(entry);
        }
        Ok(entries)
    }

    fn items(text: &str) -> Vec<Item> {
        read_all(text)
            .expect("a valid export")
            .into_iter()
            .filter_map(|e| match e {
                Entry::Item(item) => Some(*item),
                _ => None,
            })
            .collect()
    }

    fn refusal(text: &str) -> (WxrErrorKind, Position) {
        let err = read_all(text).expect_err("refused");
        let at = locate(text.as_bytes(), err.offset).expect("in memory");
        (err.kind, at)
    }

    const HEAD: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
 xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
<title>Xəbərlər</title>
<wp:wxr_version>1.2</wp:wxr_version>
"#;
    const TAIL: &str = "</channel>\n</rss>\n";

    fn export(body: &str) -> String {
        format!("{HEAD}{body}{TAIL}")
    }

    #[test]
    fn an_item_is_read_with_its_fields_terms_and_meta() {
        let text = export(
            r#"<wp:author><wp:author_id>7</wp:author_id><wp:author_login><![CDATA[leyla]]></wp:author_login>
<wp:author_display_name><![CDATA[Leyla Məmmədova]]></wp:author_display_name></wp:author>
<wp:category><wp:term_id>3</wp:term_id><wp:category_nicename>siyaset</wp:category_nicename>
<wp:category_parent></wp:category_parent><wp:cat_name><![CDATA[Siyasət]]></wp:cat_name></wp:category>
<item>
<title>Bakı &amp; Gəncə &#8211; &lt;yeni&gt;</title>
<link>https://example.az/2025/05/bak/</link>
<dc:creator><![CDATA[leyla]]></dc:creator>
<content:encoded><![CDATA[<p>Mətn ]]]]><![CDATA[> burada</p>]]></content:encoded>
<excerpt:encoded><![CDATA[Qısa]]></excerpt:encoded>
<wp:post_id> 42 </wp:post_id>
<wp:post_date_gmt>2025-05-21 10:19:00</wp:post_date_gmt>
<wp:status>publish</wp:status>
<wp:post_type>post</wp:post_type>
<wp:is_sticky>1</wp:is_sticky>
<category domain="category" nicename="siyaset"><![CDATA[Siyasət]]></category>
<category domain="post_tag" nicename="baki"><![CDATA[Bakı]]></category>
<wp:postmeta><wp:meta_key>_thumbnail_id</wp:meta_key><wp:meta_value><![CDATA[9]]></wp:meta_value></wp:postmeta>
<wp:comment><wp:comment_id>1</wp:comment_id><wp:comment_content>hi</wp:comment_content></wp:comment>
</item>"#,
        );
        let entries = read_all(&text).expect("valid");
        assert!(
            matches!(&entries[0], Entry::Author(a) if a.login == "leyla" && a.display_name == "Leyla Məmmədova")
        );
        assert!(
            matches!(&entries[1], Entry::Term(t) if t.taxonomy == "category" && t.slug == "siyaset" && t.name == "Siyasət")
        );
        let Entry::Item(item) = &entries[2] else {
            panic!("an item: {entries:?}");
        };
        assert_eq!(item.title, "Bakı & Gəncə \u{2013} <yeni>");
        assert_eq!(item.content, "<p>Mətn ]]> burada</p>");
        assert_eq!(item.excerpt, "Qısa");
        assert_eq!(item.post_id, "42");
        assert_eq!(item.creator, "leyla");
        assert_eq!(item.post_date_gmt, "2025-05-21 10:19:00");
        assert_eq!(item.is_sticky, "1");
        assert_eq!(item.terms.len(), 2);
        assert_eq!(item.terms[1].domain, "post_tag");
        assert_eq!(item.terms[1].slug, "baki");
        assert_eq!(item.meta("_thumbnail_id"), Some("9"));
        assert_eq!(entries.len(), 3);
    }

    #[test]
    fn elements_count_by_namespace_not_by_prefix() {
        let text = export(
            r#"<wp:author xmlns:wp="http://example.com/fake/"><wp:author_login>fake</wp:author_login></wp:author>
<item xmlns:alt="http://wordpress.org/export/1.2/">
<alt:post_id>5</alt:post_id><wp:post_id>6</wp:post_id>
<wp:postmeta xmlns:wp="http://example.com/other/"><wp:meta_key>bad</wp:meta_key></wp:postmeta>
<other:post_type xmlns:other="http://wordpress.org/export/1.1/">page</other:post_type>
<post_type xmlns="http://wordpress.org/export/1.2/">post</post_type>
</item>"#,
        );
        let entries = read_all(&text).expect("valid");
        assert_eq!(
            entries.len(),
            1,
            "the fake author is no author: {entries:?}"
        );
        let Entry::Item(item) = &entries[0] else {
            panic!("an item");
        };
        assert_eq!(
            item.post_id, "5",
            "the first post_id in WordPress's namespace"
        );
        assert_eq!(
            item.post_type, "post",
            "another version's namespace is not the root's"
        );
        assert!(item.meta.is_empty());
    }

    #[test]
    fn every_supported_version_is_read() {
        for version in ["1.0", "1.1", "1.2"] {
            let text = format!(
                r#"<rss version="2.0" xmlns:wp="http://wordpress.org/export/{version}/"><channel>
<wp:wxr_version>{version}</wp:wxr_version><item><title>A</title><wp:post_id>1</wp:post_id></item>
</channel></rss>"#
            );
            assert_eq!(items(&text).len(), 1, "{version}");
        }
    }

    #[test]
    fn refusals_say_what_and_where() {
        type Case = (String, fn(&WxrErrorKind) -> bool, u64);
        let cases: Vec<Case> = vec![
            (
                export("<item><title>A</title>\n").replace("</channel>\n</rss>\n", ""),
                |k| matches!(k, WxrErrorKind::Truncated(_)),
                9,
            ),
            (
                HEAD.replace("1.2</wp:wxr_version>", "2.0</wp:wxr_version>") + TAIL,
                |k| matches!(k, WxrErrorKind::UnsupportedVersion(v) if v == "2.0"),
                7,
            ),
            (
                HEAD.replace("<wp:wxr_version>1.2</wp:wxr_version>\n", "") + "\n" + TAIL,
                |k| matches!(k, WxrErrorKind::MissingVersion),
                8,
            ),
            (
                export("<item><title>A</wrong></item>\n"),
                |k| matches!(k, WxrErrorKind::Malformed(_)),
                8,
            ),
            (
                export("<item><title>&nbsp;</title></item>\n"),
                |k| matches!(k, WxrErrorKind::Malformed(m) if m.contains("nbsp")),
                8,
            ),
            (
                "<html><body>no</body></html>".to_owned(),
                |k| matches!(k, WxrErrorKind::NotWxr(_)),
                1,
            ),
            (String::new(), |k| matches!(k, WxrErrorKind::NotWxr(_)), 1),
            (
                "<rss><item/></rss>".to_owned(),
                |k| matches!(k, WxrErrorKind::NotWxr(_)),
                1,
            ),
            (
                export("").replace("</rss>\n", "</rss>\n<rss/>"),
                |k| matches!(k, WxrErrorKind::Malformed(_)),
                10,
            ),
        ];
        for (text, expected, line) in cases {
            let (kind, at) = refusal(&text);
            assert!(expected(&kind), "{kind:?} for {text}");
            assert_eq!(at.line, line, "{kind:?} at {at} in {text}");
        }
    }

    #[test]
    fn columns_count_characters_not_bytes() {
        let text = "ə\nəş<";
        assert_eq!(
            locate(text.as_bytes(), 7).expect("in memory"),
            Position { line: 2, column: 3 }
        );
    }

    /// The WordPress importer's own test exports and the theme unit test data, read
    /// from `../shared`: each valid one yields as many items as a plain (namespace-
    /// blind) XML reader counts `<item>` children of the channel; the broken ones are
    /// refused.
    #[test]
    fn the_wordpress_fixtures_are_read_or_refused() {
        let dir =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures/wordpress");
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .expect("../shared/fixtures/wordpress")
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "xml"))
            .collect();
        files.sort();
        assert!(files.len() >= 20, "{files:?}");
        for path in files {
            let bytes = std::fs::read(&path).expect("readable");
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let text = String::from_utf8_lossy(&bytes);
            let mut export = Export::new(bytes.as_slice());
            let mut count = 0;
            let outcome = loop {
                match export.next_entry() {
                    Ok(Some(Entry::Item(_))) => count += 1,
                    Ok(Some(_)) => {}
                    Ok(None) => break Ok(count),
                    Err(err) => break Err(err),
                }
            };
            let broken = name.starts_with("malformed")
                || name.starts_with("invalid-version")
                || name.starts_with("missing-version");
            match outcome {
                Ok(count) => {
                    assert!(!broken, "{name} should be refused");
                    assert_eq!(count, plain_item_count(&bytes), "{name}");
                }
                Err(err) => {
                    assert!(broken, "{name} refused: {err:?}");
                    let at = locate(bytes.as_slice(), err.offset).expect("in memory");
                    assert!(at.line >= 1 && at.line <= text.lines().count() as u64 + 1);
                }
            }
        }
    }

    /// `<item>` elements directly in `<channel>`, counted by quick-xml's plain reader.
    fn plain_item_count(bytes: &[u8]) -> usize {
        let mut reader = quick_xml::Reader::from_reader(bytes);
        reader.config_mut().expand_empty_elements = true;
        let mut path: Vec<Vec<u8>> = Vec::new();
        let mut buf = Vec::new();
        let mut count = 0;
        loop {
            buf.clear();
            match reader.read_event_into(&mut buf).expect("well-formed") {
                Event::Start(start) => {
                    let name = start.name().as_ref().to_vec();
                    if path.len() == 2 && name == b"item" {
                        count += 1;
                    }
                    path.push(name);
                }
                Event::End(_) => {
                    path.pop();
                }
                Event::Eof => return count,
                _ => {}
            }
        }
    }
}
