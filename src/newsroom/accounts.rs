//! Accounts and sessions: creating, disabling and resetting accounts, logging in and out.

use argon2::Argon2;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use jiff::SignedDuration;
use sha2::{Digest, Sha256};
use thiserror::Error;

use super::{Newsroom, NewsroomError};
use crate::domain::{PersonName, Role, UserId, Username, check_password};
use crate::store::{Account, StoreError};

/// How long a session lasts without logging in again.
const SESSION_LIFETIME: SignedDuration = SignedDuration::from_hours(12);
/// The window failed logins are counted in.
const FAILURE_WINDOW: SignedDuration = SignedDuration::from_mins(15);
/// Failed logins allowed per account within the window.
const MAX_FAILURES_PER_ACCOUNT: i64 = 5;
/// Failed logins allowed per client address within the window.
const MAX_FAILURES_PER_ADDRESS: i64 = 20;

/// Who is acting in the newsroom.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// Account id.
    pub id: UserId,
    /// What they may do.
    pub role: Role,
    /// Name shown to colleagues.
    pub name: String,
}

impl From<&Account> for Actor {
    fn from(a: &Account) -> Self {
        Self {
            id: a.id,
            role: a.role,
            name: a.display_name.clone(),
        }
    }
}

/// A logged-in session: the secret for the cookie and the token for forms.
#[derive(Debug, Clone)]
pub struct Session {
    /// The cookie's value; only its hash is stored.
    pub token: String,
    /// The CSRF token forms of this session carry.
    pub csrf_token: String,
    /// Who.
    pub actor: Actor,
}

/// Why a login was refused; the message never says which part was wrong.
#[derive(Debug, Error)]
pub enum LoginError {
    /// Unknown name, wrong password or disabled account.
    #[error("that name and password do not match an active account")]
    Refused,
    /// Too many failures lately for this account or this address.
    #[error("too many failed logins; wait a few minutes and try again")]
    TooManyAttempts,
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Random bytes as lowercase hex, for session and CSRF tokens.
pub fn random_token() -> Result<String, NewsroomError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| NewsroomError::Random(e.to_string()))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// The stored form of a session token.
pub fn token_hash(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

async fn hash_password(password: String) -> Result<String, NewsroomError> {
    // Deliberately slow work: keep it off the async threads.
    tokio::task::spawn_blocking(move || {
        Argon2::default()
            .hash_password(password.as_bytes())
            .map(|h| h.to_string())
            .map_err(|e| NewsroomError::Random(e.to_string()))
    })
    .await
    .map_err(|e| NewsroomError::Random(e.to_string()))?
}

async fn verify_password(password: String, hash: String) -> bool {
    tokio::task::spawn_blocking(move || {
        Argon2::default()
            .verify_password(password.as_bytes(), hash.as_str())
            .is_ok()
    })
    .await
    .unwrap_or(false)
}

/// A valid hash of no one's password, verified against for unknown names so that a
/// refusal takes as long whether or not the account exists.
const DECOY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$2jTUEbTzVqJzGbhN6Q1kpmLd4rnqfvQUd0o7tZMfhGI";

impl Newsroom {
    /// Creates an account; `by` is the admin doing it, or none from the command line.
    pub async fn create_account(
        &self,
        username: &str,
        display_name: &str,
        role: Role,
        password: &str,
        by: Option<&Actor>,
    ) -> Result<UserId, NewsroomError> {
        let username = Username::parse(username)?;
        let display_name = PersonName::parse(display_name)?;
        check_password(password)?;
        if by.is_some_and(|a| a.role != Role::Admin) {
            return Err(NewsroomError::Forbidden);
        }
        if self.store.account(username.as_ref()).await?.is_some() {
            return Err(NewsroomError::Taken(username.as_ref().to_owned()));
        }
        let hash = hash_password(password.to_owned()).await?;
        let mut w = self.store.begin(self.clock.now()).await?;
        let id = w
            .insert_account(username.as_ref(), display_name.as_ref(), role, &hash)
            .await?;
        w.audit(
            by.map(|a| a.id),
            "account created",
            &format!("account:{}", username.as_ref()),
            role.as_str(),
        )
        .await?;
        w.commit().await?;
        Ok(id)
    }

    /// Every account.
    pub async fn accounts(&self) -> Result<Vec<Account>, NewsroomError> {
        Ok(self.store.accounts().await?)
    }

    async fn existing(&self, username: &str) -> Result<Account, NewsroomError> {
        self.store
            .account(username)
            .await?
            .ok_or_else(|| NewsroomError::NoAccount(username.to_owned()))
    }

    /// Disables or re-enables an account; disabling ends its sessions at once.
    pub async fn set_account_disabled(
        &self,
        username: &str,
        disabled: bool,
        by: Option<&Actor>,
    ) -> Result<(), NewsroomError> {
        if by.is_some_and(|a| a.role != Role::Admin) {
            return Err(NewsroomError::Forbidden);
        }
        let account = self.existing(username).await?;
        let mut w = self.store.begin(self.clock.now()).await?;
        w.set_disabled(account.id, disabled).await?;
        let action = if disabled {
            "account disabled"
        } else {
            "account enabled"
        };
        w.audit(by.map(|a| a.id), action, &format!("account:{username}"), "")
            .await?;
        w.commit().await?;
        Ok(())
    }

    /// Sets a new password (an admin's reset, or the command line); ends the account's sessions.
    pub async fn reset_password(
        &self,
        username: &str,
        password: &str,
        by: Option<&Actor>,
    ) -> Result<(), NewsroomError> {
        if by.is_some_and(|a| a.role != Role::Admin) {
            return Err(NewsroomError::Forbidden);
        }
        check_password(password)?;
        let account = self.existing(username).await?;
        let hash = hash_password(password.to_owned()).await?;
        let mut w = self.store.begin(self.clock.now()).await?;
        w.set_password(account.id, &hash).await?;
        w.audit(
            by.map(|a| a.id),
            "password reset",
            &format!("account:{username}"),
            "",
        )
        .await?;
        w.commit().await?;
        Ok(())
    }

    /// Changes one's own password after checking the current one.
    pub async fn change_password(
        &self,
        actor: &Actor,
        username: &str,
        current: &str,
        new: &str,
    ) -> Result<(), NewsroomError> {
        let account = self.existing(username).await?;
        if account.id != actor.id
            || !verify_password(current.to_owned(), account.password_hash.clone()).await
        {
            return Err(NewsroomError::WrongPassword);
        }
        check_password(new)?;
        let hash = hash_password(new.to_owned()).await?;
        let mut w = self.store.begin(self.clock.now()).await?;
        w.set_password(account.id, &hash).await?;
        w.audit(
            Some(actor.id),
            "password changed",
            &format!("account:{username}"),
            "",
        )
        .await?;
        w.commit().await?;
        Ok(())
    }

    /// Checks a name and password and opens a new session, counting failures per
    /// account and per client address.
    pub async fn log_in(
        &self,
        username: &str,
        password: &str,
        address: &str,
    ) -> Result<Session, LoginError> {
        let now = self.clock.now();
        let since = now - FAILURE_WINDOW;
        let account_key = format!("account:{}", username.to_lowercase());
        let address_key = format!("address:{address}");
        if self.store.failures(&account_key, since).await? >= MAX_FAILURES_PER_ACCOUNT
            || self.store.failures(&address_key, since).await? >= MAX_FAILURES_PER_ADDRESS
        {
            return Err(LoginError::TooManyAttempts);
        }
        let account = self.store.account(username).await?;
        let hash = account
            .as_ref()
            .map_or_else(|| DECOY_HASH.to_owned(), |a| a.password_hash.clone());
        let matches = verify_password(password.to_owned(), hash).await;
        let account = match account {
            Some(a) if matches && !a.disabled => a,
            _ => {
                self.store.record_failure(&account_key, now, since).await?;
                self.store.record_failure(&address_key, now, since).await?;
                return Err(LoginError::Refused);
            }
        };
        self.store.clear_failures(&account_key).await?;
        // A new token at every login: a session id planted before login is worthless.
        let token = random_token().map_err(|_| LoginError::Refused)?;
        let csrf_token = random_token().map_err(|_| LoginError::Refused)?;
        self.store
            .insert_session(
                &token_hash(&token),
                account.id,
                &csrf_token,
                now,
                now + SESSION_LIFETIME,
            )
            .await?;
        Ok(Session {
            token,
            csrf_token,
            actor: Actor::from(&account),
        })
    }

    /// The session a cookie token names, if it is live.
    pub async fn session(&self, token: &str) -> Result<Option<Session>, NewsroomError> {
        let record = self
            .store
            .session(&token_hash(token), self.clock.now())
            .await?;
        Ok(record.map(|r| Session {
            token: token.to_owned(),
            csrf_token: r.csrf_token,
            actor: Actor::from(&r.account),
        }))
    }

    /// Ends a session.
    pub async fn log_out(&self, token: &str) -> Result<(), NewsroomError> {
        Ok(self.store.delete_session(&token_hash(token)).await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_decoy_hash_is_a_valid_hash_that_matches_nothing_typed() {
        assert!(
            Argon2::default()
                .verify_password(b"password123", DECOY_HASH)
                .is_err()
        );
        assert!(argon2::password_hash::phc::PasswordHash::new(DECOY_HASH).is_ok());
    }

    #[test]
    fn tokens_are_long_random_and_stored_only_as_hashes() {
        let a = random_token().expect("random");
        let b = random_token().expect("random");
        assert_eq!(a.len(), 64);
        assert_ne!(a, b);
        assert_ne!(token_hash(&a), a);
        assert_eq!(token_hash(&a), token_hash(&a));
    }
}
