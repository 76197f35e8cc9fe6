//! The soak benchmark's load: readers fetching every kind of public page, searches,
//! open live news lines and a publish every few seconds, against one server for
//! minutes, measured per page type with the process's memory sampled throughout.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};

/// How hard and how long to soak.
#[derive(Debug, Clone)]
pub struct Plan {
    /// How long the load runs.
    pub duration: Duration,
    /// Readers fetching pages one after another.
    pub readers: usize,
    /// Live news lines held open.
    pub streams: usize,
    /// Time between two publishes.
    pub publish_every: Duration,
}

/// The addresses of one kind of page, and how often readers ask for it.
#[derive(Debug, Clone)]
pub struct PageKind {
    /// Its name in the results.
    pub name: &'static str,
    /// Relative frequency among reads.
    pub weight: u32,
    /// Paths to draw from.
    pub paths: Vec<String>,
}

/// What one kind of page measured.
#[derive(Debug, Default, Clone)]
pub struct Measured {
    /// Time to the whole body, per request.
    pub times: Latencies,
    /// Answers that were not 2xx, and requests that failed.
    pub errors: u64,
}

/// Request times in a fixed histogram of buckets 2 % wide, so that a run of hours
/// measures the server's memory, not a list of its own records.
#[derive(Debug, Clone)]
pub struct Latencies {
    buckets: Vec<u64>,
    count: u64,
}

/// Bucket growth: each bucket is 2 % wider than the one before.
const BUCKET_RATIO: f64 = 1.02;
/// Buckets from 1 µs to beyond 100 s.
const BUCKETS: usize = 1000;

impl Default for Latencies {
    fn default() -> Self {
        Self {
            buckets: vec![0; BUCKETS],
            count: 0,
        }
    }
}

impl Latencies {
    /// Counts one request's time.
    pub fn record(&mut self, time: Duration) {
        let micros = time.as_micros().max(1) as f64;
        let at = (micros.ln() / BUCKET_RATIO.ln()) as usize;
        if let Some(bucket) = self.buckets.get_mut(at.min(BUCKETS - 1)) {
            *bucket += 1;
        }
        self.count += 1;
    }

    /// Adds another histogram's counts to this one.
    pub fn merge(&mut self, other: &Self) {
        for (mine, theirs) in self.buckets.iter_mut().zip(&other.buckets) {
            *mine += theirs;
        }
        self.count += other.count;
    }

    /// How many requests were counted.
    pub fn len(&self) -> u64 {
        self.count
    }

    /// Whether none was.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// The time below which a fraction `q` of requests fell, in milliseconds (the
    /// upper edge of its bucket: at most 2 % high).
    pub fn quantile_ms(&self, q: f64) -> f64 {
        let wanted = ((self.count as f64 * q).ceil() as u64).max(1);
        let mut seen = 0;
        for (at, n) in self.buckets.iter().enumerate() {
            seen += n;
            if seen >= wanted {
                return BUCKET_RATIO.powi(at as i32 + 1) / 1000.0;
            }
        }
        0.0
    }
}

/// A small, seeded generator: the same run draws the same pages.
#[derive(Debug, Clone)]
pub struct Draw(u64);

impl Draw {
    /// A generator for reader `n`.
    pub fn new(n: u64) -> Self {
        Self(0x9E37_79B9_7F4A_7C15 ^ n.wrapping_mul(0xD1B5_4A32_D192_ED03) | 1)
    }

    /// The next number below `bound` (which must be positive).
    pub fn below(&mut self, bound: usize) -> usize {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        let n = self.0.wrapping_mul(0x2545_F491_4F6C_DD1D);
        (n % bound.max(1) as u64) as usize
    }
}

/// Every `<loc>` of a sitemap, as a path on `origin`.
fn locations(xml: &str, origin: &str) -> Vec<String> {
    xml.split("<loc>")
        .skip(1)
        .filter_map(|rest| rest.split("</loc>").next())
        .filter_map(|url| url.strip_prefix(origin).or(Some(url)))
        .filter(|path| path.starts_with('/'))
        .map(str::to_owned)
        .collect()
}

/// Every `href="/…"` of a page that starts with `prefix`.
fn links(html: &str, prefix: &str) -> Vec<String> {
    html.split("href=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .filter(|href| href.starts_with(prefix))
        .map(|href| href.replace("&amp;", "&"))
        .collect()
}

async fn text(client: &reqwest::Client, url: &str) -> anyhow::Result<String> {
    let response = client
        .get(url)
        .send()
        .await
        .with_context(|| url.to_owned())?;
    if !response.status().is_success() {
        bail!("{url} answered {}", response.status());
    }
    Ok(response.text().await?)
}

/// Finds pages of every kind on a running site, from its sitemaps and pages.
pub async fn discover(
    client: &reqwest::Client,
    origin: &str,
    editions: &[&str],
    queries: &[(&'static str, String)],
) -> anyhow::Result<Vec<PageKind>> {
    let index = text(client, &format!("{origin}/sitemap.xml")).await?;
    let mut articles = Vec::new();
    for sitemap in locations(&index, origin).into_iter().take(6) {
        let xml = text(client, &format!("{origin}{sitemap}")).await?;
        articles.extend(locations(&xml, origin).into_iter().take(400));
    }
    if articles.is_empty() {
        bail!("the site's sitemaps list no article: run bench-data on the data folder first");
    }
    let mut sections: Vec<String> = articles
        .iter()
        .filter_map(|path| path.rsplit_once('/').map(|(section, _)| section.to_owned()))
        .collect();
    sections.sort();
    sections.dedup();
    let (mut authors, mut tags) = (Vec::new(), Vec::new());
    for article in articles.iter().step_by((articles.len() / 30).max(1)) {
        let html = text(client, &format!("{origin}{article}")).await?;
        for edition in editions {
            authors.extend(links(&html, &format!("/{edition}/author/")));
            tags.extend(links(&html, &format!("/{edition}/tag/")));
        }
    }
    for list in [&mut authors, &mut tags] {
        list.sort();
        list.dedup();
    }
    let per_edition = |make: &dyn Fn(&str) -> Vec<String>| -> Vec<String> {
        editions.iter().flat_map(|e| make(e)).collect()
    };
    let encode = |q: &str| form_urlencoded::byte_serialize(q.as_bytes()).collect::<String>();
    let kinds = vec![
        PageKind {
            name: "home",
            weight: 20,
            paths: per_edition(&|e| vec![format!("/{e}/")]),
        },
        PageKind {
            name: "article",
            weight: 40,
            paths: articles,
        },
        PageKind {
            name: "section",
            weight: 8,
            paths: sections,
        },
        PageKind {
            name: "archive",
            weight: 5,
            paths: per_edition(&|e| (1..=5).map(|p| format!("/{e}/news?page={p}")).collect()),
        },
        PageKind {
            name: "author",
            weight: 3,
            paths: authors,
        },
        PageKind {
            name: "tag",
            weight: 3,
            paths: tags,
        },
        PageKind {
            name: "search page",
            weight: 4,
            paths: queries
                .iter()
                .map(|(e, q)| format!("/{e}/search?q={}", encode(q)))
                .collect(),
        },
        PageKind {
            name: "search JSON",
            weight: 4,
            paths: queries
                .iter()
                .map(|(e, q)| format!("/{e}/search.json?q={}", encode(q)))
                .collect(),
        },
        PageKind {
            name: "feed",
            weight: 5,
            paths: per_edition(&|e| vec![format!("/{e}/feed.xml"), format!("/{e}/atom.xml")]),
        },
        PageKind {
            name: "sitemap",
            weight: 2,
            paths: vec!["/sitemap.xml".into(), "/sitemaps/news.xml".into()],
        },
        PageKind {
            name: "robots.txt",
            weight: 1,
            paths: vec!["/robots.txt".into()],
        },
    ];
    let empty: Vec<&str> = kinds
        .iter()
        .filter(|k| k.paths.is_empty())
        .map(|k| k.name)
        .collect();
    if !empty.is_empty() {
        bail!("no page found for: {}", empty.join(", "));
    }
    Ok(kinds)
}

/// One reader: fetches pages drawn by weight until `until`, and returns what it measured.
pub async fn read(
    client: reqwest::Client,
    origin: String,
    kinds: std::sync::Arc<Vec<PageKind>>,
    mut draw: Draw,
    until: Instant,
) -> BTreeMap<&'static str, Measured> {
    let total: u32 = kinds.iter().map(|k| k.weight).sum();
    let mut measured: BTreeMap<&'static str, Measured> = BTreeMap::new();
    while Instant::now() < until {
        let mut pick = draw.below(total as usize) as u32;
        let Some(kind) = kinds.iter().find(|k| {
            if pick < k.weight {
                true
            } else {
                pick -= k.weight;
                false
            }
        }) else {
            continue;
        };
        let path = &kind.paths[draw.below(kind.paths.len())];
        let t0 = Instant::now();
        let ok = match client.get(format!("{origin}{path}")).send().await {
            Ok(response) => {
                let success = response.status().is_success();
                response.bytes().await.is_ok() && success
            }
            Err(_) => false,
        };
        let entry = measured.entry(kind.name).or_default();
        entry.times.record(t0.elapsed());
        if !ok {
            entry.errors += 1;
            tracing::warn!(path, "a soak read failed");
        }
    }
    measured
}

/// What a live news line saw: events received and how often it had to reconnect.
#[derive(Debug, Default, Clone, Copy)]
pub struct Streamed {
    /// `data:` lines received.
    pub events: u64,
    /// Streams that were refused or ended before the soak did.
    pub breaks: u64,
}

/// Holds one live news line open until `until`, reconnecting when it ends.
pub async fn listen(client: reqwest::Client, url: String, until: Instant) -> Streamed {
    let mut seen = Streamed::default();
    while Instant::now() < until {
        let deadline = tokio::time::Instant::from_std(until);
        // The server may hold the answer's head until the first event.
        let response = match tokio::time::timeout_at(deadline, client.get(&url).send()).await {
            Err(_) => return seen,
            Ok(Ok(r)) if r.status().is_success() => r,
            _ => {
                seen.breaks += 1;
                tokio::time::sleep_until(
                    deadline.min(tokio::time::Instant::now() + Duration::from_millis(500)),
                )
                .await;
                continue;
            }
        };
        let mut response = response;
        loop {
            match tokio::time::timeout_at(deadline, response.chunk()).await {
                Err(_) => return seen,
                Ok(Ok(Some(chunk))) => {
                    seen.events += chunk
                        .split(|b| *b == b'\n')
                        .filter(|line| line.starts_with(b"data:"))
                        .count() as u64;
                }
                Ok(Ok(None) | Err(_)) => {
                    if Instant::now() < until {
                        seen.breaks += 1;
                    }
                    break;
                }
            }
        }
    }
    seen
}

/// Resident and anonymous memory of this process, in MB.
pub fn memory_mb() -> (f64, f64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|kb| kb.parse::<f64>().ok())
            .map_or(0.0, |kb| kb / 1024.0)
    };
    (field("VmRSS:"), field("RssAnon:"))
}

/// What the page cache holds, in MB, as the server's `/metrics` says (0 when unread).
pub async fn page_cache_mb(client: &reqwest::Client, origin: &str) -> f64 {
    let Ok(text) = text(client, &format!("{origin}/metrics")).await else {
        return 0.0;
    };
    cache_bytes(&text) / (1024.0 * 1024.0)
}

/// The value of `newsline_page_cache_bytes` in a Prometheus text answer.
fn cache_bytes(metrics: &str) -> f64 {
    metrics
        .lines()
        .find_map(|line| line.strip_prefix("newsline_page_cache_bytes "))
        .and_then(|value| value.trim().parse().ok())
        .unwrap_or(0.0)
}

/// The median and 99th percentile of some times, in milliseconds.
pub fn median_p99(times: &mut [Duration]) -> (f64, f64) {
    times.sort();
    let at = |q: f64| {
        let i = ((times.len() as f64 * q) as usize).min(times.len().saturating_sub(1));
        times.get(i).map_or(0.0, |t| t.as_secs_f64() * 1000.0)
    };
    (at(0.5), at(0.99))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sitemap_locations_become_paths_and_links_are_filtered_by_prefix() {
        let xml = "<urlset><url><loc>http://127.0.0.1:1/en/a/1</loc></url>\
                   <url><loc>http://127.0.0.1:1/en/b/2</loc></url></urlset>";
        assert_eq!(locations(xml, "http://127.0.0.1:1"), ["/en/a/1", "/en/b/2"]);
        let html = r#"<a href="/en/author/x">x</a><a href="/en/tag/t?page=2&amp;q=1">t</a>"#;
        assert_eq!(links(html, "/en/author/"), ["/en/author/x"]);
        assert_eq!(links(html, "/en/tag/"), ["/en/tag/t?page=2&q=1"]);
    }

    #[test]
    fn the_page_cache_size_is_read_from_the_metrics() {
        let text = "# HELP newsline_page_cache_bytes Memory\nnewsline_page_cache_bytes 2097152\n";
        assert_eq!(cache_bytes(text), 2_097_152.0);
        assert_eq!(cache_bytes("nothing"), 0.0);
    }

    #[test]
    fn latencies_give_quantiles_within_their_bucket_width() {
        let mut times = Latencies::default();
        for ms in 1..=100 {
            times.record(Duration::from_millis(ms));
        }
        let mut other = Latencies::default();
        other.record(Duration::from_secs(30));
        times.merge(&other);
        assert_eq!(times.len(), 101);
        let p50 = times.quantile_ms(0.5);
        assert!((50.0..=51.0 * 1.03).contains(&p50), "{p50}");
        let max = times.quantile_ms(1.0);
        assert!((30_000.0..=30_000.0 * 1.03).contains(&max), "{max}");
        assert_eq!(Latencies::default().quantile_ms(0.5), 0.0);
    }

    #[test]
    fn draws_stay_below_their_bound_and_repeat_for_a_seed() {
        let (mut a, mut b) = (Draw::new(3), Draw::new(3));
        for bound in [1, 2, 7, 1000] {
            let (x, y) = (a.below(bound), b.below(bound));
            assert!(x < bound);
            assert_eq!(x, y);
        }
    }
}
