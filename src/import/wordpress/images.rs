//! The images of a WordPress export: each post's featured image (its `_thumbnail_id`,
//! an attachment item) and the `<img>`s of its content that show the site's uploads.
//!
//! The first pass notes the attachments and the addresses wanted (memory in the
//! number of images, never in their bytes). Before the import's transaction begins,
//! each image not imported before is fetched (from a local copy of
//! `wp-content/uploads` or over HTTP), processed as every upload is, and its variants
//! kept in a temporary folder, one image in memory at a time. The import records the
//! images in its transaction, and their files reach the media store only as it
//! commits: a failed or dry run leaves no file behind.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::time::Duration;

use jiff::Timestamp;

use super::mapping::{self, Plan};
use super::{Options, WordPressError};
use crate::domain::escape_text;
use crate::import::wxr::{Item, Site};
use crate::newsroom::{Actor, Filing, ImageFacts, ImageTexts, ImportRun, ImportedImage, Newsroom};

/// Where a site keeps its uploads, in every address of one.
const UPLOADS: &str = "/wp-content/uploads/";
/// How long one download may take, from connecting to the last byte.
const DOWNLOAD_TIMEOUT: Duration = Duration::from_secs(60);
/// How long connecting may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Redirects followed for one image.
const MAX_REDIRECTS: usize = 5;

/// Where images come from.
#[derive(Debug, Clone)]
pub struct Sources {
    /// A local copy of the site's `wp-content/uploads`, read instead of downloading.
    pub uploads: Option<PathBuf>,
    /// Whether images (not found in `uploads`) are downloaded.
    pub download: bool,
}

impl Default for Sources {
    fn default() -> Self {
        Self {
            uploads: None,
            download: true,
        }
    }
}

/// What the report tells of images.
#[derive(Debug, Clone, Default)]
pub struct ImageReport {
    /// Images stored for the first time.
    pub imported: usize,
    /// Images imported before (or stored already), used again.
    pub reused: usize,
    /// Images not brought over, each address with why; the pages show none of them.
    pub unreachable: Vec<(String, String)>,
    /// Images brought over that an editor should look at, and why.
    pub notes: Vec<String>,
}

impl ImageReport {
    /// The report's lines on images, if the export had any.
    pub(super) fn write(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.imported + self.reused + self.unreachable.len() == 0 {
            return Ok(());
        }
        writeln!(
            f,
            "images: {} imported, {} reused, {} unreachable",
            self.imported,
            self.reused,
            self.unreachable.len()
        )?;
        for (url, reason) in &self.unreachable {
            writeln!(f, "  image not brought over {url}: {reason}")?;
        }
        for note in &self.notes {
            writeln!(f, "  image {note}")?;
        }
        Ok(())
    }
}

/// What an attachment item tells of its image.
#[derive(Debug, Clone, Default)]
struct Attachment {
    url: String,
    title: String,
    alt: String,
    caption: String,
}

/// Who wants an image: posts, pages (imported only with `--pages`), or both.
#[derive(Debug, Clone, Copy, Default)]
struct Wanted {
    by_post: bool,
    by_page: bool,
}

impl Wanted {
    fn add(&mut self, page: bool) {
        if page {
            self.by_page = true;
        } else {
            self.by_post = true;
        }
    }

    fn needed(self, pages: bool) -> bool {
        self.by_post || (pages && self.by_page)
    }
}

/// What the first pass learned of the export's images: its attachments and the
/// images its posts and pages show. Grows with the number of images only.
#[derive(Debug, Clone, Default)]
pub struct Index {
    /// The site's addresses (host and port), whose uploads content images come from.
    hosts: Vec<String>,
    /// The site's address, before a content image's path.
    base: String,
    attachments: HashMap<String, Attachment>,
    /// Attachment ids by their address.
    by_url: HashMap<String, String>,
    /// Attachment ids that are some post's featured image.
    featured: HashMap<String, Wanted>,
    /// Upload addresses `<img>`s of content show.
    inline: BTreeMap<String, Wanted>,
}

impl Index {
    /// Notes what `item` tells of images; `site` is the channel read so far.
    pub(super) fn note(&mut self, item: &Item, site: &Site) {
        if self.base.is_empty() {
            (self.hosts, self.base) = site_addresses(site);
        }
        match item.post_type.as_str() {
            "attachment" => {
                let url = if item.attachment_url.trim().is_empty() {
                    item.guid.trim()
                } else {
                    item.attachment_url.trim()
                };
                if url.is_empty() {
                    return;
                }
                let id = item.post_id.trim().to_owned();
                self.by_url.insert(url.to_owned(), id.clone());
                self.attachments.insert(
                    id,
                    Attachment {
                        url: url.to_owned(),
                        title: mapping::plain_text(&item.title),
                        alt: item
                            .meta("_wp_attachment_image_alt")
                            .unwrap_or_default()
                            .to_owned(),
                        caption: mapping::plain_text(&item.excerpt),
                    },
                );
            }
            "post" | "page" => {
                // Only what the import files wants images; the time does not matter here.
                if !matches!(
                    mapping::plan(item, Timestamp::UNIX_EPOCH),
                    Plan::Import { .. }
                ) {
                    return;
                }
                let page = item.post_type == "page";
                if let Some(id) = item.meta("_thumbnail_id") {
                    let id = id.trim();
                    if !id.is_empty() && id != "0" {
                        self.featured.entry(id.to_owned()).or_default().add(page);
                    }
                }
                for tag in tags(&item.content, "img") {
                    if let Some(url) = tag.attr("src").and_then(|src| self.upload(&src)) {
                        self.inline.entry(url).or_default().add(page);
                    }
                }
            }
            _ => {}
        }
    }

    /// The absolute address of `src` when it shows one of the site's uploads.
    fn upload(&self, src: &str) -> Option<String> {
        let src = src.trim();
        let absolute = if src.starts_with('/') && !src.starts_with("//") {
            format!("{}{src}", self.base)
        } else {
            src.to_owned()
        };
        let parsed = reqwest::Url::parse(&absolute).ok()?;
        let ours =
            matches!(parsed.scheme(), "http" | "https") && self.hosts.contains(&host_of(&parsed)?);
        // The path is looked at as written: `..` in it must reach the check of the
        // local copy, not be resolved away by the parser.
        (ours && absolute.contains(UPLOADS)).then_some(absolute)
    }

    /// The attachment showing `url`: the same address, or the full-size original of a
    /// resized copy (`photo-300x200.jpg`).
    fn attachment_of(&self, url: &str) -> Option<&Attachment> {
        self.by_url
            .get(url)
            .or_else(|| self.by_url.get(&without_size(url)?))
            .and_then(|id| self.attachments.get(id))
    }

    /// Every address to fetch, each once.
    fn wanted(&self, pages: bool) -> Vec<String> {
        let mut urls: Vec<String> = self
            .featured
            .iter()
            .filter(|(_, wanted)| wanted.needed(pages))
            .filter_map(|(id, _)| self.attachments.get(id))
            .map(|a| a.url.clone())
            .chain(
                self.inline
                    .iter()
                    .filter(|(_, wanted)| wanted.needed(pages))
                    .map(|(url, _)| url.clone()),
            )
            .collect();
        urls.sort();
        urls.dedup();
        urls
    }
}

/// The host and port of an address, as the site's addresses are compared.
fn host_of(url: &reqwest::Url) -> Option<String> {
    let host = url.host_str()?.to_ascii_lowercase();
    Some(match url.port_or_known_default() {
        Some(port) => format!("{host}:{port}"),
        None => host,
    })
}

/// The hosts of the site's addresses, and its address for relative paths.
fn site_addresses(site: &Site) -> (Vec<String>, String) {
    let mut hosts = Vec::new();
    let mut base = String::new();
    for address in [&site.base_site_url, &site.base_blog_url, &site.link] {
        if let Ok(url) = reqwest::Url::parse(address.trim())
            && let Some(host) = host_of(&url)
        {
            if base.is_empty() {
                base = url.origin().ascii_serialization();
            }
            if !hosts.contains(&host) {
                hosts.push(host);
            }
        }
    }
    (hosts, base)
}

/// `url` without WordPress's size suffix (`-300x200` before the extension), if it has one.
fn without_size(url: &str) -> Option<String> {
    let dot = url.rfind('.')?;
    let dash = url[..dot].rfind('-')?;
    let (w, h) = url[dash + 1..dot].split_once('x')?;
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    (digits(w) && digits(h)).then(|| format!("{}{}", &url[..dash], &url[dot..]))
}

/// One start tag found in HTML: where it is and its attributes, values unescaped.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Tag {
    start: usize,
    end: usize,
    attrs: Vec<(String, String)>,
}

impl Tag {
    fn attr(&self, name: &str) -> Option<String> {
        self.attrs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
    }
}

/// Undoes the character references an address or alt text may hold.
fn unescape(value: &str) -> String {
    html_escape::decode_html_entities(value).into_owned()
}

/// Every `<name …>` start tag of `html` (case-insensitive), in order. Enough for
/// WordPress content and the sanitizer's output, not a general HTML parser.
fn tags(html: &str, name: &str) -> Vec<Tag> {
    let bytes = html.as_bytes();
    let mut found = Vec::new();
    let mut at = 0;
    while let Some(offset) = html[at..].find('<') {
        let start = at + offset;
        let name_end = start + 1 + name.len();
        let matches = bytes
            .get(start + 1..name_end)
            .is_some_and(|n| n.eq_ignore_ascii_case(name.as_bytes()))
            && bytes
                .get(name_end)
                .is_some_and(|b| b.is_ascii_whitespace() || *b == b'>' || *b == b'/');
        if !matches {
            at = start + 1;
            continue;
        }
        let (attrs, end) = attributes(html, name_end);
        found.push(Tag { start, end, attrs });
        at = end;
    }
    found
}

/// The attributes from `at` to the tag's `>`, and the offset after it.
fn attributes(html: &str, mut at: usize) -> (Vec<(String, String)>, usize) {
    let bytes = html.as_bytes();
    let mut attrs = Vec::new();
    loop {
        while bytes
            .get(at)
            .is_some_and(|b| b.is_ascii_whitespace() || *b == b'/')
        {
            at += 1;
        }
        match bytes.get(at) {
            None => return (attrs, html.len()),
            Some(b'>') => return (attrs, at + 1),
            Some(_) => {}
        }
        let name_start = at;
        while bytes
            .get(at)
            .is_some_and(|b| !b.is_ascii_whitespace() && !matches!(b, b'=' | b'>' | b'/'))
        {
            at += 1;
        }
        let name = html[name_start..at].to_ascii_lowercase();
        while bytes.get(at).is_some_and(u8::is_ascii_whitespace) {
            at += 1;
        }
        let mut value = String::new();
        if bytes.get(at) == Some(&b'=') {
            at += 1;
            while bytes.get(at).is_some_and(u8::is_ascii_whitespace) {
                at += 1;
            }
            match bytes.get(at) {
                Some(&quote @ (b'"' | b'\'')) => {
                    let from = at + 1;
                    let to = html[from..]
                        .find(quote as char)
                        .map_or(html.len(), |n| from + n);
                    value = unescape(&html[from..to]);
                    at = (to + 1).min(html.len());
                }
                _ => {
                    let from = at;
                    while bytes
                        .get(at)
                        .is_some_and(|b| !b.is_ascii_whitespace() && *b != b'>')
                    {
                        at += 1;
                    }
                    value = unescape(&html[from..at]);
                }
            }
        }
        if !name.is_empty() {
            attrs.push((name, value));
        }
    }
}

/// A stored image as bodies and lead images refer to it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Stored {
    id: i64,
    src: String,
    alt: String,
}

/// What became of an image address in this import: the stored image, or `None` when
/// it was not brought over.
type Resolved = Option<Stored>;

/// Rewrites a body's images: an `<img>` of the site's uploads shows the stored image
/// (its own alt text kept, the image's when it has none); one not brought over is
/// removed, and so is a link to an upload that was not brought over (its content
/// stays). `resolved` answers for upload addresses; `None` for any other address.
fn rewrite(body: &str, resolved: impl Fn(&str) -> Option<Resolved>) -> String {
    let mut found = tags(body, "img");
    found.extend(tags(body, "a"));
    found.sort_by_key(|t| t.start);
    let mut out = String::with_capacity(body.len());
    let mut at = 0;
    // Links whose opening tag was removed lose their closing tag too; links do not
    // nest, so it is the next `</a>`.
    let mut unclosed = false;
    let copy = |out: &mut String, text: &str, unclosed: &mut bool| match text
        .find("</a>")
        .filter(|_| *unclosed)
    {
        Some(close) => {
            out.push_str(&text[..close]);
            out.push_str(&text[close + 4..]);
            *unclosed = false;
        }
        None => out.push_str(text),
    };
    for tag in found {
        let is_link = body[tag.start + 1..].starts_with(['a', 'A']);
        let target = if is_link { "href" } else { "src" };
        let Some(answer) = tag.attr(target).and_then(|url| resolved(&url)) else {
            continue;
        };
        copy(&mut out, &body[at..tag.start], &mut unclosed);
        at = tag.end;
        match answer {
            Some(stored) if is_link => {
                out.push_str(&format!("<a href=\"{}\">", escape_text(&stored.src)));
            }
            Some(stored) => {
                let alt = tag
                    .attr("alt")
                    .filter(|a| !a.trim().is_empty())
                    .unwrap_or(stored.alt);
                out.push_str(&format!(
                    "<img src=\"{}\" alt=\"{}\"",
                    escape_text(&stored.src),
                    escape_text(&alt)
                ));
                for name in ["title", "width", "height"] {
                    if let Some(value) = tag.attr(name) {
                        out.push_str(&format!(" {name}=\"{}\"", escape_text(&value)));
                    }
                }
                out.push('>');
            }
            None if is_link => unclosed = true,
            // Dropped rather than left pointing at the old site: a hotlink breaks (or
            // changes under us) once that site is gone, and the report names it.
            None => {}
        }
    }
    copy(&mut out, &body[at..], &mut unclosed);
    out
}

/// The address pages use for a stored image, as the editor's Markdown does.
fn media_address(hash: &str, format: &str) -> String {
    format!("/media/{hash}.{format}")
}

/// Why a path under `wp-content/uploads` cannot be read from the local copy.
const OUTSIDE: &str = "its path leaves the uploads folder, so it is not read";

/// The file of the local copy `dir` that an upload's address names. Refuses anything
/// that could lead out of `dir`: `..`, empty or drive-like parts, encoded slashes,
/// and symbolic links that point elsewhere.
fn local_file(dir: &Path, url: &str) -> Result<PathBuf, String> {
    let at = url.find(UPLOADS).ok_or_else(|| {
        "it is not under wp-content/uploads, so the local copy has no file for it".to_owned()
    })?;
    let rest = &url[at + UPLOADS.len()..];
    let rest = rest.split(['?', '#']).next().unwrap_or_default();
    let decoded = percent_decode(rest).ok_or_else(|| OUTSIDE.to_owned())?;
    let mut path = dir.to_path_buf();
    for part in decoded.split(['/', '\\']) {
        if part.is_empty() || part == "." || part == ".." || part.contains(['\0', ':']) {
            return Err(OUTSIDE.into());
        }
        path.push(part);
    }
    let root = dir
        .canonicalize()
        .map_err(|e| format!("the uploads folder {} cannot be read: {e}", dir.display()))?;
    let real = path
        .canonicalize()
        .map_err(|_| format!("{} is not in the uploads folder", decoded))?;
    if !real.starts_with(&root) {
        return Err(OUTSIDE.into());
    }
    Ok(real)
}

/// `%XX`-decoded text, or `None` when the result is not UTF-8.
fn percent_decode(text: &str) -> Option<String> {
    percent_encoding::percent_decode_str(text)
        .decode_utf8()
        .ok()
        .map(std::borrow::Cow::into_owned)
}

/// Reads at most `cap` bytes of a local file.
fn read_capped(path: &Path, cap: usize) -> Result<Vec<u8>, String> {
    use std::io::Read;
    let file = std::fs::File::open(path).map_err(|e| format!("cannot be read: {e}"))?;
    let mut bytes = Vec::new();
    file.take(cap as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot be read: {e}"))?;
    if bytes.len() > cap {
        return Err(too_large(cap));
    }
    Ok(bytes)
}

fn too_large(cap: usize) -> String {
    format!("it is larger than the {cap} bytes an upload may have")
}

/// The client images are downloaded with: a timeout, and redirects to http(s) only.
fn client() -> Result<reqwest::Client, reqwest::Error> {
    let policy = reqwest::redirect::Policy::custom(|attempt| {
        if attempt.previous().len() >= MAX_REDIRECTS {
            attempt.error("too many redirects")
        } else if matches!(attempt.url().scheme(), "http" | "https") {
            attempt.follow()
        } else {
            attempt.error("a redirect to an address that is not http or https")
        }
    });
    reqwest::Client::builder()
        .redirect(policy)
        .timeout(DOWNLOAD_TIMEOUT)
        .connect_timeout(CONNECT_TIMEOUT)
        .build()
}

/// Downloads at most `cap` bytes from an http(s) address.
async fn download(client: &reqwest::Client, url: &str, cap: usize) -> Result<Vec<u8>, String> {
    let parsed = reqwest::Url::parse(url).map_err(|_| "it is not a valid address".to_owned())?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err("only http and https addresses are downloaded".into());
    }
    let describe = |e: reqwest::Error| {
        if e.is_timeout() {
            "the download timed out".to_owned()
        } else if e.is_redirect() {
            "it redirects too often".to_owned()
        } else if e.is_connect() {
            "the server could not be reached".to_owned()
        } else {
            "the download failed".to_owned()
        }
    };
    let mut response = client.get(parsed).send().await.map_err(describe)?;
    // The policy follows every http(s) redirect, so one handed back leads elsewhere.
    if response.status().is_redirection() {
        return Err("it redirects away from http(s)".into());
    }
    if !response.status().is_success() {
        return Err(format!("the server answered {}", response.status()));
    }
    if response.content_length().is_some_and(|n| n > cap as u64) {
        return Err(too_large(cap));
    }
    let mut bytes = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(describe)? {
        if bytes.len() + chunk.len() > cap {
            return Err(too_large(cap));
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(bytes)
}

/// An image fetched and processed, its variants in the temporary folder.
#[derive(Debug)]
struct Ready {
    facts: ImageFacts,
    names: Vec<String>,
}

/// The images of an export, fetched and processed, ready to be recorded by the
/// import; the temporary folder goes when this is dropped.
pub struct Staged<'a> {
    index: &'a Index,
    folder: Option<tempfile::TempDir>,
    ready: HashMap<String, Result<Ready, String>>,
    /// What each address became in this import, so each is recorded and counted once.
    done: HashMap<String, Resolved>,
    /// Files of images new to the media store, stored as the import commits.
    files: Vec<(String, PathBuf)>,
}

/// Fetches and processes every image the export wants that was not imported before,
/// one at a time, before the import's transaction begins. An image that cannot be
/// fetched or is refused is noted with why; only the temporary folder failing stops.
pub async fn stage<'a>(
    newsroom: &Newsroom,
    index: &'a Index,
    options: &Options,
) -> Result<Staged<'a>, WordPressError> {
    let mut staged = Staged {
        index,
        folder: None,
        ready: HashMap::new(),
        done: HashMap::new(),
        files: Vec::new(),
    };
    let urls = index.wanted(options.pages);
    if urls.is_empty() {
        return Ok(staged);
    }
    // Fetching may take long: an edition that does not exist is refused first.
    let mut probe = newsroom.begin_import(Actor::system(super::ACTOR)).await?;
    if !probe.has_edition(&options.edition).await? {
        return Err(WordPressError::UnknownEdition(options.edition.to_string()));
    }
    probe.abandon();
    let folder = tempfile::Builder::new()
        .prefix("newsline-import-images")
        .tempdir()?;
    let client = client().map_err(std::io::Error::other)?;
    let cap = newsroom.max_upload_bytes();
    for url in urls {
        if newsroom.has_imported_image(&url).await? {
            continue;
        }
        if newsroom.media_store().is_none() {
            staged
                .ready
                .insert(url, Err("no media store is configured".into()));
            continue;
        }
        let result = match fetch(&client, &options.images, &url, cap).await {
            Ok(bytes) => match newsroom.prepare_image(bytes).await {
                Ok(image) => {
                    let mut names = Vec::with_capacity(image.variants.len());
                    for variant in &image.variants {
                        std::fs::write(folder.path().join(&variant.name), &variant.bytes)?;
                        names.push(variant.name.clone());
                    }
                    Ok(Ready {
                        facts: ImageFacts::of(&image),
                        names,
                    })
                }
                Err(e) => Err(e.to_string()),
            },
            Err(reason) => Err(reason),
        };
        staged.ready.insert(url, result);
    }
    staged.folder = Some(folder);
    Ok(staged)
}

/// The bytes of one image: from the local copy when given and the address is under
/// its uploads, else downloaded unless downloads are off.
async fn fetch(
    client: &reqwest::Client,
    sources: &Sources,
    url: &str,
    cap: usize,
) -> Result<Vec<u8>, String> {
    if let Some(dir) = &sources.uploads
        && url.contains(UPLOADS)
    {
        let path = local_file(dir, url)?;
        return read_capped(&path, cap);
    }
    if !sources.download {
        return Err("downloads are off (--no-download)".into());
    }
    download(client, url, cap).await
}

impl Staged<'_> {
    /// Gives `filing` its featured image as lead image and its content's images as
    /// stored images, recording each in `run` the first time it is met.
    pub async fn apply(
        &mut self,
        run: &mut ImportRun<'_>,
        item: &Item,
        filing: &mut Filing,
        report: &mut ImageReport,
    ) -> Result<(), WordPressError> {
        let index = self.index;
        let featured = item
            .meta("_thumbnail_id")
            .and_then(|id| index.attachments.get(id.trim()));
        if let Some(attachment) = featured
            && let Some(stored) = self
                .resolve(run, &attachment.url, "", Some(attachment), report)
                .await?
        {
            filing.lead_media = Some(stored.id);
        }
        let mut wanted = Vec::new();
        for tag in tags(&filing.body, "img") {
            if let Some(url) = tag.attr("src").and_then(|src| index.upload(&src)) {
                wanted.push((url, tag.attr("alt").unwrap_or_default()));
            }
        }
        if wanted.is_empty() && !filing.body.contains(UPLOADS) {
            return Ok(());
        }
        for (url, alt) in wanted {
            self.resolve(run, &url, &alt, None, report).await?;
        }
        let done = &self.done;
        filing.body = rewrite(&filing.body, |src| {
            let url = index.upload(src)?;
            Some(done.get(&url).cloned().flatten())
        });
        Ok(())
    }

    /// The stored image for `url`: imported before, recorded now, or `None` (noted in
    /// the report) when it could not be brought over.
    async fn resolve(
        &mut self,
        run: &mut ImportRun<'_>,
        url: &str,
        img_alt: &str,
        attachment: Option<&Attachment>,
        report: &mut ImageReport,
    ) -> Result<Resolved, WordPressError> {
        if let Some(done) = self.done.get(url) {
            return Ok(done.clone());
        }
        let record = if let Some(record) = run.imported_image(url).await? {
            report.reused += 1;
            Some(record)
        } else {
            match self.ready.get(url) {
                Some(Ok(ready)) => match self.texts(url, img_alt, attachment) {
                    Err(reason) => {
                        report.unreachable.push((url.to_owned(), reason));
                        None
                    }
                    Ok((texts, note)) => match run.record_image(url, &ready.facts, texts).await? {
                        ImportedImage::Reused(record) => {
                            report.reused += 1;
                            Some(record)
                        }
                        ImportedImage::Recorded { record, new_files } => {
                            // The same bytes under another address are stored once.
                            if new_files {
                                report.imported += 1;
                            } else {
                                report.reused += 1;
                            }
                            if let Some(note) = note {
                                report.notes.push(format!("{url}: {note}"));
                            }
                            if new_files && let Some(folder) = &self.folder {
                                self.files.extend(
                                    ready
                                        .names
                                        .iter()
                                        .map(|n| (n.clone(), folder.path().join(n))),
                                );
                            }
                            Some(record)
                        }
                    },
                },
                Some(Err(reason)) => {
                    report.unreachable.push((url.to_owned(), reason.clone()));
                    None
                }
                None => {
                    report.unreachable.push((
                        url.to_owned(),
                        "it was not among the images found when the file was checked".into(),
                    ));
                    None
                }
            }
        };
        let resolved = record.map(|r| Stored {
            id: r.id,
            src: media_address(&r.hash, &r.format),
            alt: r.alt,
        });
        self.done.insert(url.to_owned(), resolved.clone());
        Ok(resolved)
    }

    /// The alt text, caption and credit of the image at `url` (a featured image's
    /// `attachment`, else the one whose address it is), and a note when the export gave
    /// no alt text: the attachment's alt text, else the `<img>`'s, else its title (or
    /// file name), since every image needs one.
    fn texts(
        &self,
        url: &str,
        img_alt: &str,
        attachment: Option<&Attachment>,
    ) -> Result<(ImageTexts, Option<String>), String> {
        let attachment = attachment.or_else(|| self.index.attachment_of(url));
        let alt = attachment.map(|a| a.alt.as_str()).unwrap_or_default();
        let (alt, note) = if !alt.trim().is_empty() {
            (alt.to_owned(), None)
        } else if !img_alt.trim().is_empty() {
            (img_alt.to_owned(), None)
        } else {
            let title = attachment.map(|a| a.title.clone()).unwrap_or_default();
            let stand_in = if title.trim().is_empty() {
                file_name(url)
            } else {
                title
            };
            (
                stand_in.clone(),
                Some(format!(
                    "had no alt text; \"{stand_in}\" stands in for it: describe the image in the newsroom"
                )),
            )
        };
        let caption = attachment.map(|a| a.caption.as_str()).unwrap_or_default();
        let texts = ImageTexts::parse(
            &ImageTexts::shortened(&alt),
            &ImageTexts::shortened(caption),
            "",
        )
        .map_err(|e| e.to_string())?;
        Ok((texts, note))
    }

    /// Stores the new images' files and commits the import; see
    /// [`ImportRun::commit_with_files`].
    pub async fn commit(self, run: ImportRun<'_>) -> Result<(), WordPressError> {
        run.commit_with_files(&self.files).await?;
        Ok(())
    }
}

/// The file name of an address, without its extension, as a last stand-in for alt text.
fn file_name(url: &str) -> String {
    let path = url.split(['?', '#']).next().unwrap_or(url);
    let name = path.rsplit('/').next().unwrap_or(path);
    let stem = name.rsplit_once('.').map_or(name, |(stem, _)| stem);
    let words = percent_decode(stem)
        .unwrap_or_else(|| stem.to_owned())
        .replace(['-', '_'], " ");
    if words.trim().is_empty() {
        "Image".to_owned()
    } else {
        words
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn character_references_of_every_kind_are_decoded() {
        // WordPress writes typographic apostrophes and dashes as numeric references.
        assert_eq!(
            unescape("Baku&#8217;s port &ndash; at dawn"),
            "Baku’s port – at dawn"
        );
        assert_eq!(unescape("a.jpg?w=1&#038;h=2&amp;x"), "a.jpg?w=1&h=2&x");
        assert_eq!(unescape("no references"), "no references");
        assert_eq!(percent_decode("Bak%C4%B1.jpg").as_deref(), Some("Bakı.jpg"));
        assert_eq!(percent_decode("%FF.jpg"), None);
    }

    fn index() -> Index {
        let site = Site {
            link: "https://old.example".into(),
            base_site_url: "https://old.example/".into(),
            ..Site::default()
        };
        let mut index = Index::default();
        (index.hosts, index.base) = site_addresses(&site);
        index
    }

    fn stored(id: i64) -> Resolved {
        Some(Stored {
            id,
            src: format!("/media/{id:04x}.jpg"),
            alt: "Harbour at dawn".into(),
        })
    }

    #[test]
    fn only_the_sites_own_uploads_are_images_to_bring_over() {
        let index = index();
        let up = "https://old.example/wp-content/uploads/2024/05/p.jpg";
        assert_eq!(index.upload(up).as_deref(), Some(up));
        assert_eq!(
            index.upload("/wp-content/uploads/a.png").as_deref(),
            Some("https://old.example/wp-content/uploads/a.png")
        );
        assert_eq!(
            index
                .upload("https://OLD.example:443/wp-content/uploads/a.png")
                .as_deref(),
            Some("https://OLD.example:443/wp-content/uploads/a.png")
        );
        for other in [
            "https://old.example/p.jpg",
            "https://cdn.example/wp-content/uploads/a.png",
            "http://old.example:8080/wp-content/uploads/a.png",
            "ftp://old.example/wp-content/uploads/a.png",
            "//old.example/wp-content/uploads/a.png",
            "data:image/png;base64,AAAA",
        ] {
            assert_eq!(index.upload(other), None, "{other}");
        }
    }

    #[test]
    fn tags_are_found_with_their_attributes_unescaped() {
        let html = "<p>x<IMG class=a SRC='https://e/x.jpg?a=1&amp;b=2' alt=\"A &quot;b&quot;\"/>\
                    <img\nsrc=\"/y.png\"><i>img</i><imgx src=z></p>";
        let found = tags(html, "img");
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!(
            found[0].attr("src").as_deref(),
            Some("https://e/x.jpg?a=1&b=2")
        );
        assert_eq!(found[0].attr("alt").as_deref(), Some("A \"b\""));
        assert_eq!(found[0].attr("class").as_deref(), Some("a"));
        assert_eq!(found[1].attr("src").as_deref(), Some("/y.png"));
        assert_eq!(&html[found[1].start..found[1].end], "<img\nsrc=\"/y.png\">");
        // A tag cut off at the end of the text does not run past it.
        assert_eq!(tags("<img src=\"a", "img")[0].end, 11);
    }

    #[test]
    fn stored_images_replace_uploads_and_lost_ones_leave_no_hotlink() {
        let body = "<div><p><a href=\"https://old.example/wp-content/uploads/big.jpg\">\
                    <img src=\"https://old.example/wp-content/uploads/big-300x200.jpg\" alt=\"\" width=\"300\"></a></p>\
                    <p><img src=\"https://old.example/wp-content/uploads/gone.jpg\" alt=\"Gone\"> after</p>\
                    <p><a href=\"https://elsewhere.example/\">kept</a> \
                    <img src=\"https://elsewhere.example/x.jpg\" alt=\"Hotlink\"></p></div>";
        let index = index();
        let out = rewrite(body, |src| {
            let url = index.upload(src)?;
            Some(if url.ends_with("big-300x200.jpg") {
                stored(7)
            } else {
                None
            })
        });
        assert_eq!(
            out,
            "<div><p><img src=\"/media/0007.jpg\" alt=\"Harbour at dawn\" width=\"300\"></p>\
             <p> after</p>\
             <p><a href=\"https://elsewhere.example/\">kept</a> \
             <img src=\"https://elsewhere.example/x.jpg\" alt=\"Hotlink\"></p></div>"
        );
    }

    #[test]
    fn an_image_keeps_its_own_alt_text_and_links_to_a_stored_image_stay() {
        let body = "<a href=\"https://old.example/wp-content/uploads/a.jpg\">\
                    <img src=\"https://old.example/wp-content/uploads/a.jpg\" alt=\"Own &amp; words\"></a>";
        let index = index();
        let out = rewrite(body, |src| Some(index.upload(src).and(stored(1))));
        assert_eq!(
            out,
            "<a href=\"/media/0001.jpg\"><img src=\"/media/0001.jpg\" alt=\"Own &#38; words\"></a>"
        );
    }

    #[test]
    fn the_local_copy_is_read_only_inside_its_folder() {
        let root = tempfile::tempdir().expect("temp dir");
        let uploads = root.path().join("uploads");
        std::fs::create_dir_all(uploads.join("2024/05")).expect("dirs");
        std::fs::write(uploads.join("2024/05/p q.jpg"), b"jpg").expect("write");
        std::fs::write(root.path().join("secret.jpg"), b"secret").expect("write");
        let base = "https://old.example/wp-content/uploads/";
        let found = local_file(&uploads, &format!("{base}2024/05/p%20q.jpg?ver=2")).expect("found");
        assert_eq!(std::fs::read(found).expect("read"), b"jpg");
        for bad in [
            "../secret.jpg",
            "2024/../../secret.jpg",
            "..%2Fsecret.jpg",
            "2024/05/..%2f..%2f..%2fsecret.jpg",
            "%2e%2e/secret.jpg",
            "..\\secret.jpg",
            "/etc/passwd",
            "2024//05/p%20q.jpg",
            "C:/Windows/win.ini",
            "p%00.jpg",
        ] {
            let err = local_file(&uploads, &format!("{base}{bad}")).expect_err(bad);
            assert_eq!(err, OUTSIDE, "{bad}");
        }
        assert!(local_file(&uploads, &format!("{base}2024/05/none.jpg")).is_err());
        assert!(local_file(&uploads, "https://old.example/other/p.jpg").is_err());
    }

    #[cfg(unix)]
    #[test]
    fn a_symbolic_link_out_of_the_local_copy_is_refused() {
        let root = tempfile::tempdir().expect("temp dir");
        let uploads = root.path().join("uploads");
        std::fs::create_dir_all(&uploads).expect("dirs");
        std::fs::write(root.path().join("secret.jpg"), b"secret").expect("write");
        std::os::unix::fs::symlink(root.path().join("secret.jpg"), uploads.join("link.jpg"))
            .expect("link");
        let err = local_file(&uploads, "https://old.example/wp-content/uploads/link.jpg")
            .expect_err("refused");
        assert_eq!(err, OUTSIDE);
    }

    #[test]
    fn broken_markup_and_other_scripts_never_trip_the_scanner() {
        let index = index();
        for html in [
            "<",
            "<img",
            "<img ",
            "<img src",
            "<img src=",
            "<img src=\"",
            "<img src='ü",
            "<imgü>",
            "<img ü=ü src=ü>",
            "<a href=\"https://old.example/wp-content/uploads/ä.pdf\">ä</a></a>",
            "<IMG SRC=https://old.example/wp-content/uploads/é.png>ü<a",
            "</a><a href=https://old.example/wp-content/uploads/x.png><img/></a>",
        ] {
            for tag in tags(html, "img").into_iter().chain(tags(html, "a")) {
                assert!(tag.start < tag.end && tag.end <= html.len(), "{html}");
            }
            let out = rewrite(html, |src| index.upload(src).map(|_| None));
            assert!(out.len() <= html.len(), "{html} -> {out}");
        }
    }

    #[test]
    fn resized_copies_lead_to_their_attachment() {
        assert_eq!(
            without_size("https://e/wp-content/uploads/a-b-1024x768.jpg").as_deref(),
            Some("https://e/wp-content/uploads/a-b.jpg")
        );
        assert_eq!(without_size("https://e/a-b.jpg"), None);
        assert_eq!(without_size("https://e/a-x2.jpg"), None);
        assert_eq!(
            file_name("https://e/up/harbour-at_dawn.jpg?x=1"),
            "harbour at dawn"
        );
        assert_eq!(file_name("https://e/up/.jpg"), "Image");
    }
}
