//! Agency feeds: RSS 2.0 and Atom read from bytes into wire copy, or refused with
//! a message that says what is wrong. Any input ends in one or the other, never a
//! panic; titles come out as plain text, summaries and content as sanitized HTML.

use jiff::Timestamp;
use quick_xml::events::Event;
use sha2::{Digest, Sha256};
use thiserror::Error;

use crate::domain::{escape_text, plain_text, sanitize_html};

/// Largest feed read, in bytes; agency feeds are a few hundred kilobytes.
pub const MAX_FEED_BYTES: usize = 5 * 1024 * 1024;
/// Longest title kept, in characters; a longer one is cut with an ellipsis.
pub const MAX_TITLE_CHARS: usize = 300;
/// Longest identity kept, in bytes; a longer one is replaced by its hash.
const MAX_GUID_BYTES: usize = 500;

/// Why bytes could not be read as a feed; nothing from them was stored.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum FeedError {
    /// More bytes than [`MAX_FEED_BYTES`].
    #[error("the feed is larger than {limit} bytes")]
    TooLarge {
        /// The cap.
        limit: usize,
    },
    /// Nothing but white space.
    #[error("the feed is empty")]
    Empty,
    /// Not XML at all (text, JSON, a binary file).
    #[error("this is not XML, so not an RSS or Atom feed: {0}")]
    NotXml(String),
    /// XML whose root is not `rss` or `feed` (an HTML page, a sitemap).
    #[error("this is not an RSS 2.0 or Atom feed: its root element is <{0}>")]
    NotAFeed(String),
    /// RSS that is not version 2.0 (the RDF-based 1.0, or 0.9x).
    #[error("RSS {0} is not supported; only RSS 2.0 and Atom are")]
    UnsupportedVersion(String),
    /// A feed whose XML is broken or truncated.
    #[error("the {format} feed is malformed: {message}")]
    Malformed {
        /// `RSS` or `Atom`.
        format: &'static str,
        /// The parser's words.
        message: String,
    },
}

/// Which kind of feed the bytes are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// RSS 2.0.
    Rss,
    /// Atom 1.0.
    Atom,
}

/// One story a feed carries, checked and cleaned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Story {
    /// Its identity in the source: RSS guid, else its link, else a hash of title and
    /// date; Atom id.
    pub guid: String,
    /// The title as plain text.
    pub title: String,
    /// The summary (RSS description, Atom summary) as sanitized HTML; may be empty.
    pub summary: String,
    /// The full text (RSS `content:encoded`, Atom content) as sanitized HTML; the
    /// summary when the feed gives no more.
    pub content: String,
    /// The original on the agency's site, when it is an http(s) address.
    pub link: Option<String>,
    /// When the source published it.
    pub published_at: Option<Timestamp>,
    /// When the source last changed it (Atom only).
    pub updated_at: Option<Timestamp>,
}

/// A feed read whole.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Feed {
    /// RSS or Atom.
    pub format: Format,
    /// The feed's own title, as plain text, when it has one.
    pub title: Option<String>,
    /// Its stories in feed order, each identity once.
    pub stories: Vec<Story>,
    /// Entries left out: neither title nor text, or an identity seen earlier.
    pub skipped: usize,
}

/// Reads RSS 2.0 or Atom from `bytes`.
pub fn parse(bytes: &[u8]) -> Result<Feed, FeedError> {
    if bytes.len() > MAX_FEED_BYTES {
        return Err(FeedError::TooLarge {
            limit: MAX_FEED_BYTES,
        });
    }
    match sniff(bytes)? {
        Format::Rss => parse_rss(bytes),
        Format::Atom => parse_atom(bytes),
    }
}

/// Finds the root element without reading further than it.
fn sniff(bytes: &[u8]) -> Result<Format, FeedError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(FeedError::Empty);
    }
    let mut reader = quick_xml::Reader::from_reader(bytes);
    loop {
        let event = reader
            .read_event()
            .map_err(|e| FeedError::NotXml(shorten(&e.to_string())))?;
        match event {
            Event::Start(e) | Event::Empty(e) => {
                let name = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
                return match name.as_str() {
                    "rss" => {
                        let version = e
                            .try_get_attribute("version")
                            .ok()
                            .flatten()
                            .map(|a| String::from_utf8_lossy(&a.value).trim().to_owned());
                        match version.as_deref() {
                            Some("2.0" | "2.0.1") | None => Ok(Format::Rss),
                            Some(other) => Err(FeedError::UnsupportedVersion(shorten(other))),
                        }
                    }
                    "RDF" => Err(FeedError::UnsupportedVersion("1.0".into())),
                    "feed" => Ok(Format::Atom),
                    other => Err(FeedError::NotAFeed(shorten(other))),
                };
            }
            Event::Text(t) if t.iter().all(u8::is_ascii_whitespace) => {}
            Event::Text(_) | Event::CData(_) | Event::GeneralRef(_) => {
                return Err(FeedError::NotXml(
                    "it starts with text, not an element".into(),
                ));
            }
            Event::End(_) => {
                return Err(FeedError::NotXml("it starts with a closing tag".into()));
            }
            Event::Eof => return Err(FeedError::NotXml("it has no element".into())),
            Event::Decl(_) | Event::PI(_) | Event::DocType(_) | Event::Comment(_) => {}
        }
    }
}

fn shorten(text: &str) -> String {
    let short: String = text.chars().take(80).collect();
    if short.len() < text.len() {
        format!("{short}…")
    } else {
        short
    }
}

fn malformed(format: &'static str, message: impl std::fmt::Display) -> FeedError {
    FeedError::Malformed {
        format,
        message: shorten(&message.to_string()),
    }
}

fn parse_rss(bytes: &[u8]) -> Result<Feed, FeedError> {
    let channel = rss::Channel::read_from(bytes).map_err(|e| malformed("RSS", e))?;
    let mut feed = Feed {
        format: Format::Rss,
        title: non_empty(plain_text(channel.title())),
        stories: Vec::with_capacity(channel.items().len()),
        skipped: 0,
    };
    for item in channel.items() {
        let summary = item.description().map(sanitize_html).unwrap_or_default();
        let content = item
            .content()
            .map(sanitize_html)
            .filter(|c| !c.trim().is_empty())
            .unwrap_or_else(|| summary.clone());
        let title = item
            .title()
            .map(plain_text)
            .filter(|t| !t.is_empty())
            .or_else(|| title_from(&content));
        let Some(title) = title.map(|t| cut(&t)).filter(|t| !t.is_empty()) else {
            feed.skipped += 1;
            continue;
        };
        let link = item.link().and_then(web_link);
        let published_at = item.pub_date().and_then(feed_time);
        let guid = item
            .guid()
            .map(|g| g.value().trim())
            .filter(|g| !g.is_empty())
            .map(str::to_owned)
            .or_else(|| link.clone())
            .unwrap_or_else(|| {
                hashed(&format!(
                    "{title}\n{}",
                    item.pub_date().unwrap_or_default().trim()
                ))
            });
        push(
            &mut feed,
            Story {
                guid: bounded(guid),
                title,
                summary,
                content,
                link,
                published_at,
                updated_at: None,
            },
        );
    }
    Ok(feed)
}

fn parse_atom(bytes: &[u8]) -> Result<Feed, FeedError> {
    let parsed = atom_syndication::Feed::read_from(bytes).map_err(|e| malformed("Atom", e))?;
    let mut feed = Feed {
        format: Format::Atom,
        title: non_empty(text_of(parsed.title())),
        stories: Vec::with_capacity(parsed.entries().len()),
        skipped: 0,
    };
    for entry in parsed.entries() {
        let summary = entry.summary().map(html_of).unwrap_or_default();
        let content = entry
            .content()
            .and_then(content_html)
            .filter(|c| !c.trim().is_empty())
            .unwrap_or_else(|| summary.clone());
        let title = non_empty(text_of(entry.title())).or_else(|| title_from(&content));
        let id = entry.id().trim();
        let Some(title) = title
            .map(|t| cut(&t))
            .filter(|t| !t.is_empty() && !id.is_empty())
        else {
            feed.skipped += 1;
            continue;
        };
        let link = entry
            .links()
            .iter()
            .find(|l| l.rel() == "alternate")
            .or_else(|| entry.links().first())
            .and_then(|l| web_link(l.href()));
        push(
            &mut feed,
            Story {
                guid: bounded(id.to_owned()),
                title,
                summary,
                content,
                link,
                published_at: entry.published().and_then(|d| atom_time(*d)),
                updated_at: atom_time(*entry.updated()),
            },
        );
    }
    Ok(feed)
}

/// Adds a story unless its identity came earlier in the same feed.
fn push(feed: &mut Feed, story: Story) {
    if feed.stories.iter().any(|s| s.guid == story.guid) {
        feed.skipped += 1;
    } else {
        feed.stories.push(story);
    }
}

fn non_empty(text: String) -> Option<String> {
    (!text.is_empty()).then_some(text)
}

/// A title for a story that has none: the start of its text.
fn title_from(html: &str) -> Option<String> {
    let text = plain_text(html);
    let words: Vec<&str> = text.split_whitespace().take(12).collect();
    non_empty(words.join(" "))
}

/// A title as a headline can take it: no control characters (a headline refuses
/// them), at most [`MAX_TITLE_CHARS`].
fn cut(title: &str) -> String {
    let title: String = title.chars().filter(|c| !c.is_control()).collect();
    if title.chars().count() <= MAX_TITLE_CHARS {
        title
    } else {
        let mut short: String = title.chars().take(MAX_TITLE_CHARS - 1).collect();
        short.push('…');
        short
    }
}

fn hashed(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256:{hex}")
}

/// An identity short enough to index: a longer one is replaced by its hash.
fn bounded(guid: String) -> String {
    if guid.len() <= MAX_GUID_BYTES {
        guid
    } else {
        hashed(&guid)
    }
}

/// A link readers may follow: http or https only, no white space, its scheme
/// written in lowercase (`HTTPS://` and `httPs://` are the same scheme).
fn web_link(raw: &str) -> Option<String> {
    let link = raw.trim();
    let (scheme, rest) = link.split_once("://")?;
    let scheme = scheme.to_ascii_lowercase();
    let web = scheme == "http" || scheme == "https";
    (web && link.len() <= 2000 && !link.chars().any(|c| c.is_whitespace() || c.is_control()))
        .then(|| format!("{scheme}://{rest}"))
}

/// A feed's date: RFC 2822 as RSS has it, or RFC 3339 as some feeds write instead;
/// `None` when it is neither.
pub fn feed_time(raw: &str) -> Option<Timestamp> {
    let raw = raw.trim();
    jiff::fmt::rfc2822::parse(raw)
        .map(|z| z.timestamp())
        .ok()
        .or_else(|| raw.parse::<Timestamp>().ok())
}

fn atom_time(at: atom_syndication::FixedDateTime) -> Option<Timestamp> {
    Timestamp::from_second(at.timestamp()).ok()
}

/// An Atom text construct as plain text.
fn text_of(text: &atom_syndication::Text) -> String {
    match text.r#type {
        atom_syndication::TextType::Text => {
            text.value.split_whitespace().collect::<Vec<_>>().join(" ")
        }
        _ => plain_text(&text.value),
    }
}

/// An Atom text construct as sanitized HTML.
fn html_of(text: &atom_syndication::Text) -> String {
    match text.r#type {
        atom_syndication::TextType::Text => paragraphs(&text.value),
        _ => sanitize_html(&text.value),
    }
}

/// Atom content as sanitized HTML; `None` for content elsewhere (`src`) or not text.
fn content_html(content: &atom_syndication::Content) -> Option<String> {
    let value = content.value.as_deref()?;
    match content.content_type.as_deref().unwrap_or("text") {
        "text" | "text/plain" => Some(paragraphs(value)),
        "html" | "xhtml" | "text/html" | "application/xhtml+xml" => Some(sanitize_html(value)),
        _ => None,
    }
}

/// Plain text as HTML paragraphs, split at blank lines.
fn paragraphs(text: &str) -> String {
    let html: String = text
        .split("\n\n")
        .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|p| !p.is_empty())
        .map(|p| format!("<p>{}</p>", escape_text(&p)))
        .collect();
    // Through the sanitizer too, so every stored text is serialized one way.
    sanitize_html(&html)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rss(items: &str) -> String {
        format!(
            r#"<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>Caspian Wire</title><link>https://wire.example/</link><description>d</description>
{items}
</channel></rss>"#
        )
    }

    fn atom(entries: &str) -> String {
        format!(
            r#"<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
<title>Atom Agency</title><id>urn:agency</id><updated>2026-05-21T12:00:00Z</updated>
{entries}
</feed>"#
        )
    }

    #[test]
    fn an_rss_item_keeps_its_guid_link_times_and_cleaned_text() {
        let feed = parse(
            rss(r#"<item><title>Ferry service resumes</title>
<link>https://wire.example/ferry</link>
<guid isPermaLink="false">wire-1</guid>
<pubDate>Thu, 21 May 2026 12:29:00 +0400</pubDate>
<description>&lt;p&gt;Crossings restart.&lt;/p&gt;&lt;script&gt;alert(1)&lt;/script&gt;</description>
<content:encoded><![CDATA[<p onclick="x()">Full text.</p>]]></content:encoded>
</item>"#)
            .as_bytes(),
        )
        .expect("a feed");
        assert_eq!(feed.format, Format::Rss);
        assert_eq!(feed.title.as_deref(), Some("Caspian Wire"));
        let story = &feed.stories[0];
        assert_eq!(story.guid, "wire-1");
        assert_eq!(story.title, "Ferry service resumes");
        assert_eq!(story.link.as_deref(), Some("https://wire.example/ferry"));
        assert_eq!(
            story.published_at,
            Some("2026-05-21T08:29:00Z".parse().expect("time"))
        );
        assert_eq!(story.summary, "<p>Crossings restart.</p>");
        assert_eq!(story.content, "<p>Full text.</p>");
    }

    #[test]
    fn an_rss_item_without_guid_is_known_by_its_link_then_by_title_and_date() {
        let feed = parse(
            rss(
                r#"<item><title>One</title><link>https://wire.example/one</link></item>
<item><title>Two</title><pubDate>Thu, 21 May 2026 12:29:00 GMT</pubDate></item>
<item><title>Two</title><pubDate>Thu, 21 May 2026 12:29:00 GMT</pubDate></item>
<item><title>Two</title><pubDate>Fri, 22 May 2026 12:29:00 GMT</pubDate></item>"#,
            )
            .as_bytes(),
        )
        .expect("a feed");
        assert_eq!(feed.stories[0].guid, "https://wire.example/one");
        assert!(feed.stories[1].guid.starts_with("sha256:"));
        assert_eq!(feed.stories.len(), 3, "the repeated story is left out");
        assert_ne!(feed.stories[1].guid, feed.stories[2].guid);
        assert_eq!(feed.skipped, 1);
    }

    #[test]
    fn a_bad_date_leaves_the_time_unknown_and_keeps_the_story() {
        let feed = parse(
            rss(
                r"<item><title>A</title><guid>a</guid><pubDate>yesterday-ish</pubDate></item>
<item><title>B</title><guid>b</guid><pubDate>2026-05-21T12:29:00Z</pubDate></item>",
            )
            .as_bytes(),
        )
        .expect("a feed");
        assert_eq!(feed.stories[0].published_at, None);
        assert_eq!(
            feed.stories[1].published_at,
            Some("2026-05-21T12:29:00Z".parse().expect("time"))
        );
    }

    #[test]
    fn html_in_titles_becomes_plain_text() {
        let feed = parse(
            rss(r"<item><title>&lt;b&gt;Breaking:&lt;/b&gt; talks &amp;amp; terms &lt;script&gt;x()&lt;/script&gt;</title><guid>t</guid></item>")
                .as_bytes(),
        )
        .expect("a feed");
        assert_eq!(feed.stories[0].title, "Breaking: talks & terms");
    }

    #[test]
    fn an_item_with_neither_title_nor_text_is_skipped_and_one_with_text_is_titled_by_it() {
        let feed = parse(
            rss(r"<item><guid>empty</guid></item>
<item><guid>text</guid><description>Markets opened higher on Monday.</description></item>")
            .as_bytes(),
        )
        .expect("a feed");
        assert_eq!(feed.skipped, 1);
        assert_eq!(feed.stories.len(), 1);
        assert_eq!(feed.stories[0].title, "Markets opened higher on Monday.");
    }

    #[test]
    fn an_atom_entry_keeps_its_id_alternate_link_and_both_times() {
        let feed = parse(
            atom(
                r#"<entry><title type="html">&lt;em&gt;Grain&lt;/em&gt; deal signed</title>
<id>tag:agency,2026:1</id>
<link rel="related" href="https://agency.example/related"/>
<link rel="alternate" href="https://agency.example/grain"/>
<published>2026-05-21T10:00:00+04:00</published><updated>2026-05-21T11:00:00Z</updated>
<summary>Short.</summary>
<content type="html">&lt;p&gt;Long &lt;iframe src="x"&gt;&lt;/iframe&gt;text.&lt;/p&gt;</content>
</entry>
<entry><title>Plain</title><id>tag:agency,2026:2</id><updated>2026-05-21T11:00:00Z</updated>
<content type="text">Line one &lt;b&gt;&amp;

line two</content></entry>"#,
            )
            .as_bytes(),
        )
        .expect("a feed");
        assert_eq!(feed.format, Format::Atom);
        let first = &feed.stories[0];
        assert_eq!(first.guid, "tag:agency,2026:1");
        assert_eq!(first.title, "Grain deal signed");
        assert_eq!(first.link.as_deref(), Some("https://agency.example/grain"));
        assert_eq!(
            first.published_at,
            Some("2026-05-21T06:00:00Z".parse().expect("time"))
        );
        assert_eq!(
            first.updated_at,
            Some("2026-05-21T11:00:00Z".parse().expect("time"))
        );
        assert_eq!(first.summary, "<p>Short.</p>");
        assert_eq!(first.content, "<p>Long text.</p>");
        assert_eq!(
            feed.stories[1].content,
            "<p>Line one &lt;b&gt;&amp;</p><p>line two</p>"
        );
    }

    #[test]
    fn a_link_that_is_not_http_is_dropped() {
        let feed = parse(
            rss(r"<item><title>X</title><guid>x</guid><link>javascript:alert(1)</link></item>")
                .as_bytes(),
        )
        .expect("a feed");
        assert_eq!(feed.stories[0].link, None);
    }

    #[test]
    fn a_links_scheme_is_kept_in_lowercase() {
        // Found by the fuzz target: a mixed-case scheme was kept as written.
        let feed = parse(
            rss(
                r"<item><title>X</title><guid>x</guid><link>httPs://wire.example/two</link></item>",
            )
            .as_bytes(),
        )
        .expect("a feed");
        assert_eq!(
            feed.stories[0].link.as_deref(),
            Some("https://wire.example/two")
        );
    }

    #[test]
    fn what_is_not_a_feed_is_refused_by_name() {
        let cases: [(&[u8], &str); 8] = [
            (b"", "the feed is empty"),
            (b"  \n", "the feed is empty"),
            (b"{\"items\": []}", "this is not XML"),
            (
                b"<!DOCTYPE html><html><body>Moved</body></html>",
                "its root element is <html>",
            ),
            (b"<urlset></urlset>", "its root element is <urlset>"),
            (
                b"<rss version=\"0.91\"><channel></channel></rss>",
                "RSS 0.91 is not supported",
            ),
            (
                b"<rss version=\"2.0\"><channel><title>x</title><item><title>t</item></channel></rss>",
                "the RSS feed is malformed",
            ),
            (
                b"<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>x</title><entry>",
                "the Atom feed is malformed",
            ),
        ];
        for (bytes, message) in cases {
            let err = parse(bytes).expect_err("refused");
            assert!(
                err.to_string().contains(message),
                "{:?}: {err}",
                String::from_utf8_lossy(bytes)
            );
        }
    }

    #[test]
    fn a_feed_over_the_cap_is_refused_before_it_is_read() {
        let big = vec![b' '; MAX_FEED_BYTES + 1];
        assert_eq!(
            parse(&big),
            Err(FeedError::TooLarge {
                limit: MAX_FEED_BYTES
            })
        );
    }

    #[test]
    fn control_characters_never_reach_a_title() {
        let feed = parse(
            rss("<item><title>Bell&#7;s and &#27;escapes</title><guid>c</guid></item>").as_bytes(),
        )
        .expect("a feed");
        assert_eq!(feed.stories[0].title, "Bells and escapes");
    }

    #[test]
    fn a_long_title_is_cut_and_a_long_guid_hashed() {
        let title = "word ".repeat(200);
        let guid = "g".repeat(MAX_GUID_BYTES + 1);
        let feed = parse(
            rss(&format!(
                "<item><title>{title}</title><guid>{guid}</guid></item>"
            ))
            .as_bytes(),
        )
        .expect("a feed");
        assert_eq!(feed.stories[0].title.chars().count(), MAX_TITLE_CHARS);
        assert!(feed.stories[0].guid.starts_with("sha256:"));
    }

    #[test]
    fn the_fuzz_seeds_are_read_or_refused() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/seeds/feed");
        let mut read = Vec::new();
        for entry in std::fs::read_dir(dir).expect("the seeds") {
            let path = entry.expect("entry").path();
            let bytes = std::fs::read(&path).expect("a seed");
            if let Ok(feed) = parse(&bytes)
                && !feed.stories.is_empty()
            {
                assert!(
                    feed.stories
                        .iter()
                        .filter_map(|s| s.link.as_deref())
                        .all(|l| l.starts_with("http://") || l.starts_with("https://")),
                    "{path:?}"
                );
                read.push(
                    path.file_name()
                        .expect("a name")
                        .to_string_lossy()
                        .into_owned(),
                );
            }
        }
        read.sort();
        assert_eq!(
            read,
            ["atom.xml", "mixed-case-scheme.xml", "rss.xml"],
            "the feed seeds are feeds with stories; the others are refused"
        );
    }

    #[test]
    fn truncated_prefixes_of_a_feed_never_panic() {
        let full = rss(r"<item><title>A</title><guid>a</guid></item>");
        for end in 0..full.len() {
            if let Some(prefix) = full.get(..end) {
                let _ = parse(prefix.as_bytes());
            }
        }
    }
}
