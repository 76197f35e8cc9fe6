//! The desk and the audit log.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use serde::Deserialize;

use super::Editor;
use crate::domain::Status;
use crate::domain::time;
use crate::store::{DeskFilter, DeskItem};
use crate::web::AppState;
use crate::web::error::PageError;
use crate::web::respond;
use crate::web::views::NewsroomChrome;
use jiff::Timestamp;

/// One row of a desk list.
struct Row {
    id: i64,
    headline: String,
    edition: String,
    by: String,
    time: String,
    embargo: Option<String>,
    withdraws: Option<String>,
    /// Whether what put it on this list happened since the account last looked.
    new: bool,
    /// The note handed over with it to this list, and who wrote it.
    note: Option<(String, String)>,
}

/// One list of the desk.
struct List {
    id: &'static str,
    title: &'static str,
    time_label: &'static str,
    rows: Vec<Row>,
    /// Whether each row has an edit link of its own beside the headline.
    edit_links: bool,
    /// How many of its items are new since the account last looked, when any are.
    news: i64,
    /// The page of newer rows, when this is not the first.
    newer: Option<String>,
    /// The page of older rows, when there are more.
    older: Option<String>,
}

/// One choice of a filter's menu: value, label, chosen.
type Choice = (String, String, bool);

#[derive(Template)]
#[template(path = "newsroom/desk.html")]
struct DeskPage {
    chrome: NewsroomChrome,
    lists: Vec<List>,
    editions: Vec<Choice>,
    sections: Vec<Choice>,
    authors: Vec<Choice>,
    statuses: Vec<Choice>,
    from: String,
    to: String,
    filtered: bool,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct DeskQuery {
    page: Option<String>,
    edition: String,
    /// `edition/slug`.
    section: String,
    author: String,
    status: String,
    /// Dates, `YYYY-MM-DD`, in the site's zone; `to` is included.
    from: String,
    to: String,
}

impl DeskQuery {
    /// The filter it asks for, or the first field that names nothing the desk knows.
    fn filter(
        &self,
        state: &AppState,
    ) -> Result<(DeskFilter, Option<Status>), (&'static str, String)> {
        let snapshot = state.read.snapshot();
        let zone = &state.site.time_zone;
        let given = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_owned());
        let mut filter = DeskFilter::default();
        if let Some(code) = given(&self.edition) {
            let edition = snapshot.any_edition(&code).ok_or(("edition", code))?;
            filter.edition = Some(edition.code.to_string());
        }
        if let Some(value) = given(&self.section) {
            let (code, slug) = value.split_once('/').unwrap_or(("", &value));
            let section = snapshot
                .section_by_slug(code, slug)
                .ok_or_else(|| ("section", value.clone()))?;
            filter.section = Some(section.id);
        }
        if let Some(slug) = given(&self.author) {
            let author = snapshot.author_by_slug(&slug).ok_or(("author", slug))?;
            filter.author = Some(author.id);
        }
        let status = match given(&self.status) {
            Some(s) => Some(Status::parse(&s).map_err(|_| ("status", s))?),
            None => None,
        };
        let day = |field: &'static str,
                   raw: &str|
         -> Result<Option<(Timestamp, Timestamp)>, (&'static str, String)> {
            let Some(raw) = given(raw) else {
                return Ok(None);
            };
            raw.parse::<jiff::civil::Date>()
                .ok()
                .and_then(|d| time::day_bounds(d, zone))
                .map(Some)
                .ok_or((field, raw))
        };
        filter.since = day("from", &self.from)?.map(|(start, _)| start);
        filter.until = day("to", &self.to)?.map(|(_, end)| end);
        Ok((filter, status))
    }

    /// The query string that keeps this filter on another page of the desk.
    fn keep(&self) -> String {
        let mut query = form_urlencoded::Serializer::new(String::new());
        for (name, value) in [
            ("edition", &self.edition),
            ("section", &self.section),
            ("author", &self.author),
            ("status", &self.status),
            ("from", &self.from),
            ("to", &self.to),
        ] {
            if !value.trim().is_empty() {
                query.append_pair(name, value.trim());
            }
        }
        query.finish()
    }
}

/// The desk: drafts, items in review, scheduled items, latest published (a page at a
/// time, `?page=N`), withdrawn, each as far as the account may see it.
pub async fn show_desk(
    State(state): State<AppState>,
    editor: Editor,
    Query(query): Query<DeskQuery>,
) -> Result<Response, PageError> {
    let page = super::page_number(query.page.as_deref(), &editor)?;
    let (filter, status) = query.filter(&state).map_err(|(field, value)| {
        let words = editor.words();
        PageError::BadRequest(
            words
                .fill2(
                    words.desk_filter_unknown,
                    field,
                    value.chars().take(80).collect::<String>(),
                )
                .into(),
        )
    })?;
    let desk = state
        .newsroom
        .desk_filtered(editor.actor(), page, &filter, status)
        .await?;
    if page > 1 && desk.published.is_empty() {
        return Err(PageError::NotFound);
    }
    let kept = query.keep();
    let page_href = |n: i64| {
        let mut parts = Vec::new();
        if n > 1 {
            parts.push(format!("page={n}"));
        }
        if !kept.is_empty() {
            parts.push(kept.clone());
        }
        if parts.is_empty() {
            "/newsroom#list-published".to_owned()
        } else {
            format!("/newsroom?{}#list-published", parts.join("&"))
        }
    };
    let (news, seen) = state.newsroom.look_at_desk(editor.actor()).await?;
    let me = editor.actor().id;
    // Items others submit are counted for those who review others' work, so only
    // their rows are marked.
    let reviewer = crate::domain::may(
        editor.actor().role,
        crate::domain::Action::ReturnToDraft,
        crate::domain::Scope::Item {
            own: false,
            status: Status::Review,
        },
    );
    // What put a row on its list, and whether that is news to this account: a
    // hand-over by someone else, or going out, since the last look.
    let fresh = |at: Timestamp| seen.is_some_and(|seen| at > seen);
    let zone = &state.site.time_zone;
    let rows = |items: Vec<DeskItem>, by_publication: bool| -> Vec<Row> {
        items
            .into_iter()
            .map(|i| {
                let handed = i.hand_over.as_ref().filter(|h| {
                    matches!(
                        (h.step.as_str(), i.status),
                        ("draft", Status::Draft) | ("submit", Status::Review)
                    )
                });
                let new = match i.status {
                    Status::Published => i.published_at.is_some_and(fresh),
                    Status::Draft => handed.is_some_and(|h| {
                        fresh(h.at) && h.by_id != me && i.owner.is_some() && i.owner == me
                    }),
                    Status::Review => {
                        reviewer && handed.is_some_and(|h| fresh(h.at) && h.by_id != me)
                    }
                    _ => false,
                };
                let note = handed.and_then(|h| {
                    h.note
                        .clone()
                        .map(|n| (h.by.clone().unwrap_or_else(|| "system".into()), n))
                });
                (i, new, note)
            })
            .map(|(i, new, note)| Row {
                id: i.id,
                headline: i.headline,
                edition: i.edition,
                by: i.created_by.unwrap_or_else(|| "import".into()),
                time: time::display(
                    if by_publication {
                        i.published_at.unwrap_or(i.updated_at)
                    } else {
                        i.updated_at
                    },
                    zone,
                ),
                embargo: i.embargo_until.map(|e| time::display(e, zone)),
                withdraws: i.unpublish_at.map(|at| time::display(at, zone)),
                new,
                note,
            })
            .collect()
    };
    let w = editor.words();
    let lists = vec![
        List {
            id: "drafts",
            title: w.drafts,
            time_label: w.last_saved,
            rows: rows(desk.drafts, false),
            edit_links: false,
            news: news.returned,
            newer: None,
            older: None,
        },
        List {
            id: "review",
            title: w.in_review,
            time_label: w.last_saved,
            rows: rows(desk.in_review, false),
            edit_links: false,
            news: news.submitted,
            newer: None,
            older: None,
        },
        List {
            id: "scheduled",
            title: w.scheduled,
            time_label: w.goes_live,
            rows: rows(desk.scheduled, true),
            edit_links: false,
            news: 0,
            newer: None,
            older: None,
        },
        List {
            id: "published",
            title: w.latest_published,
            time_label: w.published,
            rows: rows(desk.published, true),
            edit_links: true,
            news: news.published,
            newer: (page > 1).then(|| page_href(page - 1)),
            older: desk.more_published.then(|| page_href(page + 1)),
        },
        List {
            id: "expiring",
            title: w.expiring,
            time_label: w.published,
            rows: rows(desk.expiring, true),
            edit_links: true,
            news: 0,
            newer: None,
            older: None,
        },
        List {
            id: "unpublished",
            title: w.withdrawn,
            time_label: w.last_change,
            rows: rows(desk.unpublished, false),
            edit_links: false,
            news: 0,
            newer: None,
            older: None,
        },
    ];
    let snapshot = state.read.snapshot();
    let chosen = |value: &str, asked: &str| value == asked.trim();
    let editions = snapshot
        .all_editions()
        .map(|e| {
            let code = e.code.to_string();
            let on = chosen(&code, &query.edition);
            (code, e.name.clone(), on)
        })
        .collect();
    let sections = snapshot
        .all_editions()
        .flat_map(|e| snapshot.sections_of(e.code.as_ref()))
        .map(|s| {
            let value = format!("{}/{}", s.edition, s.slug);
            let label = format!("{} ({})", s.name, s.edition);
            let on = chosen(&value, &query.section);
            (value, label, on)
        })
        .collect();
    let authors = snapshot
        .authors()
        .into_iter()
        .map(|a| {
            let slug = a.slug.to_string();
            let on = chosen(&slug, &query.author);
            (slug, a.name.clone(), on)
        })
        .collect();
    let statuses = [
        Status::Draft,
        Status::Review,
        Status::Scheduled,
        Status::Published,
        Status::Unpublished,
    ]
    .into_iter()
    .map(|s| {
        let on = chosen(s.as_str(), &query.status);
        (s.as_str().to_owned(), w.status(s).to_owned(), on)
    })
    .collect();
    respond::private_html(&DeskPage {
        chrome: NewsroomChrome::new(editor.words().desk, &editor),
        lists,
        editions,
        sections,
        authors,
        statuses,
        from: query.from.trim().chars().take(10).collect(),
        to: query.to.trim().chars().take(10).collect(),
        filtered: filter != DeskFilter::default() || status.is_some(),
    })
}

#[derive(Template)]
#[template(path = "newsroom/audit.html")]
struct AuditPage {
    chrome: NewsroomChrome,
    entries: Vec<(String, String, String, String, String)>,
}

/// Who did what and when; admins only.
pub async fn show_audit(
    State(state): State<AppState>,
    editor: Editor,
) -> Result<Response, PageError> {
    let entries = state.newsroom.audit(editor.actor(), 500).await?;
    let zone = &state.site.time_zone;
    respond::private_html(&AuditPage {
        chrome: NewsroomChrome::new(editor.words().audit_log, &editor),
        entries: entries
            .into_iter()
            .map(|e| {
                (
                    time::display(e.at, zone),
                    super::items::who(e.user, e.system),
                    e.action,
                    e.subject,
                    e.detail,
                )
            })
            .collect(),
    })
}
