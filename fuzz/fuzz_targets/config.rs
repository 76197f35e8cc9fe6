//! The config file: any text gives settings or a config error, and never panics.

#![no_main]

use libfuzzer_sys::fuzz_target;
use newsline::config::Settings;

fuzz_target!(|text: &str| {
    match Settings::from_toml_str(text) {
        Ok(settings) => {
            assert!((1..=200).contains(&settings.site.page_size));
            // Debug output is what reaches the log; it must not fail either.
            let _ = format!("{settings:?}");
        }
        Err(err) => {
            assert!(!err.to_string().is_empty());
        }
    }
});
