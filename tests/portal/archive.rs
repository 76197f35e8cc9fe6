//! The archive as a starting server loads it: whatever wrote the items (the newsroom,
//! an edit, `bench-data`), a fresh start shows exactly what the store holds.

use std::collections::BTreeMap;

use newsline::domain::Role;
use newsline::newsroom::{Button, ItemForm};
use reqwest::StatusCode;
use sqlx::Row;

use crate::import::newsline;
use crate::support::*;

fn zone() -> jiff::tz::TimeZone {
    jiff::tz::TimeZone::get("Asia/Baku").expect("zone")
}

/// Each item's author and tag ids as its own row lists them, and as the link tables
/// do (by position); the two must agree for every item.
async fn links_both_ways(url: &str) -> [BTreeMap<i64, (String, String)>; 2] {
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(url).await.expect("connect");
    let mut listed = BTreeMap::new();
    for row in sqlx::query("SELECT id, author_ids, tag_ids FROM items")
        .fetch_all(&pool)
        .await
        .expect("items")
    {
        let id: i64 = row.get(0);
        listed.insert(id, (row.get(1), row.get(2)));
    }
    let mut linked: BTreeMap<i64, (String, String)> = listed
        .keys()
        .map(|id| (*id, (String::new(), String::new())))
        .collect();
    for (table, column, tags) in [
        ("item_authors", "author_id", false),
        ("item_tags", "tag_id", true),
    ] {
        let sql = format!("SELECT item_id, {column} FROM {table} ORDER BY item_id, position");
        for row in sqlx::query(sqlx::AssertSqlSafe(sql))
            .fetch_all(&pool)
            .await
            .expect("links")
        {
            let item: i64 = row.get(0);
            let other: i64 = row.get(1);
            let entry = linked.entry(item).or_default();
            let list = if tags { &mut entry.1 } else { &mut entry.0 };
            if !list.is_empty() {
                list.push(',');
            }
            list.push_str(&other.to_string());
        }
    }
    pool.close().await;
    [listed, linked]
}

#[tokio::test]
async fn authors_and_tags_keep_their_order_through_edits_and_a_restart() {
    let app = TestApp::spawn().await;
    let actor = app.actor("archive-editor", Role::Editor).await;
    let form = |authors: &str, tags: &str| ItemForm {
        edition: "en".into(),
        kind: "article".into(),
        headline: "Pipeline talks resume".into(),
        body: "Body.".into(),
        section: "politics".into(),
        authors: authors.into(),
        tags: tags.into(),
        ..ItemForm::default()
    };
    let id = app
        .newsroom
        .create_item(
            &actor,
            &form("Ayla Karimova, Rauf Aliyev", "Energy, Caspian")
                .command(Button::Publish, &zone())
                .expect("valid"),
        )
        .await
        .expect("published");
    let item = app.newsroom.item(id).await.expect("read").expect("item");
    app.newsroom
        .save_item(
            &actor,
            id,
            item.version,
            &form("Rauf Aliyev, Leyla Mammadova", "Caspian, Oil, Energy")
                .command(Button::Save, &zone())
                .expect("valid"),
        )
        .await
        .expect("saved");
    app.settle().await;
    let [listed, linked] = links_both_ways(&app.db.url).await;
    assert_eq!(listed, linked);

    let app = app.restart().await;
    let page = app.get(&app.item_path(id).await).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(
        page.texts("a[rel=author]"),
        ["Rauf Aliyev", "Leyla Mammadova"]
    );
    assert_eq!(page.texts("a[rel=tag]"), ["Caspian", "Oil", "Energy"]);
    let ayla = app.get("/en/author/ayla-karimova").await;
    assert!(
        !ayla.body.contains("Pipeline talks resume"),
        "a removed author no longer lists the item"
    );
    let leyla = app.get("/en/author/leyla-mammadova").await;
    assert_eq!(leyla.status, StatusCode::OK);
    assert!(leyla.body.contains("Pipeline talks resume"));
}

#[tokio::test]
async fn a_bench_corpus_loads_whole_with_the_links_its_rows_hold() {
    let db = Database::fresh();
    let out = newsline(&db, &["bench-data", "--items", "1500"]).await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("filed 1500 items"));
    // Not on a terminal: no progress bar, only the closing line.
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let [listed, linked] = links_both_ways(&db.url).await;
    assert_eq!(listed.len(), 1500);
    assert_eq!(listed, linked);
    if !on_postgres() {
        sqlx::any::install_default_drivers();
        let pool = sqlx::AnyPool::connect(&db.url).await.expect("connect");
        let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
            .fetch_one(&pool)
            .await
            .expect("journal mode");
        assert_eq!(mode, "wal", "the bulk load puts the write-ahead log back");
        pool.close().await;
    }

    let app = TestApp::spawn_on(db).await;
    let snapshot = app.read.snapshot();
    assert_eq!(snapshot.len(), 1500);
    // Every author's and tag's listing holds exactly the items its link rows name.
    let mut by_author: BTreeMap<i64, usize> = BTreeMap::new();
    let mut by_tag: BTreeMap<i64, usize> = BTreeMap::new();
    for (authors, tags) in linked.values() {
        for (list, counts) in [(authors, &mut by_author), (tags, &mut by_tag)] {
            for id in list.split(',').filter(|s| !s.is_empty()) {
                *counts.entry(id.parse().expect("an id")).or_default() += 1;
            }
        }
    }
    let editions: Vec<String> = snapshot
        .editions()
        .iter()
        .map(|e| e.code.to_string())
        .collect();
    assert_eq!(editions.len(), 3);
    for (author, count) in &by_author {
        let listed: usize = editions
            .iter()
            .map(|e| snapshot.by_author(e, *author).len())
            .sum();
        assert_eq!(listed, *count, "author {author}");
    }
    for (tag, count) in &by_tag {
        let listed: usize = editions
            .iter()
            .map(|e| snapshot.with_tag(e, *tag).len())
            .sum();
        assert_eq!(listed, *count, "tag {tag}");
    }
    let newest = snapshot.newest("en");
    assert_eq!(newest.len(), 500);
    assert!(
        newest
            .iter()
            .zip(newest.iter().skip(1))
            .all(|(a, b)| a.published_at() >= b.published_at()),
        "the news line is newest first"
    );
    let home = app.get("/en/").await;
    assert_eq!(home.status, StatusCode::OK);
}
