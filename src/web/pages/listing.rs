use askama::Template;
use axum::extract::{Path, Query};
use axum::response::Response;

use crate::read::Dependency;
use crate::read::page_of;
use crate::web::error::PageError;
use crate::web::reader::{PageQuery, Reader};
use crate::web::views::{Chrome, ItemLine, NavLink, Pagination};
use crate::web::{respond, urls};

#[derive(Template)]
#[template(path = "pages/listing.html")]
pub(super) struct ListingPage {
    pub chrome: Chrome,
    pub heading: String,
    /// How many items the list holds, in words.
    pub count: String,
    pub items: Vec<ItemLine>,
    pub pagination: Pagination,
    pub day_links: Vec<NavLink>,
}

fn render(
    reader: &Reader,
    key: Dependency,
    heading: String,
    list: &crate::read::Listing,
    query: &PageQuery,
    url: impl Fn(usize) -> String,
) -> Result<Response, PageError> {
    let number = query.number()?;
    let page = page_of(list, number, reader.site.page_size).ok_or(PageError::NotFound)?;
    let title = if number > 1 {
        format!("{heading} ({} {number})", reader.strings().page)
    } else {
        heading.clone()
    };
    let mut chrome = reader.chrome(&title);
    let trail = [
        (
            reader.edition.name.clone(),
            crate::web::urls::home(reader.code()),
        ),
        (heading.clone(), url(1)),
    ];
    chrome.head = reader.list_meta("CollectionPage", &heading, &url(number), &trail);
    let strings = reader.strings();
    let response = respond::html(&ListingPage {
        chrome,
        heading,
        count: strings.count(&strings.items, list.len()),
        items: reader.views().lines(&page.items),
        pagination: Pagination::new(&page, &url),
        day_links: Vec::new(),
    })?;
    reader.depends_on(key);
    Ok(reader.cacheable(response))
}

/// A section's items, newest first, paginated.
pub async fn list_section(
    reader: Reader,
    Path((_, slug)): Path<(String, String)>,
    Query(query): Query<PageQuery>,
) -> Result<Response, PageError> {
    let Some(section) = reader
        .snapshot
        .section_by_slug(reader.code(), &slug)
        .cloned()
    else {
        // An address the section had before it moved leads to where it is now.
        let moved = reader
            .snapshot
            .moved_section(reader.code(), &slug)
            .ok_or(PageError::NotFound)?;
        let page = query.number()?;
        return Ok(crate::web::respond::moved_permanently(&urls::section(
            reader.code(),
            moved.slug.as_ref(),
            page,
        )));
    };
    let list = reader.snapshot.in_section(reader.code(), section.id);
    let code = reader.code().to_owned();
    let key = Dependency::Section(reader.edition_key(), section.id);
    render(&reader, key, section.name.clone(), list, &query, |n| {
        urls::section(&code, section.slug.as_ref(), n)
    })
}

/// An author's items in the edition, newest first, paginated.
pub async fn list_author(
    reader: Reader,
    Path((_, slug)): Path<(String, String)>,
    Query(query): Query<PageQuery>,
) -> Result<Response, PageError> {
    let author = reader
        .snapshot
        .author_by_slug(&slug)
        .ok_or(PageError::NotFound)?
        .clone();
    let list = reader.snapshot.by_author(reader.code(), author.id);
    let code = reader.code().to_owned();
    let key = Dependency::Author(reader.edition_key(), author.id);
    render(&reader, key, author.name.clone(), list, &query, |n| {
        urls::author(&code, author.slug.as_ref(), n)
    })
}

/// A tag's items, newest first, paginated.
pub async fn list_tag(
    reader: Reader,
    Path((_, slug)): Path<(String, String)>,
    Query(query): Query<PageQuery>,
) -> Result<Response, PageError> {
    let tag = reader
        .snapshot
        .tag_by_slug(reader.code(), &slug)
        .ok_or(PageError::NotFound)?
        .clone();
    let list = reader.snapshot.with_tag(reader.code(), tag.id);
    let code = reader.code().to_owned();
    let heading = format!("{}: {}", reader.strings().tag, tag.name);
    let key = Dependency::Tag(reader.edition_key(), tag.id);
    render(&reader, key, heading, list, &query, |n| {
        urls::tag(&code, tag.slug.as_ref(), n)
    })
}
