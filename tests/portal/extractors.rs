//! A standard article extractor (trafilatura) reads an article page as readers mean it:
//! title, author, date and the story's text, without the news line or navigation.

use std::io::Write;
use std::process::{Command, Stdio};

use serde_json::Value;

use crate::support::*;

const EXTRACT: &str = "import json, sys, trafilatura\n\
html = sys.stdin.read()\n\
out = trafilatura.extract(html, output_format='json', with_metadata=True, url=sys.argv[1])\n\
print(out or '{}')\n";

fn extract(html: &str, url: &str) -> Value {
    let mut child = Command::new("python3")
        .args(["-c", EXTRACT, url])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3 runs");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(html.as_bytes())
        .expect("page written");
    let out = child.wait_with_output().expect("finishes");
    assert!(
        out.status.success(),
        "trafilatura failed (scripts/test installs it with pip): {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON from trafilatura")
}

#[tokio::test]
async fn an_article_extractor_reads_title_author_date_and_only_the_story() {
    let app = TestApp::spawn_with_demo().await;
    let home = app.get("/en/").await;
    let href = home
        .hrefs(".leads a.headline")
        .into_iter()
        .find(|h| h.contains("/foreign-policy/"))
        .expect("the demo article");
    let page = app.get(&href).await;
    let read = extract(&page.body, &format!("{}{}", app.address, href));
    assert_eq!(read["title"], page.texts("article h1")[0].as_str());
    assert_eq!(read["author"], "Madina Mammadova");
    assert_eq!(read["date"], "2025-05-21");
    let text = read["text"].as_str().unwrap_or_default();
    for paragraph in page.texts("article .body p") {
        assert!(text.contains(&paragraph), "the story's text: {paragraph}");
    }
    for headline in page
        .texts(".news-line li a")
        .iter()
        .filter(|h| !text.is_empty() && **h != read["title"])
    {
        assert!(
            !text.contains(headline.as_str()),
            "news line leaked into the text: {headline}"
        );
    }
    assert!(!text.contains("Skip to content"));
}
