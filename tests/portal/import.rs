//! `newsline import text`: copy in the seed's shape, all or nothing.

use std::process::Output;

use reqwest::StatusCode;

use crate::support::*;

const COPY: &str = "Ministers meet in Baku\n\nForeign Policy 16:29 21.05.2025\n\nThe first paragraph says what happened.\n\n1. A paragraph that only looks like a list item.\n\nAyla Karimova//Wire Service\n\nAn older related story\n\nNews line\n\nA later brief\n17:42 21.05.2025\nMinisters meet in Baku\n16:29 21.05.2025\nAn earlier brief\n12:21 19.05.2025\nAll\n";

/// The site config the command-line tests run with: it declares the `en` edition
/// copy is imported into.
pub const SITE_CONFIG: &str = "[[edition]]\ncode = \"en\"\nname = \"Test News\"\n";

/// Runs the `newsline` command on `db`, in a scratch directory holding
/// [`SITE_CONFIG`] as its `newsline.toml`.
pub async fn newsline(db: &Database, args: &[&str]) -> Output {
    newsline_with_config(db, SITE_CONFIG, args).await
}

/// Runs the `newsline` command on `db` with `config` as its `newsline.toml`.
pub async fn newsline_with_config(db: &Database, config: &str, args: &[&str]) -> Output {
    Cli::new()
        .config(config)
        .args(db.flags())
        .args(args)
        .output()
        .await
}

/// A command run while this test's server holds the write lock waits for it without
/// stopping the server's runtime: had the test blocked its thread on the command, the
/// lock's holder could never commit and both would wait for ever.
#[tokio::test]
async fn a_command_waiting_for_a_lock_the_tests_server_holds_finishes_once_it_commits() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("copy.txt");
    std::fs::write(&file, COPY).expect("write copy");
    let app = TestApp::spawn().await;
    let held = app.store.begin(app.now()).await.expect("write lock taken");
    let path = file.to_str().expect("utf-8 path");
    let args = ["import", "text", path];
    let (out, committed) = tokio::join!(newsline(&app.db, &args), async {
        tokio::task::yield_now().await;
        held.commit().await
    });
    committed.expect("the lock's holder commits");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("imported 4 new items"));
}

#[tokio::test]
async fn imported_copy_is_published_with_its_related_item_and_briefs() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("copy.txt");
    std::fs::write(&file, COPY).expect("write copy");
    let db = Database::fresh();
    let out = newsline(&db, &["import", "text", file.to_str().expect("utf-8 path")]).await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("imported 4 new items"));

    let again = newsline(&db, &["import", "text", file.to_str().expect("utf-8 path")]).await;
    assert!(again.status.success());
    assert!(
        String::from_utf8_lossy(&again.stdout).contains("imported 0 new items (4 already present)")
    );

    let app = TestApp::spawn_on(db).await;
    let home = app.get("/en/").await;
    assert_eq!(
        home.texts(".news-line li a"),
        [
            "A later brief",
            "Ministers meet in Baku",
            "An earlier brief",
            "An older related story"
        ]
    );
    let article = app.get(&home.hrefs(".news-line li a")[1]).await;
    assert_eq!(
        article.texts("article .meta"),
        ["Foreign Policy 16:29 21.05.2025"]
    );
    assert_eq!(
        article.texts("article .body p"),
        [
            "The first paragraph says what happened.",
            "1. A paragraph that only looks like a list item."
        ]
    );
    assert_eq!(
        article.texts("article .byline"),
        ["Ayla Karimova//Wire Service"]
    );
    assert_eq!(
        article.texts("article .related a"),
        ["An older related story"]
    );
    let brief = app.get(&home.hrefs(".news-line li a")[0]).await;
    assert_eq!(brief.texts("article .meta"), ["Latest 17:42 21.05.2025"]);
}

#[tokio::test]
async fn copy_in_another_shape_is_refused_with_its_line_and_nothing_is_imported() {
    let dir = tempfile::tempdir().expect("temp dir");
    let first = dir.path().join("first.txt");
    std::fs::write(&first, COPY).expect("write");
    let good = dir.path().join("good.txt");
    std::fs::write(
        &good,
        COPY.replace("Ministers meet in Baku", "Another meeting"),
    )
    .expect("write");
    let bad = dir.path().join("bad.txt");
    std::fs::write(&bad, "A headline\n\nPolitics at noon\n\nText.\n\nA//B\n").expect("write");
    let db = Database::fresh();
    let out = newsline(&db, &["import", "text", first.to_str().expect("path")]).await;
    assert!(out.status.success());
    let store = newsline::store::Store::open(&db.url).await.expect("store");
    let seq_before = store.last_seq().await.expect("seq");
    let items_before = store.published_items().await.expect("items").len();

    let out = newsline(
        &db,
        &[
            "import",
            "text",
            good.to_str().expect("path"),
            bad.to_str().expect("path"),
        ],
    )
    .await;
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("bad.txt: line 3: expected the section and time"),
        "{stderr}"
    );
    assert!(stderr.contains("\"Politics at noon\""), "{stderr}");
    assert!(!stderr.contains("panicked"));
    assert_eq!(
        store.last_seq().await.expect("seq"),
        seq_before,
        "nothing was written"
    );
    assert_eq!(
        store.published_items().await.expect("items").len(),
        items_before
    );
}

#[tokio::test]
async fn unreadable_files_and_bad_flags_are_clear_errors() {
    let data = Database::fresh();
    let out = newsline(&data, &["import", "text", "/no/such/file.txt"]).await;
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read /no/such/file.txt"));
    let out = newsline(
        &data,
        &["import", "text", "--edition", "English", "/dev/null"],
    )
    .await;
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--edition"));
    let out = newsline(&data, &["serve", "--address", "not-an-address"]).await;
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--address"));
    let out = newsline(&data, &["serve", "--no-such-flag"]).await;
    assert_eq!(out.status.code(), Some(2), "usage errors exit 2");
}

#[tokio::test]
async fn an_import_while_the_server_runs_appears_without_a_restart() {
    let app = TestApp::spawn().await;
    let file = app.db.dir.path().join("copy.txt");
    std::fs::write(&file, COPY).expect("write");
    let out = newsline(&app.db, &["import", "text", file.to_str().expect("path")]).await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(5);
    loop {
        let page = app.get("/en/news").await;
        assert_eq!(page.status, StatusCode::OK);
        if page.texts(".item-line").len() == 4 {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the import never showed"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn serve_demo_starts_the_demo_site_and_refuses_a_used_data_directory() {
    let mut server = ServerProcess::start(&[
        "serve".into(),
        "--demo".into(),
        "--address".into(),
        "127.0.0.1:0".into(),
    ])
    .await;
    let url = server.address.clone();
    let home = reqwest::get(format!("{url}/en/")).await.expect("answered");
    assert_eq!(home.status(), StatusCode::OK);
    let body = home.text().await.expect("body");
    assert!(
        body.contains("deepen military ties"),
        "demo content is served"
    );
    server.kill();

    let app = TestApp::spawn().await;
    let out = newsline(&app.db, &["serve", "--demo"]).await;
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--demo needs a fresh database"));
}
