use askama::Template;
use axum::extract::{Path, Query};
use axum::response::Response;
use jiff::civil::Date;

use super::listing::ListingPage;
use crate::domain::time;
use crate::read::Dependency;
use crate::read::{count_from, page_of};
use crate::web::error::{PageError, Problem};
use crate::web::reader::{PageQuery, Reader};
use crate::web::views::{Chrome, ItemLine, NavLink, Pagination};
use crate::web::{respond, urls};

/// One day's heading and items on an archive page.
struct DayGroup {
    label: String,
    machine: String,
    href: String,
    items: Vec<ItemLine>,
}

#[derive(Template)]
#[template(path = "pages/archive.html")]
struct ArchivePage {
    chrome: Chrome,
    heading: String,
    /// How many items the archive holds, in words.
    count: String,
    days: Vec<DayGroup>,
    pagination: Pagination,
    news_line: crate::web::views::NewsLine,
}

/// Every published item of the edition, newest first, grouped by local day.
pub async fn list_news(
    reader: Reader,
    Query(query): Query<PageQuery>,
) -> Result<Response, PageError> {
    let number = query.number()?;
    let newest = reader.snapshot.newest(reader.code());
    let page = page_of(newest, number, reader.site.page_size).ok_or(PageError::NotFound)?;
    let views = reader.views();
    let strings = reader.strings();
    let zone = &reader.site.time_zone;
    let mut days: Vec<DayGroup> = Vec::new();
    let mut current: Option<Date> = None;
    for item in &page.items {
        let date = time::local_date(item.published_at(), zone);
        if current != Some(date) {
            current = Some(date);
            days.push(DayGroup {
                label: strings.long_date(date),
                machine: date.to_string(),
                href: urls::day(reader.code(), date, 1),
                items: Vec::new(),
            });
        }
        if let Some(group) = days.last_mut() {
            group.items.push(views.line(item, None));
        }
    }
    let heading = strings.all_news.to_owned();
    let title = if number > 1 {
        format!("{heading} ({} {number})", strings.page)
    } else {
        heading.clone()
    };
    let code = reader.code().to_owned();
    let mut chrome = reader.chrome(&title);
    chrome.head = reader.list_meta("CollectionPage", &heading, &urls::news(&code, number), &[]);
    let response = respond::html(&ArchivePage {
        chrome,
        heading,
        count: strings.count(&strings.items, newest.len()),
        days,
        pagination: Pagination::new(&page, |n| urls::news(&code, n)),
        news_line: reader.news_line(None),
    })?;
    reader.depends_on(Dependency::Archive(reader.edition_key()));
    Ok(reader.cacheable(response))
}

/// Reads `2025/05/21` strictly: four, two and two digits naming a real date.
fn parse_day(year: &str, month: &str, day: &str) -> Result<Date, PageError> {
    let bad = || PageError::BadRequest(Problem::Day.into());
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    if !(digits(year, 4) && digits(month, 2) && digits(day, 2)) {
        return Err(bad());
    }
    let (y, m, d) = (
        year.parse::<i16>().map_err(|_| bad())?,
        month.parse::<i8>().map_err(|_| bad())?,
        day.parse::<i8>().map_err(|_| bad())?,
    );
    Date::new(y, m, d).map_err(|_| bad())
}

/// The items published on one local day, newest first, with links to the neighbouring days.
pub async fn list_day(
    reader: Reader,
    Path((_, year, month, day)): Path<(String, String, String, String)>,
    Query(query): Query<PageQuery>,
) -> Result<Response, PageError> {
    let date = parse_day(&year, &month, &day)?;
    let number = query.number()?;
    let zone = &reader.site.time_zone;
    let (from, until) =
        time::day_bounds(date, zone).ok_or(PageError::BadRequest(Problem::DayOutOfRange.into()))?;
    let list = reader
        .snapshot
        .published_between(reader.code(), from, until);
    if list.is_empty() {
        return Err(PageError::NotFound);
    }
    let page = page_of(&list, number, reader.site.page_size).ok_or(PageError::NotFound)?;
    let code = reader.code().to_owned();
    let strings = reader.strings();
    let newest = reader.snapshot.newest(&code);
    // The list is newest first: the neighbours are just outside the day's slice.
    let later = count_from(newest, until);
    let earlier = count_from(newest, from);
    let mut day_links = Vec::new();
    if let Some(item) = newest.get(earlier) {
        let d = time::local_date(item.published_at(), zone);
        day_links.push(NavLink {
            href: urls::day(&code, d, 1),
            label: format!("{}: {}", strings.earlier_day, strings.long_date(d)),
            current: false,
        });
    }
    if let Some(item) = later.checked_sub(1).and_then(|i| newest.get(i)) {
        let d = time::local_date(item.published_at(), zone);
        day_links.push(NavLink {
            href: urls::day(&code, d, 1),
            label: format!("{}: {}", strings.later_day, strings.long_date(d)),
            current: false,
        });
    }
    let heading = format!("{}: {}", strings.all_news, strings.long_date(date));
    let mut chrome = reader.chrome(&heading);
    chrome.head = reader.list_meta(
        "CollectionPage",
        &heading,
        &urls::day(&code, date, number),
        &[],
    );
    let response = respond::html(&ListingPage {
        chrome,
        heading,
        count: strings.count(&strings.items, list.len()),
        items: reader.views().lines(&page.items),
        pagination: Pagination::new(&page, |n| urls::day(&code, date, n)),
        day_links,
    })?;
    // Its neighbouring-day links follow the whole archive.
    reader.depends_on(Dependency::Archive(reader.edition_key()));
    Ok(reader.cacheable(response))
}

#[cfg(test)]
mod tests {
    use super::parse_day;

    #[test]
    fn archive_days_must_be_real_dates_in_full_form() {
        assert!(parse_day("2025", "05", "21").is_ok());
        for (y, m, d) in [
            ("2025", "5", "21"),
            ("2025", "02", "30"),
            ("2025", "13", "01"),
            ("25", "05", "21"),
            ("abcd", "05", "21"),
            ("2025", "00", "10"),
        ] {
            assert!(parse_day(y, m, d).is_err(), "{y}/{m}/{d}");
        }
    }
}
