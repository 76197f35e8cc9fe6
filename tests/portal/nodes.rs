//! Several nodes on one database: changes reach every node through the change log,
//! in order, once; once-only work happens once; a lost database or node heals.

use std::collections::HashSet;
use std::process::Command;
use std::sync::Arc;
use std::time::Duration;

use jiff::{SignedDuration, Timestamp};
use newsline::domain::{Clock, ManualClock};
use newsline::newsroom::{Batch, Newsroom};
use newsline::store::{Entity, Store};
use reqwest::StatusCode;

use crate::cluster::Cluster;
use crate::support::*;

/// Polls `check` every 50 ms until it holds or `limit` passes; true if it held.
async fn eventually<F, Fut>(limit: Duration, mut check: F) -> bool
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    let deadline = tokio::time::Instant::now() + limit;
    loop {
        if check().await {
            return true;
        }
        if tokio::time::Instant::now() >= deadline {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Waits (bounded) until at least `count` connections listen for changes on `url`.
async fn listeners_on(url: &str, count: i64) -> bool {
    let pool = sqlx::PgPool::connect(url).await.expect("connects");
    eventually(Duration::from_secs(5), || async {
        sqlx::query_scalar::<_, i64>(
            "SELECT count(*) FROM pg_stat_activity \
             WHERE datname = current_database() AND query LIKE 'LISTEN%'",
        )
        .fetch_one(&pool)
        .await
        .is_ok_and(|n| n >= count)
    })
    .await
}

/// Waits (bounded) until a writer queues on PostgreSQL's write lock on `url`.
async fn writers_waiting(url: &str) -> bool {
    let pool = sqlx::PgPool::connect(url).await.expect("connects");
    eventually(Duration::from_secs(5), || async {
        sqlx::query_scalar::<_, i64>(
            "SELECT count(*) FROM pg_locks l JOIN pg_database d ON d.oid = l.database \
             WHERE l.locktype = 'advisory' AND NOT l.granted AND d.datname = current_database()",
        )
        .fetch_one(&pool)
        .await
        .is_ok_and(|n| n >= 1)
    })
    .await
}

fn postgres_pass_only(test: &str) -> bool {
    if !on_postgres() {
        eprintln!("{test} runs in the PostgreSQL pass (TEST_DATABASE=postgres)");
    }
    on_postgres()
}

#[tokio::test]
async fn the_suite_runs_on_the_store_it_was_asked_for() {
    let app = TestApp::spawn().await;
    let expected = if on_postgres() {
        newsline::store::Dialect::Postgres
    } else {
        newsline::store::Dialect::Sqlite
    };
    assert_eq!(app.store.dialect(), expected);
}

#[tokio::test]
async fn a_publish_on_one_node_reaches_another_within_a_second_by_notification() {
    if !postgres_pass_only("notification between nodes") {
        return;
    }
    let a = TestApp::spawn().await;
    // A poll this slow cannot explain a change arriving in under a second.
    let b = TestApp::spawn_with(a.db.shared_with_another_node(), |s| {
        s.poll_interval = Duration::from_secs(600);
    })
    .await;
    // B must be listening before the write it is to hear about.
    assert!(
        listeners_on(&a.db.url, 2).await,
        "both nodes listen for changes"
    );
    a.file(filings(vec![brief(
        "Heard on node B",
        "politics",
        "2025-05-21T10:00:00Z",
    )]))
    .await;
    let arrived = eventually(Duration::from_secs(1), || async {
        b.get("/en/").await.texts(".news-line li a") == ["Heard on node B"]
    })
    .await;
    assert!(
        arrived,
        "node B did not show node A's publish within a second"
    );
}

#[tokio::test]
async fn a_stopped_node_catches_up_when_it_starts_again() {
    let a = TestApp::spawn().await;
    let b = TestApp::spawn_on(a.db.shared_with_another_node()).await;
    a.file(filings(vec![brief(
        "Before the stop",
        "politics",
        "2025-05-21T10:00:00Z",
    )]))
    .await;
    let db_of_b = {
        b.server_stop().await;
        b.into_database()
    };
    a.file(filings(vec![brief(
        "While B was down",
        "politics",
        "2025-05-21T11:00:00Z",
    )]))
    .await;
    let b = TestApp::spawn_on(db_of_b).await;
    assert_eq!(
        b.get("/en/").await.texts(".news-line li a"),
        ["While B was down", "Before the stop"]
    );
}

#[tokio::test]
async fn sequence_numbers_follow_commit_order_so_no_change_is_skipped() {
    let app = TestApp::spawn().await;
    let start = app.store.last_seq().await.expect("seq");
    // T1 takes its sequence number and is slow to commit.
    let mut slow = app.store.begin(app.now()).await.expect("first writer");
    let first = slow
        .append_change(Entity::Taxonomy, "slow-writer", "test")
        .await
        .expect("append");
    // T2 starts meanwhile; it must not take a number until T1 is done.
    let newsroom = app.newsroom.clone();
    let fast = tokio::spawn(async move {
        newsroom
            .file_batch(
                &importer(),
                &filings(vec![brief(
                    "Committed second",
                    "politics",
                    "2025-05-21T10:00:00Z",
                )]),
            )
            .await
    });
    if on_postgres() {
        // PostgreSQL shows the second writer queued on the write lock. SQLite's single
        // write lock gives the same order by construction, with nothing to observe.
        assert!(
            writers_waiting(&app.db.url).await,
            "the second writer queues behind the first"
        );
    }
    assert!(
        !fast.is_finished(),
        "a second writer ran while the first held its number"
    );
    slow.commit().await.expect("first commits");
    fast.await.expect("joined").expect("second commits");
    let changes = app.store.changes_after(start, 100).await.expect("changes");
    let seqs: Vec<i64> = changes.iter().map(|c| c.seq).collect();
    assert_eq!(seqs[0], first, "the first writer's number comes first");
    assert!(seqs.windows(2).all(|w| w[0] < w[1]), "{seqs:?}");
    app.settle().await;
    assert_eq!(
        app.get("/en/").await.texts(".news-line li a"),
        ["Committed second"]
    );
}

#[tokio::test]
async fn a_scheduled_item_goes_live_once_however_many_nodes_run() {
    let a = TestApp::spawn().await;
    let b = a.another_node().await;
    let c = a.another_node().await;
    let mut item = brief("Embargo lifts", "politics", "2025-05-21T10:00:00Z");
    item.published_at = a.now() + SignedDuration::from_secs(60);
    let filed = a.file(filings(vec![item])).await;
    let id = filed[0].id();
    assert!(
        a.get("/en/").await.texts(".news-line li a").is_empty(),
        "not before its time"
    );
    let now = a.clock.advance(SignedDuration::from_secs(60));
    // Every node's scheduler reaches for the item at the same moment.
    let (on_a, on_b, on_c) = tokio::join!(
        a.newsroom.publish_due(now),
        b.newsroom.publish_due(now),
        c.newsroom.publish_due(now),
    );
    let picked: Vec<_> = [on_a, on_b, on_c]
        .into_iter()
        .flat_map(|r| r.expect("the schedule runs"))
        .collect();
    assert!(
        picked.len() <= 1,
        "picked by more than one node: {picked:?}"
    );
    for node in [&a, &b, &c] {
        node.settle().await;
        assert_eq!(
            node.get("/en/").await.texts(".news-line li a"),
            ["Embargo lifts"],
            "the scheduled item is live on every node"
        );
    }
    let published = a
        .store
        .changes_after(0, 1000)
        .await
        .expect("changes")
        .into_iter()
        .filter(|c| {
            c.entity == Entity::Item && c.entity_id == id.to_string() && c.action == "published"
        })
        .count();
    assert_eq!(published, 1, "published exactly once");
}

#[tokio::test]
async fn an_item_that_fell_due_while_no_server_ran_goes_live_at_start() {
    let db = Database::fresh();
    let store = Store::open(&db.url).await.expect("store");
    let clock = Arc::new(ManualClock::starting_at(Timestamp::now()));
    let newsroom = Newsroom::new(store.clone(), Default::default()).with_clock(clock.clone());
    let mut batch = filings(vec![brief(
        "Due while down",
        "politics",
        "2025-05-21T10:00:00Z",
    )]);
    batch.editions.push(edition("en", "Test News"));
    batch
        .sections
        .push(("en".into(), "politics".into(), "Politics".into()));
    batch.filings[0].published_at = clock.now() + SignedDuration::from_mins(5);
    newsroom
        .file_batch(&importer(), &batch)
        .await
        .expect("scheduled");
    store.close().await;
    clock.advance(SignedDuration::from_mins(10));
    let app = TestApp::spawn_with_clock(db, clock, |_| {}).await;
    // Nothing else moves the clock or publishes: only the start-up run can do this.
    let live = eventually(Duration::from_secs(3), || async {
        app.get("/en/").await.texts(".news-line li a") == ["Due while down"]
    })
    .await;
    assert!(live, "the overdue item went live when the server started");
}

/// A `newsline serve` process on a database.
struct Node {
    process: ServerProcess,
}

impl Node {
    async fn start(db: &Database) -> Self {
        let mut args = db.flags();
        args.extend(["serve".into(), "--address".into(), "127.0.0.1:0".into()]);
        Self {
            process: ServerProcess::start(&args).await,
        }
    }

    async fn archive(&self) -> Vec<String> {
        let client = reqwest::Client::new();
        let mut all = Vec::new();
        for page in 1.. {
            let response = client
                .get(format!("{}/en/news?page={page}", self.process.address))
                .send()
                .await
                .expect("answered");
            if response.status() == StatusCode::NOT_FOUND {
                break;
            }
            let body = response.text().await.expect("body");
            let html = scraper::Html::parse_document(&body);
            let links = scraper::Selector::parse(".item-line a.headline").expect("selector");
            let hrefs: Vec<String> = html
                .select(&links)
                .filter_map(|a| a.value().attr("href").map(str::to_owned))
                .collect();
            if hrefs.is_empty() {
                break;
            }
            all.extend(hrefs);
        }
        all
    }

    fn kill(&mut self) {
        self.process.kill();
    }
}

#[tokio::test]
async fn a_storm_of_writes_with_a_node_killed_midway_loses_and_repeats_nothing() {
    let seeded = TestApp::spawn().await;
    let db = seeded.db.shared_with_another_node();
    let mut a = Node::start(&db).await;
    let b = Node::start(&db).await;
    let before = seeded.store.last_seq().await.expect("seq");

    const WRITERS: usize = 4;
    const BATCHES: usize = 25;
    let mut writers = Vec::new();
    for w in 0..WRITERS {
        let url = db.url.clone();
        writers.push(tokio::spawn(async move {
            // Each writer has its own connections, as separate processes would.
            let store = Store::open(&url).await.expect("store");
            let newsroom = Newsroom::new(store, Default::default());
            let mut acknowledged = Vec::new();
            for i in 0..BATCHES {
                let at = format!("2025-05-{:02}T{:02}:{:02}:00Z", 1 + i % 28, w * 5, i % 60);
                let mut items = vec![brief(&format!("Writer {w} item {i}"), "politics", &at)];
                if i % 3 == 0 {
                    items.push(brief(
                        &format!("Writer {w} item {i} follow-up"),
                        "economy",
                        &at,
                    ));
                }
                if let Ok(filed) = newsroom.file_batch(&importer(), &filings(items)).await {
                    acknowledged.extend(filed.into_iter().map(|f| f.id()));
                }
            }
            acknowledged
        }));
    }
    // Kill A once the storm is under way, not before it began.
    let under_way = eventually(Duration::from_secs(10), || async {
        seeded
            .store
            .last_seq()
            .await
            .is_ok_and(|seq| seq >= before + 10)
    })
    .await;
    assert!(under_way, "the writers got going");
    a.kill();
    let a = Node::start(&db).await;

    let mut acknowledged = Vec::new();
    for writer in writers {
        acknowledged.extend(writer.await.expect("writer finished"));
    }
    let expected = WRITERS * (BATCHES + BATCHES.div_ceil(3));
    assert_eq!(acknowledged.len(), expected, "every write was acknowledged");
    for id in &acknowledged {
        let item = seeded
            .store
            .item(*id)
            .await
            .expect("read")
            .expect("acknowledged write is stored");
        assert_eq!(item.status, newsline::domain::Status::Published);
    }

    let converged = eventually(Duration::from_secs(10), || async {
        a.archive().await.len() == expected && b.archive().await.len() == expected
    })
    .await;
    assert!(converged, "both nodes show every acknowledged item");
    let (on_a, on_b) = (a.archive().await, b.archive().await);
    assert_eq!(
        on_a, on_b,
        "both nodes show the same archive in the same order"
    );
    let distinct: HashSet<&String> = on_a.iter().collect();
    assert_eq!(distinct.len(), on_a.len(), "no item is shown twice");
    let ids: HashSet<i64> = on_a
        .iter()
        .filter_map(|h| h.rsplit('/').next()?.split('-').next()?.parse().ok())
        .collect();
    assert_eq!(ids, acknowledged.iter().copied().collect::<HashSet<_>>());
}

#[tokio::test(flavor = "multi_thread")]
async fn while_the_database_is_away_reads_go_on_writes_fail_fast_and_it_heals() {
    if !postgres_pass_only("database outage") {
        return;
    }
    let cluster = tokio::task::spawn_blocking(Cluster::start)
        .await
        .expect("cluster");
    let db = Database {
        dir: tempfile::tempdir().expect("dir"),
        url: tokio::task::block_in_place(|| cluster.create_database()),
    };
    let app = TestApp::spawn_on(db).await;
    app.file(Batch {
        editions: vec![edition("en", "Test News")],
        sections: vec![("en".into(), "politics".into(), "Politics".into())],
        filings: vec![brief(
            "Before the outage",
            "politics",
            "2025-05-21T10:00:00Z",
        )],
    })
    .await;

    tokio::task::block_in_place(|| cluster.stop());
    let page = app.get("/en/").await;
    assert_eq!(page.status, StatusCode::OK, "reads are served from memory");
    assert_eq!(page.texts(".news-line li a"), ["Before the outage"]);
    let started = std::time::Instant::now();
    let refused = app
        .newsroom
        .file_batch(
            &importer(),
            &filings(vec![brief(
                "During the outage",
                "politics",
                "2025-05-21T11:00:00Z",
            )]),
        )
        .await
        .expect_err("no database, no write");
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "the write failed fast"
    );
    assert_eq!(
        newsline::web::PageError::from(refused).to_string(),
        "the database is unavailable"
    );

    tokio::task::block_in_place(|| cluster.start_again());
    let healed = eventually(Duration::from_secs(15), || async {
        app.newsroom
            .file_batch(
                &importer(),
                &filings(vec![brief(
                    "After the outage",
                    "politics",
                    "2025-05-21T12:00:00Z",
                )]),
            )
            .await
            .is_ok()
    })
    .await;
    assert!(healed, "writes work again without a restart");
    let shown = eventually(Duration::from_secs(5), || async {
        app.get("/en/")
            .await
            .texts(".news-line li a")
            .first()
            .map(String::as_str)
            == Some("After the outage")
    })
    .await;
    assert!(shown, "the node's pages follow the change log again");
}

#[tokio::test(flavor = "multi_thread")]
async fn reads_that_tolerate_lag_come_from_the_replica() {
    if !postgres_pass_only("read replica") {
        return;
    }
    let primary = tokio::task::spawn_blocking(Cluster::start)
        .await
        .expect("primary");
    let url = tokio::task::block_in_place(|| primary.create_database());
    let replica = tokio::task::block_in_place(|| Cluster::replica_of(&primary));
    let name = url.rsplit('/').next().expect("database name").to_owned();
    let replica_url = replica.url(&name);
    let db = Database {
        dir: tempfile::tempdir().expect("dir"),
        url,
    };
    let app = TestApp::spawn_with(db, |s| {
        s.set("read_database_url", &replica_url)
            .expect("replica url");
    })
    .await;
    app.file(Batch {
        editions: vec![edition("en", "Test News")],
        sections: vec![("en".into(), "politics".into(), "Politics".into())],
        filings: vec![brief("Replicated", "politics", "2025-05-21T10:00:00Z")],
    })
    .await;
    assert_eq!(
        app.get("/en/").await.texts(".news-line li a"),
        ["Replicated"]
    );

    // Freeze the replica: a write to the primary must not show until it replays.
    let on_replica = Store::open_with_replica(&replica_url, None).await;
    assert!(on_replica.is_err(), "the replica is read-only");
    let pause = |sql: &'static str| {
        let port = replica.port.to_string();
        let name = name.clone();
        move || {
            let out = Command::new("psql")
                .args([
                    "-h",
                    "127.0.0.1",
                    "-p",
                    &port,
                    "-U",
                    "newsline",
                    "-d",
                    &name,
                    "-qc",
                    sql,
                ])
                .output()
                .expect("psql");
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
    };
    tokio::task::block_in_place(pause("SELECT pg_wal_replay_pause()"));
    app.newsroom
        .file_batch(
            &importer(),
            &filings(vec![brief(
                "Written during the pause",
                "politics",
                "2025-05-21T11:00:00Z",
            )]),
        )
        .await
        .expect("the primary takes writes");
    let written = app.store.primary().last_seq().await.expect("primary seq");
    let replicated = app.store.last_seq().await.expect("replica seq");
    assert!(
        replicated < written,
        "lag-tolerant reads go to the paused replica"
    );
    assert!(
        app.read.wait_for(replicated, Duration::from_secs(5)).await,
        "the node applied what the replica has"
    );
    assert_eq!(
        app.get("/en/").await.texts(".news-line li a"),
        ["Replicated"],
        "the node reads the paused replica"
    );
    tokio::task::block_in_place(pause("SELECT pg_wal_replay_resume()"));
    let caught_up = eventually(Duration::from_secs(5), || async {
        app.get("/en/").await.texts(".news-line li a").len() == 2
    })
    .await;
    assert!(caught_up, "the node follows the replica once it replays");
}

#[tokio::test(flavor = "multi_thread")]
async fn with_the_database_gone_cached_pages_and_listings_serve_and_uncached_bodies_answer_503() {
    let app = TestApp::spawn().await;
    let filed = app
        .file(Batch {
            editions: vec![edition("en", "Test News")],
            sections: vec![("en".into(), "politics".into(), "Politics".into())],
            filings: vec![
                article("Read before", "politics", "2025-05-21T10:00:00Z", &["A"]),
                article("Never read", "politics", "2025-05-21T11:00:00Z", &["A"]),
            ],
        })
        .await;
    let read = app.item_path(filed[0].id()).await;
    let unread = app.item_path(filed[1].id()).await;
    app.get(&read).await;
    assert_eq!(app.get(&read).await.header("x-cache"), "hit");

    // Every connection gone and none to be had: what a database outage looks like to
    // the server, on either store.
    app.store.close().await;

    let cached = app.get(&read).await;
    assert_eq!(cached.status, StatusCode::OK, "a cached article is served");
    assert!(cached.body.contains("First paragraph."));
    for listing in ["/en/", "/en/politics", "/en/news"] {
        let page = app.get(listing).await;
        assert_eq!(page.status, StatusCode::OK, "{listing} comes from memory");
        assert!(
            page.body.contains("Never read"),
            "{listing} lists the items"
        );
    }
    for path in [unread.as_str(), "/en/feed.xml", "/en/atom.xml"] {
        for attempt in ["first", "second"] {
            let page = app.get(path).await;
            assert_eq!(
                page.status,
                StatusCode::SERVICE_UNAVAILABLE,
                "{path}, {attempt}: its body cannot be read"
            );
            assert!(
                !page.header("retry-after").is_empty(),
                "{path}: Retry-After"
            );
            assert_ne!(
                page.header("x-cache"),
                "hit",
                "{path}: a 503 is never cached"
            );
            assert_eq!(
                page.texts(".masthead .site-name").len(),
                1,
                "{path}: in the site layout"
            );
        }
    }
}
