//! Every scalar setting, declared once: its key in `newsline.toml`, its `NEWSLINE_*`
//! variable, its flag where there is one, its default, what it means and how its
//! text is read. The file's format, the variables, the flags, the defaults and the
//! README's settings table all follow from this list.

use std::path::PathBuf;

use jiff::tz::TimeZone;

use super::{Secret, Settings, list};
use crate::domain::EditionCode;

/// Reads a setting's text into the settings, or says what is wrong with it.
type Apply = fn(&mut Settings, &str) -> Result<(), String>;

/// One setting as declared.
pub struct Declared {
    /// Its key in `newsline.toml`: `name` at the top level, `table.name` in a table.
    pub key: &'static str,
    /// The environment variable that overrides the file.
    pub var: &'static str,
    /// The command-line flag that overrides both, if any.
    pub flag: Option<Flag>,
    /// The value a site has when nothing sets it; empty when unset by default.
    pub default: &'static str,
    /// What the setting does, for the README and `--help`.
    pub doc: &'static str,
    apply: Apply,
}

/// A flag and where it is accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Flag {
    /// Its long name, without the dashes.
    pub long: &'static str,
    /// The subcommand that takes it; every command when none.
    pub command: Option<&'static str>,
    /// The placeholder `--help` shows for its value.
    pub value_name: &'static str,
}

impl Declared {
    /// Reads `value` into `settings`; the error names the key.
    pub fn apply(&self, settings: &mut Settings, value: &str) -> Result<(), super::ConfigError> {
        (self.apply)(settings, value).map_err(|message| super::ConfigError::Invalid {
            field: self.key.to_owned(),
            message,
        })
    }

    /// The table this setting sits in, if it is not at the top level.
    pub fn table(&self) -> Option<&'static str> {
        self.key.split_once('.').map(|(table, _)| table)
    }
}

/// The declared setting with this file key.
pub fn by_key(key: &str) -> Option<&'static Declared> {
    DECLARED.iter().find(|d| d.key == key)
}

/// The declared setting read from this variable.
pub fn by_var(var: &str) -> Option<&'static Declared> {
    DECLARED.iter().find(|d| d.var == var)
}

/// Every declared setting, in the README's order.
pub fn all() -> &'static [Declared] {
    DECLARED
}

/// The README's settings table, as Markdown.
pub fn table_markdown() -> String {
    let mut out = String::from(
        "| key in `newsline.toml` | variable | flag | default | meaning |\n|---|---|---|---|---|\n",
    );
    for d in DECLARED {
        let flag = d.flag.map_or_else(String::new, |f| match f.command {
            Some(command) => format!("`--{}` ({command})", f.long),
            None => format!("`--{}`", f.long),
        });
        let default = if d.default.is_empty() {
            "unset".to_owned()
        } else {
            format!("`{}`", d.default)
        };
        out.push_str(&format!(
            "| `{}` | `{}` | {flag} | {default} | {} |\n",
            d.key, d.var, d.doc
        ));
    }
    out
}

fn whole(value: &str, min: u64, max: u64) -> Result<u64, String> {
    value
        .trim()
        .parse::<u64>()
        .ok()
        .filter(|n| (min..=max).contains(n))
        .ok_or_else(|| format!("'{value}' is not a whole number from {min} to {max}"))
}

fn count(value: &str, min: usize, max: usize) -> Result<usize, String> {
    whole(value, min as u64, max as u64).map(|n| usize::try_from(n).unwrap_or(max))
}

fn seconds(value: &str) -> Result<std::time::Duration, String> {
    whole(value, 1, 3600).map(std::time::Duration::from_secs)
}

fn secret(value: &str) -> Option<Secret> {
    Some(Secret(value.to_owned()))
}

fn database_url(value: &str) -> Result<Option<Secret>, String> {
    if crate::store::Dialect::of(value).is_none() {
        return Err(format!(
            "'{}' is not a sqlite:// or postgres:// URL",
            crate::store::redact(value)
        ));
    }
    Ok(secret(value))
}

fn networks(value: &str) -> Result<Vec<ipnet::IpNet>, String> {
    list(value)
        .map(|net| {
            net.parse::<ipnet::IpNet>()
                .or_else(|_| net.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
                .map_err(|_| format!("'{net}' is not an address or a network like 10.0.0.0/8"))
        })
        .collect()
}

fn http_url(value: &str) -> Result<String, String> {
    if !(value.starts_with("http://") || value.starts_with("https://")) {
        return Err(format!("'{value}' is not an http(s) URL"));
    }
    Ok(value.trim_end_matches('/').to_owned())
}

const fn global(long: &'static str, value_name: &'static str) -> Option<Flag> {
    Some(Flag {
        long,
        command: None,
        value_name,
    })
}

static DECLARED: &[Declared] = &[
    Declared {
        key: "address",
        var: "NEWSLINE_ADDRESS",
        flag: Some(Flag {
            long: "address",
            command: Some("serve"),
            value_name: "HOST:PORT",
        }),
        default: "127.0.0.1:8080",
        doc: "Address and port the server listens on.",
        apply: |s, v| {
            s.address = v
                .parse()
                .map_err(|_| format!("'{v}' is not an address like 127.0.0.1:8080"))?;
            Ok(())
        },
    },
    Declared {
        key: "data_dir",
        var: "NEWSLINE_DATA_DIR",
        flag: global("data-dir", "DIR"),
        default: "newsline-data",
        doc: "Folder of the SQLite database, media, search index and caches.",
        apply: |s, v| {
            if v.is_empty() {
                return Err("give a folder".into());
            }
            s.data_dir = PathBuf::from(v);
            Ok(())
        },
    },
    Declared {
        key: "database_url",
        var: "NEWSLINE_DATABASE_URL",
        flag: global("database-url", "URL"),
        default: "",
        doc: "`postgres://…` to share one database between nodes; SQLite in the data folder when unset.",
        apply: |s, v| {
            s.database_url = database_url(v)?;
            Ok(())
        },
    },
    Declared {
        key: "read_database_url",
        var: "NEWSLINE_READ_DATABASE_URL",
        flag: global("read-database-url", "URL"),
        default: "",
        doc: "A read replica for reads that tolerate lag; the primary when unset.",
        apply: |s, v| {
            s.read_database_url = database_url(v)?;
            Ok(())
        },
    },
    Declared {
        key: "cache_max_bytes",
        var: "NEWSLINE_CACHE_MAX_BYTES",
        flag: None,
        default: "67108864",
        doc: "Memory the page cache may use, in bytes (up to 64 GiB).",
        apply: |s, v| {
            s.cache_max_bytes = v
                .parse()
                .ok()
                .filter(|n| *n <= 64 * 1024 * 1024 * 1024)
                .ok_or_else(|| format!("'{v}' is not a byte count up to 64 GiB"))?;
            Ok(())
        },
    },
    Declared {
        key: "cache_purge_url",
        var: "NEWSLINE_CACHE_PURGE_URL",
        flag: None,
        default: "",
        doc: "An `http://` URL that gets an HTTP PURGE with the keys each change touched (a CDN or Varnish).",
        apply: |s, v| {
            let uri: axum::http::Uri = v.parse().map_err(|_| format!("'{v}' is not a URL"))?;
            if uri.scheme_str() != Some("http") || uri.host().is_none() {
                return Err(format!("'{v}' is not an http:// URL with a host"));
            }
            s.cache_purge_url = Some(uri);
            Ok(())
        },
    },
    Declared {
        key: "trusted_proxies",
        var: "NEWSLINE_TRUSTED_PROXIES",
        flag: None,
        default: "",
        doc: "Proxies (addresses or CIDR networks, a list) whose `Forwarded`/`X-Forwarded-For` names the client.",
        apply: |s, v| {
            s.trusted_proxies = networks(v)?;
            Ok(())
        },
    },
    Declared {
        key: "require_2fa_for",
        var: "NEWSLINE_REQUIRE_2FA_FOR",
        flag: None,
        default: "",
        doc: "Roles (a list) that must sign in with a one-time code.",
        apply: |s, v| {
            s.require_2fa_for = list(v)
                .map(|role| crate::domain::Role::parse(role).map_err(|e| e.to_string()))
                .collect::<Result<_, _>>()?;
            Ok(())
        },
    },
    Declared {
        key: "log.filter",
        var: "NEWSLINE_LOG",
        flag: None,
        default: "",
        doc: "What is logged, as a tracing filter such as `debug` or `info,sqlx=warn`; `info,sqlx=warn` when serving and `warn` for other commands when unset.",
        apply: |s, v| {
            tracing_subscriber::EnvFilter::try_new(v)
                .map_err(|e| format!("'{v}' is not a log filter: {e}"))?;
            s.log_filter = Some(v.to_owned());
            Ok(())
        },
    },
    Declared {
        key: "log.format",
        var: "NEWSLINE_LOG_FORMAT",
        flag: None,
        default: "text",
        doc: "How log lines are written: `text` for people, `json` for one JSON object a line carrying the request id.",
        apply: |s, v| {
            s.log_format = match v.trim() {
                "text" => super::LogFormat::Text,
                "json" => super::LogFormat::Json,
                _ => return Err(format!("'{v}' is neither text nor json")),
            };
            Ok(())
        },
    },
    Declared {
        key: "metrics.allow",
        var: "NEWSLINE_METRICS_ALLOW",
        flag: None,
        default: "127.0.0.1/32,::1/128",
        doc: "Clients (addresses or CIDR networks, a list) that may read `/metrics`; others get 404. An empty list shuts it.",
        apply: |s, v| {
            s.metrics_allow = networks(v)?;
            Ok(())
        },
    },
    Declared {
        key: "site.name",
        var: "NEWSLINE_SITE_NAME",
        flag: None,
        default: "Newsline",
        doc: "The site's name where no edition is known.",
        apply: |s, v| {
            let name = v.trim();
            if name.is_empty() || name.chars().count() > 120 {
                return Err("must have 1 to 120 characters".into());
            }
            name.clone_into(&mut s.site.name);
            Ok(())
        },
    },
    Declared {
        key: "site.base_url",
        var: "NEWSLINE_BASE_URL",
        flag: None,
        default: "",
        doc: "Public origin such as `https://news.example`, for absolute links; links follow `Host` when unset.",
        apply: |s, v| {
            let url = v.trim_end_matches('/');
            let scheme_ok = url.starts_with("http://") || url.starts_with("https://");
            if !scheme_ok || url.contains(char::is_whitespace) || url.len() < 10 {
                return Err(format!("'{v}' is not an http(s) origin"));
            }
            s.site.base_url = Some(url.to_owned());
            Ok(())
        },
    },
    Declared {
        key: "site.time_zone",
        var: "NEWSLINE_TIME_ZONE",
        flag: None,
        default: "Asia/Baku",
        doc: "IANA zone times are shown in, where an edition names none.",
        apply: |s, v| {
            s.site.time_zone =
                TimeZone::get(v).map_err(|_| format!("'{v}' is not a known IANA time zone"))?;
            v.clone_into(&mut s.site.time_zone_name);
            Ok(())
        },
    },
    Declared {
        key: "site.default_edition",
        var: "NEWSLINE_DEFAULT_EDITION",
        flag: None,
        default: "en",
        doc: "Edition `/` leads to when the reader's languages name none.",
        apply: |s, v| {
            s.site.default_edition = EditionCode::parse(v).map_err(|e| e.to_string())?;
            Ok(())
        },
    },
    Declared {
        key: "site.page_size",
        var: "NEWSLINE_PAGE_SIZE",
        flag: None,
        default: "30",
        doc: "Items a page of archive, section, author and tag lists (1 to 200).",
        apply: |s, v| {
            s.site.page_size = count(v, 1, 200)?;
            Ok(())
        },
    },
    Declared {
        key: "site.frame_ancestors",
        var: "NEWSLINE_FRAME_ANCESTORS",
        flag: None,
        default: "'none'",
        doc: "Who may frame reader pages: a CSP `frame-ancestors` source list. The newsroom is never framed.",
        apply: |s, v| {
            let sources = v.split_whitespace().collect::<Vec<_>>().join(" ");
            // One directive's source list: anything that could end the directive or
            // the header (`;`, `,`, controls) would let the setting rewrite the policy.
            let ok = !sources.is_empty()
                && sources
                    .chars()
                    .all(|c| c.is_ascii_graphic() && c != ';' && c != ',' || c == ' ');
            if !ok {
                return Err(format!(
                    "'{v}' is not a CSP source list such as 'none', 'self' or https://partner.example"
                ));
            }
            s.site.frame_ancestors = sources;
            Ok(())
        },
    },
    Declared {
        key: "front_page.breaking_fresh_for_mins",
        var: "NEWSLINE_BREAKING_FRESH_FOR_MINS",
        flag: None,
        default: "120",
        doc: "Minutes a breaking item stays in the home page's strip after publication (up to a week).",
        apply: |s, v| {
            // A week at most: a strip that never clears is no longer news.
            let mins = whole(v, 1, 7 * 24 * 60)?;
            s.site.breaking_fresh_for =
                jiff::SignedDuration::from_mins(i64::try_from(mins).unwrap_or(120));
            Ok(())
        },
    },
    Declared {
        key: "media.max_upload_bytes",
        var: "NEWSLINE_MEDIA_MAX_BYTES",
        flag: None,
        default: "20971520",
        doc: "Largest upload accepted, in bytes (1 KiB to 1 GiB).",
        apply: |s, v| {
            s.media.max_upload_bytes = v
                .parse()
                .ok()
                .filter(|n| (1024..=1024 * 1024 * 1024).contains(n))
                .ok_or_else(|| format!("'{v}' is not a byte count from 1024 to 1 GiB"))?;
            Ok(())
        },
    },
    Declared {
        key: "media.s3_bucket",
        var: "NEWSLINE_S3_BUCKET",
        flag: None,
        default: "",
        doc: "An S3 bucket for images; the data folder's `media/` when unset.",
        apply: |s, v| {
            s.media.s3_bucket = Some(v.trim().to_owned());
            Ok(())
        },
    },
    Declared {
        key: "media.s3_endpoint",
        var: "NEWSLINE_S3_ENDPOINT",
        flag: None,
        default: "",
        doc: "An S3-compatible server's URL; AWS when unset.",
        apply: |s, v| {
            s.media.s3_endpoint = Some(http_url(v)?);
            Ok(())
        },
    },
    Declared {
        key: "media.s3_region",
        var: "NEWSLINE_S3_REGION",
        flag: None,
        default: "us-east-1",
        doc: "The bucket's region.",
        apply: |s, v| {
            v.trim().clone_into(&mut s.media.s3_region);
            Ok(())
        },
    },
    Declared {
        key: "media.s3_access_key_id",
        var: "NEWSLINE_S3_ACCESS_KEY_ID",
        flag: None,
        default: "",
        doc: "The bucket's access key id.",
        apply: |s, v| {
            s.media.s3_access_key_id = secret(v);
            Ok(())
        },
    },
    Declared {
        key: "media.s3_secret_access_key",
        var: "NEWSLINE_S3_SECRET_ACCESS_KEY",
        flag: None,
        default: "",
        doc: "The bucket's secret access key (never logged).",
        apply: |s, v| {
            s.media.s3_secret_access_key = secret(v);
            Ok(())
        },
    },
    Declared {
        key: "limits.header_timeout_secs",
        var: "NEWSLINE_HEADER_TIMEOUT_SECS",
        flag: None,
        default: "30",
        doc: "Seconds to send a request's head; also how long an idle connection stays open.",
        apply: |s, v| {
            s.limits.header_timeout = seconds(v)?;
            Ok(())
        },
    },
    Declared {
        key: "limits.request_timeout_secs",
        var: "NEWSLINE_REQUEST_TIMEOUT_SECS",
        flag: None,
        default: "30",
        doc: "Seconds to send the body and be answered (live streams exempt).",
        apply: |s, v| {
            s.limits.request_timeout = seconds(v)?;
            Ok(())
        },
    },
    Declared {
        key: "limits.max_connections",
        var: "NEWSLINE_MAX_CONNECTIONS",
        flag: None,
        default: "4096",
        doc: "Open connections in all; more get 503.",
        apply: |s, v| {
            s.limits.max_connections = count(v, 1, 1_000_000)?;
            Ok(())
        },
    },
    Declared {
        key: "limits.max_connections_per_address",
        var: "NEWSLINE_MAX_CONNECTIONS_PER_ADDRESS",
        flag: None,
        default: "64",
        doc: "Open connections from one address.",
        apply: |s, v| {
            s.limits.max_connections_per_address = count(v, 1, 1_000_000)?;
            Ok(())
        },
    },
    Declared {
        key: "limits.max_streams",
        var: "NEWSLINE_MAX_STREAMS",
        flag: None,
        default: "1024",
        doc: "Open live news lines in all.",
        apply: |s, v| {
            s.limits.max_streams = count(v, 0, 1_000_000)?;
            Ok(())
        },
    },
    Declared {
        key: "limits.max_streams_per_address",
        var: "NEWSLINE_MAX_STREAMS_PER_ADDRESS",
        flag: None,
        default: "4",
        doc: "Open live news lines from one address.",
        apply: |s, v| {
            s.limits.max_streams_per_address = count(v, 0, 1_000_000)?;
            Ok(())
        },
    },
    Declared {
        key: "limits.upload_workers",
        var: "NEWSLINE_UPLOAD_WORKERS",
        flag: None,
        default: "2",
        doc: "Images decoded and resized at once.",
        apply: |s, v| {
            s.limits.upload_workers = count(v, 1, 64)?;
            Ok(())
        },
    },
    Declared {
        key: "limits.upload_queue",
        var: "NEWSLINE_UPLOAD_QUEUE",
        flag: None,
        default: "4",
        doc: "Uploads waiting for a worker; more get 503.",
        apply: |s, v| {
            s.limits.upload_queue = count(v, 0, 1024)?;
            Ok(())
        },
    },
    Declared {
        key: "limits.max_image_pixels",
        var: "NEWSLINE_MAX_IMAGE_PIXELS",
        flag: None,
        default: "24000000",
        doc: "Largest image accepted, in pixels (width × height).",
        apply: |s, v| {
            s.limits.max_image_pixels = whole(v, 1, 1_000_000_000)?;
            Ok(())
        },
    },
    Declared {
        key: "limits.api_requests_per_token",
        var: "NEWSLINE_API_REQUESTS_PER_TOKEN",
        flag: None,
        default: "600",
        doc: "API requests a minute with one token, on each node.",
        apply: |s, v| {
            s.limits.api_requests_per_token = count(v, 1, 1_000_000)?;
            Ok(())
        },
    },
    Declared {
        key: "limits.api_requests_per_address",
        var: "NEWSLINE_API_REQUESTS_PER_ADDRESS",
        flag: None,
        default: "300",
        doc: "API requests a minute without a token, from one address (IPv6: one /64).",
        apply: |s, v| {
            s.limits.api_requests_per_address = count(v, 1, 1_000_000)?;
            Ok(())
        },
    },
    Declared {
        key: "limits.api_failed_auth_per_address",
        var: "NEWSLINE_API_FAILED_AUTH_PER_ADDRESS",
        flag: None,
        default: "20",
        doc: "API requests a minute whose token did not work, from one address; beyond that its tokens are refused.",
        apply: |s, v| {
            s.limits.api_failed_auth_per_address = count(v, 1, 1_000_000)?;
            Ok(())
        },
    },
];
