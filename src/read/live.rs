//! The live news line: what changed in each edition, in change-log order, for
//! readers' open pages. Recent events are kept so a client that reconnects gets
//! exactly what it missed; one too far behind is told to reload.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, PoisonError};

use tokio::sync::broadcast;

use super::ItemMeta;
use crate::domain::ItemId;

/// How many recent events are kept for clients that reconnect.
const KEPT: usize = 2048;
/// How many events a slow client may fall behind before it is told to reload.
const BACKLOG: usize = 256;

/// What happened to an item, as readers' pages need to know.
#[derive(Debug, Clone)]
pub enum LiveChange {
    /// Newly public.
    Published(Arc<ItemMeta>),
    /// Still public, changed (headline, correction, ...).
    Updated(Arc<ItemMeta>),
    /// No longer public.
    Unpublished(ItemId),
}

/// One event of an edition's live news line.
#[derive(Debug, Clone)]
pub struct LiveEvent {
    /// The change-log sequence number it comes from; the SSE event id.
    pub seq: i64,
    /// The edition it concerns.
    pub edition: String,
    /// What happened.
    pub change: LiveChange,
}

/// A new subscriber's start: what it missed, then the live receiver.
pub struct Subscription {
    /// Events after the client's last one, oldest first.
    pub missed: Vec<LiveEvent>,
    /// True when the client is too far behind to catch up; it should reload.
    pub too_far_behind: bool,
    /// Events from now on.
    pub live: broadcast::Receiver<LiveEvent>,
}

struct Kept {
    events: VecDeque<LiveEvent>,
    /// Every event with a sequence number above this is in `events`.
    complete_after: i64,
}

/// The events of every edition, fed by the feeder.
pub struct LiveNewsLine {
    kept: Mutex<Kept>,
    sender: broadcast::Sender<LiveEvent>,
}

impl LiveNewsLine {
    /// A live news line whose history starts at `applied_seq` (the read model's start).
    pub fn new(applied_seq: i64) -> Self {
        let (sender, _) = broadcast::channel(BACKLOG);
        Self {
            kept: Mutex::new(Kept {
                events: VecDeque::with_capacity(KEPT),
                complete_after: applied_seq,
            }),
            sender,
        }
    }

    /// Records and sends events, in sequence order.
    pub fn publish(&self, events: Vec<LiveEvent>) {
        let mut kept = self.kept.lock().unwrap_or_else(PoisonError::into_inner);
        for event in events {
            if kept.events.len() == KEPT
                && let Some(dropped) = kept.events.pop_front()
            {
                kept.complete_after = dropped.seq;
            }
            kept.events.push_back(event.clone());
            // No receiver is not an error: nobody has the page open.
            let _ = self.sender.send(event);
        }
    }

    /// Subscribes a client whose last event was `last_seen` (none for a fresh start).
    pub fn subscribe(&self, last_seen: Option<i64>) -> Subscription {
        // Under the lock, so no event falls between the copy and the receiver.
        let kept = self.kept.lock().unwrap_or_else(PoisonError::into_inner);
        let live = self.sender.subscribe();
        let newest = kept.events.back().map_or(kept.complete_after, |e| e.seq);
        match last_seen {
            // A number from the future (or from another database) cannot be trusted.
            Some(seq) if seq > newest => Subscription {
                missed: Vec::new(),
                too_far_behind: false,
                live,
            },
            Some(seq) if seq < kept.complete_after => Subscription {
                missed: Vec::new(),
                too_far_behind: true,
                live,
            },
            Some(seq) => Subscription {
                missed: kept
                    .events
                    .iter()
                    .filter(|e| e.seq > seq)
                    .cloned()
                    .collect(),
                too_far_behind: false,
                live,
            },
            None => Subscription {
                missed: Vec::new(),
                too_far_behind: false,
                live,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(seq: i64) -> LiveEvent {
        LiveEvent {
            seq,
            edition: "en".into(),
            change: LiveChange::Unpublished(seq),
        }
    }

    #[test]
    fn a_reconnecting_client_gets_exactly_what_it_missed() {
        let line = LiveNewsLine::new(10);
        line.publish(vec![event(11), event(13), event(14)]);
        let sub = line.subscribe(Some(11));
        let seqs: Vec<i64> = sub.missed.iter().map(|e| e.seq).collect();
        assert_eq!(seqs, [13, 14]);
        assert!(!sub.too_far_behind);
        assert!(line.subscribe(Some(14)).missed.is_empty());
    }

    #[test]
    fn a_client_from_before_the_kept_history_is_told_to_reload() {
        let line = LiveNewsLine::new(10);
        assert!(line.subscribe(Some(9)).too_far_behind);
        assert!(!line.subscribe(Some(10)).too_far_behind);
        for seq in 11..(11 + KEPT as i64 + 5) {
            line.publish(vec![event(seq)]);
        }
        assert!(line.subscribe(Some(11)).too_far_behind, "pruned history");
    }

    #[test]
    fn an_id_from_the_future_starts_fresh() {
        let line = LiveNewsLine::new(10);
        let sub = line.subscribe(Some(999));
        assert!(sub.missed.is_empty() && !sub.too_far_behind);
    }
}
