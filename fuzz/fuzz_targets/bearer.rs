//! An `Authorization` header's value: any bytes give a bearer token or a refusal, never
//! a panic; what is let through is token characters only, within the length limit, and
//! a token in the issued form splits into a public id and itself.

#![no_main]

use libfuzzer_sys::fuzz_target;
use newsline::domain::{TOKEN_PREFIX, TokenText};
use newsline::web::api::auth::{MAX_CREDENTIALS_BYTES, bearer_token};

fn check_token_text(text: &str) {
    if let Some(parsed) = TokenText::parse(text) {
        assert_eq!(parsed.whole, text);
        assert!(text.starts_with(TOKEN_PREFIX));
        assert!(TokenText::is_public_id(parsed.public_id));
    }
}

fuzz_target!(|value: &[u8]| {
    if let Ok(token) = bearer_token(value) {
        assert!(!token.is_empty() && token.len() <= MAX_CREDENTIALS_BYTES);
        assert!(token.bytes().all(|b| b.is_ascii_graphic()), "{token:?}");
        check_token_text(token);
    }
    // The token parser alone, on any text, not only what the header parser let by.
    if let Ok(text) = std::str::from_utf8(value) {
        check_token_text(text);
    }
});
