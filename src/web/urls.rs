//! Every reader URL is built here, so links and routes cannot drift apart.

use jiff::civil::Date;

use crate::domain::ItemId;

fn paged(path: String, page: usize) -> String {
    if page > 1 {
        format!("{path}?page={page}")
    } else {
        path
    }
}

/// An edition's home page.
pub fn home(edition: &str) -> String {
    format!("/{edition}/")
}

/// Page `page` of the all-news archive.
pub fn news(edition: &str, page: usize) -> String {
    paged(format!("/{edition}/news"), page)
}

/// Page `page` of one day of the archive.
pub fn day(edition: &str, date: Date, page: usize) -> String {
    paged(
        format!("/{edition}/news/{}", date.strftime("%Y/%m/%d")),
        page,
    )
}

/// Page `page` of a section.
pub fn section(edition: &str, slug: &str, page: usize) -> String {
    paged(format!("/{edition}/{slug}"), page)
}

/// Page `page` of an author's items in an edition.
pub fn author(edition: &str, slug: &str, page: usize) -> String {
    paged(format!("/{edition}/author/{slug}"), page)
}

/// Page `page` of a tag.
pub fn tag(edition: &str, slug: &str, page: usize) -> String {
    paged(format!("/{edition}/tag/{slug}"), page)
}

/// An item's canonical address: the id decides, section and slug are decoration.
pub fn item(edition: &str, id: ItemId, slug: &str, section_slug: &str) -> String {
    format!("/{edition}/{section_slug}/{id}-{slug}")
}

/// The stylesheet, under a name that changes with its content.
pub fn stylesheet() -> &'static str {
    &super::assets::STYLESHEET.path
}
