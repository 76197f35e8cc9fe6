use askama::Template;
use axum::response::Response;

use crate::read::Dependency;
use crate::web::error::PageError;
use crate::web::reader::Reader;
use crate::web::respond;
use crate::web::views::{Chrome, TimeView};

/// One correction as the page lists it.
struct Entry {
    href: String,
    headline: String,
    time: TimeView,
    note: String,
}

#[derive(Template)]
#[template(path = "pages/corrections.html")]
struct CorrectionsPage {
    chrome: Chrome,
    heading: &'static str,
    entries: Vec<Entry>,
}

/// How many corrections the page lists.
const SHOWN: usize = 200;

/// Every correction of the edition's published items, newest first.
pub async fn list_corrections(reader: Reader) -> Result<Response, PageError> {
    let views = reader.views();
    let mut entries: Vec<(jiff::Timestamp, Entry)> = reader
        .snapshot
        .corrected(reader.code())
        .iter()
        // Ordered by their newest correction: the newest SHOWN corrections are
        // among the first SHOWN items.
        .take(SHOWN)
        .flat_map(|item| {
            item.corrections.iter().map(|c| {
                (
                    c.noted_at,
                    Entry {
                        href: views.item_href(item),
                        headline: item.headline.to_string(),
                        time: views.time(c.noted_at),
                        note: c.note.clone(),
                    },
                )
            })
        })
        .collect();
    entries.sort_by_key(|e| std::cmp::Reverse(e.0));
    entries.truncate(SHOWN);
    let heading = reader.strings().corrections;
    let response = respond::html(&CorrectionsPage {
        chrome: reader.chrome(heading),
        heading,
        entries: entries.into_iter().map(|(_, e)| e).collect(),
    })?;
    reader.depends_on(Dependency::Corrections(reader.edition_key()));
    Ok(reader.cacheable(response))
}
