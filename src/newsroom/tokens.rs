//! Personal API tokens: made by their owner (or the operator at the command line),
//! listed and revoked by the owner or an admin, and checked on every API request.

use jiff::Timestamp;
use thiserror::Error;

use super::accounts::{random_token, token_hash};
use super::{Actor, Newsroom, NewsroomError};
use crate::domain::{
    Action, PUBLIC_ID_LEN, Role, Scope, TokenLifetime, TokenName, TokenScopes, TokenText, may,
    token_text,
};
use crate::store::{NewToken, StoreError, TokenRecord};

/// A request for a new token, with every value already checked.
#[derive(Debug, Clone)]
pub struct TokenRequest {
    /// The login name of the account the token acts as.
    pub owner: String,
    /// What the owner calls it.
    pub name: TokenName,
    /// What it may be used for.
    pub scopes: TokenScopes,
    /// How long it lives.
    pub lifetime: TokenLifetime,
}

/// A token as lists show it: never its secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiToken {
    /// The public id, named to revoke it.
    pub public_id: String,
    /// The owner's login name.
    pub owner: String,
    /// The owner's name as colleagues see it.
    pub owner_name: String,
    /// What the owner called it.
    pub name: String,
    /// What it may be used for.
    pub scopes: TokenScopes,
    /// When it was made.
    pub created_at: Timestamp,
    /// When it stops working.
    pub expires_at: Timestamp,
    /// When it was revoked, if it was.
    pub revoked_at: Option<Timestamp>,
}

/// Where a token stands at a given time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenState {
    /// It works.
    Active,
    /// Its time is up.
    Expired,
    /// Someone revoked it.
    Revoked,
}

impl TokenState {
    /// How lists name the state.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Expired => "expired",
            Self::Revoked => "revoked",
        }
    }
}

impl ApiToken {
    /// Where the token stands at `now`.
    pub fn state(&self, now: Timestamp) -> TokenState {
        if self.revoked_at.is_some() {
            TokenState::Revoked
        } else if self.expires_at <= now {
            TokenState::Expired
        } else {
            TokenState::Active
        }
    }
}

impl From<&TokenRecord> for ApiToken {
    fn from(r: &TokenRecord) -> Self {
        Self {
            public_id: r.public_id.clone(),
            owner: r.owner.username.clone(),
            owner_name: r.owner.display_name.clone(),
            name: r.name.clone(),
            scopes: r.scopes,
            created_at: r.created_at,
            expires_at: r.expires_at,
            revoked_at: r.revoked_at,
        }
    }
}

/// A new token and its secret: the only time the secret is ever seen.
#[derive(Debug, Clone)]
pub struct IssuedToken {
    /// The token as lists show it.
    pub token: ApiToken,
    /// The whole token, to be shown once and then forgotten.
    pub secret: String,
}

/// Who holds a presented token that works: its owner as they stand now.
#[derive(Debug, Clone)]
pub struct TokenHolder {
    /// The owner, with the role the account has now.
    pub actor: Actor,
    /// The owner's login name.
    pub login: String,
    /// The token.
    pub token: ApiToken,
}

/// Why a presented token does not work.
#[derive(Debug, Error)]
pub enum TokenRefusal {
    /// It is not in the form Newsline issues tokens in.
    #[error("this is not a Newsline API token")]
    Malformed,
    /// No token has this id and secret.
    #[error("this token is not valid")]
    Unknown,
    /// Its time is up.
    #[error("this token has expired")]
    Expired,
    /// It was revoked.
    #[error("this token was revoked")]
    Revoked,
    /// Its account is disabled.
    #[error("the account of this token is disabled")]
    Disabled,
    /// The token could not be checked.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Compares two hashes in time that does not depend on where they differ.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn is_admin(actor: &Actor) -> bool {
    may(actor.role, Action::ManageUsers, Scope::Newsroom) && actor.role != Role::System
}

impl Newsroom {
    /// Makes a token for `request.owner`; `by` is the owner themself, or none from the
    /// command line. Nobody makes a token for someone else in the newsroom: it would
    /// let them act as that person.
    pub async fn create_token(
        &self,
        by: Option<&Actor>,
        request: &TokenRequest,
    ) -> Result<IssuedToken, NewsroomError> {
        let owner = self
            .store
            .account(&request.owner)
            .await?
            .ok_or_else(|| NewsroomError::NoAccount(request.owner.clone()))?;
        if let Some(actor) = by
            && actor.id != Some(owner.id)
        {
            return Err(NewsroomError::Forbidden);
        }
        if owner.disabled {
            return Err(NewsroomError::AccountDisabled(owner.username));
        }
        let secret = random_token()?;
        let public_id = random_token()?[..PUBLIC_ID_LEN].to_owned();
        let whole = token_text(&public_id, &secret);
        let now = self.clock.now();
        let expires_at = now + request.lifetime.duration();
        let mut w = self.store.begin(now).await?;
        w.insert_token(NewToken {
            public_id: &public_id,
            user: owner.id,
            name: request.name.as_ref(),
            token_hash: &token_hash(&whole),
            scopes: request.scopes,
            expires_at,
        })
        .await?;
        w.audit(
            by.and_then(|a| a.id),
            "token created",
            &format!("token:{public_id}"),
            &format!(
                "{} for {}, {}, {} days",
                request.name.as_ref(),
                owner.username,
                request.scopes.as_str(),
                request.lifetime.as_days()
            ),
        )
        .await?;
        w.commit().await?;
        Ok(IssuedToken {
            token: ApiToken {
                public_id,
                owner: owner.username,
                owner_name: owner.display_name,
                name: request.name.as_ref().to_owned(),
                scopes: request.scopes,
                created_at: now,
                expires_at,
                revoked_at: None,
            },
            secret: whole,
        })
    }

    /// The login name of an acting account; none for a part of the system.
    pub async fn login_of(&self, actor: &Actor) -> Result<Option<String>, NewsroomError> {
        let Some(id) = actor.id else {
            return Ok(None);
        };
        Ok(self.store.account_by_id(id).await?.map(|a| a.username))
    }

    /// Tokens, newest first: `owner`'s, or all of them when none is named. In the
    /// newsroom (`by` given) an account sees its own; an admin sees anyone's.
    pub async fn tokens(
        &self,
        by: Option<&Actor>,
        owner: Option<&str>,
    ) -> Result<Vec<ApiToken>, NewsroomError> {
        let owner_id = match owner {
            Some(login) => Some(
                self.store
                    .account(login)
                    .await?
                    .ok_or_else(|| NewsroomError::NoAccount(login.to_owned()))?
                    .id,
            ),
            None => None,
        };
        let user = match by {
            None => owner_id,
            Some(actor) if is_admin(actor) => owner_id,
            Some(actor) => {
                let own = actor.account()?;
                if owner_id.is_some_and(|id| id != own) {
                    return Err(NewsroomError::Forbidden);
                }
                Some(own)
            }
        };
        let records = self.store.tokens(user).await?;
        Ok(records.iter().map(ApiToken::from).collect())
    }

    /// Revokes a token at once; `by` must own it or be an admin (none: the command line).
    pub async fn revoke_token(
        &self,
        by: Option<&Actor>,
        public_id: &str,
    ) -> Result<ApiToken, NewsroomError> {
        let unknown = || NewsroomError::NoToken(public_id.chars().take(40).collect());
        if !TokenText::is_public_id(public_id) {
            return Err(unknown());
        }
        let record = self.store.token(public_id).await?.ok_or_else(unknown)?;
        if let Some(actor) = by
            && actor.id != Some(record.owner.id)
            && !is_admin(actor)
        {
            return Err(NewsroomError::Forbidden);
        }
        let now = self.clock.now();
        let mut w = self.store.begin(now).await?;
        if !w.revoke_token(public_id).await? {
            return Err(NewsroomError::TokenRevoked(public_id.to_owned()));
        }
        w.audit(
            by.and_then(|a| a.id),
            "token revoked",
            &format!("token:{public_id}"),
            &format!("{} of {}", record.name, record.owner.username),
        )
        .await?;
        w.commit().await?;
        let mut token = ApiToken::from(&record);
        token.revoked_at = Some(now);
        Ok(token)
    }

    /// The holder of a presented token, if the token works at `now`: in the issued
    /// form, known, its hash matching, not revoked, not expired, and its account
    /// enabled. The account's role is read afresh, so a change of role counts at once.
    pub async fn token_holder(
        &self,
        presented: &str,
        now: Timestamp,
    ) -> Result<TokenHolder, TokenRefusal> {
        let text = TokenText::parse(presented).ok_or(TokenRefusal::Malformed)?;
        let record = self
            .store
            .token(text.public_id)
            .await?
            .ok_or(TokenRefusal::Unknown)?;
        if !same(
            token_hash(text.whole).as_bytes(),
            record.token_hash.as_bytes(),
        ) {
            return Err(TokenRefusal::Unknown);
        }
        if record.revoked_at.is_some() {
            return Err(TokenRefusal::Revoked);
        }
        if record.expires_at <= now {
            return Err(TokenRefusal::Expired);
        }
        if record.owner.disabled {
            return Err(TokenRefusal::Disabled);
        }
        Ok(TokenHolder {
            actor: Actor::from(&record.owner),
            login: record.owner.username.clone(),
            token: ApiToken::from(&record),
        })
    }
}
