//! The `cursor` parameter of the API's item lists: any text gives a cursor or a
//! refusal, never a panic, and a cursor it gives encodes back to the same text.

#![no_main]

use libfuzzer_sys::fuzz_target;
use newsline::web::api::cursor::Cursor;

fuzz_target!(|value: &[u8]| {
    let Ok(text) = std::str::from_utf8(value) else {
        return;
    };
    if let Ok(cursor) = Cursor::parse(text) {
        assert_eq!(cursor.encode(), text);
    }
});
