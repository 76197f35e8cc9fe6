//! The `newsline` command: serve the portal, import copy.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, bail};
use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use newsline::app::Application;
use newsline::config::{LogFormat, Settings};
use newsline::domain::EditionCode;
use newsline::import::{ShapeError, demo, text};
use newsline::newsroom::{Actor, Batch, Filed, Newsroom};
use newsline::store::{Store, redact};

/// Newsline: a news publishing platform.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Cli {
    /// Site config file (default: ./newsline.toml when present).
    #[arg(long, global = true, value_name = "FILE")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the public portal.
    Serve {
        /// Start on a fresh data directory loaded with the demo site.
        #[arg(long)]
        demo: bool,
    },
    /// Import copy into the site.
    #[command(subcommand)]
    Import(Import),
    /// Manage newsroom accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// Manage personal API tokens.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Fill the database with a deterministic synthetic corpus, for benchmarks.
    BenchData {
        /// How many items.
        #[arg(long, value_name = "N")]
        items: usize,
        /// Grow every article's body to about this many bytes (default: 2–6 KB, varied).
        #[arg(long, value_name = "BYTES")]
        body_bytes: Option<usize>,
    },
    /// Measure publish-to-visible on a corpus made by bench-data: starts the server in
    /// this process, publishes briefs one by one through the newsroom and times each
    /// until the home page's news line shows it, then a batch of 1,000.
    BenchPublish {
        /// How many single publishes to time.
        #[arg(long, value_name = "N", default_value_t = 50)]
        count: usize,
    },
    /// Measure what durable commits cost: publishes briefs one by one (a transaction
    /// each, through the newsroom) into fresh SQLite databases in the data directory,
    /// with `synchronous = FULL` (as in service) and `NORMAL`, in alternating rounds,
    /// and prints the median items per second of each and their ratio.
    BenchWrites {
        /// Briefs published per round and setting.
        #[arg(long, value_name = "N", default_value_t = 500)]
        items: usize,
        /// Rounds of each setting.
        #[arg(long, value_name = "N", default_value_t = 5)]
        rounds: usize,
    },
    /// Measure search on a corpus made by bench-data and indexed by reindex: the JSON
    /// endpoint end to end, the bare query beside tantivy alone over the same text (a
    /// plain index built in DATA_DIR/search-reference), and the memory search adds.
    #[command(hide = true)]
    BenchSearch {
        /// How many queries (one to three words, in every edition).
        #[arg(long, value_name = "N", default_value_t = 1000)]
        queries: usize,
        /// Rounds over the queries; the first is a warm-up.
        #[arg(long, value_name = "N", default_value_t = 3)]
        rounds: usize,
    },
    /// Soak a server on a corpus made by bench-data: readers fetching every kind of
    /// public page, searches, open live news lines and a publish every few seconds,
    /// with errors, latency per page type and memory reported at the end.
    #[command(hide = true)]
    BenchSoak {
        /// How long the load runs, in minutes.
        #[arg(long, value_name = "MINUTES", default_value_t = 10)]
        minutes: u64,
        /// Readers fetching pages one after another.
        #[arg(long, value_name = "N", default_value_t = 16)]
        readers: usize,
        /// Live news lines held open.
        #[arg(long, value_name = "N", default_value_t = 32)]
        streams: usize,
        /// Seconds between two publishes.
        #[arg(long, value_name = "SECONDS", default_value_t = 3)]
        publish_every: u64,
    },
    /// Serve one file's bytes from memory with a bare axum handler: the benchmark's
    /// yardstick, run beside the portal by `scripts/bench`.
    #[command(hide = true)]
    BenchReference {
        /// The body to answer every request with.
        #[arg(long, value_name = "FILE")]
        file: PathBuf,
        /// Address to listen on.
        #[arg(long, value_name = "HOST:PORT")]
        address: std::net::SocketAddr,
        /// The media type to send.
        #[arg(long, default_value = "text/html; charset=utf-8")]
        content_type: String,
    },
    /// Rebuild the search index from the database, with a progress bar. Run it with the
    /// server stopped; a running server rebuilds its index by itself, in the background,
    /// when the index folder (DATA_DIR/search) is deleted and the server restarted.
    Reindex,
    /// Back up an SQLite site while it runs: a consistent copy of the database, then
    /// the media files and the site config, with a manifest of checksums. Refused for
    /// PostgreSQL (see docs/DEPLOYMENT.md).
    Backup {
        /// The new folder to write; it must not exist or must be empty.
        #[arg(value_name = "DEST")]
        dest: PathBuf,
    },
    /// Write the public site of every edition as static files any web server can
    /// serve from the root of a host: pages, feeds, sitemaps, robots.txt, media and
    /// assets. Search and the live news line are left out.
    ExportStatic {
        /// The new folder to write; it must not exist or must be empty.
        #[arg(value_name = "DIR")]
        dir: PathBuf,
    },
    /// Restore a backup into a new or empty data directory (--data-dir), after
    /// verifying every file against the manifest. The search index is rebuilt when the
    /// server starts.
    Restore {
        /// The backup folder `newsline backup` wrote.
        #[arg(value_name = "SRC")]
        src: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
enum Import {
    /// Plain-text copy in the seed page's shape; every file is checked before any is stored.
    Text {
        /// Files to import.
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
        /// Edition to publish in (default: the site's default edition).
        #[arg(long, value_name = "CODE")]
        edition: Option<String>,
        /// Section for the news line's briefs, whose sections the copy does not give.
        #[arg(long, value_name = "NAME", default_value = "Latest")]
        brief_section: String,
    },
    /// A WordPress export (WXR 1.0–1.2): posts become articles, old permalinks
    /// redirect. The whole file is checked before anything is stored, and it is
    /// stored whole or not at all; importing it again updates what changed.
    Wordpress {
        /// The export file.
        #[arg(value_name = "FILE.xml")]
        file: PathBuf,
        /// Edition to import into; it must exist.
        #[arg(long, value_name = "CODE")]
        edition: String,
        /// Import pages too.
        #[arg(long)]
        pages: bool,
        /// Print the report and store nothing.
        #[arg(long)]
        dry_run: bool,
        /// A local copy of the site's wp-content/uploads, read instead of downloading.
        #[arg(long, value_name = "DIR")]
        uploads: Option<PathBuf>,
        /// Download no images (those not in --uploads are reported as not brought over).
        #[arg(long)]
        no_download: bool,
    },
    /// An agency's RSS 2.0 or Atom feed, from an http(s) address or a file, into the
    /// wire queue for the desk: never published by itself. Stories the queue has from
    /// the same source already are left out.
    Feed {
        /// The feed's address (http:// or https://) or a file.
        #[arg(value_name = "URL|FILE")]
        from: String,
        /// The source's name, which its copy is filed and credited under (default: the
        /// feed's title).
        #[arg(long, value_name = "NAME")]
        source: Option<String>,
        /// Edition the copy is for (default: the site's default edition).
        #[arg(long, value_name = "CODE")]
        edition: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
enum UserCommand {
    /// Create an account; the password is read from a prompt, or from standard input.
    Add {
        /// Login name.
        name: String,
        /// admin, editor or reporter.
        #[arg(long)]
        role: String,
        /// Name shown to colleagues (default: the login name).
        #[arg(long)]
        display_name: Option<String>,
    },
    /// List every account.
    List,
    /// Disable an account; its sessions end at once.
    Disable {
        /// Login name.
        name: String,
    },
    /// Enable a disabled account again.
    Enable {
        /// Login name.
        name: String,
    },
    /// Set a new password (read like `add`'s); the account's sessions end.
    Reset {
        /// Login name.
        name: String,
    },
    /// Turn two-factor sign-in off for a colleague who lost the app and the recovery
    /// codes; they sign in with the password alone and set it up again.
    #[command(name = "reset-2fa")]
    Reset2fa {
        /// Login name.
        name: String,
    },
}

#[derive(Debug, Subcommand)]
enum TokenCommand {
    /// Make a token for an account; the token is printed once, on standard output.
    Create {
        /// Login name of the account the token acts as.
        #[arg(long, value_name = "LOGIN")]
        user: String,
        /// What the token is for, to tell it apart in lists.
        #[arg(long, value_name = "NAME")]
        name: String,
        /// read, write or read,write.
        #[arg(long, value_name = "SCOPES")]
        scope: String,
        /// Days until it stops working, from 1 to 365.
        #[arg(long, value_name = "DAYS")]
        expires_in_days: String,
    },
    /// List tokens (never their secrets): every account's, or one's.
    List {
        /// Only this account's tokens.
        #[arg(long, value_name = "LOGIN")]
        user: Option<String>,
    },
    /// Revoke a token by its id; it stops working at once.
    Revoke {
        /// The token's id, as `list` shows it.
        id: String,
    },
}

/// The command line: the subcommands, plus a flag for every setting declared with one.
fn command_line() -> clap::Command {
    let mut command = Cli::command();
    for setting in newsline::config::declared_settings() {
        let Some(flag) = setting.flag else { continue };
        let arg = clap::Arg::new(flag.long)
            .long(flag.long)
            .value_name(flag.value_name)
            .help(format!("{} [env: {}]", setting.doc, setting.var));
        command = match flag.command {
            None => command.arg(arg.global(true)),
            Some(name) => command.mut_subcommand(name, |sub| sub.arg(arg)),
        };
    }
    command
}

/// The settings flags given, as (flag, value), from the command and its subcommand.
fn setting_flags(matches: &clap::ArgMatches) -> Vec<(&'static str, String)> {
    let mut given = Vec::new();
    for setting in newsline::config::declared_settings() {
        let Some(flag) = setting.flag else { continue };
        let scope = match flag.command {
            None => Some(matches),
            Some(name) => matches.subcommand_matches(name),
        };
        if let Some(value) = scope.and_then(|m| m.get_one::<String>(flag.long)) {
            given.push((flag.long, value.clone()));
        }
    }
    given
}

fn main() -> ExitCode {
    let matches = command_line().get_matches();
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(err) => err.exit(),
    };
    let flags = setting_flags(&matches);
    let serving = matches!(cli.command, Command::Serve { .. });
    let settings = match load_settings(&cli, &flags) {
        Ok(settings) => settings,
        Err(err) => {
            eprintln!("error: {err:#}");
            return ExitCode::FAILURE;
        }
    };
    init_logging(serving, settings.log_filter.as_deref(), settings.log_format);
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(err) => {
            eprintln!("error: cannot start the async runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    let data_dir_given = flags.iter().any(|(flag, _)| *flag == "data-dir");
    match runtime.block_on(run(cli, settings, data_dir_given)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

/// Defaults, then the file, then `NEWSLINE_*` variables, then flags.
fn load_settings(cli: &Cli, flags: &[(&str, String)]) -> anyhow::Result<Settings> {
    let mut settings = Settings::load(cli.config.as_deref(), std::env::vars())?;
    for (flag, value) in flags {
        settings.set_flag(flag, value)?;
    }
    Ok(settings)
}

fn init_logging(serving: bool, filter: Option<&str>, format: LogFormat) {
    let default = if serving { "info,sqlx=warn" } else { "warn" };
    let filter =
        tracing_subscriber::EnvFilter::try_new(filter.unwrap_or(default)).unwrap_or_default();
    let log = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match format {
        LogFormat::Text => log.init(),
        // The request's span on every line, flattened: its request id is a field of
        // the line rather than of a nested list.
        LogFormat::Json => log
            .json()
            .with_current_span(true)
            .with_span_list(false)
            .init(),
    }
}

async fn run(cli: Cli, settings: Settings, data_dir_given: bool) -> anyhow::Result<()> {
    match cli.command {
        Command::Serve { demo } => serve(settings, demo, data_dir_given).await,
        Command::Import(Import::Text {
            files,
            edition,
            brief_section,
        }) => import_text(&settings, &files, edition, brief_section).await,
        Command::Import(Import::Wordpress {
            file,
            edition,
            pages,
            dry_run,
            uploads,
            no_download,
        }) => {
            let images = newsline::import::wordpress::images::Sources {
                uploads,
                download: !no_download,
            };
            import_wordpress(&settings, &file, &edition, pages, dry_run, images).await
        }
        Command::Import(Import::Feed {
            from,
            source,
            edition,
        }) => import_feed(&settings, &from, source, edition).await,
        Command::User(command) => manage_users(&settings, command).await,
        Command::Token(command) => manage_tokens(&settings, command).await,
        Command::BenchPublish { count } => bench_publish(settings, count).await,
        Command::BenchData { items, body_bytes } => bench_data(&settings, items, body_bytes).await,
        Command::BenchSearch { queries, rounds } => bench_search(settings, queries, rounds).await,
        Command::BenchSoak {
            minutes,
            readers,
            streams,
            publish_every,
        } => {
            let plan = newsline::soak::Plan {
                duration: std::time::Duration::from_secs(minutes.clamp(1, 24 * 60) * 60),
                readers: readers.clamp(1, 256),
                streams: streams.min(1024),
                publish_every: std::time::Duration::from_secs(publish_every.clamp(1, 3600)),
            };
            bench_soak(settings, plan).await
        }
        Command::BenchWrites { items, rounds } => bench_writes(&settings, items, rounds).await,
        Command::BenchReference {
            file,
            address,
            content_type,
        } => bench_reference(&file, address, &content_type).await,
        Command::Reindex => reindex(&settings).await,
        Command::Backup { dest } => {
            let config_file = cli
                .config
                .clone()
                .or_else(|| Some(PathBuf::from("newsline.toml")).filter(|p| p.is_file()));
            back_up(&settings, config_file.as_deref(), &dest).await
        }
        Command::Restore { src } => restore(&settings, &src),
        Command::ExportStatic { dir } => export_static(&settings, &dir).await,
    }
}

async fn export_static(settings: &Settings, dir: &std::path::Path) -> anyhow::Result<()> {
    // As the database has it: an export writes nothing, not even the config's editions.
    let store = open_database(settings).await?;
    let search = tempfile::Builder::new()
        .prefix("newsline-export-search-")
        .tempdir()
        .context("cannot create a scratch folder")?;
    let router = newsline::app::reading_router(
        settings,
        store.clone(),
        std::sync::Arc::new(newsline::domain::SystemClock),
        // Inside the scratch folder, so that the index starts there without a warning.
        &search.path().join("index"),
    )
    .await?;
    let bar = progress_bar(0, "{msg} {bar:40} {pos}/{len} pages {per_sec} ETA {eta}");
    let exported =
        newsline::export::export_site(router, settings.site.base_url.as_deref(), dir, &bar).await;
    bar.finish_and_clear();
    store.close().await;
    let exported = exported.with_context(|| format!("cannot export to {}", dir.display()))?;
    println!(
        "exported {} files and {} redirects ({} bytes) to {}",
        exported.files,
        exported.redirects,
        exported.bytes,
        dir.display()
    );
    if !exported.missing.is_empty() {
        eprintln!(
            "warning: {} links lead to no page, and are broken in the export:",
            exported.missing.len()
        );
        for (link, status, from) in exported.missing.iter().take(20) {
            eprintln!("  {link} ({status}), linked from {from}");
        }
    }
    Ok(())
}

async fn back_up(
    settings: &Settings,
    config_file: Option<&std::path::Path>,
    dest: &std::path::Path,
) -> anyhow::Result<()> {
    let bar = progress_bar(0, "{msg} {bar:40} {bytes}/{total_bytes} ETA {eta}");
    let manifest = newsline::backup::back_up(settings, config_file, dest, &bar).await;
    bar.finish_and_clear();
    let manifest = manifest.with_context(|| format!("cannot back up to {}", dest.display()))?;
    println!(
        "backed up {} items ({} published, change {}) and {} files to {}",
        manifest.items,
        manifest.published_items,
        manifest.last_seq,
        manifest.files.len(),
        dest.display()
    );
    if let Some(bucket) = &manifest.media_elsewhere {
        println!("the media files stay in {bucket}: back it up as docs/DEPLOYMENT.md shows");
    }
    Ok(())
}

fn restore(settings: &Settings, src: &std::path::Path) -> anyhow::Result<()> {
    let data_dir = &settings.data_dir;
    if let Some(url) = &settings.database_url {
        if !url.expose().starts_with("sqlite:") {
            bail!(
                "`newsline restore` restores an SQLite site into a data directory (--data-dir); \
                 restore PostgreSQL with pg_restore, as docs/DEPLOYMENT.md shows"
            );
        }
        if url.expose() != Store::sqlite_url(data_dir) {
            bail!(
                "`newsline restore` writes the database as newsline.db in the data directory \
                 (--data-dir); leave out --database-url"
            );
        }
    }
    let bar = progress_bar(0, "{msg} {bar:40} {bytes}/{total_bytes} ETA {eta}");
    let manifest = newsline::backup::restore(src, data_dir, &bar);
    bar.finish_and_clear();
    let manifest = manifest.with_context(|| format!("cannot restore {}", src.display()))?;
    println!(
        "restored {} items ({} published, change {}) taken at {} into {}; the search index \
         is rebuilt when the server starts",
        manifest.items,
        manifest.published_items,
        manifest.last_seq,
        manifest.created_at,
        data_dir.display()
    );
    if manifest
        .files
        .iter()
        .any(|f| f.path == newsline::backup::CONFIG)
    {
        println!(
            "the site config is in {}: start the server with --config pointing at it, or \
             move it where the site keeps its config",
            data_dir.join(newsline::backup::CONFIG).display()
        );
    }
    Ok(())
}

/// Opens the database with the config's editions applied.
async fn open_store(settings: &Settings) -> anyhow::Result<Store> {
    let store = open_database(settings).await?;
    newsline::app::apply_config_editions(settings, &store).await?;
    Ok(store)
}

/// Opens the database as it is.
async fn open_database(settings: &Settings) -> anyhow::Result<Store> {
    if settings.database_url.is_none() {
        // The SQLite file lives there; with PostgreSQL nothing is kept on local disk yet.
        let data_dir = &settings.data_dir;
        std::fs::create_dir_all(data_dir)
            .with_context(|| format!("cannot create the data directory {}", data_dir.display()))?;
    }
    let url = settings.database_url();
    let replica = settings.read_database_url.as_ref().map(|s| s.expose());
    Store::open_with_replica(&url, replica)
        .await
        .with_context(|| format!("cannot open the database {}", redact(&url)))
}

async fn serve(mut settings: Settings, demo: bool, dir_given: bool) -> anyhow::Result<()> {
    // Held for the life of the server: the demo's throwaway directory goes with it.
    let mut _scratch = None;
    let mut demo_login = None;
    if demo && !dir_given && settings.database_url.is_none() {
        let dir = tempfile::Builder::new()
            .prefix("newsline-demo-")
            .tempdir()
            .context("cannot create a scratch directory for the demo")?;
        settings.data_dir = dir.path().to_owned();
        _scratch = Some(dir);
    }
    // The editions of the config are applied as the application starts, after the
    // demo (which needs an empty database) is loaded.
    let store = open_database(&settings).await?;
    if demo {
        if store.last_seq().await? > 0 {
            bail!(
                "--demo needs a fresh database, and {} already has content",
                redact(&settings.database_url())
            );
        }
        let site = demo::builtin(&settings.site.time_zone)?;
        let newsroom = Newsroom::new(store.clone(), Default::default())
            .in_zone(settings.site.time_zone.clone());
        let filed = demo::load(&newsroom, &site)
            .await
            .context("loading the demo")?;
        // An editor to try the newsroom with; the password is new every start.
        let password = newsline::newsroom::random_token()?;
        let password = &password[..20];
        newsroom
            .create_account(
                demo::EDITOR,
                "Demo Editor",
                newsline::domain::Role::Editor,
                password,
                None,
            )
            .await
            .context("creating the demo editor")?;
        demo_login = Some(password.to_owned());
        tracing::info!(
            "loaded {} demo items into {}",
            filed.len(),
            settings.data_dir.display()
        );
    }
    let clock = std::sync::Arc::new(newsline::domain::SystemClock);
    let app = Application::build(&settings, store, clock).await?;
    let address = std::net::SocketAddr::new(settings.address.ip(), app.port());
    let mut started = format!(
        "Newsline is serving http://{address}/ (database {})\n",
        redact(&settings.database_url())
    );
    if let Some(password) = demo_login {
        started.push_str(&format!(
            "Demo newsroom: sign in at /newsroom/login as {} with the password {password}\n",
            demo::EDITOR
        ));
    }
    // One write, so that whoever waits for the address has the login with it.
    eprint!("{started}");
    app.run_until(shutdown_signal()).await?;
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
}

async fn import_text(
    settings: &Settings,
    files: &[PathBuf],
    edition: Option<String>,
    brief_section: String,
) -> anyhow::Result<()> {
    let edition = match edition {
        Some(code) => EditionCode::parse(&code).context("--edition")?,
        None => settings.site.default_edition.clone(),
    };
    let to = text::Destination {
        edition: edition.to_string(),
        brief_section,
    };
    let progress = ProgressBar::new(files.len() as u64).with_style(
        ProgressStyle::with_template("{bar:30} {pos}/{len} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    // Parse everything before storing anything: one bad file imports nothing.
    let mut batch = Batch::default();
    for file in files {
        progress.set_message(file.display().to_string());
        let copy = std::fs::read_to_string(file)
            .with_context(|| format!("cannot read {}", file.display()))?;
        let parsed = text::parse(&copy, &settings.site.time_zone, &to)
            .map_err(|e: ShapeError| anyhow::anyhow!("{}: {e}", file.display()))?;
        batch.append(parsed);
        progress.inc(1);
    }
    progress.finish_and_clear();
    let store = open_store(settings).await?;
    if !store.editions().await?.iter().any(|e| e.code == edition) {
        store.close().await;
        bail!(
            "nothing was imported: there is no edition '{edition}' on this site; \
             declare it in the site config with an [[edition]] entry"
        );
    }
    let newsroom =
        Newsroom::new(store.clone(), Default::default()).in_zone(settings.site.time_zone.clone());
    let filed = newsroom
        .file_batch(&Actor::system(text::ACTOR), &batch)
        .await
        .context("nothing was imported")?;
    store.close().await;
    let new = filed.iter().filter(|f| matches!(f, Filed::New(_))).count();
    println!(
        "imported {new} new items ({} already present) into edition {}",
        filed.len() - new,
        to.edition
    );
    Ok(())
}

async fn import_wordpress(
    settings: &Settings,
    file: &std::path::Path,
    edition: &str,
    pages: bool,
    dry_run: bool,
    images: newsline::import::wordpress::images::Sources,
) -> anyhow::Result<()> {
    use newsline::import::wordpress::{self, WordPressError};
    if let Some(dir) = &images.uploads
        && !dir.is_dir()
    {
        anyhow::bail!("--uploads {}: no such folder", dir.display());
    }
    let edition = EditionCode::parse(edition).context("--edition")?;
    let refusal = |e: WordPressError| match e {
        WordPressError::Refused { at, error } => {
            anyhow::anyhow!("{}:{}:{}: {error}", file.display(), at.line, at.column)
        }
        other => anyhow::anyhow!("{}: {other}", file.display()),
    };
    // The first pass refuses a bad file before the database is even opened.
    let checked = wordpress::check(file).map_err(refusal)?;
    let store = open_store(settings).await?;
    let newsroom = Newsroom::new(store.clone(), Default::default())
        .in_zone(settings.site.time_zone.clone())
        .with_media(
            newsline::app::media_store(settings)?,
            settings.media.max_upload_bytes,
        )
        .with_upload_workers(1, 0, settings.limits.max_image_pixels);
    let options = wordpress::Options {
        edition,
        pages,
        dry_run,
        zone: settings.site.time_zone.clone(),
        images,
    };
    let progress = progress_bar(checked.items(), "{bar:30} {pos}/{len} items {elapsed}");
    let report = wordpress::import(&newsroom, &checked, &options, || progress.inc(1)).await;
    progress.finish_and_clear();
    store.close().await;
    let report = report.map_err(refusal).context("nothing was imported")?;
    print!("{report}");
    Ok(())
}

async fn import_feed(
    settings: &Settings,
    from: &str,
    source: Option<String>,
    edition: Option<String>,
) -> anyhow::Result<()> {
    use newsline::domain::{FeedUrl, SourceName};
    use newsline::import::feed::{self, MAX_FEED_BYTES};
    use std::io::Read;
    let edition = match edition {
        Some(code) => EditionCode::parse(&code).context("--edition")?,
        None => settings.site.default_edition.clone(),
    };
    let given = source
        .map(|name| SourceName::parse(&name).context("--source"))
        .transpose()?;
    let progress = progress_bar(0, "{spinner} {msg} {elapsed}");
    progress.set_message(format!("reading {from}"));
    progress.enable_steady_tick(std::time::Duration::from_millis(100));
    // Everything is read and checked before the database is opened: a bad feed stores
    // nothing.
    let (parsed, fallback_name) = if from.contains("://") {
        let url = FeedUrl::parse(from).map_err(|e| anyhow::anyhow!("{from}: {e}"))?;
        let client = newsline::wire::client()?;
        let fetched = newsline::wire::fetch(&client, url.as_ref(), None, None).await;
        let parsed = match fetched {
            Ok(newsline::wire::Fetched::Feed { feed, .. }) => feed,
            Ok(newsline::wire::Fetched::NotModified) => {
                bail!("{from}: the server answered 304 Not Modified to a plain request")
            }
            Err(err) => bail!("{from}: {err}; nothing was stored"),
        };
        let host = reqwest::Url::parse(url.as_ref())
            .ok()
            .and_then(|u| u.host_str().map(str::to_owned))
            .unwrap_or_else(|| from.to_owned());
        (parsed, host)
    } else {
        let path = std::path::Path::new(from);
        let file = std::fs::File::open(path).with_context(|| format!("cannot read {from}"))?;
        let mut bytes = Vec::new();
        // One byte past the cap is enough to know the file is too large.
        file.take(MAX_FEED_BYTES as u64 + 1)
            .read_to_end(&mut bytes)
            .with_context(|| format!("cannot read {from}"))?;
        let parsed =
            feed::parse(&bytes).map_err(|e| anyhow::anyhow!("{from}: {e}; nothing was stored"))?;
        let stem = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| from.to_owned());
        (parsed, stem)
    };
    progress.finish_and_clear();
    let source = match given {
        Some(name) => name,
        None => parsed
            .title
            .as_deref()
            .and_then(|t| SourceName::parse(t).ok())
            .or_else(|| SourceName::parse(&fallback_name).ok())
            .context("the feed has no usable title: name its source with --source")?,
    };
    let store = open_store(settings).await?;
    let newsroom =
        Newsroom::new(store.clone(), Default::default()).in_zone(settings.site.time_zone.clone());
    let filed = newsroom
        .file_wire_copy(
            &Actor::system(text::ACTOR),
            &source,
            None,
            &edition,
            &parsed.stories,
        )
        .await;
    store.close().await;
    let filed = filed.context("nothing was stored")?;
    println!(
        "{} new, {} already in the queue, from {} for edition {edition}",
        filed.new,
        filed.already,
        source.as_ref()
    );
    Ok(())
}

/// Reads a new password: at a prompt without echo on a terminal, else the first line
/// of standard input (so scripts can pipe it), never from the command line.
fn read_password() -> anyhow::Result<String> {
    use std::io::IsTerminal;
    if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password("Password: ")?;
        let again = rpassword::prompt_password("Password again: ")?;
        if first != again {
            bail!("the two passwords differ");
        }
        Ok(first)
    } else {
        let mut line = String::new();
        std::io::stdin().read_line(&mut line)?;
        Ok(line.trim_end_matches(['\r', '\n']).to_owned())
    }
}

async fn manage_users(settings: &Settings, command: UserCommand) -> anyhow::Result<()> {
    let store = open_store(settings).await?;
    let newsroom = Newsroom::new(store.clone(), Default::default());
    match command {
        UserCommand::Add {
            name,
            role,
            display_name,
        } => {
            let role = newsline::domain::Role::parse(&role).context("--role")?;
            let password = read_password()?;
            newsroom
                .create_account(
                    &name,
                    display_name.as_deref().unwrap_or(&name),
                    role,
                    &password,
                    None,
                )
                .await?;
            println!("created {} account {name}", role.as_str());
        }
        UserCommand::List => {
            for a in newsroom.accounts().await? {
                let state = if a.disabled { "disabled" } else { "active" };
                println!(
                    "{}\t{}\t{}\t{}",
                    a.username,
                    a.role.as_str(),
                    state,
                    a.display_name
                );
            }
        }
        UserCommand::Disable { name } => {
            newsroom.set_account_disabled(&name, true, None).await?;
            println!("disabled {name}");
        }
        UserCommand::Enable { name } => {
            newsroom.set_account_disabled(&name, false, None).await?;
            println!("enabled {name}");
        }
        UserCommand::Reset { name } => {
            let password = read_password()?;
            newsroom.reset_password(&name, &password, None).await?;
            println!("set a new password for {name}");
        }
        UserCommand::Reset2fa { name } => {
            newsroom.reset_two_factor(&name, None).await?;
            println!("turned two-factor sign-in off for {name}");
        }
    }
    store.close().await;
    Ok(())
}

/// A token command whose flags have all been checked.
enum TokenJob {
    Create(newsline::newsroom::TokenRequest),
    List(Option<String>),
    Revoke(String),
}

async fn manage_tokens(settings: &Settings, command: TokenCommand) -> anyhow::Result<()> {
    use newsline::domain::{TokenLifetime, TokenName, TokenScopes, Username};
    use newsline::newsroom::TokenRequest;
    // Every flag is checked before the database is opened: a bad one changes nothing.
    let job = match command {
        TokenCommand::Create {
            user,
            name,
            scope,
            expires_in_days,
        } => TokenJob::Create(TokenRequest {
            owner: Username::parse(&user)
                .context("--user")?
                .as_ref()
                .to_owned(),
            name: TokenName::parse(&name).context("--name")?,
            scopes: TokenScopes::parse(&scope).context("--scope")?,
            lifetime: TokenLifetime::parse(&expires_in_days).context("--expires-in-days")?,
        }),
        TokenCommand::List { user } => TokenJob::List(user),
        TokenCommand::Revoke { id } => TokenJob::Revoke(id),
    };
    let store = open_store(settings).await?;
    let newsroom = Newsroom::new(store.clone(), Default::default());
    let outcome = run_token_job(&newsroom, job).await;
    store.close().await;
    outcome
}

async fn run_token_job(newsroom: &Newsroom, job: TokenJob) -> anyhow::Result<()> {
    use newsline::newsroom::NewsroomError;
    match job {
        TokenJob::Create(request) => {
            let issued = newsroom
                .create_token(None, &request)
                .await
                .map_err(|e| match e {
                    NewsroomError::NoAccount(_) | NewsroomError::AccountDisabled(_) => {
                        anyhow::Error::new(e).context("--user")
                    }
                    other => other.into(),
                })?;
            let t = &issued.token;
            eprintln!(
                "created token {} \"{}\" for {} ({}), expiring {}; copy it now, it is not shown again:",
                t.public_id,
                t.name,
                t.owner,
                t.scopes.as_str(),
                t.expires_at
            );
            println!("{}", issued.secret);
        }
        TokenJob::List(user) => {
            let tokens = newsroom
                .tokens(None, user.as_deref())
                .await
                .map_err(|e| anyhow::Error::new(e).context("--user"))?;
            let now = jiff::Timestamp::now();
            for t in tokens {
                println!(
                    "{}\t{}\t{}\t{}\t{}\t{}",
                    t.public_id,
                    t.owner,
                    t.scopes.as_str(),
                    t.state(now).as_str(),
                    t.expires_at,
                    t.name
                );
            }
        }
        TokenJob::Revoke(id) => {
            let t = newsroom.revoke_token(None, &id).await?;
            println!(
                "revoked token {} \"{}\" of {}",
                t.public_id, t.name, t.owner
            );
        }
    }
    Ok(())
}

async fn bench_writes(settings: &Settings, items: usize, rounds: usize) -> anyhow::Result<()> {
    use newsline::domain::Edition;
    use newsline::newsroom::{Filing, SectionRef};
    use newsline::store::{CommitSync, Durability};
    use std::time::Instant;

    if items == 0 || rounds == 0 {
        bail!("--items and --rounds must be at least 1");
    }
    std::fs::create_dir_all(&settings.data_dir)
        .with_context(|| format!("creating {}", settings.data_dir.display()))?;
    // On the data directory's disk, which is what the site's commits wait for.
    let scratch = tempfile::Builder::new()
        .prefix("bench-writes-")
        .tempdir_in(&settings.data_dir)
        .context("creating a scratch directory")?;
    let bencher = Actor::system("bench");
    let mut rates = [
        (CommitSync::Full, Vec::new()),
        (CommitSync::Normal, Vec::new()),
    ];
    println!("{items} briefs published one by one per round, {rounds} rounds of each setting");
    for round in 1..=rounds {
        for (sync, rates) in &mut rates {
            let dir = scratch.path().join(format!("{round}-{sync:?}"));
            std::fs::create_dir_all(&dir)?;
            let store = Store::open_for_benchmark(&Store::sqlite_url(&dir), *sync).await?;
            let wanted = match sync {
                CommitSync::Full => 2,
                CommitSync::Normal => 1,
            };
            let found = store.durability().await?;
            // The last two are the read-only handles on the file, which commit nothing.
            for d in &found[..found.len().saturating_sub(2)] {
                if !matches!(d, Durability::Sqlite { synchronous, .. } if *synchronous == wanted) {
                    bail!("a connection is not set to {sync:?}: {d:?}");
                }
            }
            let newsroom = Newsroom::new(store.clone(), Default::default());
            newsroom
                .file_batch(
                    &bencher,
                    &Batch {
                        editions: vec![Edition::new(EditionCode::parse("en")?, "Bench", "Bench")],
                        sections: vec![("en".into(), "politics".into(), "Politics".into())],
                        filings: Vec::new(),
                    },
                )
                .await?;
            let started = Instant::now();
            for n in 0..items {
                let filing = Filing::brief(
                    "en",
                    SectionRef::Slug("politics".into()),
                    &format!("Bench write {n}"),
                    jiff::Timestamp::now(),
                );
                newsroom
                    .file_batch(
                        &bencher,
                        &Batch {
                            filings: vec![filing],
                            ..Batch::default()
                        },
                    )
                    .await?;
            }
            let rate = items as f64 / started.elapsed().as_secs_f64();
            store.close().await;
            println!("round {round}, synchronous = {sync:?}: {rate:.0} items/s");
            rates.push(rate);
        }
    }
    let median = |rates: &mut Vec<f64>| {
        rates.sort_by(f64::total_cmp);
        rates[rates.len() / 2]
    };
    let full = median(&mut rates[0].1);
    let normal = median(&mut rates[1].1);
    println!(
        "median: FULL {full:.0} items/s, NORMAL {normal:.0} items/s; FULL runs at {:.2} of NORMAL",
        full / normal
    );
    Ok(())
}

async fn bench_publish(mut settings: Settings, count: usize) -> anyhow::Result<()> {
    use std::time::{Duration, Instant};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    use newsline::newsroom::{Filing, SectionRef};

    settings.set("address", "127.0.0.1:0").context("address")?;
    let store = open_store(&settings).await?;
    let started = Instant::now();
    let app = Application::build(
        &settings,
        store.clone(),
        std::sync::Arc::new(newsline::domain::SystemClock),
    )
    .await?;
    let built = started.elapsed();
    let port = app.port();
    let newsroom = app.newsroom();
    let read = app.read_model();
    tokio::spawn(app.run_until(std::future::pending()));
    // A bare HTTP/1.1 GET over loopback: enough to see what a reader sees.
    let get = |path: &'static str| async move {
        let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port)).await?;
        let request =
            format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
        stream.write_all(request.as_bytes()).await?;
        let mut body = Vec::new();
        stream.read_to_end(&mut body).await?;
        anyhow::Ok(String::from_utf8_lossy(&body).into_owned())
    };
    let first = get("/en/").await?;
    println!(
        "start-up: read model and server built in {} ms; first page {} ms after start ({} bytes)",
        built.as_millis(),
        started.elapsed().as_millis(),
        first.len()
    );
    let run = std::process::id();
    // Publishing as a part of the system, through the same use case as the editor's.
    let bencher = Actor::system("bench");
    let mut times = Vec::with_capacity(count);
    for n in 0..count {
        let headline = format!("Bench publish {run} {n}");
        let t0 = Instant::now();
        publish_brief(&newsroom, &bencher, "en", "section-0", &headline).await?;
        loop {
            if get("/en/").await?.contains(&headline) {
                break;
            }
            if t0.elapsed() > Duration::from_secs(30) {
                bail!("'{headline}' was not visible after 30 s");
            }
        }
        times.push(t0.elapsed());
    }
    times.sort();
    if let (Some(median), Some(p99)) = (
        times.get(times.len() / 2),
        times.get((times.len() * 99 / 100).min(times.len().saturating_sub(1))),
    ) {
        println!(
            "publish to visible on /en/ over {count} publishes: median {:.1} ms, p99 {:.1} ms, max {:.1} ms",
            median.as_secs_f64() * 1000.0,
            p99.as_secs_f64() * 1000.0,
            times.last().map_or(0.0, |t| t.as_secs_f64() * 1000.0)
        );
    }
    let filings: Vec<Filing> = (0..1000)
        .map(|n| {
            Filing::brief(
                ["en", "az", "ru"][n % 3],
                SectionRef::Slug(format!("section-{}", n % 12)),
                &format!("Bench batch {run} {n}"),
                jiff::Timestamp::now(),
            )
        })
        .collect();
    let t0 = Instant::now();
    newsroom
        .file_batch(
            &bencher,
            &Batch {
                filings,
                ..Batch::default()
            },
        )
        .await?;
    let committed = t0.elapsed();
    let seq = store.last_seq().await?;
    if !read.wait_for(seq, Duration::from_secs(60)).await {
        bail!("the batch was not applied within 60 s");
    }
    println!(
        "a batch of 1,000 new items: filed in {} ms, applied and visible {} ms after commit",
        committed.as_millis(),
        (t0.elapsed() - committed).as_millis()
    );
    Ok(())
}

/// Publishes one brief now through the newsroom's use case, as the benchmarks do.
async fn publish_brief(
    newsroom: &Newsroom,
    actor: &Actor,
    edition: &str,
    section: &str,
    headline: &str,
) -> anyhow::Result<()> {
    use newsline::newsroom::{Filing, SectionRef};
    let filing = Filing::brief(
        edition,
        SectionRef::Slug(section.into()),
        headline,
        jiff::Timestamp::now(),
    );
    let batch = Batch {
        filings: vec![filing],
        ..Batch::default()
    };
    newsroom.file_batch(actor, &batch).await?;
    Ok(())
}

async fn bench_soak(mut settings: Settings, plan: newsline::soak::Plan) -> anyhow::Result<()> {
    use std::sync::Arc;
    use std::time::{Duration, Instant};

    use newsline::soak::{self, Draw, Measured};

    settings.set("address", "127.0.0.1:0").context("address")?;
    // Every reader and stream comes from 127.0.0.1: the per-address caps would
    // otherwise refuse the load itself.
    let connections = (plan.readers + plan.streams + 16).to_string();
    settings.set("limits.max_connections_per_address", &connections)?;
    settings.set(
        "limits.max_streams_per_address",
        &(plan.streams + 1).to_string(),
    )?;
    settings.set("limits.max_streams", &(plan.streams + 1).to_string())?;
    let store = open_store(&settings).await?;
    let app = Application::build(
        &settings,
        store.clone(),
        Arc::new(newsline::domain::SystemClock),
    )
    .await?;
    let origin = format!("http://127.0.0.1:{}", app.port());
    let newsroom = app.newsroom();
    tokio::spawn(app.run_until(std::future::pending()));
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(plan.readers + plan.streams)
        .build()?;
    let editions = ["en", "az", "ru"];
    let queries = newsline::import::vocabulary::queries(300);
    let kinds = Arc::new(soak::discover(&client, &origin, &editions, &queries).await?);
    eprintln!(
        "soaking {origin} for {} s: {} readers, {} live news lines, a publish every {} s",
        plan.duration.as_secs(),
        plan.readers,
        plan.streams,
        plan.publish_every.as_secs()
    );
    let (rss0, anon0) = soak::memory_mb();
    let started = Instant::now();
    let until = started + plan.duration;
    let readers: Vec<_> = (0..plan.readers)
        .map(|n| {
            tokio::spawn(soak::read(
                client.clone(),
                origin.clone(),
                kinds.clone(),
                Draw::new(n as u64),
                until,
            ))
        })
        .collect();
    let streams: Vec<_> = (0..plan.streams)
        .map(|n| {
            let edition = editions[n % editions.len()];
            tokio::spawn(soak::listen(
                client.clone(),
                format!("{origin}/{edition}/live"),
                until,
            ))
        })
        .collect();
    let bar = progress_bar(
        plan.duration.as_secs(),
        "{elapsed_precise} [{bar:40}] {pos}/{len} s {msg}",
    );
    let publisher = Actor::system("bench-soak");
    let mut published = 0u64;
    let mut publish_times = Vec::new();
    let mut memory = Vec::new();
    let mut next_publish = Instant::now();
    let mut next_sample = Instant::now();
    while Instant::now() < until {
        let now = Instant::now();
        if now >= next_publish {
            let edition = editions[published as usize % editions.len()];
            let t0 = Instant::now();
            let section = format!("section-{}", published % 12);
            let headline = format!("Soak publish {} {published}", std::process::id());
            publish_brief(&newsroom, &publisher, edition, &section, &headline).await?;
            publish_times.push(t0.elapsed());
            published += 1;
            next_publish += plan.publish_every;
        }
        if now >= next_sample {
            let cache = soak::page_cache_mb(&client, &origin).await;
            memory.push((started.elapsed().as_secs(), soak::memory_mb(), cache));
            next_sample += Duration::from_secs(10);
        }
        bar.set_position(started.elapsed().as_secs());
        bar.set_message(format!("{published} published"));
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    bar.finish_and_clear();
    let cache = soak::page_cache_mb(&client, &origin).await;
    memory.push((started.elapsed().as_secs(), soak::memory_mb(), cache));
    let mut by_kind: std::collections::BTreeMap<&str, Measured> = Default::default();
    for reader in readers {
        for (name, measured) in reader.await? {
            let entry = by_kind.entry(name).or_default();
            entry.times.merge(&measured.times);
            entry.errors += measured.errors;
        }
    }
    let (mut events, mut breaks) = (0, 0);
    for stream in streams {
        let seen = stream.await?;
        events += seen.events;
        breaks += seen.breaks;
    }
    let seconds = plan.duration.as_secs_f64();
    println!("| page type | requests | errors | requests/s | p50 ms | p99 ms |");
    println!("|---|---:|---:|---:|---:|---:|");
    let mut errors = 0;
    for (name, measured) in &mut by_kind {
        let (p50, p99) = (
            measured.times.quantile_ms(0.5),
            measured.times.quantile_ms(0.99),
        );
        errors += measured.errors;
        println!(
            "| {name} | {} | {} | {:.0} | {p50:.2} | {p99:.2} |",
            measured.times.len(),
            measured.errors,
            measured.times.len() as f64 / seconds
        );
    }
    let (p50, p99) = soak::median_p99(&mut publish_times);
    println!(
        "\npublishes: {published} (p50 {p50:.1} ms, p99 {p99:.1} ms); live news lines: {} open, {events} events received, {breaks} broken",
        plan.streams
    );
    println!(
        "memory (resident / anonymous / page cache MB) before the load: {rss0:.0} / {anon0:.0}"
    );
    for (at, (rss, anon), cache) in &memory {
        println!("  at {at:>4} s: {rss:.0} / {anon:.0} / {cache:.1}");
    }
    // Flat means the last minute is no higher than the second minute, with some slack
    // for allocator noise: a leak grows steadily and shows here.
    let minute = |from: u64, to: u64| {
        memory
            .iter()
            .filter(|(at, _, _)| (from..to).contains(at))
            .map(|(_, (_, anon), cache)| *anon - *cache)
            .fold(0.0_f64, f64::max)
    };
    let total = plan.duration.as_secs();
    if total >= 180 {
        let (early, late) = (minute(60, 120), minute(total - 60, total + 1));
        println!(
            "anonymous memory less the page cache, highest in the second minute {early:.0} MB, in the last minute {late:.0} MB"
        );
    }
    if errors > 0 || breaks > 0 {
        bail!("the soak saw {errors} failed reads and {breaks} broken live news lines");
    }
    Ok(())
}

async fn bench_data(
    settings: &Settings,
    total: usize,
    body_bytes: Option<usize>,
) -> anyhow::Result<()> {
    use newsline::import::bench;
    if !(1..=10_000_000).contains(&total) {
        bail!("--items must be from 1 to 10000000");
    }
    // The corpus brings its own editions; the config's are applied when a server
    // starts on it.
    let store = open_database(settings).await?;
    if store.last_seq().await? > 0 {
        bail!("bench-data needs an empty database");
    }
    let newsroom = Newsroom::new(store.clone(), Default::default());
    if body_bytes.is_some_and(|b| b > 1_000_000) {
        bail!("--body-bytes must be at most 1000000");
    }
    let started = std::time::Instant::now();
    // Editions and sections go through the newsroom like any import. The corpus itself
    // does not: it is a synthetic benchmark corpus, not newsroom content, and a million
    // items each with a revision and audit entries would take hours instead of
    // minutes; so its authors, tags and items are written in bulk, still with one
    // change-log entry per item so the feeder sees them as any other change.
    newsroom
        .file_batch(&Actor::system("bench-data"), &bench::skeleton())
        .await?;
    let ids = bench::taxonomy(&store).await?;
    // A terminal gets a bar; a log (or CI) gets nothing but the closing line.
    let quiet = std::env::var("CI").is_ok_and(|v| v == "true")
        || !std::io::IsTerminal::is_terminal(&std::io::stderr());
    let target = if quiet {
        ProgressDrawTarget::hidden()
    } else {
        ProgressDrawTarget::stderr()
    };
    let progress = ProgressBar::with_draw_target(Some(total as u64), target).with_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} items {per_sec} ETA {eta}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    // One transaction per large chunk: items, links and change-log entries go in
    // together, so the feeder of a running server sees each chunk whole.
    const CHUNK: usize = 10_000;
    let mut chunks = bench::chunks(total, CHUNK, body_bytes, ids);
    drop(newsroom);
    let bulk = store.bulk_load().await?;
    while let Some((to, rows)) = chunks.recv().await {
        let mut w = bulk.begin(jiff::Timestamp::now()).await?;
        w.insert_published_bulk(&rows).await?;
        w.commit().await?;
        progress.set_position(to as u64);
    }
    progress.finish_and_clear();
    bulk.finish().await?;
    println!(
        "filed {total} items in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

async fn bench_search(mut settings: Settings, count: usize, rounds: usize) -> anyhow::Result<()> {
    use newsline::import::vocabulary;
    use newsline::search::{SearchIndex, folder, reference::Reference};
    use std::time::Instant;
    use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt};

    let store = open_store(&settings).await?;
    let queries = vocabulary::queries(count);
    let anon_start = newsline::soak::memory_mb().1;
    let (search, _follower) = SearchIndex::open(&folder(&settings.data_dir))?;
    if search.building() {
        bail!("the search index is missing or incomplete: run `newsline reindex` first");
    }
    // Every query once through the index alone, before anything else is loaded: what
    // searching adds to the process's anonymous memory.
    let now = jiff::Timestamp::now();
    for (edition, text) in &queries {
        search.bare(edition, text, now)?;
    }
    let anon_searching = newsline::soak::memory_mb().1;
    let reference_dir = settings.data_dir.join("search-reference");
    let reference = match Reference::open(&reference_dir) {
        Ok(r) => r,
        Err(_) => {
            if reference_dir.exists() {
                std::fs::remove_dir_all(&reference_dir)?;
            }
            let started = Instant::now();
            let bar = progress_bar(0, "reference {bar:40} {pos}/{len} items {per_sec}");
            let r = Reference::build(&store, &reference_dir, &|done, total| {
                bar.set_length(total);
                bar.set_position(done);
            })
            .await?;
            bar.finish_and_clear();
            println!(
                "tantivy alone indexed {} items in {:.1} s",
                search.len(),
                started.elapsed().as_secs_f64()
            );
            r
        }
    };
    // The bare query and tantivy alone, alternating query by query, in the same run.
    let (mut ours, mut theirs, mut deep) = (Vec::new(), Vec::new(), Vec::new());
    // The same times by how many words the query has: where the gap is.
    let mut by_words: [(Vec<std::time::Duration>, Vec<std::time::Duration>); 3] =
        Default::default();
    let (mut found_ours, mut found_theirs) = (0usize, 0usize);
    for round in 0..rounds.max(2) {
        for (edition, text) in &queries {
            let t0 = Instant::now();
            let a = search.bare(edition, text, now)?;
            let t1 = Instant::now();
            let b = reference.query(text, 20)?;
            let t2 = Instant::now();
            // As deep as Newsline ranks before freshness: how much of the gap that is.
            reference.query(text, newsline::search::RERANK + 1)?;
            let t3 = Instant::now();
            if round > 0 {
                ours.push(t1 - t0);
                theirs.push(t2 - t1);
                deep.push(t3 - t2);
                let words = text.split_whitespace().count().clamp(1, 3);
                by_words[words - 1].0.push(t1 - t0);
                by_words[words - 1].1.push(t2 - t1);
                found_ours += a;
                found_theirs += b;
            }
        }
    }
    // The whole search as the page runs it (stored text, highlighting), without HTTP.
    let mut whole = Vec::new();
    for round in 0..rounds.max(2) {
        for (edition, text) in &queries {
            let parsed = newsline::search::parse(text);
            let t0 = Instant::now();
            search.search(&newsline::search::ReaderSearch {
                edition,
                filter_edition: false,
                query: &parsed,
                section: None,
                author: None,
                from: None,
                until: None,
                sort: newsline::search::Sort::Relevance,
                offset: 0,
                limit: newsline::web::search::PAGE_SIZE,
                now,
            })?;
            if round > 0 {
                whole.push(t0.elapsed());
            }
        }
    }
    drop(search);
    let (whole_median, whole_p99) = newsline::soak::median_p99(&mut whole);
    let (bare_median, bare_p99) = newsline::soak::median_p99(&mut ours);
    let (alone_median, alone_p99) = newsline::soak::median_p99(&mut theirs);
    let (deep_median, deep_p99) = newsline::soak::median_p99(&mut deep);

    settings.set("address", "127.0.0.1:0").context("address")?;
    let app = Application::build(
        &settings,
        store.clone(),
        std::sync::Arc::new(newsline::domain::SystemClock),
    )
    .await?;
    let port = app.port();
    tokio::spawn(app.run_until(std::future::pending()));
    // One keep-alive connection, requests one after another: latency, not throughput.
    let stream = tokio::net::TcpStream::connect(("127.0.0.1", port)).await?;
    stream.set_nodelay(true)?;
    let mut stream = tokio::io::BufReader::new(stream);
    let mut endpoint = Vec::new();
    let mut failures = 0;
    for round in 0..rounds.max(2) {
        for (edition, text) in &queries {
            let request = format!(
                "GET /{edition}/search.json?q={} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
                newsline::web::search::encode(text)
            );
            let t0 = Instant::now();
            stream.get_mut().write_all(request.as_bytes()).await?;
            let mut line = String::new();
            stream.read_line(&mut line).await?;
            let ok = line.contains(" 200 ");
            let mut length = 0usize;
            loop {
                line.clear();
                stream.read_line(&mut line).await?;
                if line == "\r\n" || line.is_empty() {
                    break;
                }
                if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                    length = v.trim().parse().unwrap_or(0);
                }
            }
            let mut body = vec![0; length];
            stream.read_exact(&mut body).await?;
            if round > 0 {
                endpoint.push(t0.elapsed());
                if !ok {
                    failures += 1;
                }
            }
        }
    }
    let (json_median, json_p99) = newsline::soak::median_p99(&mut endpoint);
    let measured = ours.len();
    println!(
        "{count} queries (one to three words, en/az/ru), {} measured rounds, default sort",
        rounds.max(2) - 1
    );
    println!();
    println!("| measure | median | p99 |");
    println!("|---|---:|---:|");
    println!(
        "| JSON endpoint, end to end (HTTP, highlighting) | {json_median:.2} ms | {json_p99:.2} ms |"
    );
    println!(
        "| search with stored text and highlighting, no HTTP | {whole_median:.2} ms | {whole_p99:.2} ms |"
    );
    println!(
        "| bare query (Newsline's analyzers, fields, freshness) | {bare_median:.2} ms | {bare_p99:.2} ms |"
    );
    println!(
        "| tantivy alone, same queries, same text | {alone_median:.2} ms | {alone_p99:.2} ms |"
    );
    println!(
        "| tantivy alone, best {} instead of 20 | {deep_median:.2} ms | {deep_p99:.2} ms |",
        newsline::search::RERANK + 1
    );
    println!(
        "| bare ÷ tantivy alone | {:.2} | {:.2} |",
        bare_median / alone_median.max(1e-9),
        bare_p99 / alone_p99.max(1e-9)
    );
    println!();
    println!("| words | queries | bare median | tantivy alone median | ratio |");
    println!("|---:|---:|---:|---:|---:|");
    for (words, (bare, alone)) in by_words.iter_mut().enumerate() {
        let (b, _) = newsline::soak::median_p99(bare);
        let (a, _) = newsline::soak::median_p99(alone);
        println!(
            "| {} | {} | {b:.2} ms | {a:.2} ms | {:.2} |",
            words + 1,
            bare.len() / (rounds.max(2) - 1),
            b / a.max(1e-9)
        );
    }
    println!();
    println!(
        "Results per query: {:.1} (Newsline), {:.1} (tantivy alone); {failures} endpoint answers were not 200.",
        found_ours as f64 / measured.max(1) as f64,
        found_theirs as f64 / measured.max(1) as f64
    );
    println!(
        "Anonymous resident memory: {anon_start:.0} MB before opening the index, {anon_searching:.0} MB after every bare query ({:.0} MB added by search).",
        anon_searching - anon_start
    );
    Ok(())
}

/// A progress bar on a terminal; nothing in a log or in CI.
fn progress_bar(len: u64, template: &str) -> ProgressBar {
    let quiet = std::env::var("CI").is_ok_and(|v| v == "true")
        || !std::io::IsTerminal::is_terminal(&std::io::stderr());
    let target = if quiet {
        ProgressDrawTarget::hidden()
    } else {
        ProgressDrawTarget::stderr()
    };
    ProgressBar::with_draw_target(Some(len), target).with_style(
        ProgressStyle::with_template(template).unwrap_or_else(|_| ProgressStyle::default_bar()),
    )
}

async fn reindex(settings: &Settings) -> anyhow::Result<()> {
    use newsline::search;
    let store = open_store(settings).await?;
    let dir = search::folder(&settings.data_dir);
    // Built beside the live folder and swapped in whole, so an interrupted run leaves
    // the old index in place.
    let building = settings.data_dir.join("search.rebuilding");
    let old = settings.data_dir.join("search.old");
    for stale in [&building, &old] {
        if stale.exists() {
            std::fs::remove_dir_all(stale)
                .with_context(|| format!("cannot remove {}", stale.display()))?;
        }
    }
    let started = std::time::Instant::now();
    let bar = progress_bar(0, "{bar:40} {pos}/{len} items {per_sec} ETA {eta}");
    search::rebuild_into(&store, &building, &|done, total| {
        bar.set_length(total);
        bar.set_position(done);
    })
    .await
    .context("rebuilding the search index")?;
    let items = bar.position();
    bar.finish_and_clear();
    store.close().await;
    if dir.exists() {
        std::fs::rename(&dir, &old)
            .with_context(|| format!("cannot move the old index {} aside", dir.display()))?;
    }
    std::fs::rename(&building, &dir)
        .with_context(|| format!("cannot move the new index into {}", dir.display()))?;
    if old.exists() {
        std::fs::remove_dir_all(&old)
            .with_context(|| format!("cannot remove the old index {}", old.display()))?;
    }
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "indexed {items} items into {} in {seconds:.1} s ({:.0} items/s)",
        dir.display(),
        items as f64 / seconds.max(0.001)
    );
    Ok(())
}

async fn bench_reference(
    file: &std::path::Path,
    address: std::net::SocketAddr,
    content_type: &str,
) -> anyhow::Result<()> {
    use std::io::Write;
    let identity =
        std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(6));
    gz.write_all(&identity)?;
    let page = newsline::web::reference::FixedPage {
        identity: identity.into(),
        gzip: gz.finish()?.into(),
        content_type: content_type.parse().context("--content-type")?,
    };
    newsline::web::reference::serve_fixed(address, page)
        .await
        .with_context(|| format!("serving on {address}"))
}
