//! `newsline import wordpress`: a WordPress export imported whole, again without
//! duplicates, refused with a line and column, its old permalinks redirecting.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use reqwest::StatusCode;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use newsline::domain::{ItemId, Status};
use newsline::import::wxr::{Entry, Export};
use newsline::newsroom::Batch;

use crate::import::newsline;
use crate::support::*;

fn item(id: u32, kind: &str, status: &str, fields: &str) -> String {
    format!(
        "<item><wp:post_id>{id}</wp:post_id><wp:post_type>{kind}</wp:post_type>\
         <wp:status>{status}</wp:status>{fields}</item>\n"
    )
}

/// A small export of our own: one post of each status, a page, an attachment, a menu item.
fn export() -> String {
    let mut items = String::new();
    items += &item(
        10,
        "post",
        "publish",
        "<title>Ministers meet in Baku</title>\
         <link>https://old.example/2024/05/ministers-meet/</link>\
         <dc:creator>ayla</dc:creator>\
         <wp:post_date_gmt>2024-05-21 12:29:00</wp:post_date_gmt>\
         <wp:is_sticky>1</wp:is_sticky>\
         <category domain=\"category\" nicename=\"politics\"><![CDATA[Politics]]></category>\
         <category domain=\"category\" nicename=\"energy\"><![CDATA[Energy]]></category>\
         <category domain=\"post_tag\" nicename=\"baku\"><![CDATA[Baku]]></category>\
         <excerpt:encoded><![CDATA[Talks on <b>gas</b> go on.]]></excerpt:encoded>\
         <content:encoded><![CDATA[The talks began.\nThey went on late.\n\n[caption id=\"a\"]<img src=\"https://old.example/p.jpg\" alt=\"Port\"> The port[/caption]\n\nHe said [sic] it twice. [contact-form-7 id=\"9\"]]]></content:encoded>",
    );
    items += &item(
        11,
        "post",
        "draft",
        "<title>A draft</title><dc:creator>rauf</dc:creator>\
         <wp:post_date_gmt>0000-00-00 00:00:00</wp:post_date_gmt>\
         <wp:post_date>2024-05-20 10:00:00</wp:post_date>\
         <content:encoded><![CDATA[Not yet.]]></content:encoded>",
    );
    items += &item(
        12,
        "post",
        "pending",
        "<title>Waiting for an editor</title><dc:creator>rauf</dc:creator>\
         <wp:post_date_gmt>2024-05-20 10:00:00</wp:post_date_gmt>",
    );
    items += &item(
        13,
        "post",
        "private",
        "<title>Private memo</title><dc:creator>ayla</dc:creator>\
         <link>https://old.example/2024/05/private-memo/</link>\
         <wp:post_date_gmt>2024-05-19 10:00:00</wp:post_date_gmt>\
         <content:encoded><![CDATA[Staff only.]]></content:encoded>",
    );
    items += &item(
        14,
        "post",
        "publish",
        "<title>Locked story</title><dc:creator>ayla</dc:creator>\
         <wp:post_password>secret</wp:post_password>\
         <wp:post_date_gmt>2024-05-19 11:00:00</wp:post_date_gmt>\
         <content:encoded><![CDATA[Behind a password.]]></content:encoded>",
    );
    items += &item(
        15,
        "post",
        "future",
        "<title>Coming later</title><dc:creator>ayla</dc:creator>\
         <wp:post_date_gmt>2099-01-01 09:00:00</wp:post_date_gmt>",
    );
    items += &item(
        16,
        "post",
        "future",
        "<title>Already due</title><dc:creator>ayla</dc:creator>\
         <wp:post_date_gmt>2024-05-18 09:00:00</wp:post_date_gmt>\
         <category domain=\"category\" nicename=\"energy\"><![CDATA[Energy]]></category>",
    );
    items += &item(
        17,
        "post",
        "trash",
        "<title>Binned</title><wp:post_date_gmt>2024-05-18 09:00:00</wp:post_date_gmt>",
    );
    items += &item(
        18,
        "post",
        "publish",
        "<title>Block editor story</title><dc:creator>rauf</dc:creator>\
         <wp:post_date_gmt>2024-05-17 09:00:00</wp:post_date_gmt>\
         <category domain=\"category\" nicename=\"energy\"><![CDATA[Energy]]></category>\
         <content:encoded><![CDATA[<!-- wp:paragraph -->\n<p>Written in blocks.</p>\n<!-- /wp:paragraph -->]]></content:encoded>",
    );
    items += &item(
        20,
        "page",
        "publish",
        "<title>About us</title><dc:creator>ayla</dc:creator>\
         <link>https://old.example/about/</link>\
         <wp:post_date_gmt>2024-01-01 09:00:00</wp:post_date_gmt>\
         <content:encoded><![CDATA[Who we are.]]></content:encoded>",
    );
    items += &item(
        18,
        "post",
        "publish",
        "<title>The same post again</title><dc:creator>rauf</dc:creator>",
    );
    items += &item(30, "attachment", "inherit", "<title>p.jpg</title>");
    items += &item(31, "nav_menu_item", "publish", "<title>Menu</title>");
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
<rss version=\"2.0\" xmlns:excerpt=\"http://wordpress.org/export/1.2/excerpt/\" \
xmlns:content=\"http://purl.org/rss/1.0/modules/content/\" \
xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:wp=\"http://wordpress.org/export/1.2/\">\n\
<channel>\n<title>Old Site</title>\n<link>https://old.example</link>\n\
<wp:wxr_version>1.2</wp:wxr_version>\n\
<wp:base_site_url>https://old.example</wp:base_site_url>\n\
<wp:author><wp:author_login>ayla</wp:author_login><wp:author_display_name>Ayla Karimova</wp:author_display_name></wp:author>\n\
<wp:author><wp:author_login>rauf</wp:author_login><wp:author_display_name>Rauf Aliyev</wp:author_display_name></wp:author>\n\
{items}</channel>\n</rss>\n"
    )
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write export");
    path
}

async fn run(db: &Database, args: &[&str]) -> (bool, String, String) {
    let out = newsline(db, args).await;
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

async fn import(db: &Database, file: &Path, extra: &[&str]) -> String {
    let mut args = vec![
        "import",
        "wordpress",
        file.to_str().expect("path"),
        "--edition",
        "en",
    ];
    args.extend_from_slice(extra);
    let (ok, stdout, stderr) = run(db, &args).await;
    assert!(ok, "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    stdout
}

/// A server on a fresh database with the `en` edition, as a site has before importing.
async fn site() -> TestApp {
    let app = TestApp::spawn().await;
    app.file(Batch {
        editions: vec![edition("en", "English")],
        ..Batch::default()
    })
    .await;
    app
}

async fn id_of(app: &TestApp, post_id: u32) -> ItemId {
    let mut w = app.store.begin(app.now()).await.expect("transaction");
    w.item_by_source_key(&format!("wordpress:https://old.example:{post_id}"))
        .await
        .expect("read")
        .unwrap_or_else(|| panic!("post {post_id} was imported"))
}

async fn status_of(app: &TestApp, post_id: u32) -> Status {
    let id = id_of(app, post_id).await;
    app.store
        .item(id)
        .await
        .expect("read")
        .expect("item")
        .status
}

#[tokio::test]
async fn an_export_imports_with_statuses_sections_tags_bylines_and_redirects() {
    let app = site().await;
    let file = write(app.db.dir.path(), "export.xml", &export());
    let report = import(&app.db, &file, &["--pages"]).await;
    assert!(
        report.starts_with("9 imported, 0 updated, 0 unchanged, 4 skipped"),
        "{report}"
    );
    assert!(
        report.contains("skipped post 17 \"Binned\": in the trash"),
        "{report}"
    );
    assert!(
        report.contains("skipped post 18 \"The same post again\": its post id appears earlier"),
        "{report}"
    );
    assert!(report.contains("skipped 1 of type attachment"), "{report}");
    assert!(
        report.contains("skipped 1 of type nav_menu_item"),
        "{report}"
    );
    assert!(
        report.contains("held back \"Private memo\": private"),
        "{report}"
    );
    assert!(
        report.contains("held back \"Locked story\": password"),
        "{report}"
    );
    app.settle().await;

    assert_eq!(status_of(&app, 10).await, Status::Published);
    assert_eq!(status_of(&app, 11).await, Status::Draft);
    assert_eq!(status_of(&app, 12).await, Status::Review);
    assert_eq!(status_of(&app, 13).await, Status::Draft);
    assert_eq!(status_of(&app, 14).await, Status::Draft);
    assert_eq!(status_of(&app, 15).await, Status::Scheduled);
    assert_eq!(status_of(&app, 16).await, Status::Published);
    assert_eq!(status_of(&app, 18).await, Status::Published);
    assert_eq!(status_of(&app, 20).await, Status::Published);

    let lead = id_of(&app, 10).await;
    let home = app.get("/en/").await;
    assert_eq!(home.status, StatusCode::OK);
    let path = app.item_path(lead).await;
    assert!(path.starts_with("/en/politics/"), "{path}");
    let page = app.get(&path).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.texts("article .byline")[0].starts_with("Ayla Karimova//"));
    let body = page.html().root_element().html();
    assert!(
        body.contains("Talks on gas go on."),
        "the excerpt is the standfirst"
    );
    assert!(body.contains("The talks began.<br>"), "{body}");
    assert!(body.contains("<figcaption>The port</figcaption>"), "{body}");
    assert!(body.contains("He said [sic] it twice."), "{body}");
    assert!(
        !body.contains("[caption") && !body.contains("contact-form"),
        "{body}"
    );
    assert!(
        page.texts("article a").iter().any(|t| t == "Energy"),
        "{:?}",
        page.texts("article a")
    );
    assert!(page.texts("article a").iter().any(|t| t == "Baku"));
    let stored = app.store.item(lead).await.expect("read").expect("item");
    assert!(stored.pinned, "a sticky post leads");
    let blocks = app.item_path(id_of(&app, 18).await).await;
    assert!(blocks.starts_with("/en/energy/"), "{blocks}");
    let blocks = app.get(&blocks).await;
    assert!(
        blocks
            .html()
            .root_element()
            .html()
            .contains("<p>Written in blocks.</p>")
    );
    assert!(!blocks.html().root_element().html().contains("wp:paragraph"));

    // Private and password-protected posts are nowhere public, and the audit log
    // says why they were kept back; every imported item has its revision.
    let audit = app.store.audit_entries(500).await.expect("audit");
    for (post, why) in [(13, "private in WordPress"), (14, "password-protected")] {
        let subject = format!("item:{}", id_of(&app, post).await);
        assert!(
            audit.iter().any(|e| e.subject == subject
                && e.action == "held back"
                && e.system.as_deref() == Some("import")
                && e.detail.contains(why)),
            "post {post}"
        );
    }
    assert_eq!(app.store.revisions(lead).await.expect("revisions").len(), 1);
    for post in [13, 14] {
        let id = id_of(&app, post).await;
        assert!(
            app.read.snapshot().item(id).is_none(),
            "post {post} is not public"
        );
    }
    let news = app.get("/en/news").await;
    let lines = news.texts(".item-line").join("\n");
    assert!(
        !lines.contains("Private memo") && !lines.contains("Locked story"),
        "{lines}"
    );
    assert_eq!(
        app.get("/?p=13").await.status,
        StatusCode::TEMPORARY_REDIRECT
    );
    assert_eq!(
        app.get("/2024/05/private-memo/").await.status,
        StatusCode::NOT_FOUND
    );

    // Old permalinks answer 301 with the new address.
    for (old, post) in [
        ("/?p=10", 10),
        ("/2024/05/ministers-meet/", 10),
        ("/2024/05/ministers-meet", 10),
        ("/?page_id=20", 20),
        ("/about/", 20),
    ] {
        let answer = app.get(old).await;
        assert_eq!(answer.status, StatusCode::MOVED_PERMANENTLY, "{old}");
        assert_eq!(
            answer.header("location"),
            app.item_path(id_of(&app, post).await).await,
            "{old}"
        );
    }
    assert_eq!(
        app.get("/?p=999").await.status,
        StatusCode::TEMPORARY_REDIRECT
    );
    assert_eq!(
        app.get("/2024/05/nothing").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn importing_again_updates_what_changed_and_duplicates_nothing() {
    let app = site().await;
    let dir = app.db.dir.path().to_owned();
    let file = write(&dir, "export.xml", &export());
    import(&app.db, &file, &[]).await;
    let lead = id_of(&app, 10).await;
    let revisions = app.store.revisions(lead).await.expect("revisions").len();
    let seq = app.store.primary().last_seq().await.expect("seq");

    let again = import(&app.db, &file, &[]).await;
    assert!(
        again.starts_with("0 imported, 0 updated, 8 unchanged"),
        "{again}"
    );
    assert!(again.contains("skipped 1 of type page"), "{again}");
    assert_eq!(
        app.store.primary().last_seq().await.expect("seq"),
        seq,
        "nothing changed"
    );
    assert_eq!(
        app.store.revisions(lead).await.expect("revisions").len(),
        revisions
    );

    let edited = write(
        &dir,
        "edited.xml",
        &export().replace("Ministers meet in Baku", "Ministers meet again in Baku"),
    );
    let dry = import(&app.db, &edited, &["--dry-run"]).await;
    assert!(
        dry.starts_with("dry run, nothing stored: 0 imported, 1 updated, 7 unchanged"),
        "{dry}"
    );
    assert_eq!(
        app.store.primary().last_seq().await.expect("seq"),
        seq,
        "a dry run stores nothing"
    );

    let updated = import(&app.db, &edited, &[]).await;
    assert!(
        updated.starts_with("0 imported, 1 updated, 7 unchanged"),
        "{updated}"
    );
    app.settle().await;
    assert_eq!(id_of(&app, 10).await, lead, "the same item");
    let stored = app.store.item(lead).await.expect("read").expect("item");
    assert_eq!(stored.headline, "Ministers meet again in Baku");
    assert_eq!(stored.status, Status::Published);
    assert_eq!(
        app.store.revisions(lead).await.expect("revisions").len(),
        revisions + 1
    );
    let news = app.get("/en/news").await;
    let lines = news.texts(".item-line");
    assert_eq!(
        lines
            .iter()
            .filter(|l| l.contains("Ministers meet"))
            .count(),
        1,
        "{lines:?}"
    );
    let answer = app.get("/?p=10").await;
    assert_eq!(answer.header("location"), app.item_path(lead).await);

    // A post made private in WordPress since is taken back from readers.
    let private = write(
        &dir,
        "private.xml",
        &export().replacen(
            "<wp:post_id>10</wp:post_id><wp:post_type>post</wp:post_type><wp:status>publish",
            "<wp:post_id>10</wp:post_id><wp:post_type>post</wp:post_type><wp:status>private",
            1,
        ),
    );
    let report = import(&app.db, &private, &[]).await;
    assert!(
        report.starts_with("0 imported, 1 updated, 7 unchanged"),
        "{report}"
    );
    app.settle().await;
    assert_eq!(status_of(&app, 10).await, Status::Unpublished);
    assert!(app.read.snapshot().item(lead).is_none());
    assert_eq!(
        app.get("/?p=10").await.status,
        StatusCode::TEMPORARY_REDIRECT
    );
}

#[tokio::test]
async fn a_broken_export_or_an_unknown_edition_is_refused_and_nothing_is_imported() {
    let app = site().await;
    let dir = app.db.dir.path().to_owned();
    let seq = app.store.primary().last_seq().await.expect("seq");
    let full = export();
    let truncated = write(&dir, "truncated.xml", &full[..full.len() / 2]);
    let (ok, _, stderr) = run(
        &app.db,
        &[
            "import",
            "wordpress",
            truncated.to_str().expect("path"),
            "--edition",
            "en",
        ],
    )
    .await;
    assert!(!ok);
    let prefix = format!("{}:", truncated.display());
    let line = stderr
        .lines()
        .find(|l| l.contains(&prefix))
        .unwrap_or_default();
    let rest = &line[line.find(&prefix).expect("file named") + prefix.len()..];
    let mut parts = rest.splitn(3, ':');
    assert!(
        parts.next().is_some_and(|l| l.parse::<u32>().is_ok()),
        "{stderr}"
    );
    assert!(
        parts.next().is_some_and(|c| c.parse::<u32>().is_ok()),
        "{stderr}"
    );
    assert!(stderr.contains("truncated"), "{stderr}");

    let mut wrong = full.replace("<wp:wxr_version>1.2", "<wp:wxr_version>9.9");
    wrong.push('\n');
    let wrong = write(&dir, "version.xml", &wrong);
    let (ok, _, stderr) = run(
        &app.db,
        &[
            "import",
            "wordpress",
            wrong.to_str().expect("path"),
            "--edition",
            "en",
        ],
    )
    .await;
    assert!(!ok);
    assert!(
        stderr.contains(&format!("{}:6:", wrong.display())),
        "{stderr}"
    );
    assert!(stderr.contains("not supported"), "{stderr}");

    let good = write(&dir, "export.xml", &full);
    let (ok, _, stderr) = run(
        &app.db,
        &[
            "import",
            "wordpress",
            good.to_str().expect("path"),
            "--edition",
            "fr",
        ],
    )
    .await;
    assert!(!ok);
    assert!(stderr.contains("there is no edition 'fr'"), "{stderr}");
    assert_eq!(
        app.store.primary().last_seq().await.expect("seq"),
        seq,
        "nothing was stored"
    );
}

/// Posts (and pages) the importer files from `path`: distinct ids of importable statuses.
fn importable(path: &Path) -> Option<usize> {
    let file = std::io::BufReader::new(std::fs::File::open(path).expect("open"));
    let mut export = Export::new(file);
    let mut ids = std::collections::HashSet::new();
    loop {
        match export.next_entry() {
            Ok(Some(Entry::Item(item))) => {
                let wanted = matches!(item.post_type.as_str(), "post" | "page")
                    && matches!(
                        item.status.as_str(),
                        "publish" | "future" | "draft" | "pending" | "private"
                    );
                if wanted {
                    ids.insert(item.post_id.clone());
                }
            }
            Ok(Some(_)) => {}
            Ok(None) => return Some(ids.len()),
            Err(_) => return None,
        }
    }
}

/// The WordPress importer's own test exports and the theme unit test data, from
/// `../shared`: each valid one imports as many items as it has posts and pages to
/// import; each broken one is refused with a line and column, and nothing is stored.
#[tokio::test]
async fn every_wordpress_fixture_imports_with_its_own_counts_or_is_refused() {
    let dir = repo_root().join("../shared/fixtures/wordpress");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("../shared/fixtures/wordpress")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "xml"))
        .collect();
    files.sort();
    assert!(files.len() >= 20, "{files:?}");
    for path in files {
        let app = site().await;
        let seq = app.store.primary().last_seq().await.expect("seq");
        let name = path.display().to_string();
        let (ok, stdout, stderr) = run(
            &app.db,
            // Their images live on the public internet: none is fetched here.
            &[
                "import",
                "wordpress",
                &name,
                "--edition",
                "en",
                "--pages",
                "--no-download",
            ],
        )
        .await;
        assert!(!stderr.contains("panicked"), "{name}: {stderr}");
        match importable(&path) {
            Some(expected) => {
                assert!(ok, "{name}: {stderr}");
                let imported: usize = stdout
                    .split(" imported")
                    .next()
                    .and_then(|n| n.parse().ok())
                    .unwrap_or_else(|| panic!("{name}: {stdout}"));
                assert_eq!(imported, expected, "{name}: {stdout}");
                assert!(!stdout.contains("refused"), "{name}: {stdout}");
            }
            None => {
                assert!(!ok, "{name} should be refused");
                let prefix = format!("{name}:");
                let at = stderr.find(&prefix).unwrap_or_else(|| panic!("{stderr}"));
                let mut parts = stderr[at + prefix.len()..].splitn(3, ':');
                assert!(
                    parts.next().is_some_and(|l| l.parse::<u32>().is_ok()),
                    "{stderr}"
                );
                assert!(
                    parts.next().is_some_and(|c| c.parse::<u32>().is_ok()),
                    "{stderr}"
                );
                assert_eq!(
                    app.store.primary().last_seq().await.expect("seq"),
                    seq,
                    "{name}: nothing stored"
                );
            }
        }
    }
}

/// What the old site answers for a path: status, content type, body.
type Answer = (u16, &'static str, Vec<u8>);

/// An old site on 127.0.0.1 serving its uploads: each path's answer, and how often
/// each path was asked for.
#[derive(Clone)]
struct OldSite {
    base: String,
    files: Arc<HashMap<String, Answer>>,
    asked: Arc<Mutex<HashMap<String, usize>>>,
}

impl OldSite {
    async fn start(files: Vec<(&str, u16, &'static str, Vec<u8>)>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("binds");
        let port = listener.local_addr().expect("address").port();
        let site = Self {
            base: format!("http://127.0.0.1:{port}"),
            files: Arc::new(
                files
                    .into_iter()
                    .map(|(path, status, kind, bytes)| (path.to_owned(), (status, kind, bytes)))
                    .collect(),
            ),
            asked: Arc::default(),
        };
        let serving = site.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(serving.clone().answer(stream));
            }
        });
        site
    }

    async fn answer(self, mut stream: TcpStream) {
        let mut head = Vec::new();
        let mut buf = [0u8; 1024];
        while !head.windows(4).any(|w| w == b"\r\n\r\n") {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(n) => head.extend_from_slice(&buf[..n]),
            }
        }
        let head = String::from_utf8_lossy(&head).into_owned();
        let path = head.split_whitespace().nth(1).unwrap_or("/").to_owned();
        *self
            .asked
            .lock()
            .expect("asked")
            .entry(path.clone())
            .or_default() += 1;
        let (status, kind, body) =
            self.files
                .get(&path)
                .cloned()
                .unwrap_or((404, "text/plain", b"not found".to_vec()));
        // A redirect's "type" is where it leads.
        let kind = if (300..400).contains(&status) {
            format!("Location: {kind}")
        } else {
            format!("Content-Type: {kind}")
        };
        let answer = format!(
            "HTTP/1.1 {status} X\r\n{kind}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            body.len()
        );
        let _ = stream.write_all(answer.as_bytes()).await;
        let _ = stream.write_all(&body).await;
        let _ = stream.shutdown().await;
    }

    fn asked(&self, path: &str) -> usize {
        self.asked
            .lock()
            .expect("asked")
            .get(path)
            .copied()
            .unwrap_or_default()
    }
}

/// An address on 127.0.0.1 where nothing listens.
async fn closed_address() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("binds");
    let port = listener.local_addr().expect("address").port();
    drop(listener);
    format!("http://127.0.0.1:{port}")
}

const LEAD: &str = "/wp-content/uploads/2024/05/ferry.png";
const INLINE: &str = "/wp-content/uploads/2024/05/cranes.png";
const MISSING: &str = "/wp-content/uploads/2024/05/missing.png";
const NOT_AN_IMAGE: &str = "/wp-content/uploads/2024/05/notes.png";
const PORT: &str = "/wp-content/uploads/2024/05/port.png";

/// An export of a site at `base` whose post 40 has a featured image (its attachment
/// after it in the file), an inline image without alt text, one the site no longer
/// has and one that is no image; post 41's featured image is at `dead`. `extra` goes
/// into post 40's content.
fn image_export(base: &str, dead: &str, extra: &str) -> String {
    let mut items = String::new();
    items += &item(
        40,
        "post",
        "publish",
        &format!(
            "<title>Ferries return to the bay</title><dc:creator>ayla</dc:creator>\
             <wp:post_date_gmt>2024-05-21 12:29:00</wp:post_date_gmt>\
             <wp:postmeta><wp:meta_key>_thumbnail_id</wp:meta_key><wp:meta_value>50</wp:meta_value></wp:postmeta>\
             <content:encoded><![CDATA[The first ferry docked.\n\n\
             <a href=\"{base}{INLINE}\"><img class=\"wp-image-51\" src=\"{base}{INLINE}\" alt=\"\" width=\"400\" height=\"300\"></a>\n\n\
             <img src=\"{base}{MISSING}\" alt=\"Gone\"> Cranes stood still.\n\n\
             <img src=\"{base}{NOT_AN_IMAGE}\" alt=\"Notes\">{extra}]]></content:encoded>"
        ),
    );
    items += &item(
        41,
        "post",
        "publish",
        "<title>Port closes early</title><dc:creator>ayla</dc:creator>\
         <wp:post_date_gmt>2024-05-22 12:29:00</wp:post_date_gmt>\
         <wp:postmeta><wp:meta_key>_thumbnail_id</wp:meta_key><wp:meta_value>52</wp:meta_value></wp:postmeta>\
         <content:encoded><![CDATA[Wind.]]></content:encoded>",
    );
    items += &item(
        50,
        "attachment",
        "inherit",
        &format!(
            "<title>Ferry</title><wp:attachment_url>{base}{LEAD}</wp:attachment_url>\
             <excerpt:encoded><![CDATA[The morning ferry]]></excerpt:encoded>\
             <wp:postmeta><wp:meta_key>_wp_attachment_image_alt</wp:meta_key><wp:meta_value>Ferry at the pier</wp:meta_value></wp:postmeta>"
        ),
    );
    items += &item(
        51,
        "attachment",
        "inherit",
        &format!(
            "<title>Harbour cranes</title><wp:attachment_url>{base}{INLINE}</wp:attachment_url>"
        ),
    );
    items += &item(
        52,
        "attachment",
        "inherit",
        &format!("<title>Dead</title><wp:attachment_url>{dead}{PORT}</wp:attachment_url>"),
    );
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
<rss version=\"2.0\" xmlns:excerpt=\"http://wordpress.org/export/1.2/excerpt/\" \
xmlns:content=\"http://purl.org/rss/1.0/modules/content/\" \
xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:wp=\"http://wordpress.org/export/1.2/\">\n\
<channel>\n<title>Old Site</title>\n<link>{base}</link>\n\
<wp:wxr_version>1.2</wp:wxr_version>\n\
<wp:base_site_url>{base}</wp:base_site_url>\n\
<wp:author><wp:author_login>ayla</wp:author_login><wp:author_display_name>Ayla Karimova</wp:author_display_name></wp:author>\n\
{items}</channel>\n</rss>\n"
    )
}

async fn image_site() -> OldSite {
    OldSite::start(vec![
        (LEAD, 200, "image/png", png(700, 400)),
        (INLINE, 200, "image/png", png(400, 300)),
        (
            NOT_AN_IMAGE,
            200,
            "image/png",
            b"meeting notes, not pixels".to_vec(),
        ),
    ])
    .await
}

/// The files in the data directory's media store.
fn media_files(db: &Database) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(db.dir.path().join("media"))
        .map(|dir| {
            dir.filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

async fn id_on(app: &TestApp, site: &str, post_id: u32) -> Option<ItemId> {
    let mut w = app.store.begin(app.now()).await.expect("transaction");
    w.item_by_source_key(&format!("wordpress:{site}:{post_id}"))
        .await
        .expect("read")
}

/// Checks post 40's page: the lead image with the attachment's alt text and caption,
/// the inline image stored here with the title for alt text, and nothing of the old
/// site left in it. Returns the stored images' addresses.
async fn check_images_shown(app: &TestApp, site: &str) -> Vec<String> {
    app.settle().await;
    let id = id_on(app, site, 40).await.expect("post 40 imported");
    let page = app.get(&app.item_path(id).await).await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.html();
    let lead = scraper::Selector::parse("figure.lead-image img").expect("selector");
    let lead = html.select(&lead).next().expect("a lead image");
    assert_eq!(lead.value().attr("alt"), Some("Ferry at the pier"));
    assert!(
        lead.value()
            .attr("srcset")
            .is_some_and(|s| s.contains("-320.png 320w") && s.contains("-640.png 640w")),
        "{:?}",
        lead.value().attr("srcset")
    );
    assert!(page.texts("figure.lead-image figcaption")[0].contains("The morning ferry"));
    let body = html.root_element().html();
    assert!(!body.contains(site), "no hotlink to the old site: {body}");
    let images = scraper::Selector::parse("article img").expect("selector");
    let mut srcs = Vec::new();
    for img in html.select(&images) {
        let src = img.value().attr("src").unwrap_or_default().to_owned();
        assert!(src.starts_with("/media/"), "{src}");
        srcs.push(src);
    }
    let inline = html
        .select(&images)
        .find(|img| img.value().attr("alt") == Some("Harbour cranes"))
        .expect("the inline image, its alt text from the attachment's title");
    assert_eq!(inline.value().attr("width"), Some("400"));
    assert_eq!(
        srcs.len(),
        2,
        "lead and inline; the lost ones are gone: {srcs:?}"
    );
    assert!(body.contains("Cranes stood still."), "{body}");
    // Every variant of every image is served.
    for media in app.store.media(10).await.expect("media") {
        let widths = media.widths.split(',').filter(|w| !w.is_empty());
        let mut names = vec![format!("{}.{}", media.hash, media.format)];
        for width in widths {
            if width.parse::<i64>().ok() != Some(media.width) {
                names.push(format!("{}-{width}.{}", media.hash, media.format));
                names.push(format!("{}-{width}.webp", media.hash));
            }
        }
        names.push(format!("{}.webp", media.hash));
        for name in names {
            let answer = app
                .client
                .get(format!("{}/media/{name}", app.address))
                .send()
                .await
                .expect("answered");
            assert_eq!(answer.status(), StatusCode::OK, "{name}");
            let bytes = answer.bytes().await.expect("bytes");
            assert!(image::guess_format(&bytes).is_ok(), "{name}");
        }
    }
    srcs
}

// The old site answers on another thread while the command runs.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn featured_and_inline_images_are_downloaded_stored_and_shown_with_alt_text() {
    let app = site().await;
    let old = image_site().await;
    let dead = closed_address().await;
    let file = write(
        app.db.dir.path(),
        "images.xml",
        &image_export(&old.base, &dead, ""),
    );
    let report = import(&app.db, &file, &[]).await;
    assert!(report.starts_with("2 imported, 0 updated"), "{report}");
    assert!(
        report.contains("images: 2 imported, 0 reused, 3 unreachable"),
        "{report}"
    );
    assert!(
        report.contains(&format!("{}{MISSING}: the server answered 404", old.base)),
        "{report}"
    );
    assert!(
        report.contains(&format!(
            "{}{NOT_AN_IMAGE}: the file is not a JPEG, PNG, WebP or GIF image",
            old.base
        )),
        "{report}"
    );
    assert!(
        report.contains(&format!("{dead}{PORT}: the server could not be reached")),
        "{report}"
    );
    assert!(
        report.contains("had no alt text; \"Harbour cranes\" stands in for it"),
        "{report}"
    );
    let srcs = check_images_shown(&app, &old.base).await;
    let stored = app.store.media(10).await.expect("media");
    assert_eq!(stored.len(), 2);
    let port = id_on(&app, &old.base, 41).await.expect("post 41 imported");
    assert_eq!(
        app.store
            .item(port)
            .await
            .expect("read")
            .expect("item")
            .lead_media,
        None,
        "an unreachable featured image leaves the item without one"
    );
    let audit = app.store.audit_entries(100).await.expect("audit");
    assert_eq!(
        audit
            .iter()
            .filter(|e| e.action == "image imported" && e.system.as_deref() == Some("import"))
            .count(),
        2
    );

    // Importing again fetches nothing already imported and stores nothing twice.
    let files = media_files(&app.db);
    assert!(!files.is_empty());
    let seq = app.store.primary().last_seq().await.expect("seq");
    let again = import(&app.db, &file, &[]).await;
    assert!(
        again.starts_with("0 imported, 0 updated, 2 unchanged"),
        "{again}"
    );
    assert!(
        again.contains("images: 0 imported, 2 reused, 3 unreachable"),
        "{again}"
    );
    assert_eq!(
        old.asked(LEAD),
        1,
        "an image imported before is not fetched again"
    );
    assert_eq!(old.asked(INLINE), 1);
    assert_eq!(app.store.media_count().await.expect("count"), 2);
    assert_eq!(media_files(&app.db), files);
    assert_eq!(app.store.primary().last_seq().await.expect("seq"), seq);
    assert_eq!(check_images_shown(&app, &old.base).await, srcs);
}

#[tokio::test]
async fn images_come_from_a_local_copy_of_the_uploads_and_never_from_outside_it() {
    let app = site().await;
    let base = "https://old.example";
    let root = tempfile::tempdir().expect("temp dir");
    let uploads = root.path().join("uploads");
    std::fs::create_dir_all(uploads.join("2024/05")).expect("dirs");
    std::fs::write(uploads.join("2024/05/ferry.png"), png(700, 400)).expect("write");
    std::fs::write(uploads.join("2024/05/cranes.png"), png(400, 300)).expect("write");
    std::fs::write(uploads.join("2024/05/notes.png"), "not pixels").expect("write");
    // An image beside the copy, which the export tries to reach.
    std::fs::write(root.path().join("secret.png"), png(50, 50)).expect("write");
    let traversal = format!(
        "\n\n<img src=\"{base}/wp-content/uploads/2024/../../secret.png\" alt=\"a\">\
         <img src=\"{base}/wp-content/uploads/2024/05/..%2f..%2f..%2fsecret.png\" alt=\"b\">"
    );
    let file = write(
        app.db.dir.path(),
        "images.xml",
        &image_export(base, base, &traversal),
    );
    let dir = uploads.to_str().expect("path");
    let report = import(&app.db, &file, &["--uploads", dir, "--no-download"]).await;
    assert!(report.starts_with("2 imported, 0 updated"), "{report}");
    assert!(
        report.contains("images: 2 imported, 0 reused, 5 unreachable"),
        "{report}"
    );
    assert!(
        report.contains(&format!(
            "{base}/wp-content/uploads/2024/../../secret.png: its path leaves the uploads folder"
        )),
        "{report}"
    );
    assert!(
        report.contains(&format!(
            "{base}/wp-content/uploads/2024/05/..%2f..%2f..%2fsecret.png: its path leaves the uploads folder"
        )),
        "{report}"
    );
    assert!(
        report.contains(&format!(
            "{base}{MISSING}: 2024/05/missing.png is not in the uploads folder"
        )),
        "{report}"
    );
    assert!(
        report.contains(&format!("{base}{NOT_AN_IMAGE}: the file is not a JPEG")),
        "{report}"
    );
    assert_eq!(app.store.media_count().await.expect("count"), 2);
    check_images_shown(&app, base).await;

    let (ok, _, stderr) = run(
        &app.db,
        &[
            "import",
            "wordpress",
            file.to_str().expect("path"),
            "--edition",
            "en",
            "--uploads",
            "/no/such/folder",
        ],
    )
    .await;
    assert!(!ok);
    assert!(
        stderr.contains("--uploads /no/such/folder: no such folder"),
        "{stderr}"
    );
}

// The old site answers on another thread while the command runs.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dry_run_fetches_images_but_stores_no_media() {
    let app = site().await;
    let old = image_site().await;
    let dead = closed_address().await;
    let file = write(
        app.db.dir.path(),
        "images.xml",
        &image_export(&old.base, &dead, ""),
    );
    let seq = app.store.primary().last_seq().await.expect("seq");
    let report = import(&app.db, &file, &["--dry-run"]).await;
    assert!(
        report.starts_with("dry run, nothing stored: 2 imported"),
        "{report}"
    );
    assert!(
        report.contains("images: 2 imported, 0 reused, 3 unreachable"),
        "{report}"
    );
    assert_eq!(media_files(&app.db), Vec::<String>::new());
    assert_eq!(app.store.media_count().await.expect("count"), 0);
    assert_eq!(app.store.primary().last_seq().await.expect("seq"), seq);
}

/// Makes the database refuse the import's commit once post 41's old address is
/// written (a deferred foreign key broken by a trigger), so that an import fails
/// after post 40's images were recorded and their files stored.
async fn refuse_commit_after_post_41(db: &Database) {
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(&db.url).await.expect("connect");
    let statements: &[&str] = if on_postgres() {
        &[
            "CREATE TABLE refused (item_id BIGINT REFERENCES items (id) \
             DEFERRABLE INITIALLY DEFERRED)",
            "CREATE FUNCTION refuse_post_41() RETURNS trigger AS $$ BEGIN \
             IF NEW.path = '/?p=41' THEN INSERT INTO refused (item_id) VALUES (-1); END IF; \
             RETURN NEW; END $$ LANGUAGE plpgsql",
            "CREATE TRIGGER refuse_post_41 AFTER INSERT ON redirects \
             FOR EACH ROW EXECUTE FUNCTION refuse_post_41()",
        ]
    } else {
        &[
            "CREATE TABLE refused (item_id INTEGER REFERENCES items (id) \
             DEFERRABLE INITIALLY DEFERRED)",
            "CREATE TRIGGER refuse_post_41 AFTER INSERT ON redirects \
             WHEN NEW.path = '/?p=41' BEGIN INSERT INTO refused (item_id) VALUES (-1); END",
        ]
    };
    for sql in statements {
        sqlx::query(sqlx::AssertSqlSafe(*sql))
            .execute(&pool)
            .await
            .expect("trigger");
    }
    pool.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_import_failing_as_it_commits_leaves_no_media_files_or_records() {
    let app = site().await;
    let old = image_site().await;
    let dead = closed_address().await;
    let file = write(
        app.db.dir.path(),
        "images.xml",
        &image_export(&old.base, &dead, ""),
    );
    refuse_commit_after_post_41(&app.db).await;
    let (ok, _, stderr) = run(
        &app.db,
        &[
            "import",
            "wordpress",
            file.to_str().expect("path"),
            "--edition",
            "en",
        ],
    )
    .await;
    assert!(!ok);
    assert!(stderr.contains("nothing was imported"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(old.asked(LEAD), 1, "the images were fetched");
    assert_eq!(media_files(&app.db), Vec::<String>::new());
    assert_eq!(app.store.media_count().await.expect("count"), 0);
    assert_eq!(id_on(&app, &old.base, 40).await, None);
}

// The old site answers on another thread while the command runs.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn images_brought_over_later_fill_an_item_left_without_them() {
    let app = site().await;
    let old = image_site().await;
    let dead = closed_address().await;
    let file = write(
        app.db.dir.path(),
        "images.xml",
        &image_export(&old.base, &dead, ""),
    );
    let offline = import(&app.db, &file, &["--no-download"]).await;
    assert!(
        offline.contains("images: 0 imported, 0 reused, 5 unreachable"),
        "{offline}"
    );
    assert!(
        offline.contains(&format!(
            "{}{LEAD}: downloads are off (--no-download)",
            old.base
        )),
        "{offline}"
    );
    assert_eq!(old.asked(LEAD), 0);
    assert_eq!(media_files(&app.db), Vec::<String>::new());
    let id = id_on(&app, &old.base, 40).await.expect("imported");
    assert_eq!(
        app.store
            .item(id)
            .await
            .expect("read")
            .expect("item")
            .lead_media,
        None
    );

    let online = import(&app.db, &file, &[]).await;
    assert!(
        online.starts_with("0 imported, 1 updated, 1 unchanged"),
        "{online}"
    );
    assert!(
        online.contains("images: 2 imported, 0 reused, 3 unreachable"),
        "{online}"
    );
    let lead = app
        .store
        .item(id)
        .await
        .expect("read")
        .expect("item")
        .lead_media;
    assert!(lead.is_some(), "the featured image fills the empty place");
    check_images_shown(&app, &old.base).await;
}

// The old site answers on another thread while the command runs.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_image_too_large_or_redirected_away_from_http_is_reported_and_the_import_goes_on() {
    const BIG: &str = "/wp-content/uploads/2024/05/big.png";
    const AWAY: &str = "/wp-content/uploads/2024/05/away.png";
    const MOVED: &str = "/wp-content/uploads/2024/05/moved.png";
    let app = site().await;
    let mut big = png(16, 16);
    big.resize(1_000_001, 0);
    let old = OldSite::start(vec![
        (LEAD, 200, "image/png", png(700, 400)),
        (INLINE, 200, "image/png", png(400, 300)),
        (BIG, 200, "image/png", big),
        (AWAY, 302, "file:///etc/passwd", Vec::new()),
        (MOVED, 301, INLINE, Vec::new()),
    ])
    .await;
    let extra = format!(
        "\n\n<img src=\"{0}{BIG}\" alt=\"Big\"><img src=\"{0}{AWAY}\" alt=\"Away\">\
         <img src=\"{0}{MOVED}\" alt=\"Moved\">",
        old.base
    );
    let file = write(
        app.db.dir.path(),
        "images.xml",
        &image_export(&old.base, &old.base, &extra),
    );
    let config = write(
        app.db.dir.path(),
        "newsline.toml",
        "[media]\nmax_upload_bytes = 1000000\n",
    );
    let (ok, report, stderr) = run(
        &app.db,
        &[
            "--config",
            config.to_str().expect("path"),
            "import",
            "wordpress",
            file.to_str().expect("path"),
            "--edition",
            "en",
        ],
    )
    .await;
    assert!(ok, "{stderr}");
    assert!(report.starts_with("2 imported, 0 updated"), "{report}");
    assert!(
        report.contains(&format!(
            "{}{BIG}: it is larger than the 1000000 bytes an upload may have",
            old.base
        )),
        "{report}"
    );
    assert!(
        report.contains(&format!(
            "{}{AWAY}: it redirects away from http(s)",
            old.base
        )),
        "{report}"
    );
    // A redirect within http(s) is followed; the same bytes are stored once.
    assert!(
        report.contains("images: 2 imported, 1 reused, 5 unreachable"),
        "{report}"
    );
    assert_eq!(old.asked(MOVED), 1);
    assert_eq!(app.store.media_count().await.expect("count"), 2);
}
