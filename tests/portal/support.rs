//! `TestApp`: a server of its own with a fresh database, and helpers to drive it.

use std::path::PathBuf;
use std::time::Duration;

use jiff::Timestamp;
use newsline::app::Application;
use newsline::config::Settings;
use newsline::domain::{Clock, Edition, EditionCode, ItemKind, ManualClock};
use newsline::newsroom::{Actor, Batch, Filed, Filing, Newsroom, SectionRef};
use newsline::read::ReadModel;
use newsline::store::Store;
use reqwest::StatusCode;
use std::sync::Arc;

/// Which store the suite runs against: `TEST_DATABASE=postgres` for PostgreSQL.
pub fn on_postgres() -> bool {
    std::env::var("TEST_DATABASE").is_ok_and(|v| v == "postgres")
}

/// A fresh, empty database of the suite's kind, with a data directory beside it.
pub struct Database {
    pub dir: tempfile::TempDir,
    pub url: String,
}

impl Database {
    pub fn fresh() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = if on_postgres() {
            crate::cluster::shared().create_database()
        } else {
            Store::sqlite_url(dir.path())
        };
        Self { dir, url }
    }

    /// Another handle on the same database, with a data directory of its own
    /// (a second node).
    pub fn shared_with_another_node(&self) -> Self {
        Self {
            dir: tempfile::tempdir().expect("temp dir"),
            url: self.url.clone(),
        }
    }

    /// The flags that point the `newsline` command at this database.
    pub fn flags(&self) -> Vec<String> {
        vec![
            "--data-dir".into(),
            self.dir.path().display().to_string(),
            "--database-url".into(),
            self.url.clone(),
        ]
    }
}

/// A running server and what a test needs to reach it.
pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub newsroom: Newsroom,
    pub read: Arc<ReadModel>,
    pub store: Store,
    pub db: Database,
    pub cache: Arc<newsline::web::cache::PageCache>,
    /// The node's search index.
    pub search: newsline::search::SearchIndex,
    /// The server's clock: it stands still until a test moves it.
    pub clock: Arc<ManualClock>,
    /// The node's wire feed poller, to poll due feeds at once after moving the clock.
    pub wire: newsline::wire::Poller,
    server: tokio::task::JoinHandle<std::io::Result<()>>,
}

/// A fetched page.
pub struct Fetched {
    pub status: StatusCode,
    pub headers: reqwest::header::HeaderMap,
    pub body: String,
}

impl Fetched {
    /// Reads a whole response.
    pub async fn read(response: reqwest::Response) -> Self {
        Self {
            status: response.status(),
            headers: response.headers().clone(),
            body: response.text().await.expect("body is text"),
        }
    }

    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
    }

    pub fn html(&self) -> scraper::Html {
        scraper::Html::parse_document(&self.body)
    }

    /// The trimmed texts of every element matching `selector`, in document order.
    pub fn texts(&self, selector: &str) -> Vec<String> {
        let selector = scraper::Selector::parse(selector).expect("valid selector");
        self.html()
            .select(&selector)
            .map(|e| {
                e.text()
                    .collect::<String>()
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect()
    }

    /// The `href`s of every element matching `selector`.
    pub fn hrefs(&self, selector: &str) -> Vec<String> {
        let selector = scraper::Selector::parse(selector).expect("valid selector");
        self.html()
            .select(&selector)
            .filter_map(|e| e.value().attr("href").map(str::to_owned))
            .collect()
    }
}

pub fn settings_for(db: &Database) -> Settings {
    let mut settings = Settings::default();
    settings.set("address", "127.0.0.1:0").expect("address");
    settings.set("database_url", &db.url).expect("database url");
    settings.data_dir = db.dir.path().to_owned();
    settings
}

impl TestApp {
    /// A server on an empty site with one edition, `en`.
    pub async fn spawn() -> Self {
        Self::with_test_edition(Self::spawn_on(Database::fresh()).await).await
    }

    /// A server like [`Self::spawn`]'s whose time is `clock`.
    pub async fn spawn_at(clock: Arc<ManualClock>) -> Self {
        Self::with_test_edition(Self::spawn_with_clock(Database::fresh(), clock, |_| {}).await)
            .await
    }

    async fn with_test_edition(app: Self) -> Self {
        app.file(Batch {
            editions: vec![edition("en", "Test News")],
            sections: vec![
                ("en".into(), "politics".into(), "Politics".into()),
                ("en".into(), "economy".into(), "Economy".into()),
            ],
            filings: Vec::new(),
        })
        .await;
        app
    }

    /// A server on the built-in demo site.
    pub async fn spawn_with_demo() -> Self {
        let app = Self::spawn_on(Database::fresh()).await;
        let zone = settings_for(&app.db).site.time_zone;
        let demo = newsline::import::demo::builtin(&zone).expect("demo parses");
        newsline::import::demo::load(&app.newsroom, &demo)
            .await
            .expect("the demo loads");
        app.settle().await;
        app
    }

    /// A server on an existing database.
    pub async fn spawn_on(db: Database) -> Self {
        Self::spawn_with(db, |_| {}).await
    }

    /// A server on an existing database, with settings adjusted by `tune`.
    pub async fn spawn_with(db: Database, tune: impl FnOnce(&mut Settings)) -> Self {
        // Whole seconds, so that times typed into forms (to the second) line up exactly.
        let start = Timestamp::from_second(Timestamp::now().as_second()).expect("a time");
        Self::spawn_with_clock(db, Arc::new(ManualClock::starting_at(start)), tune).await
    }

    /// Another node on this server's database, sharing its clock.
    pub async fn another_node(&self) -> Self {
        Self::spawn_with_clock(
            self.db.shared_with_another_node(),
            self.clock.clone(),
            |_| {},
        )
        .await
    }

    /// A server on an existing database whose time is `clock`.
    pub async fn spawn_with_clock(
        db: Database,
        clock: Arc<ManualClock>,
        tune: impl FnOnce(&mut Settings),
    ) -> Self {
        // TEST_LOG=debug shows the server's log beside a failing test's output.
        let _ = tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::from_env("TEST_LOG"))
            .with_test_writer()
            .try_init();
        let mut settings = settings_for(&db);
        tune(&mut settings);
        let replica = settings
            .read_database_url
            .as_ref()
            .map(|u| u.expose().to_owned());
        let store = Store::open_with_replica(&db.url, replica.as_deref())
            .await
            .expect("store opens");
        let app = Application::build(&settings, store.clone(), clock.clone())
            .await
            .expect("application builds");
        let address = format!("http://127.0.0.1:{}", app.port());
        let newsroom = app.newsroom();
        let read = app.read_model();
        let cache = app.page_cache();
        let search = app.search_index();
        let wire = app.wire_poller();
        let server = tokio::spawn(app.run_until(std::future::pending()));
        Self {
            address,
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("client"),
            newsroom,
            read,
            store,
            db,
            cache,
            search,
            clock,
            wire,
            server,
        }
    }

    /// The time by the server's clock.
    pub fn now(&self) -> Timestamp {
        self.clock.now()
    }

    /// Moves the server's clock on by `by`, runs what fell due by then (as the
    /// scheduler would on its next tick) and waits until pages show the result.
    pub async fn advance(&self, by: jiff::SignedDuration) {
        let now = self.clock.advance(by);
        self.newsroom
            .publish_due(now)
            .await
            .expect("due items are published");
        self.settle().await;
    }

    /// Stops the server, closing its connections.
    pub async fn server_stop(&self) {
        self.server.abort();
        self.store.close().await;
    }

    /// The database, once the server is stopped.
    pub fn into_database(self) -> Database {
        self.db
    }

    /// Stops this server and starts a new one on the same database and clock.
    pub async fn restart(self) -> Self {
        self.server.abort();
        self.store.close().await;
        Self::spawn_with_clock(self.db, self.clock, |_| {}).await
    }

    /// Files a batch through the newsroom as the importer does, and waits until pages
    /// show it.
    pub async fn file(&self, batch: Batch) -> Vec<Filed> {
        self.file_as(newsline::import::text::ACTOR, batch).await
    }

    /// Files a batch as the part of the system called `actor`, and waits until pages
    /// show it.
    pub async fn file_as(&self, actor: &str, batch: Batch) -> Vec<Filed> {
        let filed = self
            .newsroom
            .file_batch(&Actor::system(actor), &batch)
            .await
            .expect("batch is filed");
        self.settle().await;
        filed
    }

    /// Waits until the read model has applied everything in the change log.
    pub async fn settle(&self) {
        let seq = self.store.primary().last_seq().await.expect("last seq");
        assert!(
            self.read.wait_for(seq, Duration::from_secs(5)).await,
            "read model did not catch up to {seq}"
        );
    }

    /// Waits until the search index has applied everything in the change log.
    pub async fn settle_search(&self) {
        let seq = self.store.primary().last_seq().await.expect("last seq");
        assert!(
            self.search.wait_for(seq, Duration::from_secs(10)).await,
            "search index did not catch up to {seq}"
        );
    }

    pub async fn request(&self, method: reqwest::Method, path: &str) -> Fetched {
        let response = self
            .client
            .request(method, format!("{}{}", self.address, path))
            .send()
            .await
            .expect("request is answered");
        Fetched::read(response).await
    }

    pub async fn get(&self, path: &str) -> Fetched {
        self.request(reqwest::Method::GET, path).await
    }

    /// The path of the page an item was filed at, following the redirect from its id.
    pub async fn item_path(&self, id: i64) -> String {
        let item = self
            .read
            .snapshot()
            .item(id)
            .cloned()
            .expect("item is published");
        let section = self
            .read
            .snapshot()
            .section(item.section)
            .cloned()
            .expect("section");
        format!(
            "/{}/{}/{}-{}",
            item.edition, section.slug, item.id, item.slug
        )
    }
}

pub fn edition(code: &str, name: &str) -> Edition {
    Edition::new(EditionCode::parse(code).expect("valid code"), name, name)
}

/// The importer, as tests that file copy act.
pub fn importer() -> Actor {
    Actor::system(newsline::import::text::ACTOR)
}

/// A brief in `section` of the `en` edition, published at `at` (RFC 3339).
pub fn brief(headline: &str, section: &str, at: &str) -> Filing {
    Filing::brief(
        "en",
        SectionRef::Slug(section.into()),
        headline,
        at.parse::<Timestamp>().expect("valid time"),
    )
}

/// An article with a body, authors and tags.
pub fn article(headline: &str, section: &str, at: &str, authors: &[&str]) -> Filing {
    Filing {
        kind: ItemKind::Article,
        body: "First paragraph.\n\nSecond paragraph.".into(),
        authors: authors.iter().map(|a| a.to_string()).collect(),
        ..brief(headline, section, at)
    }
}

pub fn filings(filings: Vec<Filing>) -> Batch {
    Batch {
        filings,
        ..Batch::default()
    }
}

/// The repository's root, where the test tools are installed.
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A `newsline` process started with `args`, serving on the address it printed.
pub struct ServerProcess {
    child: std::process::Child,
    /// `http://127.0.0.1:PORT`, as the process announced it.
    pub address: String,
    /// Every line the process wrote to stderr so far: read to the end by a thread
    /// of its own, so the process never writes into a closed pipe.
    stderr: Arc<std::sync::Mutex<Vec<String>>>,
}

impl ServerProcess {
    pub async fn start(args: &[String]) -> Self {
        Self::start_with_env(args, &[("NEWSLINE_LOG", "warn")]).await
    }

    /// Like [`ServerProcess::start`], with these `NEWSLINE_*` variables set.
    pub async fn start_with_env(args: &[String], vars: &[(&str, &str)]) -> Self {
        use std::io::{BufRead, BufReader};
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_newsline"));
        for (key, _) in std::env::vars().filter(|(k, _)| k.starts_with("NEWSLINE_")) {
            command.env_remove(key);
        }
        command
            .args(args)
            .envs(vars.iter().copied())
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped());
        let mut child = command.spawn().expect("the binary starts");
        let stderr = child.stderr.take().expect("stderr");
        let lines: Arc<std::sync::Mutex<Vec<String>>> = Arc::default();
        let (found, address_line) = std::sync::mpsc::channel::<String>();
        let kept = lines.clone();
        // Warnings (a search index being rebuilt, say) may come before the address.
        std::thread::spawn(move || {
            let mut found = Some(found);
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                if line.contains("http://")
                    && let Some(found) = found.take()
                {
                    let _ = found.send(line.clone());
                }
                kept.lock().unwrap_or_else(|e| e.into_inner()).push(line);
            }
            // Ended without an address: say so with what it wrote.
            if let Some(found) = found {
                let all = kept.lock().unwrap_or_else(|e| e.into_inner()).join("\n");
                let _ = found.send(all);
            }
        });
        let line = tokio::task::spawn_blocking(move || address_line.recv())
            .await
            .expect("joined")
            .expect("a line on stderr");
        let Some(address) = line.split_whitespace().find(|w| w.starts_with("http://")) else {
            // Say how the process ended: a signal from outside reads differently
            // from a start-up error. Its stderr has closed, so it has ended.
            let status = child.wait();
            panic!("no address in {line:?}; the process: {status:?}");
        };
        let address = address.trim_end_matches('/').to_owned();
        Self {
            child,
            address,
            stderr: lines,
        }
    }

    /// The lines written to stderr so far.
    pub fn stderr_lines(&self) -> Vec<String> {
        self.stderr
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// SIGTERM, as a service manager or an orchestrator stops a server.
    pub fn terminate(&self) {
        let status = std::process::Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .expect("kill runs");
        assert!(status.success(), "kill -TERM: {status}");
    }

    /// How the process ended, polled for up to `limit`; `None` while it still runs.
    pub async fn exited_within(&mut self, limit: Duration) -> Option<std::process::ExitStatus> {
        let deadline = tokio::time::Instant::now() + limit;
        loop {
            if let Some(status) = self.child.try_wait().expect("process state") {
                return Some(status);
            }
            if tokio::time::Instant::now() >= deadline {
                return None;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// SIGKILL: no graceful shutdown, as a crashed machine would stop.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        self.kill();
    }
}

/// A browser of the newsroom: keeps cookies, follows no redirects.
pub struct Browser {
    pub client: reqwest::Client,
    pub base: String,
}

/// The value of the first `<input name=…>` on a page, empty when there is none.
pub fn input_value(page: &Fetched, name: &str) -> String {
    let selector = scraper::Selector::parse(&format!("input[name={name}]")).expect("selector");
    page.html()
        .select(&selector)
        .next()
        .and_then(|i| i.value().attr("value"))
        .unwrap_or_default()
        .to_owned()
}

/// The first form token on a page.
pub fn csrf_of(page: &Fetched) -> String {
    input_value(page, "csrf")
}

/// The version an item's editor page was loaded at.
pub fn version_of(page: &Fetched) -> String {
    input_value(page, "version")
}

impl Browser {
    pub async fn get(&self, path: &str) -> Fetched {
        let r = self
            .client
            .get(format!("{}{}", self.base, path))
            .send()
            .await
            .expect("answered");
        Fetched::read(r).await
    }

    pub async fn post(&self, path: &str, form: &[(&str, &str)]) -> Fetched {
        let r = self
            .client
            .post(format!("{}{}", self.base, path))
            .form(form)
            .send()
            .await
            .expect("answered");
        Fetched::read(r).await
    }

    /// Posts `form` to `path` with the token of the form on `page_path`.
    pub async fn submit(&self, page_path: &str, path: &str, form: &[(&str, &str)]) -> Fetched {
        let token = csrf_of(&self.get(page_path).await);
        let mut fields = form.to_vec();
        fields.push(("csrf", &token));
        self.post(path, &fields).await
    }
}

impl TestApp {
    /// A new browser, not signed in.
    pub fn browser(&self) -> Browser {
        Browser {
            client: reqwest::Client::builder()
                .cookie_store(true)
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("client"),
            base: self.address.clone(),
        }
    }

    /// Creates an account with `role` and returns it as the newsroom's use cases see it.
    pub async fn actor(
        &self,
        username: &str,
        role: newsline::domain::Role,
    ) -> newsline::newsroom::Actor {
        let name = format!("{username} name");
        let id = self
            .newsroom
            .create_account(username, &name, role, "a long enough password", None)
            .await
            .expect("account created");
        newsline::newsroom::Actor {
            id: Some(id),
            role,
            name,
        }
    }

    /// Creates an account with `role`, signs a new browser in with it, and returns the
    /// browser with the account as the use cases see it.
    pub async fn signed_in_actor(
        &self,
        username: &str,
        role: newsline::domain::Role,
    ) -> (Browser, newsline::newsroom::Actor) {
        let browser = self.signed_in(username, role).await;
        let account = self
            .newsroom
            .accounts()
            .await
            .expect("accounts")
            .into_iter()
            .find(|a| a.username == username)
            .expect("the account just made");
        let actor = newsline::newsroom::Actor {
            id: Some(account.id),
            role,
            name: account.display_name,
        };
        (browser, actor)
    }

    /// Creates an account with `role` and signs a new browser in with it.
    /// Uploads an 800×450 image as an editor and returns its media id.
    pub async fn uploaded_image(&self) -> i64 {
        let editor = self
            .signed_in("image-editor", newsline::domain::Role::Editor)
            .await;
        let uploaded = upload(&editor, png(800, 450), "hall.png", "Delegates in the hall").await;
        assert!(
            uploaded.status.is_success() || uploaded.status.is_redirection(),
            "{}",
            uploaded.body
        );
        self.store
            .media(i64::MAX)
            .await
            .expect("media")
            .into_iter()
            .next()
            .expect("the upload")
            .id
    }

    pub async fn signed_in(&self, username: &str, role: newsline::domain::Role) -> Browser {
        let password = "a long enough password";
        self.newsroom
            .create_account(username, &format!("{username} name"), role, password, None)
            .await
            .expect("account created");
        let (browser, answer) = self.sign_in(username, password).await;
        assert_eq!(answer.status, StatusCode::SEE_OTHER, "signed in");
        browser
    }

    /// A new browser that has sent the sign-in form, and the answer it got.
    pub async fn sign_in(&self, username: &str, password: &str) -> (Browser, Fetched) {
        let browser = self.browser();
        let login = browser.get("/newsroom/login").await;
        let token = csrf_of(&login);
        let answer = browser
            .post(
                "/newsroom/login",
                &[
                    ("username", username),
                    ("password", password),
                    ("csrf", &token),
                    ("next", "/newsroom"),
                ],
            )
            .await;
        (browser, answer)
    }
}

/// Uploads an image through the newsroom's media form.
pub async fn upload(browser: &Browser, bytes: Vec<u8>, file_name: &str, alt: &str) -> Fetched {
    upload_described(
        browser,
        bytes,
        file_name,
        [alt, "Delegates in the hall", "Newsline"],
    )
    .await
}

/// Uploads an image with its alt text, caption and credit.
pub async fn upload_described(
    browser: &Browser,
    bytes: Vec<u8>,
    file_name: &str,
    [alt, caption, credit]: [&str; 3],
) -> Fetched {
    let token = csrf_of(&browser.get("/newsroom/media").await);
    let form = reqwest::multipart::Form::new()
        .text("csrf", token)
        .text("alt", alt.to_owned())
        .text("caption", caption.to_owned())
        .text("credit", credit.to_owned())
        .part(
            "file",
            reqwest::multipart::Part::bytes(bytes).file_name(file_name.to_owned()),
        );
    let r = browser
        .client
        .post(format!("{}/newsroom/media", browser.base))
        .multipart(form)
        .send()
        .await
        .expect("answered");
    Fetched::read(r).await
}

/// A small PNG made in memory.
pub fn png(width: u32, height: u32) -> Vec<u8> {
    use image::ImageEncoder;
    let pixels: Vec<u8> = (0..width * height * 3).map(|i| (i % 253) as u8).collect();
    let mut bytes = Vec::new();
    image::codecs::png::PngEncoder::new(&mut bytes)
        .write_image(&pixels, width, height, image::ExtendedColorType::Rgb8)
        .expect("png");
    bytes
}

/// Gives a fresh database the `en` edition with its sections and an editor, `desk`,
/// with an API token, before any server runs on it; returns the token.
pub async fn site_with_editor_token(db: &Database) -> String {
    use newsline::domain::{Role, TokenLifetime, TokenName, TokenScopes};
    let store = Store::open(&db.url).await.expect("store opens");
    let newsroom = Newsroom::new(store.clone(), Default::default());
    newsroom
        .file_batch(
            &Actor::system(newsline::import::text::ACTOR),
            &Batch {
                editions: vec![edition("en", "Test News")],
                sections: vec![("en".into(), "politics".into(), "Politics".into())],
                filings: Vec::new(),
            },
        )
        .await
        .expect("edition filed");
    newsroom
        .create_account("desk", "Desk", Role::Editor, "a long enough password", None)
        .await
        .expect("account created");
    let token = newsroom
        .create_token(
            None,
            &newsline::newsroom::TokenRequest {
                owner: "desk".into(),
                name: TokenName::parse("tests").expect("name"),
                scopes: TokenScopes::READ_WRITE,
                lifetime: TokenLifetime::days(30).expect("days"),
            },
        )
        .await
        .expect("token")
        .secret;
    store.close().await;
    token
}

/// `newsline serve` on `db` at a free port.
pub fn serve_args(db: &Database) -> Vec<String> {
    let mut args = db.flags();
    args.extend(["serve", "--address", "127.0.0.1:0"].map(String::from));
    args
}

/// How long a `newsline` command may run before the test gives up on it: a command
/// stuck on a lock fails its test instead of holding up the whole suite.
const COMMAND_LIMIT: Duration = Duration::from_secs(300);

/// The `newsline` command as the tests run it: in a scratch directory of its own,
/// without the runner's `NEWSLINE_` variables, and waited for without blocking the
/// runtime. A server in the same test runs on that runtime; blocking it while the
/// command waits for a lock one of the server's transactions holds would hang both.
pub struct Cli {
    command: tokio::process::Command,
    scratch: tempfile::TempDir,
    input: Option<Vec<u8>>,
}

impl Cli {
    pub fn new() -> Self {
        let scratch = tempfile::tempdir().expect("temp dir");
        let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_newsline"));
        command.current_dir(scratch.path()).kill_on_drop(true);
        for (key, _) in std::env::vars().filter(|(k, _)| k.starts_with("NEWSLINE_")) {
            command.env_remove(key);
        }
        Self {
            command,
            scratch,
            input: None,
        }
    }

    /// Gives the command `toml` as its `newsline.toml`.
    pub fn config(self, toml: &str) -> Self {
        std::fs::write(self.scratch.path().join("newsline.toml"), toml).expect("config written");
        self
    }

    pub fn args<I, S>(mut self, args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<std::ffi::OsStr>,
    {
        self.command.args(args);
        self
    }

    /// Types `bytes` on the command's standard input.
    pub fn input(mut self, bytes: &[u8]) -> Self {
        self.input = Some(bytes.to_vec());
        self
    }

    /// Runs the command to its end and returns what it printed.
    pub async fn output(mut self) -> std::process::Output {
        use std::process::Stdio;
        use tokio::io::AsyncWriteExt;
        let shown = format!("{:?}", self.command.as_std());
        self.command
            .stdin(if self.input.is_some() {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = self.command.spawn().expect("the binary runs");
        if let Some(bytes) = self.input.take() {
            let mut stdin = child.stdin.take().expect("stdin");
            stdin.write_all(&bytes).await.expect("input written");
        }
        match tokio::time::timeout(COMMAND_LIMIT, child.wait_with_output()).await {
            Ok(out) => out.expect("the command's output is read"),
            Err(_) => panic!("{shown} did not finish within {COMMAND_LIMIT:?}"),
        }
    }
}
