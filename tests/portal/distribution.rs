//! Feeds, sitemaps and robots.txt over HTTP, each read back with a real parser: the `rss`
//! and `atom_syndication` crates' readers for feeds, quick-xml's namespace-aware reader
//! for sitemaps.

use jiff::{SignedDuration, Timestamp};
use newsline::newsroom::{Batch, Filing};
use quick_xml::events::Event;
use quick_xml::name::ResolveResult;
use reqwest::StatusCode;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::newsroom::article_fields;
use crate::support::*;

const NASTY: &str = "Tom & Jerry <b> \"q\" ə ğ ı ş Ж 🎉";
const SITEMAP_NS: &str = "http://www.sitemaps.org/schemas/sitemap/0.9";
const NEWS_NS: &str = "http://www.google.com/schemas/sitemap-news/0.9";

// ---------------------------------------------------------------------------------------
// Reading what the server wrote

async fn rss_of(app: &TestApp, path: &str) -> rss::Channel {
    let fetched = app.get(path).await;
    assert_eq!(fetched.status, StatusCode::OK, "{path}: {}", fetched.body);
    assert_eq!(
        fetched.header("content-type"),
        "application/rss+xml; charset=utf-8",
        "{path}"
    );
    assert_eq!(fetched.header("cache-control"), "public, max-age=60");
    rss::Channel::read_from(fetched.body.as_bytes())
        .unwrap_or_else(|e| panic!("{path} is not RSS: {e}\n{}", fetched.body))
}

async fn atom_of(app: &TestApp, path: &str) -> atom_syndication::Feed {
    let fetched = app.get(path).await;
    assert_eq!(fetched.status, StatusCode::OK, "{path}: {}", fetched.body);
    assert_eq!(
        fetched.header("content-type"),
        "application/atom+xml; charset=utf-8",
        "{path}"
    );
    assert_eq!(fetched.header("cache-control"), "public, max-age=60");
    atom_syndication::Feed::read_from(fetched.body.as_bytes())
        .unwrap_or_else(|e| panic!("{path} is not Atom: {e}\n{}", fetched.body))
}

/// An element of a parsed XML document: its namespace, local name, text and children.
#[derive(Debug, Default)]
struct Node {
    ns: Option<String>,
    name: String,
    text: String,
    children: Vec<Node>,
}

impl Node {
    /// Children with this local name.
    fn all(&self, name: &str) -> Vec<&Node> {
        self.children.iter().filter(|c| c.name == name).collect()
    }

    /// The only child with this local name.
    fn one(&self, name: &str) -> &Node {
        let found = self.all(name);
        assert_eq!(found.len(), 1, "one <{name}> in <{}>", self.name);
        found[0]
    }

    fn text_of(&self, name: &str) -> &str {
        &self.one(name).text
    }
}

/// Parses an XML document strictly (well-formed, namespaces resolved, only XML's own
/// entities), returning its root element.
fn parse_xml(body: &str) -> Node {
    let mut reader = quick_xml::NsReader::from_str(body);
    reader.config_mut().check_end_names = true;
    let decoder = reader.decoder();
    let element = |ns: Option<String>, e: &quick_xml::events::BytesStart<'_>| {
        for attr in e.attributes() {
            let attr = attr.expect("well-formed attribute");
            attr.decoded_and_normalized_value(quick_xml::XmlVersion::Explicit1_0, decoder)
                .expect("a well-formed attribute value");
        }
        Node {
            ns,
            name: String::from_utf8(e.local_name().as_ref().to_vec()).expect("utf-8"),
            ..Node::default()
        }
    };
    let mut stack: Vec<Node> = vec![Node::default()];
    loop {
        let (ns, event) = reader
            .read_resolved_event()
            .unwrap_or_else(|e| panic!("not well-formed XML: {e}\n{body}"));
        let ns = match ns {
            ResolveResult::Bound(ns) => Some(String::from_utf8(ns.0.to_vec()).expect("utf-8")),
            ResolveResult::Unbound => None,
            ResolveResult::Unknown(prefix) => {
                panic!("undeclared prefix {}", String::from_utf8_lossy(&prefix))
            }
        };
        let depth = stack.len();
        let top = stack.last_mut().expect("the document");
        match event {
            Event::Start(e) => {
                let node = element(ns, &e);
                stack.push(node);
            }
            Event::Empty(e) => top.children.push(element(ns, &e)),
            Event::End(_) => {
                let node = stack.pop().expect("an open element");
                stack.last_mut().expect("a parent").children.push(node);
            }
            Event::Text(t) => {
                let text = t.decode().expect("utf-8 text");
                if depth == 1 {
                    assert!(text.trim().is_empty(), "text outside the root: {text:?}");
                } else {
                    top.text.push_str(&text);
                }
            }
            Event::GeneralRef(r) => {
                let resolved = match r.resolve_char_ref().expect("valid character reference") {
                    Some(c) => c.to_string(),
                    None => {
                        let name = r.decode().expect("utf-8");
                        quick_xml::escape::resolve_xml_entity(&name)
                            .unwrap_or_else(|| panic!("unknown entity &{name};"))
                            .to_owned()
                    }
                };
                top.text.push_str(&resolved);
            }
            Event::CData(c) => top.text.push_str(&c.decode().expect("utf-8 cdata")),
            Event::Eof => break,
            _ => {}
        }
    }
    assert_eq!(stack.len(), 1, "every element is closed");
    let mut document = stack.pop().expect("the document");
    assert_eq!(document.children.len(), 1, "one root element");
    document.children.pop().expect("the root")
}

async fn xml_of(app: &TestApp, path: &str) -> Node {
    let fetched = app.get(path).await;
    assert_eq!(fetched.status, StatusCode::OK, "{path}: {}", fetched.body);
    assert_eq!(
        fetched.header("content-type"),
        "application/xml; charset=utf-8",
        "{path}"
    );
    parse_xml(&fetched.body)
}

/// The site path of an absolute URL on the test server.
fn path_of<'a>(app: &TestApp, url: &'a str) -> &'a str {
    url.strip_prefix(&app.address)
        .unwrap_or_else(|| panic!("{url} is not on {}", app.address))
}

fn ago(minutes: i64) -> String {
    (Timestamp::now() - SignedDuration::from_mins(minutes)).to_string()
}

fn host_of(app: &TestApp) -> &str {
    app.address.trim_start_matches("http://")
}

/// An article with a standfirst, two authors and a tag, at `at`.
fn full_article(headline: &str, at: &str) -> Filing {
    Filing {
        dek: Some("Deputies vote on the budget.".into()),
        tags: vec!["Parliament".into()],
        ..article(headline, "politics", at, &["Ayla Karimova", "Rauf Aliyev"])
    }
}

// ---------------------------------------------------------------------------------------
// Feeds

#[tokio::test]
async fn the_edition_feeds_carry_every_field_in_both_formats() {
    let app = TestApp::spawn().await;
    let mut wire = brief("Markets open higher", "economy", "2025-05-21T08:00:00Z");
    wire.body = "The *index* rose & \"held\".\n\nMore later.".into();
    let filed = app
        .file(filings(vec![
            full_article("Parliament passes the budget", "2025-05-21T12:29:00Z"),
            wire,
        ]))
        .await;
    let (article_id, brief_id) = (filed[0].id(), filed[1].id());
    let base = app.address.clone();
    let host = host_of(&app).split(':').next().expect("host").to_owned();

    let channel = rss_of(&app, "/en/feed.xml").await;
    assert_eq!(channel.title(), "Test News");
    assert_eq!(channel.link(), format!("{base}/en/"));
    assert_eq!(channel.language(), Some("en"));
    assert_eq!(channel.pub_date(), Some("Wed, 21 May 2025 16:29:00 +0400"));
    assert!(channel.last_build_date().is_some());
    let self_link = &channel.extensions()["atom"]["link"][0];
    assert_eq!(self_link.attrs()["rel"], "self");
    assert_eq!(self_link.attrs()["href"], format!("{base}/en/feed.xml"));
    assert_eq!(self_link.attrs()["type"], "application/rss+xml");
    let items = channel.items();
    assert_eq!(items.len(), 2);
    let first = &items[0];
    assert_eq!(first.title(), Some("Parliament passes the budget"));
    assert_eq!(
        first.link(),
        Some(format!("{base}{}", app.item_path(article_id).await).as_str())
    );
    let guid = first.guid().expect("a guid");
    assert_eq!(guid.value(), format!("tag:{host},2025:item:{article_id}"));
    assert!(!guid.is_permalink(), "the guid is an id, not the link");
    assert_eq!(first.pub_date(), Some("Wed, 21 May 2025 16:29:00 +0400"));
    let creators = first.dublin_core_ext().expect("dc:creator").creators();
    assert_eq!(creators, ["Ayla Karimova", "Rauf Aliyev"]);
    assert_eq!(first.categories().len(), 1);
    assert_eq!(first.categories()[0].name(), "Politics");
    assert_eq!(
        first.categories()[0].domain(),
        Some(format!("{base}/en/politics").as_str())
    );
    assert_eq!(first.description(), Some("Deputies vote on the budget."));
    let updated = first.extensions()["atom"]["updated"][0]
        .value()
        .expect("a time");
    assert!(updated.ends_with("+04:00"), "{updated}");
    assert!(first.extensions().get("media").is_none(), "no lead image");
    let second = &items[1];
    assert_eq!(
        second.description(),
        Some("The index rose &#38; &#34;held&#34;."),
        "without a standfirst, the first paragraph as escaped text"
    );
    assert!(second.dublin_core_ext().is_none(), "a brief has no byline");
    assert_eq!(second.pub_date(), Some("Wed, 21 May 2025 12:00:00 +0400"));

    let feed = atom_of(&app, "/en/atom.xml").await;
    assert_eq!(feed.title().value, "Test News");
    assert_eq!(feed.lang(), Some("en"));
    assert_eq!(feed.id(), format!("tag:{host},2025:feed:en"));
    let links: Vec<(&str, &str)> = feed.links().iter().map(|l| (l.rel(), l.href())).collect();
    assert!(
        links.contains(&("alternate", &format!("{base}/en/"))),
        "{links:?}"
    );
    assert!(
        links.contains(&("self", &format!("{base}/en/atom.xml"))),
        "{links:?}"
    );
    assert_eq!(
        feed.authors()[0].name(),
        "Test News",
        "the outlet credits briefs"
    );
    let entries = feed.entries();
    assert_eq!(entries.len(), 2);
    let entry = &entries[0];
    assert_eq!(entry.title().value, "Parliament passes the budget");
    assert_eq!(entry.id(), guid.value(), "one id in both formats");
    assert_eq!(
        entry.published().map(|p| p.to_rfc3339()).as_deref(),
        Some("2025-05-21T16:29:00+04:00")
    );
    assert!(entry.updated().to_rfc3339().ends_with("+04:00"));
    assert!(entry.updated() >= entry.published().expect("published"));
    assert_eq!(
        feed.updated(),
        entries.iter().map(|e| e.updated()).max().expect("entries"),
        "the feed changed when its newest entry did"
    );
    let authors: Vec<&str> = entry.authors().iter().map(|a| a.name()).collect();
    assert_eq!(authors, ["Ayla Karimova", "Rauf Aliyev"]);
    assert_eq!(entry.categories()[0].term(), "politics");
    assert_eq!(entry.categories()[0].label(), Some("Politics"));
    assert_eq!(entry.links()[0].rel(), "alternate");
    assert_eq!(entry.links()[0].href(), first.link().expect("link"));
    assert_eq!(
        entry.summary().map(|s| s.value.as_str()),
        Some("Deputies vote on the budget.")
    );
    assert_eq!(
        entry.summary().map(|s| s.r#type),
        Some(atom_syndication::TextType::Html),
        "escaped text, as HTML: the same to lax and strict readers"
    );
    assert_eq!(entries[1].id(), format!("tag:{host},2025:item:{brief_id}"));
    assert!(
        entries[1].authors().is_empty(),
        "inherits the feed's author"
    );
}

#[tokio::test]
async fn feeds_answer_a_conditional_request_with_not_modified() {
    let app = TestApp::spawn().await;
    app.file(filings(vec![brief(
        "One",
        "politics",
        "2025-05-21T08:00:00Z",
    )]))
    .await;
    let first = app.get("/en/feed.xml").await;
    let etag = first.header("etag").to_owned();
    assert!(!etag.is_empty(), "feeds carry an ETag");
    let again = app
        .client
        .get(format!("{}/en/feed.xml", app.address))
        .header("if-none-match", &etag)
        .send()
        .await
        .expect("answered");
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
}

#[tokio::test]
async fn topic_feeds_list_one_section_author_or_tag() {
    let app = TestApp::spawn().await;
    app.file(filings(vec![
        full_article("Budget passes", "2025-05-21T12:00:00Z"),
        article(
            "Inflation slows",
            "economy",
            "2025-05-21T11:00:00Z",
            &["Rauf Aliyev"],
        ),
        brief("Cabinet meets", "politics", "2025-05-21T10:00:00Z"),
    ]))
    .await;
    let titles = |channel: &rss::Channel| -> Vec<String> {
        channel
            .items()
            .iter()
            .filter_map(|i| i.title().map(str::to_owned))
            .collect()
    };
    let section = rss_of(&app, "/en/feeds/section/politics/rss").await;
    assert_eq!(section.title(), "Politics | Test News");
    assert_eq!(section.link(), format!("{}/en/politics", app.address));
    assert_eq!(titles(&section), ["Budget passes", "Cabinet meets"]);
    let author = rss_of(&app, "/en/feeds/author/rauf-aliyev/rss").await;
    assert_eq!(author.title(), "Rauf Aliyev | Test News");
    assert_eq!(titles(&author), ["Budget passes", "Inflation slows"]);
    let tag = rss_of(&app, "/en/feeds/tag/parliament/rss").await;
    assert_eq!(tag.title(), "Tag: Parliament | Test News");
    assert_eq!(titles(&tag), ["Budget passes"]);

    let atom = atom_of(&app, "/en/feeds/author/ayla-karimova/atom").await;
    assert_eq!(atom.title().value, "Ayla Karimova | Test News");
    assert_eq!(atom.entries().len(), 1);
    assert!(atom.id().contains(":feed:en:author:"), "{}", atom.id());
    let self_link = atom
        .links()
        .iter()
        .find(|l| l.rel() == "self")
        .expect("a self link");
    assert_eq!(
        self_link.href(),
        format!("{}/en/feeds/author/ayla-karimova/atom", app.address)
    );
    let economy = atom_of(&app, "/en/feeds/section/economy/atom").await;
    assert_eq!(economy.entries()[0].title().value, "Inflation slows");
}

#[tokio::test]
async fn an_empty_section_has_a_valid_empty_feed_in_both_formats() {
    let app = TestApp::spawn().await;
    app.file(filings(vec![brief(
        "Elsewhere",
        "politics",
        "2025-05-21T10:00:00Z",
    )]))
    .await;
    let channel = rss_of(&app, "/en/feeds/section/economy/rss").await;
    assert_eq!(channel.title(), "Economy | Test News");
    assert!(channel.items().is_empty());
    assert_eq!(channel.pub_date(), None);
    let feed = atom_of(&app, "/en/feeds/section/economy/atom").await;
    assert_eq!(feed.title().value, "Economy | Test News");
    assert!(feed.entries().is_empty());
    assert!(
        !feed.authors().is_empty(),
        "a valid Atom feed names an author"
    );
    // A site with nothing published at all still has well-formed edition feeds.
    let app = TestApp::spawn().await;
    assert!(rss_of(&app, "/en/feed.xml").await.items().is_empty());
    assert!(atom_of(&app, "/en/atom.xml").await.entries().is_empty());
}

#[tokio::test]
async fn unknown_feeds_are_not_found() {
    let app = TestApp::spawn().await;
    app.file(filings(vec![full_article(
        "Budget passes",
        "2025-05-21T12:00:00Z",
    )]))
    .await;
    for path in [
        "/xx/feed.xml",
        "/xx/atom.xml",
        "/en/feed.json",
        "/en/feeds/section/sport/rss",
        "/en/feeds/author/nobody/rss",
        "/en/feeds/tag/nothing/atom",
        "/en/feeds/topic/politics/rss",
        "/en/feeds/section/politics/json",
        "/en/feeds/section/politics/RSS",
        "/en/feeds/section/politics",
        "/en/feeds/section/politics/rss/more",
        "/xx/feeds/section/politics/rss",
    ] {
        let response = app.get(path).await;
        assert_eq!(response.status, StatusCode::NOT_FOUND, "{path}");
    }
}

#[tokio::test]
async fn feeds_carry_the_latest_fifty_items_newest_first() {
    let app = TestApp::spawn().await;
    let briefs: Vec<Filing> = (0..55)
        .map(|i| {
            brief(
                &format!("Brief {i}"),
                "politics",
                &format!("2025-05-21T{:02}:{:02}:00Z", 8 + i / 60, i % 60),
            )
        })
        .collect();
    app.file(filings(briefs)).await;
    let channel = rss_of(&app, "/en/feed.xml").await;
    let titles: Vec<&str> = channel.items().iter().filter_map(|i| i.title()).collect();
    assert_eq!(titles.len(), 50);
    assert_eq!(titles[0], "Brief 54");
    assert_eq!(titles[49], "Brief 5");
    let feed = atom_of(&app, "/en/feeds/section/politics/atom").await;
    let entries = feed.entries();
    assert_eq!(entries.len(), 50);
    assert!(
        entries
            .windows(2)
            .all(|w| w[0].published() > w[1].published()),
        "newest first"
    );
}

#[tokio::test]
async fn a_nasty_headline_comes_out_escaped_and_intact() {
    let app = TestApp::spawn().await;
    let mut item = article(
        NASTY,
        "politics",
        "2025-05-21T12:00:00Z",
        &["Жанна Əliyeva"],
    );
    item.dek = Some("A ]]> in a dek & <script>x</script>".into());
    item.tags = vec!["Ağdam & Şuşa".into()];
    app.file(filings(vec![item])).await;

    let raw = app.get("/en/feed.xml").await.body;
    assert!(raw.contains("Tom &amp; Jerry &lt;b&gt;"), "{raw}");
    assert!(!raw.contains("<b>"), "no markup leaks out of a headline");
    let channel = rss_of(&app, "/en/feed.xml").await;
    let item = &channel.items()[0];
    assert_eq!(item.title(), Some(NASTY));
    // A description is HTML to feed readers: the standfirst is text, so it comes escaped
    // and shows as exactly what was typed, with no element in it.
    let description = item.description().expect("a description");
    assert!(!description.contains('<'), "{description}");
    let fragment = scraper::Html::parse_fragment(description);
    let any = scraper::Selector::parse("body *, script").expect("selector");
    assert_eq!(fragment.select(&any).count(), 0, "{description}");
    assert_eq!(
        fragment.root_element().text().collect::<String>(),
        "A ]]> in a dek & <script>x</script>"
    );
    assert_eq!(
        item.dublin_core_ext().expect("dc").creators(),
        ["Жанна Əliyeva"]
    );
    let feed = atom_of(&app, "/en/atom.xml").await;
    assert_eq!(feed.entries()[0].title().value, NASTY);
    assert_eq!(feed.entries()[0].authors()[0].name(), "Жанна Əliyeva");
    let tag = atom_of(&app, "/en/feeds/tag/agdam-susa/atom").await;
    assert_eq!(tag.title().value, "Tag: Ağdam & Şuşa | Test News");

    let news = xml_of(&app, "/sitemaps/news.xml").await;
    assert!(
        news.all("url").is_empty(),
        "filed in 2025: not in the last two days"
    );
    let month = xml_of(&app, "/sitemaps/en/2025-05.xml").await;
    assert_eq!(month.all("url").len(), 1);

    app.file(filings(vec![brief(NASTY, "politics", &ago(5))]))
        .await;
    let news = xml_of(&app, "/sitemaps/news.xml").await;
    let url = news.one("url");
    assert_eq!(url.one("news").text_of("title"), NASTY);
}

#[tokio::test]
async fn items_edited_in_the_newsroom_keep_their_ids_and_show_their_lead_images() {
    let app = TestApp::spawn().await;
    let editor = app
        .signed_in("editor", newsline::domain::Role::Editor)
        .await;
    let uploaded = upload(
        &editor,
        png(800, 400),
        "photo.png",
        "Delegates at the session",
    )
    .await;
    assert_eq!(uploaded.status, StatusCode::SEE_OTHER, "{}", uploaded.body);
    let form = editor.get("/newsroom/items/new").await;
    let select = scraper::Selector::parse("input[name=lead_media]").expect("selector");
    let media_id = form
        .html()
        .select(&select)
        .filter_map(|o| o.value().attr("value").map(str::to_owned))
        .find(|v| !v.is_empty())
        .expect("the upload is offered as a lead image");
    let mut fields = article_fields("Parliament meets", "publish");
    fields.push(("lead_media", &media_id));
    let created = editor
        .submit("/newsroom/items/new", "/newsroom/items", &fields)
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    app.settle().await;

    let before = rss_of(&app, "/en/feed.xml").await;
    let item = &before.items()[0];
    let content = &item.extensions()["media"]["content"][0];
    let url = &content.attrs()["url"];
    assert!(url.starts_with(&format!("{}/media/", app.address)), "{url}");
    assert_eq!(content.attrs()["type"], "image/png");
    assert_eq!(content.attrs()["medium"], "image");
    assert_eq!(content.attrs()["width"], "800");
    assert_eq!(content.attrs()["height"], "400");
    assert_eq!(
        content.children()["description"][0].value(),
        Some("Delegates at the session")
    );
    let image = app.get(path_of(&app, url)).await;
    assert_eq!(image.status, StatusCode::OK);
    assert_eq!(image.header("content-type"), "image/png");
    let atom = atom_of(&app, "/en/atom.xml").await;
    let enclosure = atom.entries()[0]
        .links()
        .iter()
        .find(|l| l.rel() == "enclosure")
        .expect("the lead image as an enclosure");
    assert_eq!(enclosure.href(), url);
    assert_eq!(enclosure.mime_type(), Some("image/png"));

    let id = atom.entries()[0].id().to_owned();
    let guid = item.guid().expect("guid").value().to_owned();
    let link = item.link().expect("link").to_owned();
    let item_id = link
        .rsplit('/')
        .next()
        .and_then(|s| s.split('-').next())
        .expect("the id leads the item segment")
        .to_owned();
    let edit_page = editor.get(&format!("/newsroom/items/{item_id}")).await;
    let version = version_of(&edit_page);
    assert!(!version.is_empty(), "a version");
    let mut renamed = article_fields("Parliament adjourns after a long night", "save");
    renamed.push(("lead_media", &media_id));
    renamed.push(("version", &version));
    let token = csrf_of(&edit_page);
    renamed.push(("csrf", &token));
    let saved = editor
        .post(&format!("/newsroom/items/{item_id}"), &renamed)
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    app.settle().await;

    let after = rss_of(&app, "/en/feed.xml").await;
    let item = &after.items()[0];
    assert_eq!(item.title(), Some("Parliament adjourns after a long night"));
    assert_ne!(
        item.link(),
        Some(link.as_str()),
        "the slug followed the headline"
    );
    assert_eq!(item.guid().expect("guid").value(), guid, "the guid did not");
    let atom = atom_of(&app, "/en/atom.xml").await;
    assert_eq!(atom.entries()[0].id(), id);
}

#[tokio::test]
async fn a_configured_origin_and_zone_shape_links_ids_and_times() {
    let app = TestApp::spawn_with(Database::fresh(), |s| {
        s.set("site.base_url", "https://news.example/")
            .expect("base url");
        s.set("site.time_zone", "Europe/Berlin").expect("zone");
    })
    .await;
    app.file(Batch {
        editions: vec![edition("en", "Test News")],
        sections: vec![("en".into(), "politics".into(), "Politics".into())],
        filings: vec![brief("Summer time", "politics", "2025-07-10T12:00:00Z")],
    })
    .await;
    let channel = rss_of(&app, "/en/feed.xml").await;
    assert_eq!(channel.link(), "https://news.example/en/");
    let item = &channel.items()[0];
    assert!(
        item.link()
            .is_some_and(|l| l.starts_with("https://news.example/en/politics/"))
    );
    assert!(
        item.guid()
            .is_some_and(|g| g.value().starts_with("tag:news.example,2025:item:"))
    );
    assert_eq!(item.pub_date(), Some("Thu, 10 Jul 2025 14:00:00 +0200"));
    let feed = atom_of(&app, "/en/atom.xml").await;
    assert_eq!(
        feed.entries()[0]
            .published()
            .map(|p| p.to_rfc3339())
            .as_deref(),
        Some("2025-07-10T14:00:00+02:00")
    );
    let robots = app.get("/robots.txt").await;
    assert!(
        robots
            .body
            .contains("Sitemap: https://news.example/sitemap.xml"),
        "{}",
        robots.body
    );
    let index = xml_of(&app, "/sitemap.xml").await;
    assert_eq!(
        index.one("sitemap").text_of("loc"),
        "https://news.example/sitemaps/en/2025-07.xml"
    );
}

/// Sends a bare HTTP/1.0 request (which may omit Host) and returns the status code.
async fn raw_status(app: &TestApp, request: &str) -> u16 {
    let mut stream = tokio::net::TcpStream::connect(host_of(app))
        .await
        .expect("connects");
    stream
        .write_all(request.as_bytes())
        .await
        .expect("request written");
    let mut response = Vec::new();
    stream
        .read_to_end(&mut response)
        .await
        .expect("response read");
    let text = String::from_utf8_lossy(&response);
    text.split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status in {text}"))
}

#[tokio::test]
async fn a_missing_or_garbled_host_is_refused_without_a_configured_origin() {
    let app = TestApp::spawn().await;
    assert_eq!(
        raw_status(&app, "GET /en/feed.xml HTTP/1.0\r\n\r\n").await,
        400,
        "no Host header"
    );
    for host in [
        "user@evil.example",
        "evil.example/path",
        "evil.example:http",
    ] {
        let request = format!("GET /robots.txt HTTP/1.0\r\nHost: {host}\r\n\r\n");
        assert_eq!(raw_status(&app, &request).await, 400, "{host}");
    }
    assert_eq!(
        raw_status(
            &app,
            "GET /robots.txt HTTP/1.0\r\nHost: news.example:8080\r\n\r\n"
        )
        .await,
        200
    );
}

// ---------------------------------------------------------------------------------------
// Autodiscovery

#[tokio::test]
async fn every_edition_home_page_announces_its_feeds() {
    let app = TestApp::spawn_with_demo().await;
    for code in ["en", "az"] {
        let home = app.get(&format!("/{code}/")).await;
        let rss = home.hrefs("head link[rel=alternate][type='application/rss+xml']");
        let atom = home.hrefs("head link[rel=alternate][type='application/atom+xml']");
        assert_eq!(rss, [format!("/{code}/feed.xml")]);
        assert_eq!(atom, [format!("/{code}/atom.xml")]);
        let titles: Vec<String> = home
            .html()
            .select(&scraper::Selector::parse("head link[rel=alternate]").expect("selector"))
            .filter_map(|l| l.value().attr("title").map(str::to_owned))
            .collect();
        assert_eq!(titles, ["EDnews (RSS)", "EDnews (Atom)"]);
        let channel = rss_of(&app, &rss[0]).await;
        assert_eq!(channel.language(), Some(code));
        assert!(!channel.items().is_empty());
        let feed = atom_of(&app, &atom[0]).await;
        assert_eq!(feed.entries().len(), channel.items().len());
    }
}

// ---------------------------------------------------------------------------------------
// robots.txt and sitemaps

#[tokio::test]
async fn robots_txt_keeps_crawlers_out_of_the_newsroom_and_names_the_sitemaps() {
    let app = TestApp::spawn().await;
    let robots = app.get("/robots.txt").await;
    assert_eq!(robots.status, StatusCode::OK);
    assert_eq!(robots.header("content-type"), "text/plain; charset=utf-8");
    let lines: Vec<&str> = robots.body.lines().collect();
    assert!(lines.contains(&"User-agent: *"));
    assert!(lines.contains(&"Disallow: /newsroom"));
    assert_eq!(
        lines.iter().filter(|l| l.starts_with("Disallow")).count(),
        1,
        "everything else is allowed"
    );
    let sitemaps: Vec<&str> = lines
        .iter()
        .filter_map(|l| l.strip_prefix("Sitemap: "))
        .collect();
    assert_eq!(
        sitemaps,
        [
            format!("{}/sitemap.xml", app.address),
            format!("{}/sitemaps/news.xml", app.address),
            format!("{}/sitemaps/en/news.xml", app.address),
        ]
    );
    for url in sitemaps {
        let path = path_of(&app, url);
        assert_eq!(app.get(path).await.status, StatusCode::OK, "{path}");
    }
}

#[tokio::test]
async fn the_sitemap_index_lists_each_edition_and_month_with_items() {
    let app = TestApp::spawn_with_demo().await;
    let index = xml_of(&app, "/sitemap.xml").await;
    assert_eq!(index.name, "sitemapindex");
    assert_eq!(index.ns.as_deref(), Some(SITEMAP_NS));
    let sitemaps = index.all("sitemap");
    assert!(!sitemaps.is_empty());
    let locs: Vec<&str> = sitemaps.iter().map(|s| s.text_of("loc")).collect();
    for code in ["en", "az"] {
        let expected = format!("{}/sitemaps/{code}/2025-05.xml", app.address);
        assert!(locs.contains(&expected.as_str()), "{locs:?}");
    }
    let snapshot = app.read.snapshot();
    let mut listed = 0;
    for sitemap in &sitemaps {
        let lastmod = sitemap.text_of("lastmod");
        assert!(lastmod.ends_with("+04:00"), "{lastmod}");
        let month = xml_of(&app, path_of(&app, sitemap.text_of("loc"))).await;
        assert_eq!(month.name, "urlset");
        assert_eq!(month.ns.as_deref(), Some(SITEMAP_NS));
        for url in month.all("url") {
            let loc = url.text_of("loc");
            assert!(url.text_of("lastmod").ends_with("+04:00"));
            let page = app.get(path_of(&app, loc)).await;
            assert_eq!(page.status, StatusCode::OK, "{loc}");
            listed += 1;
        }
    }
    let published: usize = snapshot
        .editions()
        .iter()
        .map(|e| snapshot.newest(e.code.as_ref()).len())
        .sum();
    assert_eq!(listed, published, "every published item is in one sitemap");
}

#[tokio::test]
async fn a_monthly_sitemap_holds_the_items_of_that_month_in_the_sites_zone() {
    let app = TestApp::spawn().await;
    let filed = app
        .file(filings(vec![
            // 00:30 on 1 May in Baku, though still April in UTC.
            brief("Just after midnight", "politics", "2025-04-30T20:30:00Z"),
            // 23:30 on 30 April in Baku.
            brief("Just before midnight", "politics", "2025-04-30T19:30:00Z"),
            brief("Mid May", "economy", "2025-05-15T10:00:00Z"),
        ]))
        .await;
    let index = xml_of(&app, "/sitemap.xml").await;
    let locs: Vec<&str> = index
        .all("sitemap")
        .iter()
        .map(|s| s.text_of("loc"))
        .collect();
    assert_eq!(
        locs,
        [
            format!("{}/sitemaps/en/2025-05.xml", app.address),
            format!("{}/sitemaps/en/2025-04.xml", app.address),
        ]
    );
    let may = xml_of(&app, "/sitemaps/en/2025-05.xml").await;
    let may_locs: Vec<&str> = may.all("url").iter().map(|u| u.text_of("loc")).collect();
    assert_eq!(
        may_locs,
        [
            format!("{}{}", app.address, app.item_path(filed[2].id()).await),
            format!("{}{}", app.address, app.item_path(filed[0].id()).await),
        ]
    );
    let april = xml_of(&app, "/sitemaps/en/2025-04.xml").await;
    assert_eq!(april.all("url").len(), 1);
    let lastmod = april.one("url").text_of("lastmod");
    assert!(lastmod.ends_with("+04:00"), "{lastmod}");
    let head = app.get("/sitemaps/en/2025-04.xml").await;
    assert_eq!(
        head.header("content-type"),
        "application/xml; charset=utf-8"
    );
    assert!(head.body.starts_with("<?xml"));
}

#[tokio::test]
async fn sitemap_paths_that_name_no_sitemap_are_not_found() {
    let app = TestApp::spawn().await;
    app.file(filings(vec![brief(
        "May",
        "politics",
        "2025-05-15T10:00:00Z",
    )]))
    .await;
    assert_eq!(
        app.get("/sitemaps/en/2025-05.xml").await.status,
        StatusCode::OK
    );
    for path in [
        "/sitemaps/en/2025-13.xml",
        "/sitemaps/en/2025-00.xml",
        "/sitemaps/en/20x5-01.xml",
        "/sitemaps/en/2025-5.xml",
        "/sitemaps/en/2025-05",
        "/sitemaps/en/2025-06.xml",
        "/sitemaps/xx/2025-05.xml",
        "/sitemaps/en/2025-05.xml?page=2",
        "/sitemaps/other.xml",
        "/sitemaps/en",
        "/sitemap.xml/more",
    ] {
        assert_eq!(app.get(path).await.status, StatusCode::NOT_FOUND, "{path}");
    }
    for path in [
        "/sitemaps/en/2025-05.xml?page=0",
        "/sitemaps/en/2025-05.xml?page=x",
    ] {
        assert_eq!(
            app.get(path).await.status,
            StatusCode::BAD_REQUEST,
            "{path}: a malformed part number, as on paginated pages"
        );
    }
}

#[tokio::test]
async fn the_news_sitemap_lists_the_last_two_days_up_to_a_thousand_items() {
    let app = TestApp::spawn().await;
    let mut all: Vec<Filing> = (0..1005)
        .map(|i| brief(&format!("Recent {i}"), "politics", &ago(i64::from(i) + 1)))
        .collect();
    all.push(brief("Three days old", "economy", &ago(3 * 24 * 60)));
    app.file(filings(all)).await;

    let news = xml_of(&app, "/sitemaps/news.xml").await;
    assert_eq!(news.name, "urlset");
    assert_eq!(news.ns.as_deref(), Some(SITEMAP_NS));
    let urls = news.all("url");
    assert_eq!(urls.len(), 1000, "at most a thousand");
    let first = urls[0].one("news");
    assert_eq!(first.ns.as_deref(), Some(NEWS_NS));
    assert_eq!(first.text_of("title"), "Recent 0", "newest first");
    let publication = first.one("publication");
    assert_eq!(publication.ns.as_deref(), Some(NEWS_NS));
    assert_eq!(publication.text_of("name"), "Test News");
    assert_eq!(publication.text_of("language"), "en");
    let date = first.text_of("publication_date");
    assert!(date.ends_with("+04:00"), "{date}");
    assert!(date.parse::<Timestamp>().is_ok(), "{date} is RFC 3339");
    assert_eq!(urls[999].one("news").text_of("title"), "Recent 999");
    assert!(
        !urls
            .iter()
            .any(|u| u.one("news").text_of("title") == "Three days old"),
        "older than two days"
    );
    let feed = rss_of(&app, "/en/feed.xml").await;
    assert_eq!(feed.items().len(), 50);
}
