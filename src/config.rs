//! Settings: defaults, then `newsline.toml`, then `NEWSLINE_*` variables, then flags.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use jiff::tz::TimeZone;
use serde::Deserialize;
use thiserror::Error;

use crate::domain::EditionCode;

/// Why the settings could not be loaded; the message names the file, variable or field.
#[derive(Debug, Error)]
pub enum ConfigError {
    /// The config file could not be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The config file is not valid TOML or has an unknown key.
    #[error("{path}: {message}")]
    Parse {
        /// The file.
        path: PathBuf,
        /// The parser's message, with line and column.
        message: String,
    },
    /// A value is out of range or malformed.
    #[error("{field}: {message}")]
    Invalid {
        /// The setting, as written in the file or the environment.
        field: String,
        /// What is wrong.
        message: String,
    },
    /// A `NEWSLINE_*` variable that no setting reads (a typo, most likely).
    #[error("unknown setting variable {0}; known ones are {known}", known = known_variables())]
    UnknownVariable(String),
}

mod declared;

pub use declared::{Declared, Flag};

/// Every setting's variable, for the message about one that is not.
fn known_variables() -> String {
    declared::all()
        .iter()
        .map(|d| d.var)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Every declared setting: key, variable, flag, default and meaning.
pub fn declared_settings() -> &'static [Declared] {
    declared::all()
}

/// The README's settings table, made from the declarations.
pub fn settings_table() -> String {
    declared::table_markdown()
}

/// The tables of `newsline.toml` that hold lists of entries rather than settings.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileEntries {
    #[serde(default)]
    edition: Vec<FileEdition>,
    #[serde(default)]
    wire_feed: Vec<FileWireFeed>,
}

/// One `[[wire_feed]]` table: an agency feed to poll.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileWireFeed {
    name: String,
    url: String,
    edition: Option<String>,
    interval_minutes: Option<i64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileEdition {
    code: String,
    name: String,
    language: Option<String>,
    outlet: Option<String>,
    time_zone: Option<String>,
    #[serde(default)]
    section: Vec<FileSection>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileSection {
    slug: String,
    name: String,
}

/// An edition the site config declares, with its sections in display order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EditionSpec {
    /// Code, names, language and zone.
    pub edition: crate::domain::Edition,
    /// Each section's slug and name.
    pub sections: Vec<(crate::domain::Slug, String)>,
}

impl EditionSpec {
    /// Everything the entry says, at `position` among the config's editions, as one
    /// string: equal strings mean the entry did not change.
    pub fn fingerprint(&self, position: usize) -> String {
        let e = &self.edition;
        serde_json::json!({
            "code": e.code.as_ref(),
            "name": e.name,
            "outlet": e.outlet,
            "language": e.language.as_ref(),
            "time_zone": e.time_zone,
            "position": position,
            "sections": self.sections.iter().map(|(slug, name)| [slug.as_ref(), name.as_str()]).collect::<Vec<_>>(),
        })
        .to_string()
    }
}

impl FileEdition {
    /// The entry checked, naming the field at fault as `edition[n].field`.
    fn check(self, n: usize) -> Result<EditionSpec, ConfigError> {
        let at = |field: &str, message: String| ConfigError::Invalid {
            field: format!("edition[{n}].{field}"),
            message,
        };
        let code = EditionCode::parse(self.code.trim()).map_err(|e| at("code", e.to_string()))?;
        let name =
            crate::domain::PersonName::parse(&self.name).map_err(|e| at("name", e.to_string()))?;
        let outlet = match &self.outlet {
            Some(outlet) => crate::domain::PersonName::parse(outlet)
                .map_err(|e| at("outlet", e.to_string()))?
                .as_ref()
                .to_owned(),
            None => name.as_ref().to_owned(),
        };
        let mut edition = crate::domain::Edition::new(code, name.as_ref(), outlet);
        if let Some(tag) = &self.language {
            edition.language = crate::domain::LanguageTag::parse(tag.trim())
                .map_err(|e| at("language", e.to_string()))?;
            if edition.language.primary() != edition.code.as_ref() {
                return Err(at(
                    "language",
                    format!("'{tag}' is not the language of the code '{}'", edition.code),
                ));
            }
        }
        if let Some(zone) = &self.time_zone {
            TimeZone::get(zone.trim()).map_err(|_| {
                at(
                    "time_zone",
                    format!("'{zone}' is not a known IANA time zone"),
                )
            })?;
            edition.time_zone = Some(zone.trim().to_owned());
        }
        let mut sections: Vec<(crate::domain::Slug, String)> = Vec::new();
        for (i, s) in self.section.into_iter().enumerate() {
            let field = |f: &str| format!("section[{i}].{f}");
            let slug = crate::domain::Section::check_slug(s.slug.trim())
                .map_err(|e| at(&field("slug"), e.to_string()))?;
            let name = crate::domain::PersonName::parse(&s.name)
                .map_err(|e| at(&field("name"), e.to_string()))?;
            if sections.iter().any(|(taken, _)| *taken == slug) {
                return Err(at(&field("slug"), format!("'{slug}' is named twice")));
            }
            sections.push((slug, name.as_ref().to_owned()));
        }
        Ok(EditionSpec { edition, sections })
    }
}

/// Validated settings for one process.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Where the server listens.
    pub address: SocketAddr,
    /// Where the database and media live.
    pub data_dir: PathBuf,
    /// The primary database; SQLite in the data directory when unset.
    pub database_url: Option<Secret>,
    /// A replica for reads that tolerate lag; the primary when unset.
    pub read_database_url: Option<Secret>,
    /// How often the change log is polled when no notification came (the safety net).
    pub poll_interval: std::time::Duration,
    /// What readers see of the site as a whole.
    pub site: Site,
    /// Uploads: size limit and where images are kept.
    pub media: Media,
    /// Memory the page cache may use, in bytes.
    pub cache_max_bytes: usize,
    /// Where to send HTTP PURGE requests with the touched keys (a CDN or Varnish).
    pub cache_purge_url: Option<axum::http::Uri>,
    /// Proxies whose `Forwarded`/`X-Forwarded-For` headers name the client; none by default.
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// Roles that must sign in with a second factor.
    pub require_2fa_for: Vec<crate::domain::Role>,
    /// What one client, and all of them together, may hold of the server.
    pub limits: Limits,
    /// The editions the config declares (`[[edition]]`), in display order; none
    /// leaves the site's editions as the newsroom keeps them.
    pub editions: Vec<EditionSpec>,
    /// Agency feeds declared in the config (`[[wire_feed]]`), polled into the wire queue.
    pub wire_feeds: Vec<WireFeedSetting>,
    /// What is logged, as a tracing filter; the command's own default when unset.
    pub log_filter: Option<String>,
    /// How log lines are written.
    pub log_format: LogFormat,
    /// Clients that may read `/metrics`; everyone else is told it does not exist.
    pub metrics_allow: Vec<ipnet::IpNet>,
}

/// How log lines are written: for people, or one JSON object a line for a collector.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum LogFormat {
    /// Plain text.
    #[default]
    Text,
    /// One JSON object a line.
    Json,
}

/// An agency feed declared in the config.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WireFeedSetting {
    /// The source's name, which its copy is filed and credited under.
    pub name: crate::domain::SourceName,
    /// Where it is fetched from.
    pub url: crate::domain::FeedUrl,
    /// Its edition; the site's default edition when unset.
    pub edition: Option<EditionCode>,
    /// How often it is polled.
    pub interval: crate::domain::PollInterval,
}

/// Timeouts and caps that keep slow or greedy clients from exhausting the server.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Time to send a request's headers, and how long an idle kept-alive connection stays open.
    pub header_timeout: std::time::Duration,
    /// Time to read a request's body and answer it (a live stream's body is exempt).
    pub request_timeout: std::time::Duration,
    /// Open connections in all.
    pub max_connections: usize,
    /// Open connections from one address.
    pub max_connections_per_address: usize,
    /// Open live streams in all.
    pub max_streams: usize,
    /// Open live streams from one address.
    pub max_streams_per_address: usize,
    /// Uploaded images processed at once.
    pub upload_workers: usize,
    /// Uploads that may wait for a worker; more are refused.
    pub upload_queue: usize,
    /// Largest image accepted, in pixels (width × height).
    pub max_image_pixels: u64,
    /// API requests a minute with one token, on each node.
    pub api_requests_per_token: usize,
    /// API requests a minute without a working token from one address (IPv6: one /64).
    pub api_requests_per_address: usize,
    /// API requests a minute from one address whose token did not work; beyond
    /// that, every request with a token from the address is refused.
    pub api_failed_auth_per_address: usize,
}

/// Where uploaded images go and how large they may be.
#[derive(Debug, Clone)]
pub struct Media {
    /// Largest upload accepted, in bytes.
    pub max_upload_bytes: usize,
    /// An S3 bucket; images stay in the data directory when unset.
    pub s3_bucket: Option<String>,
    /// An S3-compatible server's URL; AWS when unset.
    pub s3_endpoint: Option<String>,
    /// The bucket's region.
    pub s3_region: String,
    /// Access key id.
    pub s3_access_key_id: Option<Secret>,
    /// Secret access key.
    pub s3_secret_access_key: Option<Secret>,
}

/// Site-wide settings readers see the effect of.
#[derive(Debug, Clone)]
pub struct Site {
    /// Name used where no edition is known (the error page of an unknown edition).
    pub name: String,
    /// Public origin such as `https://news.example`, for absolute links; none means relative.
    pub base_url: Option<String>,
    /// Zone all times are shown in.
    pub time_zone: TimeZone,
    /// Its IANA name.
    pub time_zone_name: String,
    /// Edition the root URL leads to.
    pub default_edition: EditionCode,
    /// Items per page of archive, section, author and tag lists.
    pub page_size: usize,
    /// Who may frame the reader's pages: a CSP `frame-ancestors` source list. The
    /// newsroom is never framed, whatever this says.
    pub frame_ancestors: String,
    /// How long an item marked breaking stays in the home page's breaking strip after
    /// it is published.
    pub breaking_fresh_for: jiff::SignedDuration,
}

impl Default for Settings {
    /// The declared defaults (see `declared.rs`); the values below are only the
    /// blanks they are written over.
    fn default() -> Self {
        let zero = std::time::Duration::ZERO;
        let mut settings = Self {
            address: SocketAddr::from(([127, 0, 0, 1], 0)),
            data_dir: PathBuf::new(),
            database_url: None,
            read_database_url: None,
            poll_interval: std::time::Duration::from_secs(1),
            cache_max_bytes: 0,
            cache_purge_url: None,
            trusted_proxies: Vec::new(),
            require_2fa_for: Vec::new(),
            limits: Limits {
                header_timeout: zero,
                request_timeout: zero,
                max_connections: 0,
                max_connections_per_address: 0,
                max_streams: 0,
                max_streams_per_address: 0,
                upload_workers: 0,
                upload_queue: 0,
                max_image_pixels: 0,
                api_requests_per_token: 0,
                api_requests_per_address: 0,
                api_failed_auth_per_address: 0,
            },
            editions: Vec::new(),
            wire_feeds: Vec::new(),
            log_filter: None,
            log_format: LogFormat::Text,
            metrics_allow: Vec::new(),
            media: Media {
                max_upload_bytes: 0,
                s3_bucket: None,
                s3_endpoint: None,
                s3_region: String::new(),
                s3_access_key_id: None,
                s3_secret_access_key: None,
            },
            site: Site {
                name: String::new(),
                base_url: None,
                time_zone: TimeZone::UTC,
                time_zone_name: String::new(),
                default_edition: EditionCode::parse("en").unwrap_or_else(|_| unreachable!()),
                page_size: 0,
                frame_ancestors: String::new(),
                breaking_fresh_for: jiff::SignedDuration::ZERO,
            },
        };
        for setting in declared::all().iter().filter(|d| !d.default.is_empty()) {
            // A unit test applies every default; one that fails to parse is a bug here.
            if let Err(err) = setting.apply(&mut settings, setting.default) {
                debug_assert!(false, "default of {}: {err}", setting.key);
            }
        }
        settings
    }
}

/// A value that must never be printed, such as a URL with a password in it.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// The value itself, for the one place that needs it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.0.contains("://") {
            f.write_str(&crate::store::redact(&self.0))
        } else {
            f.write_str("****")
        }
    }
}

impl Settings {
    /// The primary database's URL: the configured one, or SQLite in the data directory.
    pub fn database_url(&self) -> String {
        self.database_url.as_ref().map_or_else(
            || crate::store::Store::sqlite_url(&self.data_dir),
            |s| s.expose().to_owned(),
        )
    }

    /// Loads the file (when given, or `newsline.toml` when present) and the environment.
    pub fn load(
        file: Option<&Path>,
        env: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Self, ConfigError> {
        let mut settings = Self::default();
        let default_file = Path::new("newsline.toml");
        let file = match file {
            Some(path) => Some(path),
            None if default_file.exists() => Some(default_file),
            None => None,
        };
        if let Some(path) = file {
            let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
                path: path.to_owned(),
                source,
            })?;
            settings.apply_toml(&text, path)?;
        }
        for (key, value) in env {
            if !key.starts_with("NEWSLINE_") {
                continue;
            }
            settings.apply_var(&key, &value)?;
        }
        settings.check_default_edition()?;
        Ok(settings)
    }

    /// The root URL leads to the default edition, so when the config declares its
    /// editions the default must be one of them.
    fn check_default_edition(&self) -> Result<(), ConfigError> {
        let default = &self.site.default_edition;
        if self.editions.is_empty() || self.editions.iter().any(|e| &e.edition.code == default) {
            return Ok(());
        }
        Err(ConfigError::Invalid {
            field: "site.default_edition".into(),
            message: format!("'{default}' is not one of the editions the config declares"),
        })
    }

    /// The defaults overlaid with the text of a config file; reads nothing, and errors
    /// name the file `newsline.toml`.
    pub fn from_toml_str(text: &str) -> Result<Self, ConfigError> {
        let mut settings = Self::default();
        settings.apply_toml(text, Path::new("newsline.toml"))?;
        settings.check_default_edition()?;
        Ok(settings)
    }

    fn apply_toml(&mut self, text: &str, path: &Path) -> Result<(), ConfigError> {
        let parse = |message: String| ConfigError::Parse {
            path: path.to_owned(),
            message,
        };
        let mut table: toml::Table = toml::from_str(text).map_err(|e| parse(e.to_string()))?;
        let entries = toml::Table::from_iter(
            ["edition", "wire_feed"]
                .into_iter()
                .filter_map(|name| table.remove(name).map(|v| (name.to_owned(), v))),
        );
        let entries: FileEntries = entries.try_into().map_err(|e| parse(e.to_string()))?;
        let mut values = Vec::new();
        for (name, value) in table {
            match value {
                toml::Value::Table(inner) => {
                    for (inner_name, value) in inner {
                        values.push((format!("{name}.{inner_name}"), value));
                    }
                }
                value => values.push((name, value)),
            }
        }
        for (key, value) in values {
            let setting =
                declared::by_key(&key).ok_or_else(|| parse(format!("unknown setting `{key}`")))?;
            let text = toml_text(&value).map_err(|message| ConfigError::Invalid {
                field: key.clone(),
                message,
            })?;
            setting.apply(self, &text)?;
        }
        self.apply_entries(entries)
    }

    fn apply_entries(&mut self, file: FileEntries) -> Result<(), ConfigError> {
        let mut editions: Vec<EditionSpec> = Vec::new();
        for (n, entry) in file.edition.into_iter().enumerate() {
            let spec = entry.check(n)?;
            if editions.iter().any(|e| e.edition.code == spec.edition.code) {
                return Err(ConfigError::Invalid {
                    field: format!("edition[{n}].code"),
                    message: format!("'{}' is declared twice", spec.edition.code),
                });
            }
            editions.push(spec);
        }
        self.editions = editions;
        self.apply_wire_feeds(file.wire_feed)
    }

    fn apply_wire_feeds(&mut self, feeds: Vec<FileWireFeed>) -> Result<(), ConfigError> {
        use crate::domain::{FeedUrl, PollInterval, SourceName};
        for (i, feed) in feeds.into_iter().enumerate() {
            let invalid = |key: &str, message: String| ConfigError::Invalid {
                field: format!("wire_feed[{}].{key}", i + 1),
                message,
            };
            let name = SourceName::parse(&feed.name).map_err(|e| invalid("name", e.to_string()))?;
            if self.wire_feeds.iter().any(|f| f.name == name) {
                return Err(invalid(
                    "name",
                    format!("another feed is called '{}'", name.as_ref()),
                ));
            }
            let setting = WireFeedSetting {
                url: FeedUrl::parse(&feed.url).map_err(|e| invalid("url", e.to_string()))?,
                edition: feed
                    .edition
                    .map(|code| {
                        EditionCode::parse(&code).map_err(|e| invalid("edition", e.to_string()))
                    })
                    .transpose()?,
                interval: match feed.interval_minutes {
                    Some(minutes) => PollInterval::minutes(minutes).map_err(|_| {
                        invalid(
                            "interval_minutes",
                            "give whole minutes from 1 to 1440".into(),
                        )
                    })?,
                    None => PollInterval::default(),
                },
                name,
            };
            self.wire_feeds.push(setting);
        }
        Ok(())
    }

    fn apply_var(&mut self, key: &str, value: &str) -> Result<(), ConfigError> {
        let setting =
            declared::by_var(key).ok_or_else(|| ConfigError::UnknownVariable(key.to_owned()))?;
        setting.apply(self, value).map_err(|e| match e {
            ConfigError::Invalid { message, .. } => ConfigError::Invalid {
                field: key.to_owned(),
                message,
            },
            other => other,
        })
    }

    /// Sets the setting with this file key from its text, as a flag or a test does.
    pub fn set(&mut self, field: &str, value: &str) -> Result<(), ConfigError> {
        let setting = declared::by_key(field).ok_or_else(|| ConfigError::Invalid {
            field: field.to_owned(),
            message: format!("no setting is called {field}"),
        })?;
        setting.apply(self, value)
    }

    /// Sets a setting from its command-line flag; the error names the flag.
    pub fn set_flag(&mut self, long: &str, value: &str) -> Result<(), ConfigError> {
        let setting = declared::all()
            .iter()
            .find(|d| d.flag.is_some_and(|f| f.long == long))
            .ok_or_else(|| ConfigError::Invalid {
                field: format!("--{long}"),
                message: "no setting has this flag".into(),
            })?;
        setting.apply(self, value).map_err(|e| match e {
            ConfigError::Invalid { message, .. } => ConfigError::Invalid {
                field: format!("--{long}"),
                message,
            },
            other => other,
        })
    }
}

/// A file value as the text a variable would carry: lists comma-separated.
fn toml_text(value: &toml::Value) -> Result<String, String> {
    match value {
        toml::Value::String(text) => Ok(text.clone()),
        toml::Value::Integer(n) => Ok(n.to_string()),
        toml::Value::Boolean(b) => Ok(b.to_string()),
        toml::Value::Array(items) => items
            .iter()
            .map(|item| match item {
                toml::Value::String(text) if !text.contains(',') => Ok(text.clone()),
                toml::Value::Integer(n) => Ok(n.to_string()),
                other => Err(format!(
                    "a {} cannot be an entry of this list",
                    other.type_str()
                )),
            })
            .collect::<Result<Vec<_>, _>>()
            .map(|items| items.join(",")),
        other => Err(format!(
            "a {} is not a value this setting takes",
            other.type_str()
        )),
    }
}

fn list(value: &str) -> impl Iterator<Item = &str> {
    value.split(',').map(str::trim).filter(|v| !v.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn defaults_serve_on_port_8080_in_baku_time() {
        let s = Settings::load(None, env(&[])).expect("defaults are valid");
        assert_eq!(s.address.to_string(), "127.0.0.1:8080");
        assert_eq!(s.site.time_zone_name, "Asia/Baku");
    }

    const EDITIONS: &str = r#"
[site]
default_edition = "az"

[[edition]]
code = "az"
language = "az-Latn"
name = "Xəbər Agentliyi"
time_zone = "Asia/Baku"
section = [
  { slug = "siyaset", name = "Siyasət" },
  { slug = "iqtisadiyyat", name = "İqtisadiyyat" },
]

[[edition]]
code = "ru"
name = "Новостное агентство"
outlet = "Агентство"
"#;

    #[test]
    fn editions_come_from_the_config_in_order_with_their_sections() {
        let s = Settings::from_toml_str(EDITIONS).expect("valid");
        let codes: Vec<&str> = s.editions.iter().map(|e| e.edition.code.as_ref()).collect();
        assert_eq!(codes, ["az", "ru"]);
        let az = &s.editions[0];
        assert_eq!(az.edition.language.as_ref(), "az-Latn");
        assert_eq!(az.edition.time_zone.as_deref(), Some("Asia/Baku"));
        assert_eq!(az.edition.outlet, "Xəbər Agentliyi");
        let slugs: Vec<&str> = az.sections.iter().map(|(s, _)| s.as_ref()).collect();
        assert_eq!(slugs, ["siyaset", "iqtisadiyyat"]);
        let ru = &s.editions[1];
        assert_eq!(ru.edition.language.as_ref(), "ru");
        assert_eq!(ru.edition.outlet, "Агентство");
        assert_eq!(ru.edition.time_zone, None);
    }

    #[test]
    fn a_wrong_edition_entry_is_named_by_its_place_and_field() {
        for (change, field) in [
            (("code = \"ru\"", "code = \"RU\""), "edition[1].code"),
            (("code = \"ru\"", "code = \"az\""), "edition[1].code"),
            (
                ("language = \"az-Latn\"", "language = \"tr\""),
                "edition[0].language",
            ),
            (
                ("language = \"az-Latn\"", "language = \"az_Latn\""),
                "edition[0].language",
            ),
            (
                ("time_zone = \"Asia/Baku\"", "time_zone = \"Mars/Olympus\""),
                "edition[0].time_zone",
            ),
            (
                ("slug = \"iqtisadiyyat\"", "slug = \"siyaset\""),
                "edition[0].section[1].slug",
            ),
            (
                ("slug = \"iqtisadiyyat\"", "slug = \"Not A Slug\""),
                "edition[0].section[1].slug",
            ),
            (
                ("default_edition = \"az\"", "default_edition = \"en\""),
                "site.default_edition",
            ),
        ] {
            let text = EDITIONS.replacen(change.0, change.1, 1);
            match Settings::from_toml_str(&text) {
                Err(ConfigError::Invalid { field: got, .. }) => assert_eq!(got, field, "{text}"),
                other => panic!("{field}: {other:?}"),
            }
        }
        let unknown = EDITIONS.replacen("outlet =", "outlett =", 1);
        assert!(matches!(
            Settings::from_toml_str(&unknown),
            Err(ConfigError::Parse { .. })
        ));
    }

    #[test]
    fn variables_override_the_file() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("newsline.toml");
        std::fs::write(
            &path,
            "address = \"127.0.0.1:9000\"\n[site]\ntime_zone = \"Europe/Istanbul\"\n",
        )
        .expect("write");
        let s = Settings::load(Some(&path), env(&[("NEWSLINE_ADDRESS", "127.0.0.1:9001")]))
            .expect("valid");
        assert_eq!(s.address.port(), 9001);
        assert_eq!(s.site.time_zone_name, "Europe/Istanbul");
    }

    #[test]
    fn a_typo_in_the_file_or_the_environment_is_an_error() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("newsline.toml");
        std::fs::write(&path, "[site]\ntimezone = \"UTC\"\n").expect("write");
        let err = Settings::load(Some(&path), env(&[])).expect_err("unknown key");
        assert!(err.to_string().contains("timezone"), "{err}");
        let err = Settings::load(None, env(&[("NEWSLINE_ADRESS", "x")])).expect_err("typo");
        assert!(err.to_string().contains("NEWSLINE_ADRESS"), "{err}");
    }

    #[test]
    fn wire_feeds_are_read_from_tables_and_checked() {
        let s = Settings::from_toml_str(
            "[[wire_feed]]\nname = \"Caspian Wire\"\nurl = \"https://wire.example/rss\"\n\
             edition = \"en\"\ninterval_minutes = 10\n\
             [[wire_feed]]\nname = \"Atom Agency\"\nurl = \"http://atom.example/feed\"\n",
        )
        .expect("valid");
        assert_eq!(s.wire_feeds.len(), 2);
        assert_eq!(s.wire_feeds[0].interval.as_minutes(), 10);
        assert_eq!(s.wire_feeds[1].edition, None);
        for (text, field) in [
            (
                "[[wire_feed]]\nname = \"A\"\nurl = \"ftp://x/\"\n",
                "wire_feed[1].url",
            ),
            (
                "[[wire_feed]]\nname = \"A\"\nurl = \"https://x/\"\ninterval_minutes = 0\n",
                "wire_feed[1].interval_minutes",
            ),
            (
                "[[wire_feed]]\nname = \"A\"\nurl = \"https://x/\"\n[[wire_feed]]\nname = \"A\"\nurl = \"https://y/\"\n",
                "wire_feed[2].name",
            ),
            (
                "[[wire_feed]]\nname = \"A\"\nurl = \"https://x/\"\nevery = 3\n",
                "every",
            ),
        ] {
            let err = Settings::from_toml_str(text).expect_err("refused");
            assert!(err.to_string().contains(field), "{text}: {err}");
        }
    }

    #[test]
    fn the_portal_may_be_framed_only_as_configured() {
        let s = Settings::load(None, env(&[])).expect("defaults are valid");
        assert_eq!(s.site.frame_ancestors, "'none'");
        let s = Settings::load(
            None,
            env(&[(
                "NEWSLINE_FRAME_ANCESTORS",
                "'self'   https://partner.example",
            )]),
        )
        .expect("valid");
        assert_eq!(s.site.frame_ancestors, "'self' https://partner.example");
    }

    #[test]
    fn limits_have_safe_defaults_and_can_be_set_from_the_file_or_the_environment() {
        let s = Settings::load(None, env(&[])).expect("defaults are valid");
        assert_eq!(s.limits.header_timeout, std::time::Duration::from_secs(30));
        assert_eq!(s.limits.upload_workers, 2);
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("newsline.toml");
        std::fs::write(&path, "[limits]\nmax_streams_per_address = 2\n").expect("write");
        let s =
            Settings::load(Some(&path), env(&[("NEWSLINE_MAX_CONNECTIONS", "10")])).expect("valid");
        assert_eq!(s.limits.max_streams_per_address, 2);
        assert_eq!(s.limits.max_connections, 10);
    }

    #[test]
    fn api_rate_limits_default_to_a_minutes_budgets_and_can_be_set() {
        let s = Settings::load(None, env(&[])).expect("defaults are valid");
        assert_eq!(s.limits.api_requests_per_token, 600);
        assert_eq!(s.limits.api_requests_per_address, 300);
        assert_eq!(s.limits.api_failed_auth_per_address, 20);
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("newsline.toml");
        std::fs::write(
            &path,
            "[limits]\napi_requests_per_token = 60\napi_failed_auth_per_address = 5\n",
        )
        .expect("write");
        let s = Settings::load(
            Some(&path),
            env(&[
                ("NEWSLINE_API_REQUESTS_PER_ADDRESS", "30"),
                ("NEWSLINE_API_FAILED_AUTH_PER_ADDRESS", "3"),
            ]),
        )
        .expect("valid");
        assert_eq!(s.limits.api_requests_per_token, 60);
        assert_eq!(s.limits.api_requests_per_address, 30);
        assert_eq!(s.limits.api_failed_auth_per_address, 3, "the variable wins");
    }

    #[test]
    fn database_passwords_do_not_print() {
        let s = Settings::load(
            None,
            env(&[("NEWSLINE_DATABASE_URL", "postgres://news:s3cret@db/news")]),
        )
        .expect("valid");
        assert!(!format!("{s:?}").contains("s3cret"));
        assert_eq!(s.database_url(), "postgres://news:s3cret@db/news");
        let s = Settings::load(
            None,
            env(&[("NEWSLINE_S3_SECRET_ACCESS_KEY", "k3y-s3cret")]),
        )
        .expect("valid");
        assert!(!format!("{s:?}").contains("k3y-s3cret"));
    }

    #[test]
    fn the_readme_example_config_is_valid() {
        let readme = include_str!("../README.md");
        let start = readme.find("```toml\n").expect("a toml example") + 8;
        let end = start + readme[start..].find("```").expect("closed");
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("newsline.toml");
        std::fs::write(&path, &readme[start..end]).expect("write");
        let s = Settings::load(Some(&path), env(&[])).expect("the README's example loads");
        assert_eq!(s.site.base_url.as_deref(), Some("https://news.example"));
    }

    #[test]
    fn trusted_proxies_and_two_factor_roles_are_lists() {
        let s = Settings::load(None, env(&[])).expect("defaults");
        assert!(
            s.trusted_proxies.is_empty(),
            "no proxy is trusted by default"
        );
        let s = Settings::load(
            None,
            env(&[
                ("NEWSLINE_TRUSTED_PROXIES", "10.0.0.0/8, 127.0.0.1,::1/128"),
                ("NEWSLINE_REQUIRE_2FA_FOR", "admin,editor"),
            ]),
        )
        .expect("valid");
        let nets: Vec<String> = s.trusted_proxies.iter().map(ToString::to_string).collect();
        assert_eq!(nets, ["10.0.0.0/8", "127.0.0.1/32", "::1/128"]);
        assert_eq!(
            s.require_2fa_for,
            [crate::domain::Role::Admin, crate::domain::Role::Editor]
        );
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("newsline.toml");
        std::fs::write(
            &path,
            "trusted_proxies = [\"192.168.0.0/16\"]\nrequire_2fa_for = [\"admin\"]\n",
        )
        .expect("write");
        let s = Settings::load(Some(&path), env(&[])).expect("valid file");
        assert_eq!(s.trusted_proxies.len(), 1);
        assert_eq!(s.require_2fa_for, [crate::domain::Role::Admin]);
    }

    #[test]
    fn metrics_are_for_loopback_unless_configured_and_logs_are_text_unless_json() {
        let s = Settings::load(None, env(&[])).expect("defaults");
        let nets: Vec<String> = s.metrics_allow.iter().map(ToString::to_string).collect();
        assert_eq!(nets, ["127.0.0.1/32", "::1/128"]);
        assert_eq!(s.log_format, LogFormat::Text);
        let s = Settings::from_toml_str(
            "[metrics]\nallow = [\"10.1.0.0/16\", \"192.0.2.7\"]\n[log]\nformat = \"json\"\n",
        )
        .expect("valid");
        let nets: Vec<String> = s.metrics_allow.iter().map(ToString::to_string).collect();
        assert_eq!(nets, ["10.1.0.0/16", "192.0.2.7/32"]);
        assert_eq!(s.log_format, LogFormat::Json);
        let s = Settings::load(
            None,
            env(&[
                ("NEWSLINE_METRICS_ALLOW", ""),
                ("NEWSLINE_LOG_FORMAT", "text"),
            ]),
        )
        .expect("valid");
        assert!(s.metrics_allow.is_empty(), "an empty list shuts /metrics");
        assert_eq!(s.log_format, LogFormat::Text);
        let err = Settings::from_toml_str("[log]\nformat = \"xml\"\n").expect_err("refused");
        assert!(err.to_string().starts_with("log.format"), "{err}");
    }

    #[test]
    fn config_text_is_read_without_a_file() {
        let s = Settings::from_toml_str("[site]\npage_size = 12\n").expect("valid");
        assert_eq!(s.site.page_size, 12);
        let err = Settings::from_toml_str("[site]\npage_size = 0\n").expect_err("out of range");
        assert!(err.to_string().starts_with("site.page_size"), "{err}");
        let err = Settings::from_toml_str("[site\n").expect_err("not TOML");
        assert!(matches!(err, ConfigError::Parse { .. }), "{err}");
    }

    #[test]
    fn invalid_values_name_their_setting() {
        for (key, value) in [
            ("NEWSLINE_TIME_ZONE", "Mars/Olympus"),
            ("NEWSLINE_PAGE_SIZE", "0"),
            ("NEWSLINE_ADDRESS", "localhost"),
            ("NEWSLINE_DEFAULT_EDITION", "English"),
            ("NEWSLINE_BASE_URL", "ftp://x"),
            ("NEWSLINE_DATABASE_URL", "mysql://db/news"),
            ("NEWSLINE_TRUSTED_PROXIES", "10.0.0.0/33"),
            ("NEWSLINE_TRUSTED_PROXIES", "proxy.internal"),
            ("NEWSLINE_REQUIRE_2FA_FOR", "chief"),
            ("NEWSLINE_FRAME_ANCESTORS", "'self'; script-src *"),
            ("NEWSLINE_FRAME_ANCESTORS", " "),
            ("NEWSLINE_UPLOAD_WORKERS", "0"),
            ("NEWSLINE_API_REQUESTS_PER_TOKEN", "0"),
            ("NEWSLINE_API_REQUESTS_PER_ADDRESS", "many"),
            ("NEWSLINE_API_FAILED_AUTH_PER_ADDRESS", "-1"),
            ("NEWSLINE_HEADER_TIMEOUT_SECS", "soon"),
            ("NEWSLINE_METRICS_ALLOW", "prometheus.internal"),
            ("NEWSLINE_LOG_FORMAT", "JSON lines"),
        ] {
            let err = Settings::load(None, env(&[(key, value)])).expect_err(key);
            assert!(err.to_string().starts_with(key), "{err}");
        }
    }

    #[test]
    fn every_declared_default_is_valid_and_every_name_is_unique() {
        let mut settings = Settings::default();
        let mut keys = std::collections::HashSet::new();
        let mut vars = std::collections::HashSet::new();
        for setting in declared_settings() {
            assert!(keys.insert(setting.key), "{} declared twice", setting.key);
            assert!(vars.insert(setting.var), "{} declared twice", setting.var);
            assert!(setting.var.starts_with("NEWSLINE_"), "{}", setting.var);
            assert!(!setting.doc.is_empty(), "{} has no meaning", setting.key);
            if !setting.default.is_empty() {
                setting
                    .apply(&mut settings, setting.default)
                    .unwrap_or_else(|e| panic!("default of {}: {e}", setting.key));
            }
        }
    }

    #[test]
    fn every_declared_setting_is_read_from_its_file_key_and_its_variable() {
        // A value each setting accepts that differs from its default.
        let value = |key: &str| match key {
            "address" => "127.0.0.1:9999",
            "data_dir" => "elsewhere",
            "database_url" | "read_database_url" => "postgres://db.internal/news",
            "cache_purge_url" => "http://varnish.internal/",
            "trusted_proxies" | "metrics.allow" => "10.0.0.0/8",
            "log.format" => "json",
            "require_2fa_for" => "admin",
            "log.filter" => "debug",
            "site.name" => "Another Site",
            "site.base_url" => "https://news.example",
            "site.time_zone" => "Europe/Istanbul",
            "site.default_edition" => "tr",
            "site.frame_ancestors" => "'self'",
            "media.s3_bucket" | "media.s3_region" => "elsewhere",
            "media.s3_endpoint" => "https://s3.example",
            "media.s3_access_key_id" | "media.s3_secret_access_key" => "k3y",
            "media.max_upload_bytes" => "4096",
            _ => "17",
        };
        let default = format!("{:?}", Settings::default());
        for setting in declared_settings() {
            let v = value(setting.key);
            let from_var = Settings::load(None, env(&[(setting.var, v)]))
                .unwrap_or_else(|e| panic!("{}: {e}", setting.var));
            assert_ne!(
                format!("{from_var:?}"),
                default,
                "{} changed nothing",
                setting.var
            );
            let (table, name) = setting
                .key
                .split_once('.')
                .map_or((None, setting.key), |(t, n)| (Some(t), n));
            let line = format!("{name} = \"{v}\"");
            let text = match table {
                Some(table) => format!("[{table}]\n{line}\n"),
                None => format!("{line}\n"),
            };
            let from_file =
                Settings::from_toml_str(&text).unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(
                format!("{from_file:?}"),
                format!("{from_var:?}"),
                "{} and {} differ",
                setting.key,
                setting.var
            );
        }
    }

    #[test]
    fn the_readme_settings_table_is_the_declared_one() {
        let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
            .expect("README.md");
        let begin = "<!-- settings table: begin -->\n";
        let end = "<!-- settings table: end -->";
        let start = readme.find(begin).expect("the table's begin marker") + begin.len();
        let stop = readme.find(end).expect("the table's end marker");
        let table = settings_table();
        assert!(
            readme.get(start..stop) == Some(table.as_str()),
            "README.md's settings table differs from the declarations; put this between the markers:\n{table}"
        );
    }
}
