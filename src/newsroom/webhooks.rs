//! Webhooks: registered by admins, told of what happens to public items.
//!
//! A change and the deliveries announcing it are written in one transaction (an
//! outbox): a committed change is always announced, a refused one never. The body is
//! built then, so it says what the item was at that moment, however late it goes out.
//! Sending is the delivery worker's business ([`crate::webhooks`]); nothing here waits
//! on a receiver.

use jiff::Timestamp;

use super::accounts::random_token;
use super::{Actor, Newsroom, NewsroomError};
use crate::domain::{Action, ItemId, Scope, WebhookEvent, WebhookEvents, WebhookUrl, may};
use crate::store::{DeliveryRecord, NewDelivery, WebhookRecord, Writer};

/// What every signing secret starts with, so that one pasted somewhere is recognised.
pub const WEBHOOK_SECRET_PREFIX: &str = "whsec_";

/// How many deliveries a webhook's page lists.
pub const DELIVERIES_LISTED: i64 = 50;

/// A request for a new webhook, with every value checked.
#[derive(Debug, Clone)]
pub struct WebhookRequest {
    /// Where deliveries go.
    pub url: WebhookUrl,
    /// What it is told about.
    pub events: WebhookEvents,
}

/// A webhook as lists show it: never its secret.
#[derive(Debug, Clone)]
pub struct Webhook {
    /// Its id.
    pub id: i64,
    /// Where deliveries go.
    pub url: String,
    /// What it is told about.
    pub events: WebhookEvents,
    /// Whether deliveries are made to it.
    pub active: bool,
    /// When it was registered.
    pub created_at: Timestamp,
}

impl TryFrom<&WebhookRecord> for Webhook {
    type Error = NewsroomError;

    fn try_from(r: &WebhookRecord) -> Result<Self, NewsroomError> {
        Ok(Self {
            id: r.id,
            url: r.url.clone(),
            events: WebhookEvents::parse(&r.events).map_err(|e| {
                NewsroomError::Store(crate::store::StoreError::Corrupt(e.to_string()))
            })?,
            active: r.active,
            created_at: r.created_at,
        })
    }
}

/// A new webhook and its signing secret: the only time the secret is shown.
#[derive(Debug, Clone)]
pub struct IssuedWebhook {
    /// The webhook as lists show it.
    pub webhook: Webhook,
    /// The secret receivers check signatures with.
    pub secret: String,
}

/// One delivery as the newsroom lists it.
pub type Delivery = DeliveryRecord;

fn may_manage(actor: &Actor) -> Result<(), NewsroomError> {
    if may(actor.role, Action::ManageWebhooks, Scope::Newsroom) {
        Ok(())
    } else {
        Err(NewsroomError::Forbidden)
    }
}

/// A fresh delivery id, which receivers use to recognise a delivery they had already.
fn delivery_id() -> Result<String, NewsroomError> {
    Ok(format!("dlv_{}", &random_token()?[..32]))
}

impl Newsroom {
    /// Registers a webhook and returns it with its secret, which is shown this once.
    pub async fn create_webhook(
        &self,
        actor: &Actor,
        request: &WebhookRequest,
    ) -> Result<IssuedWebhook, NewsroomError> {
        may_manage(actor)?;
        // Kept as issued, not hashed: every delivery is signed with it.
        let secret = format!("{WEBHOOK_SECRET_PREFIX}{}", random_token()?);
        let mut w = self.store.begin(self.clock.now()).await?;
        let events = request.events.as_list();
        let id = w
            .insert_webhook(request.url.as_ref(), &events, &secret, actor.id)
            .await?;
        w.audit_by(
            actor.by(),
            "webhook added",
            &format!("webhook:{id}"),
            &format!("{} for {events}", request.url.as_ref()),
        )
        .await?;
        let created_at = w.now();
        w.commit().await?;
        Ok(IssuedWebhook {
            webhook: Webhook {
                id,
                url: request.url.as_ref().to_owned(),
                events: request.events.clone(),
                active: true,
                created_at,
            },
            secret,
        })
    }

    /// Every webhook, oldest first.
    pub async fn webhooks(&self, actor: &Actor) -> Result<Vec<Webhook>, NewsroomError> {
        may_manage(actor)?;
        self.store
            .webhooks()
            .await?
            .iter()
            .map(Webhook::try_from)
            .collect()
    }

    /// A webhook and its newest deliveries, newest first.
    pub async fn webhook_deliveries(
        &self,
        actor: &Actor,
        id: i64,
    ) -> Result<(Webhook, Vec<Delivery>), NewsroomError> {
        may_manage(actor)?;
        let webhook = self
            .store
            .webhook(id)
            .await?
            .ok_or(NewsroomError::NoWebhook(id))?;
        let deliveries = self.store.deliveries(id, DELIVERIES_LISTED).await?;
        Ok((Webhook::try_from(&webhook)?, deliveries))
    }

    /// Removes a webhook with its deliveries, pending ones included.
    pub async fn delete_webhook(&self, actor: &Actor, id: i64) -> Result<(), NewsroomError> {
        may_manage(actor)?;
        let mut w = self.store.begin(self.clock.now()).await?;
        if !w.delete_webhook(id).await? {
            return Err(NewsroomError::NoWebhook(id));
        }
        w.audit_by(actor.by(), "webhook removed", &format!("webhook:{id}"), "")
            .await?;
        w.commit().await?;
        Ok(())
    }

    /// Pauses or resumes deliveries to a webhook. While paused, nothing new is queued
    /// for it and what is pending waits.
    pub async fn set_webhook_active(
        &self,
        actor: &Actor,
        id: i64,
        active: bool,
    ) -> Result<(), NewsroomError> {
        may_manage(actor)?;
        let mut w = self.store.begin(self.clock.now()).await?;
        if !w.set_webhook_active(id, active).await? {
            return Err(NewsroomError::NoWebhook(id));
        }
        let what = if active {
            "webhook resumed"
        } else {
            "webhook paused"
        };
        w.audit_by(actor.by(), what, &format!("webhook:{id}"), "")
            .await?;
        w.commit().await?;
        self.wake_outbox();
        Ok(())
    }

    /// Queues a delivery's body again, as a new delivery due now (after any still
    /// pending to the same webhook); returns the new delivery's id.
    pub async fn redeliver(
        &self,
        actor: &Actor,
        webhook_id: i64,
        delivery: i64,
    ) -> Result<String, NewsroomError> {
        may_manage(actor)?;
        let mut w = self.store.begin(self.clock.now()).await?;
        let old = w
            .delivery(webhook_id, delivery)
            .await?
            .ok_or(NewsroomError::NoWebhook(webhook_id))?;
        // The body names its delivery; the copy names the new one, so a receiver that
        // keeps ids to skip repeats does not skip what was asked for on purpose.
        let public_id = delivery_id()?;
        let body = match serde_json::from_str::<serde_json::Value>(&old.body) {
            Ok(mut value) => {
                value["delivery"] = serde_json::Value::String(public_id.clone());
                value.to_string()
            }
            Err(_) => old.body.clone(),
        };
        w.insert_delivery(NewDelivery {
            public_id: &public_id,
            webhook_id,
            event: &old.event,
            item_id: old.item_id,
            change_seq: 0,
            body: &body,
        })
        .await?;
        w.audit_by(
            actor.by(),
            "webhook redelivery",
            &format!("webhook:{webhook_id}"),
            &format!("{} again as {public_id}", old.public_id),
        )
        .await?;
        w.commit().await?;
        self.wake_outbox();
        Ok(public_id)
    }

    /// Queues, inside the change's transaction, one delivery of `event` about item `id`
    /// to every active webhook that wants it; `seq` is the change's log entry.
    pub(super) async fn announce(
        &self,
        w: &mut Writer,
        id: ItemId,
        event: WebhookEvent,
        seq: i64,
    ) -> Result<(), NewsroomError> {
        let webhooks = w.active_webhooks().await?;
        let wanted: Vec<_> = webhooks
            .iter()
            .filter(|h| WebhookEvents::parse(&h.events).is_ok_and(|e| e.contains(event)))
            .collect();
        if wanted.is_empty() {
            return Ok(());
        }
        let Some(item) = w.item_for_webhook(id).await? else {
            return Ok(());
        };
        let path = format!(
            "/{}/{}/{}-{}",
            item.edition, item.section, item.id, item.slug
        );
        let url = match &self.public_base {
            Some(base) => format!("{}{path}", base.trim_end_matches('/')),
            None => path,
        };
        for webhook in wanted {
            let public_id = delivery_id()?;
            let body = serde_json::json!({
                "event": event.as_str(),
                "delivery": public_id,
                "occurred_at": w.now().to_string(),
                "item": {
                    "id": item.id,
                    "edition": item.edition,
                    "headline": item.headline,
                    "url": url,
                    "status": item.status,
                    "version": item.version,
                    "published_at": item.published_at.map(|t| t.to_string()),
                },
            })
            .to_string();
            w.insert_delivery(NewDelivery {
                public_id: &public_id,
                webhook_id: webhook.id,
                event: event.as_str(),
                item_id: id,
                change_seq: seq,
                body: &body,
            })
            .await?;
        }
        Ok(())
    }
}
