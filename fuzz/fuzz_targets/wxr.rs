//! WordPress exports: any bytes are read entry by entry to the end or refused with
//! an error inside the file, never a panic.

#![no_main]

use libfuzzer_sys::fuzz_target;
use newsline::import::wxr::{Export, locate};

fuzz_target!(|bytes: &[u8]| {
    let mut export = Export::new(bytes);
    loop {
        match export.next_entry() {
            Ok(Some(_)) => {}
            Ok(None) => break,
            Err(err) => {
                assert!(err.offset <= bytes.len() as u64, "{err:?} past the end");
                let at = locate(bytes, err.offset).expect("in memory");
                assert!(at.line >= 1 && at.column >= 1);
                break;
            }
        }
    }
});
