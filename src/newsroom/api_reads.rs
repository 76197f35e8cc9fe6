//! What the API lists of items not public: the desk's visibility rules, with filters.

use super::{Actor, Newsroom, NewsroomError};
use crate::domain::{Action, Item, ItemId, Scope, Status, may};
use crate::store::StatusFilter;

impl Newsroom {
    /// Up to `limit` items in `status` that `actor` may see and that match `filter`,
    /// newest change first, each with its ordering key (last change in microseconds,
    /// id). The same rule as the desk: reporters see their own drafts and items in
    /// review; editors and admins everything; nobody's list shows what they may not.
    pub async fn items_in_status(
        &self,
        actor: &Actor,
        status: Status,
        mut filter: StatusFilter,
        limit: i64,
    ) -> Result<Vec<((i64, ItemId), Item)>, NewsroomError> {
        let sees = |own| may(actor.role, Action::View, Scope::Item { own, status });
        filter.created_by = if sees(false) {
            None
        } else if let (true, Some(id)) = (sees(true), actor.id) {
            Some(id)
        } else {
            return Ok(Vec::new());
        };
        let keys = self.store.api_item_ids(status, &filter, limit).await?;
        let ids: Vec<ItemId> = keys.iter().map(|key| key.1).collect();
        let mut found: std::collections::HashMap<ItemId, Item> = self
            .store
            .primary()
            .items_with_ids(&ids)
            .await?
            .into_iter()
            .map(|item| (item.id, item))
            .collect();
        let mut items = Vec::with_capacity(keys.len());
        for key in keys {
            // Read whole and checked again: an item that moved on since the list was
            // read is left out rather than shown in a status it no longer has.
            if let Some(item) = found.remove(&key.1)
                && item.status == status
                && may(actor.role, Action::View, actor.scope_of(&item))
            {
                items.push((key, item));
            }
        }
        Ok(items)
    }
}
