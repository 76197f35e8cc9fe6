use askama::Template;
use axum::response::Response;

use crate::read::Dependency;
use crate::web::error::PageError;
use crate::web::reader::Reader;
use crate::web::respond;
use crate::web::views::{Chrome, ItemLine, NewsLine};

/// How many pinned stories lead the home page.
const LEADS: usize = 8;

#[derive(Template)]
#[template(path = "pages/home.html")]
struct HomePage {
    chrome: Chrome,
    leads: Vec<ItemLine>,
    news_line: NewsLine,
}

/// An edition's home page: the editors' lead stories and the news line.
pub async fn show_home(reader: Reader) -> Result<Response, PageError> {
    let views = reader.views();
    let pinned = reader.snapshot.pinned(reader.code());
    let mut chrome = reader.chrome("");
    let home = crate::web::urls::home(reader.code());
    chrome.head = reader.list_meta("WebPage", &reader.edition.name, &home, &[]);
    let page = HomePage {
        chrome,
        leads: views.lines(&pinned.iter().take(LEADS).cloned().collect::<Vec<_>>()),
        news_line: reader.news_line(None),
    };
    reader.depends_on(Dependency::Home(reader.edition_key()));
    Ok(reader.cacheable(respond::html(&page)?))
}
