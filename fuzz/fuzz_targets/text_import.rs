//! Plain-text copy from outside the newsroom: any text parses into a batch or a shape
//! error naming a line of the input, and never panics.

#![no_main]

use std::sync::LazyLock;

use jiff::tz::TimeZone;
use libfuzzer_sys::fuzz_target;
use newsline::import::text::{Destination, parse};

static ZONE: LazyLock<TimeZone> =
    LazyLock::new(|| TimeZone::get("Asia/Baku").expect("the zone is bundled"));

fuzz_target!(|copy: &str| {
    let to = Destination {
        edition: "en".into(),
        brief_section: "Latest".into(),
    };
    match parse(copy, &ZONE, &to) {
        Ok(batch) => assert!(!batch.filings.is_empty(), "a batch without its article"),
        Err(err) => {
            let lines = copy.lines().count();
            assert!(
                (1..=lines + 1).contains(&err.line),
                "line {} of {lines}: {err}",
                err.line
            );
        }
    }
});
