//! The opaque cursor of the API's newest-first item lists: where the last page ended.
//!
//! A cursor names the position after an item by its ordering key (a time and the
//! item's id), not by an offset, so a page never repeats or skips an item when newer
//! ones are published between two requests. It is encoded as URL-safe hex of a version
//! byte and the two numbers, so clients treat it as a token, not as something to build.

/// The version byte first in every cursor; a change of layout gets a new one.
const VERSION: u8 = 1;

/// Length of an encoded cursor: a version byte and two 64-bit numbers, in hex.
pub const ENCODED_LEN: usize = 2 * (1 + 8 + 8);

/// The key of the last item on a page: lists continue with items strictly older.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Cursor {
    /// The ordering time, in microseconds since the epoch.
    pub at: i64,
    /// The item's id, breaking ties between equal times.
    pub id: i64,
}

/// Why a `cursor` parameter is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CursorError {
    /// Not the length of any cursor this API hands out.
    #[error("the cursor is not one this API handed out (wrong length)")]
    Length,
    /// Characters other than lowercase hex digits.
    #[error("the cursor is not one this API handed out (unexpected characters)")]
    Characters,
    /// A layout this API does not know.
    #[error("the cursor is from another version of this API")]
    Version,
}

impl Cursor {
    /// The cursor as handed to clients.
    pub fn encode(self) -> String {
        let mut bytes = Vec::with_capacity(17);
        bytes.push(VERSION);
        bytes.extend_from_slice(&self.at.to_be_bytes());
        bytes.extend_from_slice(&self.id.to_be_bytes());
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    /// Reads a cursor handed out by [`Cursor::encode`].
    pub fn parse(raw: &str) -> Result<Self, CursorError> {
        if raw.len() != ENCODED_LEN {
            return Err(CursorError::Length);
        }
        let digit = |b: u8| match b {
            b'0'..=b'9' => Some(b - b'0'),
            b'a'..=b'f' => Some(b - b'a' + 10),
            _ => None,
        };
        let mut bytes = [0u8; ENCODED_LEN / 2];
        for (out, pair) in bytes.iter_mut().zip(raw.as_bytes().chunks_exact(2)) {
            let (Some(hi), Some(lo)) = (digit(pair[0]), digit(pair[1])) else {
                return Err(CursorError::Characters);
            };
            *out = hi << 4 | lo;
        }
        if bytes[0] != VERSION {
            return Err(CursorError::Version);
        }
        let mut at = [0u8; 8];
        let mut id = [0u8; 8];
        at.copy_from_slice(&bytes[1..9]);
        id.copy_from_slice(&bytes[9..17]);
        Ok(Self {
            at: i64::from_be_bytes(at),
            id: i64::from_be_bytes(id),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_reads_back_as_itself() {
        for (at, id) in [
            (0, 0),
            (1_700_000_000_000_000, 42),
            (i64::MIN, i64::MAX),
            (-1, -1),
        ] {
            let cursor = Cursor { at, id };
            let text = cursor.encode();
            assert_eq!(text.len(), ENCODED_LEN);
            assert_eq!(Cursor::parse(&text), Ok(cursor));
        }
    }

    #[test]
    fn anything_else_is_refused() {
        let good = Cursor { at: 5, id: 0xabc }.encode();
        assert_eq!(Cursor::parse(""), Err(CursorError::Length));
        assert_eq!(Cursor::parse(&good[1..]), Err(CursorError::Length));
        assert_eq!(
            Cursor::parse(&good.to_uppercase()),
            Err(CursorError::Characters)
        );
        assert_eq!(
            Cursor::parse(&format!("02{}", &good[2..])),
            Err(CursorError::Version)
        );
        let multibyte = format!("é{}", &good[2..]);
        assert_eq!(Cursor::parse(&multibyte), Err(CursorError::Characters));
    }
}
