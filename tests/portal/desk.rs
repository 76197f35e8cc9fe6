//! The desk narrowed by edition, section, author, status and day, each list in the
//! order of the time that matters for it, and a filter naming nothing refused.

use newsline::domain::Role;
use newsline::newsroom::{Batch, Filing};
use reqwest::StatusCode;

use crate::support::*;

async fn site() -> TestApp {
    let app = TestApp::spawn().await;
    let in_az = |mut filing: Filing| {
        filing.edition = "az".into();
        filing
    };
    app.file(Batch {
        editions: vec![edition("en", "Test News"), edition("az", "Xəbərlər")],
        sections: vec![
            ("en".into(), "politics".into(), "Politics".into()),
            ("en".into(), "economy".into(), "Economy".into()),
            ("az".into(), "siyaset".into(), "Siyasət".into()),
        ],
        filings: vec![
            article(
                "Ministers meet",
                "politics",
                "2025-05-20T10:00:00Z",
                &["Ayla Karimova"],
            ),
            article(
                "Budget passes",
                "economy",
                "2025-05-21T10:00:00Z",
                &["Ayla Karimova"],
            ),
            article(
                "Prices rise",
                "economy",
                "2025-05-22T10:00:00Z",
                &["Orxan Aliyev"],
            ),
            in_az(article(
                "Nazirlər görüşdü",
                "siyaset",
                "2025-05-21T12:00:00Z",
                &["Orxan Aliyev"],
            )),
        ],
    })
    .await;
    app
}

/// The headlines of the desk's published list at `query`.
async fn published(editor: &Browser, query: &str) -> Vec<String> {
    let page = editor.get(&format!("/newsroom{query}")).await;
    assert_eq!(page.status, StatusCode::OK, "{query}: {}", page.body);
    page.texts("section[aria-labelledby=list-published] tbody td:first-child > a:first-child")
}

#[tokio::test]
async fn the_desk_filters_by_edition_section_author_status_and_day() {
    let app = site().await;
    let editor = app.signed_in("editor", Role::Editor).await;
    assert_eq!(
        published(&editor, "").await,
        [
            "Prices rise",
            "Nazirlər görüşdü",
            "Budget passes",
            "Ministers meet"
        ]
    );
    for (query, expected) in [
        ("?edition=az", vec!["Nazirlər görüşdü"]),
        (
            "?edition=en",
            vec!["Prices rise", "Budget passes", "Ministers meet"],
        ),
        ("?section=en/economy", vec!["Prices rise", "Budget passes"]),
        (
            "?author=ayla-karimova",
            vec!["Budget passes", "Ministers meet"],
        ),
        ("?author=orxan-aliyev&edition=en", vec!["Prices rise"]),
        (
            "?from=2025-05-21&to=2025-05-21",
            vec!["Nazirlər görüşdü", "Budget passes"],
        ),
        ("?from=2025-05-22", vec!["Prices rise"]),
        ("?status=published&to=2025-05-20", vec!["Ministers meet"]),
        ("?status=draft", vec![]),
        (
            "?edition=&section=&author=&status=&from=&to=",
            vec![
                "Prices rise",
                "Nazirlər görüşdü",
                "Budget passes",
                "Ministers meet",
            ],
        ),
    ] {
        assert_eq!(published(&editor, query).await, expected, "{query}");
    }
    // The form shows the filter chosen.
    let page = editor.get("/newsroom?section=en/economy").await;
    assert_eq!(page.texts("#f-section option[selected]"), ["Economy (en)"]);

    for (query, field) in [
        ("?edition=xx", "edition"),
        ("?section=en/nowhere", "section"),
        ("?author=nobody", "author"),
        ("?status=lost", "status"),
        ("?from=21.05.2025", "from"),
        ("?to=2025-02-30", "to"),
    ] {
        let refused = editor.get(&format!("/newsroom{query}")).await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{query}");
        assert!(refused.body.contains(field), "{query}: {}", refused.body);
        assert_eq!(refused.texts(".newsroom-error").len(), 1, "{query}");
    }
}

#[tokio::test]
async fn the_published_pages_keep_the_filter() {
    let app = TestApp::spawn().await;
    let stories: Vec<_> = (1..=40)
        .map(|n| {
            let section = if n % 2 == 0 { "politics" } else { "economy" };
            let at = format!("2025-05-01T{:02}:{:02}:00Z", 8 + n / 60, n % 60);
            brief(&format!("Story {n:02}"), section, &at)
        })
        .collect();
    app.file(Batch {
        editions: vec![edition("en", "Test News")],
        sections: vec![
            ("en".into(), "politics".into(), "Politics".into()),
            ("en".into(), "economy".into(), "Economy".into()),
        ],
        filings: stories,
    })
    .await;
    let editor = app.signed_in("editor", Role::Editor).await;
    let first = editor.get("/newsroom?section=en%2Fpolitics").await;
    let next = first.hrefs("section[aria-labelledby=list-published] a[rel=next]");
    assert!(next.is_empty(), "twenty fit on one page: {next:?}");
    let all = editor.get("/newsroom").await;
    let next = all.hrefs("section[aria-labelledby=list-published] a[rel=next]");
    assert_eq!(next, ["/newsroom?page=2#list-published"]);
    let filtered = editor
        .get("/newsroom?status=published&from=2025-05-01")
        .await;
    let next = filtered.hrefs("section[aria-labelledby=list-published] a[rel=next]");
    assert_eq!(
        next,
        ["/newsroom?page=2&status=published&from=2025-05-01#list-published"]
    );
    let second = editor.get(&next[0]).await;
    assert_eq!(
        second
            .texts("section[aria-labelledby=list-published] tbody td:first-child > a:first-child")
            .len(),
        10
    );
    assert!(
        second
            .texts("section[aria-labelledby=list-drafts] tbody tr")
            .is_empty()
    );
}
