//! The desk and the audit log.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use serde::Deserialize;

use super::Editor;
use crate::domain::time;
use crate::store::DeskItem;
use crate::web::AppState;
use crate::web::error::PageError;
use crate::web::respond;
use crate::web::views::NewsroomChrome;

/// One row of a desk list.
struct Row {
    id: i64,
    headline: String,
    edition: String,
    by: String,
    time: String,
    embargo: Option<String>,
    withdraws: Option<String>,
}

/// One list of the desk.
struct List {
    id: &'static str,
    title: &'static str,
    time_label: &'static str,
    rows: Vec<Row>,
    /// Whether each row has an edit link of its own beside the headline.
    edit_links: bool,
    /// The page of newer rows, when this is not the first.
    newer: Option<String>,
    /// The page of older rows, when there are more.
    older: Option<String>,
}

#[derive(Template)]
#[template(path = "newsroom/desk.html")]
struct DeskPage {
    chrome: NewsroomChrome,
    lists: Vec<List>,
}

#[derive(Debug, Deserialize)]
pub(super) struct DeskQuery {
    page: Option<String>,
}

/// The desk: drafts, items in review, scheduled items, latest published (a page at a
/// time, `?page=N`), withdrawn, each as far as the account may see it.
pub async fn show_desk(
    State(state): State<AppState>,
    editor: Editor,
    Query(query): Query<DeskQuery>,
) -> Result<Response, PageError> {
    let page = super::page_number(query.page.as_deref(), &editor)?;
    let desk = state.newsroom.desk_page(editor.actor(), page).await?;
    if page > 1 && desk.published.is_empty() {
        return Err(PageError::NotFound);
    }
    let page_href = |n: i64| {
        if n == 1 {
            "/newsroom#list-published".to_owned()
        } else {
            format!("/newsroom?page={n}#list-published")
        }
    };
    let zone = &state.site.time_zone;
    let rows = |items: Vec<DeskItem>, by_publication: bool| -> Vec<Row> {
        items
            .into_iter()
            .map(|i| Row {
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
            newer: None,
            older: None,
        },
        List {
            id: "review",
            title: w.in_review,
            time_label: w.last_saved,
            rows: rows(desk.in_review, false),
            edit_links: false,
            newer: None,
            older: None,
        },
        List {
            id: "scheduled",
            title: w.scheduled,
            time_label: w.goes_live,
            rows: rows(desk.scheduled, true),
            edit_links: false,
            newer: None,
            older: None,
        },
        List {
            id: "published",
            title: w.latest_published,
            time_label: w.published,
            rows: rows(desk.published, true),
            edit_links: true,
            newer: (page > 1).then(|| page_href(page - 1)),
            older: desk.more_published.then(|| page_href(page + 1)),
        },
        List {
            id: "unpublished",
            title: w.withdrawn,
            time_label: w.last_change,
            rows: rows(desk.unpublished, false),
            edit_links: false,
            newer: None,
            older: None,
        },
    ];
    respond::private_html(&DeskPage {
        chrome: NewsroomChrome::new(editor.words().desk, &editor),
        lists,
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
