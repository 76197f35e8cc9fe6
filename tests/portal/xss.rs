//! Every payload of `tests/xss/payloads.txt` through every field the newsroom takes, and
//! every output read back with real parsers: nothing typed in the newsroom may become
//! markup that runs, on a page, in a feed, in JSON-LD, in a sitemap or in the live stream.

use std::collections::{BTreeSet, VecDeque};
use std::time::Duration;

use newsline::domain::Role;
use quick_xml::events::Event;
use reqwest::StatusCode;
use scraper::{ElementRef, Html, Node};
use serde_json::Value;

use crate::live::Listener;
use crate::newsroom::{create, save};
use crate::support::*;

/// The corpus: one payload a line, `#` comments and blank lines skipped, `\n` a line break.
pub fn payloads() -> Vec<String> {
    let text = std::fs::read_to_string(repo_root().join("tests/xss/payloads.txt"))
        .expect("the corpus is readable");
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| l.replace("\\n", "\n"))
        .collect()
}

/// Elements that must never reach a page: they run, embed or redirect.
const BANNED_ELEMENTS: &[&str] = &[
    "svg", "math", "iframe", "object", "embed", "frame", "frameset", "applet", "base", "style",
];

/// Attributes that hold a URL a browser may follow or load.
const URL_ATTRIBUTES: &[&str] = &[
    "href",
    "src",
    "action",
    "formaction",
    "xlink:href",
    "data",
    "poster",
    "background",
    "cite",
];

/// Every element name our feeds and sitemaps may contain; anything else got in by a breakout.
const XML_ELEMENTS: &[&str] = &[
    // RSS 2.0 with our extensions
    "rss",
    "channel",
    "title",
    "link",
    "description",
    "language",
    "pubDate",
    "lastBuildDate",
    "item",
    "guid",
    "category",
    "atom:link",
    "atom:updated",
    "dc:creator",
    "media:content",
    "media:description",
    "generator",
    // Atom 1.0
    "feed",
    "id",
    "updated",
    "author",
    "name",
    "entry",
    "published",
    "summary",
    "content",
    "subtitle",
    // Sitemaps and the news sitemap
    "urlset",
    "url",
    "loc",
    "lastmod",
    "sitemapindex",
    "sitemap",
    "news:news",
    "news:publication",
    "news:name",
    "news:language",
    "news:publication_date",
    "news:title",
];

/// What was wrong, and where; collected so one run shows every hole at once.
#[derive(Default)]
struct Findings(Vec<String>);

impl Findings {
    fn note(&mut self, place: &str, what: impl std::fmt::Display) {
        self.0.push(format!("{place}: {what}"));
    }
}

/// A URL value as a browser reads its scheme: controls and white space ignored, any case.
fn runs_script(url: &str) -> bool {
    let squeezed: String = url
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect::<String>()
        .to_ascii_lowercase();
    ["javascript:", "data:", "vbscript:"]
        .iter()
        .any(|scheme| squeezed.starts_with(scheme))
}

/// Checks a parsed page or fragment: no handler, no foreign script, no script URL, no embed.
fn check_html(place: &str, document: &Html, findings: &mut Findings) {
    for node in document.tree.nodes() {
        let Node::Element(element) = node.value() else {
            continue;
        };
        let name = element.name();
        if BANNED_ELEMENTS.contains(&name) {
            findings.note(place, format!("a <{name}> element"));
        }
        for (attribute, value) in element.attrs() {
            let attribute = attribute.to_ascii_lowercase();
            if attribute.starts_with("on") {
                findings.note(place, format!("<{name} {attribute}={value:?}>"));
            }
            if attribute == "style" {
                findings.note(place, format!("an inline style on <{name}>"));
            }
            if URL_ATTRIBUTES.contains(&attribute.as_str()) && runs_script(value) {
                findings.note(place, format!("<{name} {attribute}={value:?}>"));
            }
        }
        if name == "meta"
            && element
                .attr("http-equiv")
                .is_some_and(|v| v.eq_ignore_ascii_case("refresh"))
        {
            findings.note(place, "a meta refresh");
        }
        if name == "script" {
            let text: String = ElementRef::wrap(node)
                .map(|e| e.text().collect())
                .unwrap_or_default();
            match (element.attr("src"), element.attr("type")) {
                (Some(src), _) if src.starts_with("/static/") && text.trim().is_empty() => {}
                (None, Some("application/ld+json")) => {
                    if text.contains('<') {
                        findings.note(place, format!("a '<' in JSON-LD: {text}"));
                    }
                    if serde_json::from_str::<Value>(&text).is_err() {
                        findings.note(place, format!("JSON-LD that is not JSON: {text}"));
                    }
                }
                (src, kind) => findings.note(
                    place,
                    format!("a script not ours (src {src:?}, type {kind:?}): {text}"),
                ),
            }
        }
    }
}

/// Checks HTML carried inside a feed, as a feed reader would show it.
fn check_fragment(place: &str, html: &str, findings: &mut Findings) {
    check_html(place, &Html::parse_fragment(html), findings);
}

/// Checks a feed or sitemap: well-formed, only our elements, and every description or
/// content as HTML. Returns the site links it names, to be fetched in turn.
fn check_xml(place: &str, xml: &str, findings: &mut Findings) -> Vec<String> {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut links = Vec::new();
    let mut root = None;
    let mut current = String::new();
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) | Ok(Event::Empty(e)) => {
                let name = String::from_utf8_lossy(e.name().as_ref()).into_owned();
                if !XML_ELEMENTS.contains(&name.as_str()) {
                    findings.note(place, format!("an unexpected <{name}> element"));
                }
                for attribute in e.attributes().flatten() {
                    let key = String::from_utf8_lossy(attribute.key.as_ref()).to_lowercase();
                    let value = String::from_utf8_lossy(&attribute.value).into_owned();
                    if key.starts_with("on") || (key == "href" && runs_script(&value)) {
                        findings.note(place, format!("<{name} {key}={value:?}>"));
                    }
                }
                root.get_or_insert_with(|| name.clone());
                current = name;
            }
            Ok(Event::Text(text)) if current == "loc" => {
                links.push(String::from_utf8_lossy(&text).trim().to_owned());
            }
            Ok(Event::End(_)) => current.clear(),
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(e) => {
                findings.note(place, format!("not well-formed XML: {e}"));
                return links;
            }
        }
    }
    match root.as_deref() {
        Some("rss") => match rss::Channel::read_from(xml.as_bytes()) {
            Ok(channel) => {
                for item in channel.items() {
                    for html in [item.description(), item.content()].into_iter().flatten() {
                        check_fragment(&format!("{place} (an item's HTML)"), html, findings);
                    }
                }
            }
            Err(e) => findings.note(place, format!("unreadable RSS: {e}")),
        },
        Some("feed") => match atom_syndication::Feed::read_from(xml.as_bytes()) {
            Ok(feed) => {
                for entry in feed.entries() {
                    let summary = entry.summary().map(|s| s.value.as_str());
                    let content = entry.content().and_then(|c| c.value());
                    for html in [summary, content].into_iter().flatten() {
                        check_fragment(&format!("{place} (an entry's HTML)"), html, findings);
                    }
                }
            }
            Err(e) => findings.note(place, format!("unreadable Atom: {e}")),
        },
        _ => {}
    }
    links
}

/// A link as a path on our site, without its fragment; none for other sites.
fn local_path(app: &TestApp, link: &str) -> Option<String> {
    let path = match link.strip_prefix(&app.address) {
        Some(rest) => rest,
        None if link.starts_with('/') && !link.starts_with("//") => link,
        None => return None,
    };
    let path = path.split('#').next().unwrap_or_default();
    (!path.is_empty()).then(|| path.to_owned())
}

/// Reader pages the crawl fetches; the newsroom, files and the stream are checked apart.
fn crawled(path: &str) -> bool {
    !["/newsroom", "/media/", "/static/", "/en/live"]
        .iter()
        .any(|p| path.starts_with(p))
}

/// The RSS and Atom feeds of a section, author or tag page (pages do not link them).
fn topic_feeds(path: &str) -> Vec<String> {
    let path = path.split('?').next().unwrap_or_default();
    let parts: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let topic = match parts.as_slice() {
        [edition, kind @ ("author" | "tag"), slug] => Some((*edition, *kind, *slug)),
        [edition, section]
            if !section.is_empty()
                && !["news", "corrections", "feed.xml", "atom.xml"].contains(section) =>
        {
            Some((*edition, "section", *section))
        }
        _ => None,
    };
    topic
        .map(|(edition, kind, slug)| {
            ["rss", "atom"]
                .map(|format| format!("/{edition}/feeds/{kind}/{slug}/{format}"))
                .to_vec()
        })
        .unwrap_or_default()
}

/// Fetches every page and feed reachable from `seeds`, checking each. Returns how many.
async fn crawl(app: &TestApp, seeds: Vec<String>, findings: &mut Findings) -> usize {
    let links = scraper::Selector::parse("a[href], link[href]").expect("selector");
    let mut seen: BTreeSet<String> = seeds.iter().cloned().collect();
    let mut queue: VecDeque<String> = seeds.into();
    while let Some(path) = queue.pop_front() {
        let page = app.get(&path).await;
        if !page.status.is_success() {
            findings.note(&path, format!("answered {}", page.status));
            continue;
        }
        let kind = page.header("content-type").to_owned();
        let found: Vec<String> = if kind.starts_with("text/html") {
            let document = page.html();
            check_html(&path, &document, findings);
            document
                .select(&links)
                .filter_map(|e| e.value().attr("href").map(str::to_owned))
                .chain(topic_feeds(&path))
                .collect()
        } else if kind.contains("xml") {
            check_xml(&path, &page.body, findings)
        } else {
            Vec::new()
        };
        for link in found {
            if let Some(next) = local_path(app, &link)
                && crawled(&next)
                && seen.insert(next.clone())
            {
                queue.push_back(next);
            }
        }
    }
    seen.len()
}

/// Every byte but letters and digits percent-encoded, to put a payload in a URL.
fn encoded(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

fn folded(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[tokio::test]
async fn no_payload_in_any_field_runs_anywhere() {
    let app = TestApp::spawn().await;
    let editor = app.signed_in("editor", Role::Editor).await;
    let payloads = payloads();
    assert!(payloads.len() >= 40, "a corpus of {}", payloads.len());
    let mut findings = Findings::default();
    let mut items = Vec::new();
    let mut previous = String::new();
    for (i, payload) in payloads.iter().enumerate() {
        let slug = format!("x{i}");
        let section = editor
            .submit(
                "/newsroom/sections",
                "/newsroom/sections",
                &[("edition", "en"), ("slug", &slug), ("name", payload)],
            )
            .await;
        assert_eq!(section.status, StatusCode::SEE_OTHER, "section {payload:?}");
        // Each image different, so each upload is its own media item.
        let side = 8 + u32::try_from(i).expect("small");
        let uploaded = upload_described(
            &editor,
            png(side, 8),
            "picture.png",
            [payload, payload, payload],
        )
        .await;
        assert_eq!(uploaded.status, StatusCode::SEE_OTHER, "upload {payload:?}");
        let media = uploaded
            .header("location")
            .rsplit('=')
            .next()
            .expect("the upload's id")
            .to_owned();
        let mut fields = vec![
            ("edition", "en"),
            ("kind", "article"),
            ("headline", payload.as_str()),
            ("dek", payload.as_str()),
            ("body", payload.as_str()),
            ("section", slug.as_str()),
            ("authors", payload.as_str()),
            ("new_authors", payload.as_str()),
            ("outlet", payload.as_str()),
            ("tags", payload.as_str()),
            ("related", previous.as_str()),
            ("lead_media", media.as_str()),
            ("step", "save"),
        ];
        let id = create(&editor, &fields).await;
        let editor_path = format!("/newsroom/items/{id}");
        let preview = save(&editor, id, &fields, "preview").await;
        assert_eq!(preview.status, StatusCode::OK, "preview {payload:?}");
        check_html(
            &format!("preview of {payload:?}"),
            &preview.html(),
            &mut findings,
        );
        // A second revision, so the diff shows the payload on both sides.
        let longer = format!("{payload}\n\nAnd more.");
        fields.retain(|(k, _)| *k != "body");
        fields.push(("body", &longer));
        let published = save(&editor, id, &fields, "publish").await;
        assert_eq!(
            published.status,
            StatusCode::SEE_OTHER,
            "publish {payload:?}: {}",
            published.body
        );
        let corrected = editor
            .submit(
                &editor_path,
                &format!("{editor_path}/corrections"),
                &[("note", payload)],
            )
            .await;
        assert_eq!(
            corrected.status,
            StatusCode::SEE_OTHER,
            "correct {payload:?}"
        );
        previous = id.to_string();
        items.push((id, payload));
    }
    app.settle().await;

    // The newsroom's own pages.
    for path in ["/newsroom", "/newsroom/media", "/newsroom/sections"] {
        let page = editor.get(path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        check_html(path, &page.html(), &mut findings);
    }
    let checked = |name: &str| {
        scraper::Selector::parse(&format!("input[name={name}][checked]")).expect("selector")
    };
    let (from, to) = (checked("from"), checked("to"));
    for (id, _) in &items {
        let history = editor.get(&format!("/newsroom/items/{id}/history")).await;
        let version = |selector: &scraper::Selector| {
            history
                .html()
                .select(selector)
                .find_map(|i| i.value().attr("value").map(str::to_owned))
                .expect("the history offers two versions to compare")
        };
        let diff = format!(
            "/newsroom/items/{id}/diff?from={}&to={}",
            version(&from),
            version(&to)
        );
        for path in [
            format!("/newsroom/items/{id}"),
            format!("/newsroom/items/{id}/history"),
            diff,
        ] {
            let page = editor.get(&path).await;
            assert_eq!(page.status, StatusCode::OK, "{path}");
            check_html(&path, &page.html(), &mut findings);
        }
    }

    // Every reader page and feed, from the articles, home and sitemaps outward.
    let mut seeds: Vec<String> = [
        "/en/",
        "/en/news",
        "/en/corrections",
        "/en/feed.xml",
        "/en/atom.xml",
        "/sitemap.xml",
        "/sitemaps/news.xml",
    ]
    .map(str::to_owned)
    .into();
    for (id, payload) in &items {
        let path = app.item_path(*id).await;
        let page = app.get(&path).await;
        assert_eq!(
            page.texts("article h1").first().map(String::as_str),
            Some(folded(payload).as_str()),
            "the headline shows as the text that was typed"
        );
        seeds.push(path);
    }
    let fetched = crawl(&app, seeds, &mut findings).await;
    assert!(
        fetched > items.len() * 4,
        "only {fetched} pages and feeds were reached"
    );

    // Error pages with a payload in the address.
    for payload in &payloads {
        let p = encoded(payload);
        for path in [
            format!("/{p}"),
            format!("/en/{p}"),
            format!("/en/{p}/{p}"),
            format!("/en/news?page={p}"),
            format!("/en/author/{p}"),
            format!("/en/tag/{p}"),
            format!("/en/news/2025/{p}/01"),
            format!("/en/feeds/tag/{p}/rss"),
            format!("/sitemaps/en/{p}.xml"),
        ] {
            let page = app.get(&path).await;
            // Needless escapes answer 301 to the canonical spelling, on this site only.
            if page.status.is_redirection() {
                let to = page.header("location");
                assert!(
                    to.starts_with('/') && !to.starts_with("//"),
                    "{path} -> {to}"
                );
                assert!(!to.contains('<') && !to.contains('"'), "{path} -> {to}");
                continue;
            }
            assert!(
                page.status.is_client_error() || page.status.is_success(),
                "{path}: {}",
                page.status
            );
            if page.header("content-type").starts_with("text/html") {
                check_html(&path, &page.html(), &mut findings);
            }
        }
        let path = format!("/newsroom/items/{p}");
        let page = editor.get(&path).await;
        assert!(page.status.is_client_error(), "{path}: {}", page.status);
        check_html(&path, &page.html(), &mut findings);
    }

    // The live stream: every headline arrives as JSON text with no markup character.
    let mut stream = Listener::open(&app, "/en/live?after=0", None).await;
    let mut headlines = BTreeSet::new();
    while headlines.len() < items.len() {
        let event = stream
            .next(Duration::from_secs(10))
            .await
            .expect("every item's event arrives");
        if event.data.contains(['<', '>']) {
            findings.note("/en/live", format!("markup characters in {}", event.data));
        }
        let data: Value = serde_json::from_str(&event.data).expect("event data is JSON");
        if event.event == "published" {
            headlines.insert(data["headline"].as_str().unwrap_or_default().to_owned());
        }
    }
    let typed: BTreeSet<String> = items.iter().map(|(_, p)| folded(p)).collect();
    assert_eq!(headlines, typed, "the stream carries the headlines intact");

    assert!(
        findings.0.is_empty(),
        "{} problems:\n{}",
        findings.0.len(),
        findings.0.join("\n")
    );
}

#[test]
fn the_checks_catch_what_they_look_for() {
    let mut findings = Findings::default();
    let page = Html::parse_document(concat!(
        "<img src=x onerror=alert(1)><a href=' JaVa\tScript:alert(1)'>x</a><svg></svg>",
        "<script>alert(1)</script><script type=application/ld+json>{\"a\":\"</p>\"}</script>",
        "<p style=color:red>x</p><script src=/static/live.js></script>",
    ));
    check_html("test", &page, &mut findings);
    assert_eq!(findings.0.len(), 6, "{:?}", findings.0);
    let mut findings = Findings::default();
    check_xml(
        "feed",
        "<rss><channel><item><description>&lt;img src=x onerror=alert(1)&gt;</description>\
         </item><script>alert(1)</script></channel></rss>",
        &mut findings,
    );
    assert_eq!(findings.0.len(), 2, "{:?}", findings.0);
}
