//! Crash safety, proven by a storm: writers publish, edit, correct, upload and schedule
//! through the API against a real `newsline serve` while the server is killed with
//! SIGKILL at random moments and started again on the same data; afterwards every
//! write that was acknowledged is there as acknowledged, nothing is half-written, and
//! the news line, feed, sitemap and search show what the database holds.
//!
//! On PostgreSQL two nodes share the database and are killed in turn. The seed is
//! printed; `STORM_SEED=n` replays a storm's choices (the kill points and the mix of
//! writes; not the timing, which the machine decides).

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use newsline::domain::Status;
use newsline::store::Store;
use serde_json::{Value, json};

use crate::support::*;

/// Kills per storm.
const KILLS: usize = 20;
/// Writers sending at once.
const WRITERS: u64 = 3;
/// Items the news page shows: its list's first page (30, the default page size) and
/// the news line beside it (the latest 40), so the latest 40 in all.
const LATEST_SHOWN: usize = 40;
/// Items in an edition's feed.
const FEED_LENGTH: usize = 50;

/// A small, seedable generator (SplitMix64): enough to pick kill points and writes.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

/// What the server acknowledged about one item.
#[derive(Debug, Clone)]
struct Acked {
    version: i64,
    headline: String,
    /// Published when acknowledged, or scheduled to be.
    scheduled: bool,
    /// A later write to it went unanswered: it may or may not have been made.
    uncertain: bool,
    corrections: Vec<String>,
}

/// Every acknowledged write.
#[derive(Debug, Default)]
struct Ledger {
    items: BTreeMap<i64, Acked>,
    media: BTreeSet<i64>,
    writes: usize,
    unanswered: usize,
}

type Shared = Arc<Mutex<Ledger>>;

fn ledger(shared: &Shared) -> std::sync::MutexGuard<'_, Ledger> {
    shared.lock().unwrap_or_else(|e| e.into_inner())
}

/// What one attempted write came to.
enum Sent {
    Answered(reqwest::StatusCode, Value),
    /// The connection broke: the server died, and the write may or may not be stored.
    Unanswered,
}

async fn send(request: reqwest::RequestBuilder) -> Sent {
    match request.send().await {
        Ok(response) => {
            let status = response.status();
            match response.text().await {
                Ok(text) => Sent::Answered(status, serde_json::from_str(&text).unwrap_or_default()),
                Err(_) => Sent::Unanswered,
            }
        }
        Err(_) => Sent::Unanswered,
    }
}

/// Sends writes to `base` until the server stops answering.
async fn write_until_killed(
    base: String,
    token: String,
    shared: Shared,
    mut rng: Rng,
    images: Arc<AtomicU32>,
) {
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .expect("client");
    let auth = format!("Bearer {token}");
    loop {
        let pick = rng.below(100);
        let known: Vec<(i64, Acked)> = {
            let l = ledger(&shared);
            l.items
                .iter()
                .filter(|(_, a)| !a.scheduled && !a.uncertain)
                .map(|(id, a)| (*id, a.clone()))
                .collect()
        };
        let n = rng.next() % 1_000_000;
        let target =
            (!known.is_empty()).then(|| known[rng.below(known.len() as u64) as usize].clone());
        let outcome = match (pick, target) {
            (0..=34, _) | (35..=69, None) => {
                let headline = format!("Storm brief {n}");
                let sent = send(
                    client
                        .post(format!("{base}/api/v1/items"))
                        .header("authorization", &auth)
                        .header("content-type", "application/json")
                        .body(
                            json!({"edition": "en", "kind": "brief", "headline": headline,
                                   "body": "Text.", "section": "politics", "action": "publish"})
                            .to_string(),
                        ),
                )
                .await;
                match sent {
                    Sent::Answered(status, body) if status.as_u16() == 201 => {
                        let id = body["id"].as_i64().expect("id");
                        ledger(&shared).items.insert(
                            id,
                            Acked {
                                version: body["version"].as_i64().expect("version"),
                                headline,
                                scheduled: false,
                                uncertain: false,
                                corrections: Vec::new(),
                            },
                        );
                        Ok(true)
                    }
                    Sent::Answered(status, body) => Err(format!("create: {status} {body}")),
                    Sent::Unanswered => {
                        ledger(&shared).unanswered += 1;
                        Ok(false)
                    }
                }
            }
            (35..=54, Some((id, acked))) => {
                let headline = format!("Storm brief {n}, edited");
                let sent = send(
                    client
                        .patch(format!("{base}/api/v1/items/{id}"))
                        .header("authorization", &auth)
                        .header("if-match", format!("W/\"v{}\"", acked.version))
                        .header("content-type", "application/json")
                        .body(json!({"headline": headline}).to_string()),
                )
                .await;
                settle_item_write(&shared, id, sent, |a, body| {
                    a.headline = headline.clone();
                    a.version = body["version"].as_i64().expect("version");
                })
            }
            (55..=69, Some((id, acked))) => {
                let note = format!("Correction {n}.");
                let sent = send(
                    client
                        .post(format!("{base}/api/v1/items/{id}/corrections"))
                        .header("authorization", &auth)
                        .header("if-match", format!("W/\"v{}\"", acked.version))
                        .header("content-type", "application/json")
                        .body(json!({"note": note}).to_string()),
                )
                .await;
                settle_item_write(&shared, id, sent, |a, body| {
                    a.corrections.push(note.clone());
                    a.version = body["version"].as_i64().expect("version");
                })
            }
            (70..=84, _) => {
                // Each upload a different image, so each has files of its own.
                let k = images.fetch_add(1, Ordering::SeqCst);
                let form = reqwest::multipart::Form::new()
                    .part(
                        "file",
                        reqwest::multipart::Part::bytes(png(8 + k % 97, 8 + k / 97 % 97))
                            .file_name("p.png"),
                    )
                    .text("alt", format!("Image {k}"));
                match send(
                    client
                        .post(format!("{base}/api/v1/media"))
                        .header("authorization", &auth)
                        .multipart(form),
                )
                .await
                {
                    Sent::Answered(status, body) if status.as_u16() == 201 => {
                        ledger(&shared)
                            .media
                            .insert(body["id"].as_i64().expect("id"));
                        Ok(true)
                    }
                    Sent::Answered(status, body) => Err(format!("upload: {status} {body}")),
                    Sent::Unanswered => {
                        ledger(&shared).unanswered += 1;
                        Ok(false)
                    }
                }
            }
            _ => {
                let headline = format!("Storm scheduled {n}");
                let at = jiff::Timestamp::now() + jiff::SignedDuration::from_secs(1 + n as i64 % 3);
                let sent = send(
                    client
                        .post(format!("{base}/api/v1/items"))
                        .header("authorization", &auth)
                        .header("content-type", "application/json")
                        .body(
                            json!({"edition": "en", "kind": "brief", "headline": headline,
                                   "body": "Text.", "section": "politics", "action": "schedule",
                                   "publish_at": at.to_string()})
                            .to_string(),
                        ),
                )
                .await;
                match sent {
                    Sent::Answered(status, body) if status.as_u16() == 201 => {
                        let id = body["id"].as_i64().expect("id");
                        ledger(&shared).items.insert(
                            id,
                            Acked {
                                version: body["version"].as_i64().expect("version"),
                                headline,
                                scheduled: true,
                                uncertain: false,
                                corrections: Vec::new(),
                            },
                        );
                        Ok(true)
                    }
                    Sent::Answered(status, body) => Err(format!("schedule: {status} {body}")),
                    Sent::Unanswered => {
                        ledger(&shared).unanswered += 1;
                        Ok(false)
                    }
                }
            }
        };
        match outcome {
            Ok(true) => ledger(&shared).writes += 1,
            // The server is gone; the next round starts another.
            Ok(false) => return,
            Err(refused) => panic!("a write was refused: {refused}"),
        }
    }
}

/// Records an acknowledged write to a known item; an unanswered one leaves the item's
/// state unknown, so it is no longer written to (and is checked less strictly).
fn settle_item_write(
    shared: &Shared,
    id: i64,
    sent: Sent,
    apply: impl FnOnce(&mut Acked, &Value),
) -> Result<bool, String> {
    let mut l = ledger(shared);
    let acked = l.items.get_mut(&id).expect("known item");
    match sent {
        Sent::Answered(status, body) if status.is_success() => {
            apply(acked, &body);
            Ok(true)
        }
        // Another writer changed it first: a conflict, answered and changing nothing.
        Sent::Answered(status, _) if status.as_u16() == 412 => {
            acked.uncertain = true;
            Ok(true)
        }
        Sent::Answered(status, body) => Err(format!("item {id}: {status} {body}")),
        Sent::Unanswered => {
            acked.uncertain = true;
            l.unanswered += 1;
            Ok(false)
        }
    }
}

/// The item ids in the links of `text` (`/en/politics/ID-slug`).
fn item_ids_in(text: &str) -> HashSet<i64> {
    text.split("/en/politics/")
        .skip(1)
        .filter_map(|rest| {
            let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
            digits.parse().ok()
        })
        .collect()
}

/// Polls `check` every 50 ms for up to 30 seconds; the last failure if it never held.
async fn eventually<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<(), String>>,
{
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        match check().await {
            Ok(()) => return,
            Err(why) if tokio::time::Instant::now() >= deadline => panic!("{what}: {why}"),
            Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
        }
    }
}

async fn text(client: &reqwest::Client, url: &str) -> Result<String, String> {
    let response = client.get(url).send().await.map_err(|e| e.to_string())?;
    if !response.status().is_success() {
        return Err(format!("{url}: {}", response.status()));
    }
    response.text().await.map_err(|e| e.to_string())
}

/// The files of the media folders, grouped by the content hash naming them.
fn media_files(dirs: &[std::path::PathBuf]) -> BTreeMap<String, Vec<String>> {
    let mut files: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for dir in dirs {
        let Ok(entries) = std::fs::read_dir(dir.join("media")) else {
            continue;
        };
        for entry in entries {
            let name = entry
                .expect("entry")
                .file_name()
                .to_string_lossy()
                .into_owned();
            let hash: String = name
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric())
                .collect();
            files.entry(hash).or_default().push(name);
        }
    }
    files
}

#[tokio::test]
async fn every_acknowledged_write_survives_twenty_kills_and_every_view_agrees() {
    let seed = std::env::var("STORM_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(1, |d| d.as_nanos() as u64)
        });
    println!("storm seed: {seed} (STORM_SEED={seed} to replay)");
    let mut rng = Rng(seed);
    let db = Database::fresh();
    let token = site_with_editor_token(&db).await;
    // On PostgreSQL a second node shares the database; the nodes are killed in turn.
    let other = on_postgres().then(|| db.shared_with_another_node());
    let dbs: Vec<&Database> = std::iter::once(&db).chain(other.as_ref()).collect();
    let mut nodes: Vec<Option<ServerProcess>> = Vec::new();
    for d in &dbs {
        nodes.push(Some(ServerProcess::start(&serve_args(d)).await));
    }
    let shared: Shared = Arc::default();
    let images = Arc::new(AtomicU32::new(0));

    for round in 0..KILLS {
        let victim = round % dbs.len();
        let base = nodes[victim].as_ref().expect("running").address.clone();
        let writers: Vec<_> = (0..WRITERS)
            .map(|w| {
                tokio::spawn(write_until_killed(
                    base.clone(),
                    token.clone(),
                    shared.clone(),
                    Rng(seed ^ (round as u64 * 131 + w + 1)),
                    images.clone(),
                ))
            })
            .collect();
        // A random point in the writing: the storm's seed picks it.
        tokio::time::sleep(Duration::from_millis(100 + rng.below(600))).await;
        let mut killed = nodes[victim].take().expect("running");
        killed.kill();
        for writer in writers {
            writer
                .await
                .expect("the writer ends without a refused write");
        }
        nodes[victim] = Some(ServerProcess::start(&serve_args(dbs[victim])).await);
    }

    let ledger = std::mem::take(&mut *ledger(&shared));
    println!(
        "{} writes acknowledged, {} unanswered, over {KILLS} kills; {} items, {} images",
        ledger.writes,
        ledger.unanswered,
        ledger.items.len(),
        ledger.media.len()
    );
    assert!(
        ledger.writes >= KILLS / 2,
        "too few writes to mean anything"
    );

    let store = Store::open(&db.url).await.expect("store");
    // Scheduled items fell due during the storm, some while no server ran: the
    // scheduler publishes them on its first tick after a start.
    eventually("every scheduled item is published", || async {
        for id in ledger
            .items
            .iter()
            .filter(|(_, a)| a.scheduled)
            .map(|(id, _)| id)
        {
            let item = store.item_fresh(*id).await.expect("read");
            let status = item.map(|i| i.status);
            if status != Some(Status::Published) {
                return Err(format!("item {id}: {status:?}"));
            }
        }
        Ok(())
    })
    .await;

    for (id, acked) in &ledger.items {
        let item = store
            .item_fresh(*id)
            .await
            .expect("read")
            .unwrap_or_else(|| panic!("acknowledged item {id} is lost"));
        assert_eq!(item.status, Status::Published, "item {id}");
        if acked.uncertain {
            assert!(item.version >= acked.version, "item {id}: {acked:?}");
        } else if !acked.scheduled {
            assert_eq!(
                (item.version, item.headline.as_str()),
                (acked.version, acked.headline.as_str()),
                "item {id} as acknowledged"
            );
        } else {
            assert_eq!(item.headline, acked.headline, "item {id}");
        }
        let notes: Vec<&str> = item.corrections.iter().map(|c| c.note.as_str()).collect();
        for note in &acked.corrections {
            assert!(
                notes.contains(&note.as_str()),
                "item {id}: {note} in {notes:?}"
            );
        }
        // Never an item without the revision that wrote its current content (status
        // changes and corrections move the version on without one).
        let revisions = store.primary().revisions(*id).await.expect("revisions");
        let newest = revisions
            .iter()
            .max_by_key(|r| r.version)
            .unwrap_or_else(|| panic!("item {id} has no revision"));
        let snapshot: Value = serde_json::from_str(&newest.snapshot).expect("snapshot");
        assert!(newest.version <= item.version, "item {id}");
        assert_eq!(
            snapshot["form"]["headline"].as_str(),
            Some(item.headline.as_str()),
            "item {id}'s newest revision is its content: {snapshot}"
        );
    }

    // Every acknowledged image has its row and all its files; every file has its row.
    let rows = store.media(100_000).await.expect("media");
    let ids: BTreeSet<i64> = rows.iter().map(|m| m.id).collect();
    let lost: Vec<_> = ledger.media.difference(&ids).collect();
    assert!(lost.is_empty(), "acknowledged images lost: {lost:?}");
    let dirs: Vec<_> = dbs.iter().map(|d| d.dir.path().to_owned()).collect();
    let files = media_files(&dirs);
    for m in &rows {
        let names = files.get(&m.hash).cloned().unwrap_or_default();
        assert!(
            names.contains(&format!("{}.{}", m.hash, m.format)),
            "image {} has no original: {names:?}",
            m.id
        );
        // The full width is the original's file; smaller ones are named by width.
        let full = m.width.to_string();
        for width in m.widths.split(',').filter(|w| !w.is_empty() && *w != full) {
            assert!(
                names
                    .iter()
                    .any(|n| n.starts_with(&format!("{}-{width}.", m.hash))),
                "image {} has no {width} variant: {names:?}",
                m.id
            );
        }
    }
    let hashes: HashSet<&str> = rows.iter().map(|m| m.hash.as_str()).collect();
    let orphans: Vec<_> = files
        .iter()
        .filter(|(hash, _)| !hashes.contains(hash.as_str()))
        .collect();
    let pending = store.unfinished_uploads().await.expect("uploads");
    println!(
        "{} uploads cut short by a kill, their files left for the sweep",
        pending.len()
    );
    let untracked: Vec<_> = orphans
        .iter()
        .filter(|(hash, _)| !pending.contains(*hash))
        .collect();
    assert!(
        untracked.is_empty(),
        "files no image row names and no upload in progress records: {untracked:?}"
    );

    // Every view on every node shows what the database holds.
    let mut newest: Vec<(jiff::Timestamp, i64)> = store
        .published_items()
        .await
        .expect("published")
        .iter()
        .filter_map(|i| Some((i.published_at?, i.id)))
        .collect();
    newest.sort_unstable_by(|a, b| b.cmp(a));
    let published: HashSet<i64> = newest.iter().map(|(_, id)| *id).collect();
    // What the news page shows: the latest items by publication, then id.
    let latest: HashSet<i64> = newest
        .iter()
        .take(LATEST_SHOWN)
        .map(|(_, id)| *id)
        .collect();
    for id in ledger.items.keys() {
        assert!(published.contains(id), "item {id} is published");
    }
    let client = reqwest::Client::new();
    for node in nodes.iter().flatten() {
        let base = &node.address;
        eventually("the sitemaps list every published item", || async {
            let index = text(&client, &format!("{base}/sitemap.xml")).await?;
            let mut listed = HashSet::new();
            for part in index.split("<loc>").skip(1) {
                let url = part.split("</loc>").next().unwrap_or_default();
                let path = url.find("/sitemaps/").map_or(url, |at| &url[at..]);
                listed.extend(item_ids_in(&text(&client, &format!("{base}{path}")).await?));
            }
            (listed == published)
                .then_some(())
                .ok_or_else(|| format!("{} listed, {} published", listed.len(), published.len()))
        })
        .await;
        eventually("the feed shows the latest published items", || async {
            let feed = item_ids_in(&text(&client, &format!("{base}/en/feed.xml")).await?);
            let expected = published.len().min(FEED_LENGTH);
            (feed.is_subset(&published) && feed.len() == expected)
                .then_some(())
                .ok_or_else(|| format!("{} in the feed, {expected} expected", feed.len()))
        })
        .await;
        eventually("the news line shows the latest published items", || async {
            let page = text(&client, &format!("{base}/en/news")).await?;
            let shown = item_ids_in(&page);
            (shown == latest).then_some(()).ok_or_else(|| {
                let mut missing: Vec<_> = latest.difference(&shown).collect();
                let mut extra: Vec<_> = shown.difference(&latest).collect();
                missing.sort();
                extra.sort();
                format!("missing {missing:?}, not among the latest {extra:?}")
            })
        })
        .await;
        eventually("search finds every published item", || async {
            let mut found = HashSet::new();
            for page in 1.. {
                let body = text(
                    &client,
                    &format!("{base}/en/search.json?q=storm&sort=newest&page={page}"),
                )
                .await?;
                let answer: Value = serde_json::from_str(&body).map_err(|e| e.to_string())?;
                for r in answer["results"].as_array().into_iter().flatten() {
                    found.extend(r["id"].as_i64());
                }
                if answer["more"] != true {
                    break;
                }
            }
            let mut missing: Vec<_> = published.difference(&found).collect();
            missing.sort();
            (found == published).then_some(()).ok_or_else(|| {
                format!(
                    "{} found, {} published; not found: {missing:?}; the server said {:?}",
                    found.len(),
                    published.len(),
                    node.stderr_lines()
                )
            })
        })
        .await;
    }
    store.close().await;
}

#[tokio::test]
async fn files_of_an_upload_whose_process_died_are_swept_once_it_is_abandoned() {
    use newsline::domain::Role;
    use newsline::newsroom::ABANDONED_AFTER;
    let app = TestApp::spawn().await;
    let media = app.newsroom.media_store().expect("a media store").clone();
    let editor = app.actor("desk", Role::Editor).await;
    let kept = app
        .newsroom
        .upload_image(&editor, png(40, 30), "Kept", "", "")
        .await
        .expect("uploaded");
    assert_eq!(
        app.store.unfinished_uploads().await.expect("uploads"),
        Vec::<String>::new(),
        "a finished upload is no longer in progress"
    );

    // A process that died after storing an image's files, before its row committed;
    // and another that died uploading the image that was kept.
    let lost = app
        .newsroom
        .prepare_image(png(30, 20))
        .await
        .expect("image");
    let lost_files: Vec<&str> = lost.variants.iter().map(|v| v.name.as_str()).collect();
    app.store
        .begin_upload(&lost.hash, &lost_files, app.now())
        .await
        .expect("noted");
    media.put_all(&lost).await.expect("stored");
    let again = app
        .newsroom
        .prepare_image(png(40, 30))
        .await
        .expect("image");
    assert_eq!(again.hash, kept.hash);
    let again_files: Vec<&str> = again.variants.iter().map(|v| v.name.as_str()).collect();
    app.store
        .begin_upload(&again.hash, &again_files, app.now())
        .await
        .expect("noted");
    media.put_all(&again).await.expect("stored");

    // Too young to be abandoned: it may still be under way on another node.
    let swept = app.newsroom.sweep_abandoned_uploads(app.now()).await;
    assert_eq!(swept.expect("swept"), 0);
    assert!(media.contains(lost_files[0]).await.expect("looked"));

    let later = app
        .clock
        .advance(ABANDONED_AFTER + jiff::SignedDuration::from_secs(1));
    let swept = app.newsroom.sweep_abandoned_uploads(later).await;
    assert_eq!(swept.expect("swept"), 2);
    for name in &lost_files {
        assert!(
            !media.contains(name).await.expect("looked"),
            "{name} is swept"
        );
    }
    for name in &again_files {
        assert!(
            media.contains(name).await.expect("looked"),
            "{name} is kept"
        );
    }
    assert!(
        app.store
            .unfinished_uploads()
            .await
            .expect("uploads")
            .is_empty()
    );
}
