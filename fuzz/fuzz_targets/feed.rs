//! Agency feeds: any bytes are read as RSS 2.0 or Atom or refused with a message,
//! never a panic; what is read is clean enough to file.

#![no_main]

use libfuzzer_sys::fuzz_target;
use newsline::import::feed::{MAX_FEED_BYTES, MAX_TITLE_CHARS, parse};

fuzz_target!(|bytes: &[u8]| {
    match parse(bytes) {
        Ok(feed) => {
            assert!(bytes.len() <= MAX_FEED_BYTES);
            for (i, story) in feed.stories.iter().enumerate() {
                assert!(!story.title.is_empty(), "a story without a title");
                assert!(story.title.chars().count() <= MAX_TITLE_CHARS);
                assert!(!story.title.chars().any(char::is_control), "{:?}", story.title);
                assert!(!story.guid.is_empty(), "a story without an identity");
                assert!(
                    feed.stories[..i].iter().all(|s| s.guid != story.guid),
                    "an identity twice"
                );
                assert!(!story.content.to_ascii_lowercase().contains("<script"));
                assert!(story.link.as_deref().is_none_or(|l| l.starts_with("http")));
            }
        }
        Err(err) => assert!(!err.to_string().is_empty()),
    }
});
