//! The seed round trip: the saved page imported as copy, then read back as a
//! text-mode browser shows it. Expectations come from the seed file itself.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use crate::import::newsline;
use crate::support::*;

fn seed_files() -> Vec<PathBuf> {
    let dir = repo_root().join("../shared/seed");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    files.sort();
    files
}

/// The page as `w3m -dump` shows it, white space folded to single spaces.
fn as_text_browser_shows(html: &str) -> String {
    let mut child = Command::new("w3m")
        .args([
            "-dump",
            "-T",
            "text/html",
            "-I",
            "UTF-8",
            "-O",
            "UTF-8",
            "-cols",
            "200",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("w3m runs: scripts/test installs it (apt-get install w3m)");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(html.as_bytes())
        .expect("page written to w3m");
    let out = child.wait_with_output().expect("w3m finishes");
    assert!(out.status.success());
    fold(&String::from_utf8_lossy(&out.stdout))
}

fn fold(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[tokio::test]
async fn the_seed_page_survives_import_and_reads_back_top_to_bottom() {
    let files = seed_files();
    if files.is_empty() {
        eprintln!(
            "../shared/seed is not beside the repository: the seed round trip is not run here"
        );
        return;
    }
    for file in files {
        let seed = std::fs::read_to_string(&file).expect("seed is readable");
        let lines: Vec<String> = seed.lines().map(fold).filter(|l| !l.is_empty()).collect();
        let headline = lines.first().expect("the seed has a headline").clone();

        let db = Database::fresh();
        let out = newsline(&db, &["import", "text", file.to_str().expect("path")]).await;
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let app = TestApp::spawn_on(db).await;

        let home = app.get("/en/").await;
        let position = home
            .texts(".news-line li a")
            .iter()
            .position(|h| *h == headline)
            .expect("the article is in the news line");
        let href = home.hrefs(".news-line li a")[position].clone();
        let page = app.get(&href).await;
        assert_eq!(page.status, reqwest::StatusCode::OK);
        let shown = as_text_browser_shows(&page.body);

        // Every line of the seed, in order; the untranslated "All" link of the seed
        // must read in the edition's own language instead.
        let last = lines.len() - 1;
        let mut from = 0;
        for (i, line) in lines.iter().enumerate() {
            let expected = if i == last { "All" } else { line.as_str() };
            match shown[from..].find(expected) {
                Some(at) => from += at + expected.len(),
                None => panic!(
                    "{}: line {} of the seed ({expected:?}) is not shown after what came before it.\nShown from there: {}",
                    file.display(),
                    i + 1,
                    &shown[from..]
                ),
            }
        }
        let news_line_times = page.texts(".news-line li time");
        let seed_times = lines
            .iter()
            .filter(|l| l.len() == 16 && l.as_bytes()[2] == b':' && l.as_bytes()[8] == b'.')
            .count();
        assert_eq!(
            news_line_times.len(),
            seed_times,
            "as many news line entries as the seed"
        );
        assert_eq!(page.texts(".news-line li a[aria-current=page]"), [headline]);
    }
}
