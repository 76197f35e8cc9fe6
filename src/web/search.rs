//! The reader's search: a page per edition, the same results as JSON, and completions
//! while typing. Never page-cached: results follow every publish.

use askama::Template;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use jiff::Timestamp;
use jiff::civil::Date;
use serde::Serialize;

use super::AppState;
use super::error::PageError;
use super::reader::Reader;
use super::views::{Chrome, NavLink, TimeView};
use super::{respond, urls};
use crate::search::{Clause, Language, ReaderSearch, Results, Sort, parse};

/// Results per page.
pub const PAGE_SIZE: usize = 20;
/// Completions offered while typing.
const SUGGESTIONS: usize = 8;
/// What a search answer may be kept as: revalidated every time, so no cache in front
/// serves results from before a publish.
const SEARCH_CACHE: &str = "no-cache";

/// The pairs of a query string, percent-decoded; refused when any is not UTF-8.
pub fn query_pairs(raw: Option<&str>) -> Result<Vec<(String, String)>, PageError> {
    let mut out = Vec::new();
    for pair in raw.unwrap_or_default().split('&') {
        if pair.is_empty() {
            continue;
        }
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        out.push((decode(key)?, decode(value)?));
    }
    Ok(out)
}

/// The first value given for `name` among `pairs`, empty when none is.
pub fn first_value(pairs: &[(String, String)], name: &str) -> String {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.clone())
        .unwrap_or_default()
}

fn decode(text: &str) -> Result<String, PageError> {
    // `+` is a space in a query string; a `+` itself arrives as `%2B`.
    let spaced = text.replace('+', " ");
    percent_encoding::percent_decode_str(&spaced)
        .decode_utf8()
        .map(std::borrow::Cow::into_owned)
        .map_err(|_| PageError::BadRequest(super::error::Problem::NotUtf8.into()))
}

/// Percent-encodes a query-string value.
pub fn encode(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

/// What a search page was asked, as sent.
#[derive(Debug, Clone, Default)]
pub struct Params {
    /// The query text.
    pub q: String,
    /// A section's slug.
    pub section: String,
    /// An author's slug.
    pub author: String,
    /// First day, `YYYY-MM-DD`.
    pub from: String,
    /// Last day, `YYYY-MM-DD`.
    pub to: String,
    /// `newest`, or anything else for best match.
    pub sort: String,
    /// Page number from 1.
    pub page: usize,
}

impl Params {
    /// Reads the parameters; unknown ones and malformed values are ignored, never an error.
    pub fn read(pairs: Vec<(String, String)>) -> Self {
        let mut p = Self {
            page: 1,
            ..Self::default()
        };
        for (key, value) in pairs {
            match key.as_str() {
                "q" => p.q = value,
                "section" => p.section = value,
                "author" => p.author = value,
                "from" => p.from = value,
                "to" => p.to = value,
                "sort" => p.sort = value,
                "page" => {
                    p.page = value
                        .parse::<usize>()
                        .ok()
                        .filter(|n| (1..=crate::search::max_page(PAGE_SIZE)).contains(n))
                        .unwrap_or(1);
                }
                _ => {}
            }
        }
        p
    }

    /// The query string for these parameters on `page`, with the query text replaced
    /// by `q` when given.
    pub fn query_string(&self, page: usize, q: Option<&str>) -> String {
        let mut parts = vec![format!("q={}", encode(q.unwrap_or(&self.q)))];
        for (key, value) in [
            ("section", &self.section),
            ("author", &self.author),
            ("from", &self.from),
            ("to", &self.to),
            ("sort", &self.sort),
        ] {
            if !value.is_empty() {
                parts.push(format!("{key}={}", encode(value)));
            }
        }
        if page > 1 {
            parts.push(format!("page={page}"));
        }
        parts.join("&")
    }

    /// The sort asked for.
    pub fn sort(&self) -> Sort {
        if self.sort == "newest" {
            Sort::Newest
        } else {
            Sort::Relevance
        }
    }
}

/// A day typed into a date field, as the instant it starts in `zone`.
pub fn day_start(text: &str, zone: &jiff::tz::TimeZone, next: bool) -> Option<Timestamp> {
    let date: Date = text.trim().parse().ok()?;
    let date = if next { date.tomorrow().ok()? } else { date };
    date.to_zoned_datetime(zone.clone())
        .ok()
        .map(|z| z.timestamp())
}

/// One result as a page shows it.
#[derive(Debug, Clone, Serialize)]
pub struct ResultView {
    /// The item.
    pub id: i64,
    /// Its address.
    pub url: String,
    /// The headline as written.
    pub headline: String,
    /// The headline as HTML, matches marked.
    pub headline_html: String,
    /// A passage as HTML, matches marked (or the standfirst, escaped).
    pub snippet_html: String,
    /// Section name.
    pub section: String,
    /// Section address.
    pub section_url: String,
    /// Publication time as shown.
    pub time: String,
    /// Publication time, ISO 8601.
    pub datetime: String,
    /// Authors' names and addresses.
    pub authors: Vec<Link>,
}

/// A name with its address.
#[derive(Debug, Clone, Serialize)]
pub struct Link {
    /// What it says.
    pub name: String,
    /// Where it goes.
    pub url: String,
}

/// One option of a filter's list.
#[derive(Debug, Clone)]
pub struct Choice {
    /// The value sent.
    pub value: String,
    /// What it says.
    pub label: String,
    /// Whether it is the one chosen.
    pub selected: bool,
}

#[derive(Template)]
#[template(path = "pages/search.html")]
struct SearchPage {
    chrome: Chrome,
    action: String,
    query: String,
    sections: Vec<Choice>,
    authors: Vec<Choice>,
    from: String,
    to: String,
    newest: bool,
    building: bool,
    suggestion: Option<NavLink>,
    results: Vec<ResultView>,
    previous: Option<String>,
    next: Option<String>,
    page: usize,
}

/// A search answered for one reader request.
struct Answer {
    params: Params,
    results: Results,
    views: Vec<ResultView>,
}

fn search(state: &AppState, reader: &Reader, raw: Option<&str>) -> Result<Answer, PageError> {
    let params = Params::read(query_pairs(raw)?);
    let mut parsed = parse(&params.q);
    let snapshot = &reader.snapshot;
    let code = reader.code();
    // A filter naming nothing known is read as the words the reader typed.
    let mut section = None;
    for slug in [Some(params.section.as_str()), parsed.section.as_deref()]
        .into_iter()
        .flatten()
        .filter(|s| !s.is_empty())
    {
        section = snapshot
            .section_by_slug(code, slug)
            .map(|s| s.id)
            .or(section);
    }
    let mut author = None;
    for slug in [Some(params.author.as_str()), parsed.author.as_deref()]
        .into_iter()
        .flatten()
        .filter(|s| !s.is_empty())
    {
        author = snapshot.author_by_slug(slug).map(|a| a.id).or(author);
    }
    for (slug, found) in [
        (parsed.section.clone(), section.is_some()),
        (parsed.author.clone(), author.is_some()),
    ] {
        if let Some(slug) = slug
            && !found
        {
            parsed.include.push(Clause::Word(slug));
        }
    }
    let zone = &reader.site.time_zone;
    let language = Language::of_edition(code);
    let filter_edition = snapshot
        .editions()
        .iter()
        .filter(|e| Language::of_edition(e.code.as_ref()) == language)
        .count()
        > 1;
    let started = std::time::Instant::now();
    let results = state
        .search
        .search(&ReaderSearch {
            edition: code,
            filter_edition,
            query: &parsed,
            section,
            author,
            from: day_start(&params.from, zone, false),
            until: day_start(&params.to, zone, true),
            sort: params.sort(),
            offset: (params.page - 1) * PAGE_SIZE,
            limit: PAGE_SIZE,
            now: state.newsroom.now(),
        })
        .map_err(|e| PageError::Internal(e.into()))?;
    state
        .metrics
        .time_search(super::metrics::SearchKind::Results, started.elapsed());
    let views = reader.views();
    let list = results
        .hits
        .iter()
        .filter_map(|hit| {
            let item = snapshot.item(hit.id)?;
            let section = snapshot.section(item.section);
            let time: TimeView = views.time(item.published_at());
            let snippet_html = if hit.snippet.is_empty() {
                item.dek
                    .as_deref()
                    .map(crate::domain::escape_text)
                    .unwrap_or_default()
            } else {
                hit.snippet.clone()
            };
            Some(ResultView {
                id: item.id,
                url: views.item_href(item),
                headline: item.headline.to_string(),
                headline_html: hit.headline.clone(),
                snippet_html,
                section: section.map(|s| s.name.clone()).unwrap_or_default(),
                section_url: section.map_or_else(
                    || urls::news(code, 1),
                    |s| urls::section(code, s.slug.as_ref(), 1),
                ),
                time: time.display,
                datetime: time.machine,
                authors: item
                    .authors
                    .iter()
                    .filter_map(|a| snapshot.author(*a))
                    .map(|a| Link {
                        name: a.name.clone(),
                        url: urls::author(code, a.slug.as_ref(), 1),
                    })
                    .collect(),
            })
        })
        .collect();
    Ok(Answer {
        params,
        results,
        views: list,
    })
}

fn uncached(mut response: Response) -> Response {
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(SEARCH_CACHE),
    );
    response
}

/// The search page of an edition: the form, its filters and a page of results; with no
/// query, the latest items.
pub async fn show_search(
    State(state): State<AppState>,
    reader: Reader,
    RawQuery(raw): RawQuery,
) -> Result<Response, PageError> {
    let answer = search(&state, &reader, raw.as_deref())?;
    let p = &answer.params;
    let code = reader.code();
    let words = &reader.strings().search;
    let heading = if p.q.trim().is_empty() {
        words.label.to_owned()
    } else {
        format!("{}: {}", words.results, crate::search::query::clean(&p.q))
    };
    let mut chrome = reader.chrome(&heading);
    chrome.head.canonical = None;
    chrome.head.robots = Some("noindex");
    let action = format!("/{code}/search");
    let href = |page: usize, q: Option<&str>| format!("{action}?{}", p.query_string(page, q));
    let choose = |value: String, label: String, chosen: &str| Choice {
        selected: !chosen.is_empty() && value == chosen,
        value,
        label,
    };
    let page = SearchPage {
        query: crate::search::query::clean(&p.q),
        sections: reader
            .snapshot
            .sections_of(code)
            .into_iter()
            .map(|s| choose(s.slug.to_string(), s.name.clone(), &p.section))
            .collect(),
        authors: reader
            .snapshot
            .authors()
            .into_iter()
            .map(|a| choose(a.slug.to_string(), a.name.clone(), &p.author))
            .collect(),
        from: if day_start(&p.from, &reader.site.time_zone, false).is_some() {
            p.from.clone()
        } else {
            String::new()
        },
        to: if day_start(&p.to, &reader.site.time_zone, false).is_some() {
            p.to.clone()
        } else {
            String::new()
        },
        newest: p.sort() == Sort::Newest,
        building: answer.results.building,
        suggestion: answer.results.suggestion.as_ref().map(|s| NavLink {
            href: href(1, Some(s)),
            label: s.clone(),
            current: false,
        }),
        previous: (p.page > 1).then(|| href(p.page - 1, None)),
        next: answer.results.more.then(|| href(p.page + 1, None)),
        page: p.page,
        results: answer.views,
        action: action.clone(),
        chrome,
    };
    Ok(uncached(respond::html(&page)?))
}

/// The JSON of a search answer.
#[derive(Serialize)]
struct SearchJson<'a> {
    query: String,
    page: usize,
    more: bool,
    did_you_mean: Option<&'a str>,
    rebuilding: bool,
    results: &'a [ResultView],
}

/// The same search as the page, as JSON.
pub async fn search_json(
    State(state): State<AppState>,
    reader: Reader,
    RawQuery(raw): RawQuery,
) -> Result<Response, PageError> {
    let answer = search(&state, &reader, raw.as_deref())?;
    let body = serde_json::to_vec(&SearchJson {
        query: crate::search::query::clean(&answer.params.q),
        page: answer.params.page,
        more: answer.results.more,
        did_you_mean: answer.results.suggestion.as_deref(),
        rebuilding: answer.results.building,
        results: &answer.views,
    })
    .map_err(|e| PageError::Internal(e.into()))?;
    Ok(uncached(
        (
            [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
            body,
        )
            .into_response(),
    ))
}

/// Completions of what a reader is typing, as a JSON list of strings.
pub async fn suggest(
    State(state): State<AppState>,
    reader: Reader,
    RawQuery(raw): RawQuery,
) -> Result<Response, PageError> {
    let params = Params::read(query_pairs(raw.as_deref())?);
    let started = std::time::Instant::now();
    let words = state.search.suggest(reader.code(), &params.q, SUGGESTIONS);
    state
        .metrics
        .time_search(super::metrics::SearchKind::Suggestions, started.elapsed());
    let body = serde_json::to_vec(&words).map_err(|e| PageError::Internal(e.into()))?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/json; charset=utf-8"),
            // Completions change slowly; a minute's staleness costs nothing.
            (header::CACHE_CONTROL, "public, max-age=60"),
        ],
        body,
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_strings_decode_and_refuse_bad_utf8() {
        let pairs = query_pairs(Some("q=T%C3%BCrkiye+news&page=2&x")).expect("valid");
        assert_eq!(pairs[0], ("q".into(), "Türkiye news".into()));
        assert_eq!(pairs[2], ("x".into(), String::new()));
        assert!(query_pairs(Some("q=%FF%FE")).is_err());
        assert_eq!(
            query_pairs(Some("q=100%25+%zz")).expect("valid")[0].1,
            "100% %zz"
        );
    }

    #[test]
    fn parameters_round_trip() {
        let p = Params::read(query_pairs(Some("q=a%26b+c&sort=newest&page=3")).expect("ok"));
        assert_eq!(p.q, "a&b c");
        assert_eq!(p.sort(), Sort::Newest);
        assert_eq!(p.page, 3);
        assert_eq!(p.query_string(4, None), "q=a%26b+c&sort=newest&page=4");
        assert_eq!(Params::read(vec![("page".into(), "0".into())]).page, 1);
    }
}
