use askama::Template;
use axum::extract::Path;
use axum::response::Response;

use crate::domain::ItemId;
use crate::read::Dependency;
use crate::web::error::PageError;
use crate::web::reader::Reader;
use crate::web::views::{Chrome, ItemLine, NavLink, NewsLine, TimeView, media_src, media_srcset};
use crate::web::{respond, urls};

/// A lead image with its variants.
struct LeadImage {
    src: String,
    srcset: String,
    webp_srcset: String,
    width: i64,
    height: i64,
    alt: String,
    caption: Option<String>,
    credit: Option<String>,
}

/// The article as the page shows it.
struct Story {
    id: i64,
    /// The label of the edit link a script adds for newsroom staff, in the edition's
    /// language; the page itself is the same for everyone, so the page cache may hold it.
    edit_label: &'static str,
    lead_image: Option<LeadImage>,
    breaking: bool,
    headline: String,
    dek: Option<String>,
    section: NavLink,
    time: TimeView,
    updated: Option<TimeView>,
    body_html: String,
    authors: Vec<NavLink>,
    outlet: Option<String>,
    corrections: Vec<(TimeView, String)>,
    tags: Vec<NavLink>,
}

/// The same story in another edition.
struct Translation {
    href: String,
    /// The edition's language tag.
    lang: String,
    /// The language's own name.
    language: &'static str,
    headline: String,
}

#[derive(Template)]
#[template(path = "pages/article.html")]
struct ArticlePage {
    chrome: Chrome,
    story: Story,
    related: Option<ItemLine>,
    translations: Vec<Translation>,
    news_line: NewsLine,
}

/// Reads the id at the start of `1234-some-slug`; anything else names no item.
fn item_id(segment: &str) -> Option<ItemId> {
    let digits = segment.split('-').next()?;
    if digits.is_empty() || digits.len() > 18 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// An article or brief; a stale section or slug in the URL redirects to the current one.
pub async fn show_item(
    reader: Reader,
    Path((_, _, segment)): Path<(String, String, String)>,
) -> Result<Response, PageError> {
    let id = item_id(&segment).ok_or(PageError::NotFound)?;
    let item = reader.snapshot.item(id).ok_or(PageError::NotFound)?;
    if item.edition.as_ref() != reader.edition.code.as_ref() {
        return Err(PageError::NotFound);
    }
    let views = reader.views();
    let canonical = views.item_href(item);
    if canonical != reader.path {
        return Ok(respond::moved_permanently(&canonical));
    }
    let code = reader.code();
    // The body is the one thing the read model does not hold: read it now, on this
    // page cache miss. Gone from the store (deleted meanwhile) reads as not found.
    let body = reader
        .bodies()
        .body(item.id)
        .await?
        .ok_or(PageError::NotFound)?;
    let line = views.line(item, None);
    let story = Story {
        id: item.id,
        edit_label: crate::web::newsroom::words::for_language(
            // The primary subtag: `ru-RU` reads as `ru`.
            reader
                .edition
                .language
                .as_ref()
                .split('-')
                .next()
                .unwrap_or_default(),
        )
        .edit,
        lead_image: item
            .lead_media
            .and_then(|id| reader.snapshot.media(id))
            .map(|m| LeadImage {
                src: media_src(m, None),
                srcset: media_srcset(m, &m.format),
                webp_srcset: media_srcset(m, "webp"),
                width: m.width,
                height: m.height,
                alt: m.alt.clone(),
                caption: m.caption.clone(),
                credit: m.credit.clone(),
            }),
        breaking: item.breaking,
        headline: item.headline.to_string(),
        dek: item.dek.as_deref().map(str::to_owned),
        section: line.section,
        time: line.time,
        updated: item.corrections.last().map(|c| views.time(c.noted_at)),
        body_html: body.html,
        authors: item
            .authors
            .iter()
            .filter_map(|id| reader.snapshot.author(*id))
            .map(|a| NavLink {
                href: urls::author(code, a.slug.as_ref(), 1),
                label: a.name.clone(),
                current: false,
            })
            .collect(),
        outlet: item
            .outlet
            .as_deref()
            .map(str::to_owned)
            .or_else(|| (!item.authors.is_empty()).then(|| reader.edition.outlet.clone())),
        corrections: item
            .corrections
            .iter()
            .map(|c| (views.time(c.noted_at), c.note.clone()))
            .collect(),
        tags: item
            .tags
            .iter()
            .filter_map(|id| reader.snapshot.tag(*id))
            .map(|t| NavLink {
                href: urls::tag(code, t.slug.as_ref(), 1),
                label: t.name.clone(),
                current: false,
            })
            .collect(),
    };
    let related = item
        .related
        .and_then(|id| reader.snapshot.item(id))
        .map(|r| views.line(r, None));
    let mut chrome = reader.chrome(body.seo.title.as_deref().unwrap_or(&item.headline));
    chrome.head = reader.article_meta(item, body.summary.as_deref(), &body.seo, &canonical);
    let mut translations = Vec::new();
    for other in reader.snapshot.translations(item) {
        let href = views.item_href(&other);
        // The language switcher leads to the story itself where it is translated.
        if let Some(link) = chrome
            .editions
            .iter_mut()
            .find(|e| e.code == *other.edition)
        {
            link.href.clone_from(&href);
        }
        reader.depends_on(Dependency::Item(other.id));
        translations.push(Translation {
            href,
            lang: reader
                .snapshot
                .edition(&other.edition)
                .map_or_else(|| other.edition.to_string(), |e| e.language.to_string()),
            language: crate::web::strings::for_language(&other.edition).language_name,
            headline: other.headline.to_string(),
        });
    }
    reader.depends_on(Dependency::Item(item.id));
    if let Some(id) = item.related {
        reader.depends_on(Dependency::Item(id));
    }
    if let Some(id) = item.lead_media {
        reader.depends_on(Dependency::Media(id));
    }
    let page = ArticlePage {
        chrome,
        story,
        related,
        translations,
        news_line: reader.news_line(Some(item.id)),
    };
    Ok(reader.cacheable(respond::html(&page)?))
}

#[cfg(test)]
mod tests {
    use super::item_id;

    #[test]
    fn the_id_leads_the_item_segment() {
        assert_eq!(item_id("1234-azerbaijan-turkiye"), Some(1234));
        assert_eq!(item_id("1234"), Some(1234));
        assert_eq!(item_id("abc-1234"), None);
        assert_eq!(item_id("-1"), None);
        assert_eq!(item_id("99999999999999999999999-x"), None);
    }
}
