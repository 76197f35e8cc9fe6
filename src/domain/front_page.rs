//! An edition's front page as its editors arrange it: a lead story, top stories in
//! their order, and blocks of the latest items of chosen sections.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::{ItemId, SectionId};

/// Most top stories one arrangement holds.
pub const MAX_TOP_STORIES: usize = 12;
/// Most section blocks one arrangement holds.
pub const MAX_SECTION_BLOCKS: usize = 8;
/// Most items one section block shows.
pub const MAX_BLOCK_ITEMS: usize = 12;

/// One block of a front page: the latest `count` items of a section.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SectionBlock {
    /// The section shown.
    pub section: SectionId,
    /// How many of its latest items.
    pub count: usize,
}

/// What an editor chose for an edition's home page.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Arrangement {
    /// The lead story, shown first with its image.
    pub lead: Option<ItemId>,
    /// Top stories in the order chosen.
    pub top: Vec<ItemId>,
    /// Section blocks in the order chosen.
    pub sections: Vec<SectionBlock>,
}

/// Why an arrangement was refused; nothing was stored.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ArrangementError {
    /// Nothing chosen at all.
    #[error("choose a lead story, a top story or a section block")]
    Empty,
    /// Too many top stories.
    #[error("at most {MAX_TOP_STORIES} top stories")]
    TooManyTop,
    /// Too many section blocks.
    #[error("at most {MAX_SECTION_BLOCKS} section blocks")]
    TooManyBlocks,
    /// A block's item count out of range.
    #[error("a section block shows 1 to {MAX_BLOCK_ITEMS} items, not {0}")]
    BlockSize(usize),
    /// The same item chosen twice.
    #[error("item {0} is chosen twice")]
    DuplicateItem(ItemId),
    /// The same section chosen twice.
    #[error("a section is chosen for two blocks")]
    DuplicateSection,
    /// An item that is not in the edition.
    #[error("there is no item {0} in this edition")]
    UnknownItem(ItemId),
    /// A section that is not in the edition.
    #[error("there is no section {0} in this edition")]
    UnknownSection(SectionId),
    /// An item that is not published, on an arrangement going live now.
    #[error("item {0} is not published; schedule the arrangement for after it goes live")]
    NotPublished(ItemId),
    /// A go-live time that has passed, for a scheduled arrangement.
    #[error("a scheduled arrangement needs a go-live time in the future")]
    TimeNotAhead,
    /// A form field that did not parse; the text names it.
    #[error("{0}")]
    Field(String),
}

impl Arrangement {
    /// Checks the limits and that nothing is chosen twice.
    pub fn check(&self) -> Result<(), ArrangementError> {
        if self.lead.is_none() && self.top.is_empty() && self.sections.is_empty() {
            return Err(ArrangementError::Empty);
        }
        if self.top.len() > MAX_TOP_STORIES {
            return Err(ArrangementError::TooManyTop);
        }
        if self.sections.len() > MAX_SECTION_BLOCKS {
            return Err(ArrangementError::TooManyBlocks);
        }
        let mut seen = HashSet::new();
        for id in self.items() {
            if !seen.insert(id) {
                return Err(ArrangementError::DuplicateItem(id));
            }
        }
        let mut sections = HashSet::new();
        for block in &self.sections {
            if !(1..=MAX_BLOCK_ITEMS).contains(&block.count) {
                return Err(ArrangementError::BlockSize(block.count));
            }
            if !sections.insert(block.section) {
                return Err(ArrangementError::DuplicateSection);
            }
        }
        Ok(())
    }

    /// The chosen items, lead first.
    pub fn items(&self) -> impl Iterator<Item = ItemId> + '_ {
        self.lead.into_iter().chain(self.top.iter().copied())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn block(section: SectionId, count: usize) -> SectionBlock {
        SectionBlock { section, count }
    }

    #[test]
    fn an_arrangement_within_the_limits_passes() {
        let a = Arrangement {
            lead: Some(1),
            top: vec![2, 3],
            sections: vec![block(1, 4), block(2, MAX_BLOCK_ITEMS)],
        };
        assert_eq!(a.check(), Ok(()));
    }

    #[test]
    fn refused_arrangements_say_why() {
        let cases = [
            (Arrangement::default(), ArrangementError::Empty),
            (
                Arrangement {
                    lead: Some(1),
                    top: vec![2, 1],
                    ..Arrangement::default()
                },
                ArrangementError::DuplicateItem(1),
            ),
            (
                Arrangement {
                    top: (1..=13).collect(),
                    ..Arrangement::default()
                },
                ArrangementError::TooManyTop,
            ),
            (
                Arrangement {
                    sections: vec![block(1, 0)],
                    ..Arrangement::default()
                },
                ArrangementError::BlockSize(0),
            ),
            (
                Arrangement {
                    sections: vec![block(1, 13)],
                    ..Arrangement::default()
                },
                ArrangementError::BlockSize(13),
            ),
            (
                Arrangement {
                    sections: vec![block(1, 2), block(1, 3)],
                    ..Arrangement::default()
                },
                ArrangementError::DuplicateSection,
            ),
            (
                Arrangement {
                    sections: (1..=9).map(|s| block(s, 1)).collect(),
                    ..Arrangement::default()
                },
                ArrangementError::TooManyBlocks,
            ),
        ];
        for (arrangement, why) in cases {
            assert_eq!(arrangement.check(), Err(why), "{arrangement:?}");
        }
    }
}
