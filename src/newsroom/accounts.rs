//! Accounts and sessions: creating, disabling and resetting accounts, logging in and out.

use std::net::IpAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use argon2::Argon2;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use hmac::{Hmac, KeyInit, Mac};
use jiff::{SignedDuration, Timestamp};
use sha2::{Digest, Sha256};
use thiserror::Error;
use tokio::sync::{OnceCell, Semaphore};

use super::{Newsroom, NewsroomError};
use crate::domain::{
    Action, InterfaceLanguage, Item, PersonName, Role, Scope, UserId, Username, check_password, may,
};
use crate::store::{Account, By, Removed, StoreError};

/// How long a session lasts without logging in again.
const SESSION_LIFETIME: SignedDuration = SignedDuration::from_hours(12);
/// The window sign-in attempts are counted in.
pub const ATTEMPT_WINDOW: SignedDuration = SignedDuration::from_mins(15);
/// Sign-in attempts allowed per (login name, client address) within the window.
pub const MAX_ATTEMPTS_PER_NAME_AND_ADDRESS: i64 = 5;
/// Sign-in attempts allowed per client address within the window, whatever the name.
pub const MAX_ATTEMPTS_PER_ADDRESS: i64 = 50;
/// Sign-in attempts allowed per known device within the window.
pub const MAX_ATTEMPTS_PER_DEVICE: i64 = 5;
/// Codes that may be tried on one half-done sign-in.
pub const MAX_CODE_ATTEMPTS: i64 = 5;
/// Wrong codes allowed per account within the window, however many sign-ins they span.
pub const MAX_CODE_FAILURES_PER_ACCOUNT: i64 = 10;
/// Password hashes (19 MiB of memory each) computed at once; more are answered "busy".
pub const MAX_CONCURRENT_HASHES: usize = 4;
/// How long the second step of a sign-in may take.
const PENDING_LIFETIME: SignedDuration = SignedDuration::from_mins(5);

/// What guards sign-in across requests: the hash cap, the roles that need a second
/// factor, and the key device cookies are signed with.
pub(super) struct SignInGuard {
    hashes: Arc<Semaphore>,
    checks: AtomicU64,
    require_2fa_for: Vec<Role>,
    device_key: OnceCell<Vec<u8>>,
}

impl Default for SignInGuard {
    fn default() -> Self {
        Self {
            hashes: Arc::new(Semaphore::new(MAX_CONCURRENT_HASHES)),
            checks: AtomicU64::new(0),
            require_2fa_for: Vec::new(),
            device_key: OnceCell::new(),
        }
    }
}

/// Who is acting in the newsroom: a signed-in account, or a named part of Newsline
/// itself (an importer, the demo loader, the scheduler) with the system role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// The account; `None` for a part of the system, which has none.
    pub id: Option<UserId>,
    /// What they may do.
    pub role: Role,
    /// Name shown to colleagues; for the system, the part's name (`import`).
    pub name: String,
}

impl Actor {
    /// A part of Newsline acting by itself, recorded under `name` in revisions and the
    /// audit log.
    pub fn system(name: &str) -> Self {
        Self {
            id: None,
            role: Role::System,
            name: name.to_owned(),
        }
    }

    /// The actor's account, for what only an account can do (its password, its
    /// second factor).
    pub fn account(&self) -> Result<UserId, NewsroomError> {
        self.id.ok_or(NewsroomError::Forbidden)
    }

    /// How revisions and the audit log name this actor.
    pub(crate) fn by(&self) -> By<'_> {
        match self.id {
            Some(id) => By::Account(id),
            None => By::System(&self.name),
        }
    }

    /// How this actor stands to `item` for permission.
    pub fn scope_of(&self, item: &Item) -> Scope {
        match self.id {
            Some(id) => Scope::item(id, item.created_by, item.status),
            // The system owns nothing: items it files are nobody's.
            None => Scope::Item {
                own: false,
                status: item.status,
            },
        }
    }
}

impl From<&Account> for Actor {
    fn from(a: &Account) -> Self {
        Self {
            id: Some(a.id),
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
    /// The role requires a second factor the account has not set up yet: nothing but
    /// the set-up until it has.
    pub needs_two_factor_setup: bool,
    /// The language the account chose for the newsroom; `None` until it chooses.
    pub language: Option<InterfaceLanguage>,
}

/// What a sign-in attempt brings.
#[derive(Debug, Clone, Copy)]
pub struct Credentials<'a> {
    /// The login name as typed.
    pub username: &'a str,
    /// The password.
    pub password: &'a str,
    /// The client's address (see the web layer's proxy rules).
    pub address: IpAddr,
    /// The browser's device cookie, if it has one.
    pub device: Option<&'a str>,
}

/// A successful first step.
#[derive(Debug)]
pub enum SignedIn {
    /// Signed in; `device` is the device cookie to keep in this browser.
    Session {
        /// The new session.
        session: Session,
        /// The device cookie's value.
        device: String,
    },
    /// The password was right; the account's second factor is asked for next.
    CodeNeeded {
        /// Names the half-done sign-in; only its hash is stored.
        pending: String,
    },
}

/// Why a login was refused; the message never says which part was wrong.
#[derive(Debug, Error)]
pub enum LoginError {
    /// Unknown name, wrong password or disabled account.
    #[error("that name and password do not match an active account")]
    Refused,
    /// Too many attempts lately from this address for this name, or from this address.
    #[error("too many failed sign-ins; wait a few minutes and try again")]
    TooManyAttempts,
    /// Every password check slot is taken; the attempt was not counted.
    #[error("the newsroom is busy signing others in; try again in a moment")]
    Busy,
    /// The second-step code is wrong or used.
    #[error("that code is not right, or was used already")]
    WrongCode,
    /// The half-done sign-in expired or was never there.
    #[error("this sign-in took too long; start again with your password")]
    Expired,
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What sign-in limits count an address under: the address itself for IPv4, its /64
/// for IPv6, since one subscriber commonly holds a whole /64.
fn throttled_network(address: IpAddr) -> String {
    match address {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => ipnet::Ipv6Net::new(v6, 64)
                .map_or_else(|_| v6.to_string(), |net| net.trunc().to_string()),
        },
    }
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

/// A place under the cap on password hashes at once, or Busy when all are taken.
fn hash_slot(newsroom: &Newsroom) -> Result<tokio::sync::OwnedSemaphorePermit, NewsroomError> {
    newsroom
        .sign_in
        .hashes
        .clone()
        .try_acquire_owned()
        .map_err(|_| NewsroomError::Busy)
}

/// Hashes a new password, within the hash cap.
async fn hash_password(newsroom: &Newsroom, password: String) -> Result<String, NewsroomError> {
    let _permit = hash_slot(newsroom)?;
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

/// Checks a password against a stored hash, within the hash cap.
pub(super) async fn password_matches(
    newsroom: &Newsroom,
    password: &str,
    hash: &str,
) -> Result<bool, NewsroomError> {
    let _permit = hash_slot(newsroom)?;
    newsroom.sign_in.checks.fetch_add(1, Ordering::Relaxed);
    Ok(verify_password(password.to_owned(), hash.to_owned()).await)
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
        if by.is_some_and(|a| !may(a.role, Action::ManageUsers, Scope::Newsroom)) {
            return Err(NewsroomError::Forbidden);
        }
        if self.store.account(username.as_ref()).await?.is_some() {
            return Err(NewsroomError::Taken(username.as_ref().to_owned()));
        }
        let hash = hash_password(self, password.to_owned()).await?;
        let mut w = self.store.begin(self.clock.now()).await?;
        let id = w
            .insert_account(username.as_ref(), display_name.as_ref(), role, &hash)
            .await?;
        w.audit(
            by.and_then(|a| a.id),
            "account created",
            &format!("account:{}", username.as_ref()),
            role.as_str(),
        )
        .await?;
        w.commit().await?;
        Ok(id)
    }

    /// Every account: for the command line and tests. Pages use
    /// [`Newsroom::accounts_for`].
    pub async fn accounts(&self) -> Result<Vec<Account>, NewsroomError> {
        Ok(self.store.accounts().await?)
    }

    /// Every account, for `actor` who may manage them (admins).
    pub async fn accounts_for(&self, actor: &Actor) -> Result<Vec<Account>, NewsroomError> {
        if !may(actor.role, Action::ManageUsers, Scope::Newsroom) {
            return Err(NewsroomError::Forbidden);
        }
        self.accounts().await
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
        if by.is_some_and(|a| !may(a.role, Action::ManageUsers, Scope::Newsroom)) {
            return Err(NewsroomError::Forbidden);
        }
        let account = self.existing(username).await?;
        let mut w = self.store.begin(self.clock.now()).await?;
        if disabled && account.role == Role::Admin && !account.disabled {
            keep_an_admin(&mut w).await?;
        }
        w.set_disabled(account.id, disabled).await?;
        let action = if disabled {
            "account disabled"
        } else {
            "account enabled"
        };
        w.audit(
            by.and_then(|a| a.id),
            action,
            &format!("account:{username}"),
            "",
        )
        .await?;
        w.commit().await?;
        Ok(())
    }

    /// Changes what an account may do; admins only. The last active admin keeps the role,
    /// so the site is never left without one.
    pub async fn change_role(
        &self,
        username: &str,
        role: Role,
        by: Option<&Actor>,
    ) -> Result<(), NewsroomError> {
        if by.is_some_and(|a| !may(a.role, Action::ManageUsers, Scope::Newsroom)) {
            return Err(NewsroomError::Forbidden);
        }
        if role == Role::System {
            return Err(crate::domain::DomainError::UnknownRole(role.as_str().to_owned()).into());
        }
        let account = self.existing(username).await?;
        if account.role == role {
            return Ok(());
        }
        let mut w = self.store.begin(self.clock.now()).await?;
        if account.role == Role::Admin && !account.disabled {
            keep_an_admin(&mut w).await?;
        }
        w.set_role(account.id, role).await?;
        w.audit(
            by.and_then(|a| a.id),
            "role changed",
            &format!("account:{username}"),
            &format!("{} to {}", account.role.as_str(), role.as_str()),
        )
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
        if by.is_some_and(|a| !may(a.role, Action::ManageUsers, Scope::Newsroom)) {
            return Err(NewsroomError::Forbidden);
        }
        check_password(password)?;
        let account = self.existing(username).await?;
        let hash = hash_password(self, password.to_owned()).await?;
        let mut w = self.store.begin(self.clock.now()).await?;
        w.set_password(account.id, &hash).await?;
        w.audit(
            by.and_then(|a| a.id),
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
        if Some(account.id) != actor.id
            || !password_matches(self, current, &account.password_hash).await?
        {
            return Err(NewsroomError::WrongPassword);
        }
        check_password(new)?;
        let hash = hash_password(self, new.to_owned()).await?;
        let mut w = self.store.begin(self.clock.now()).await?;
        w.set_password(account.id, &hash).await?;
        w.audit(
            actor.id,
            "password changed",
            &format!("account:{username}"),
            "",
        )
        .await?;
        w.commit().await?;
        Ok(())
    }

    /// Sets the language the newsroom speaks to the actor's own account.
    pub async fn set_language(
        &self,
        actor: &Actor,
        language: InterfaceLanguage,
    ) -> Result<(), NewsroomError> {
        let id = actor.account()?;
        let mut w = self.store.begin(self.clock.now()).await?;
        w.set_language(id, language.code()).await?;
        w.audit(
            actor.id,
            "language chosen",
            &format!("account:{id}"),
            language.code(),
        )
        .await?;
        w.commit().await?;
        Ok(())
    }

    /// The roles that must sign in with a second factor.
    pub fn requiring_two_factor_for(mut self, roles: Vec<Role>) -> Self {
        if let Some(guard) = Arc::get_mut(&mut self.sign_in) {
            guard.require_2fa_for = roles;
        } else {
            self.sign_in = Arc::new(SignInGuard {
                require_2fa_for: roles,
                ..SignInGuard::default()
            });
        }
        self
    }

    /// How many passwords this process has checked; the throttle's tests count them.
    pub fn password_checks(&self) -> u64 {
        self.sign_in.checks.load(Ordering::Relaxed)
    }

    /// The cap on password hashes at once, for tests that fill it.
    pub fn hash_slots(&self) -> Arc<Semaphore> {
        self.sign_in.hashes.clone()
    }

    /// Checks a name and password (the first step of a sign-in).
    ///
    /// Every attempt is counted before the password is checked, in one statement per
    /// counter, so parallel attempts cannot slip past a limit: per (name, address), and
    /// per address across names. A browser the account signed in from before (its
    /// device cookie) is counted on its own instead, so failures from elsewhere never
    /// lock the owner out. A name no account could have is refused before any work.
    pub async fn log_in(
        &self,
        credentials: Credentials<'_>,
        now: Timestamp,
    ) -> Result<SignedIn, LoginError> {
        let Ok(name) = Username::parse(credentials.username) else {
            return Err(LoginError::Refused);
        };
        let name = name.as_ref();
        let since = now - ATTEMPT_WINDOW;
        let device = match credentials.device {
            Some(cookie) => self.device_id(cookie, name).await?,
            None => None,
        };
        let address = throttled_network(credentials.address);
        let limits = match &device {
            Some(id) => vec![(format!("device:{id}"), MAX_ATTEMPTS_PER_DEVICE)],
            None => vec![
                (
                    format!("name:{name}@{address}"),
                    MAX_ATTEMPTS_PER_NAME_AND_ADDRESS,
                ),
                (format!("address:{address}"), MAX_ATTEMPTS_PER_ADDRESS),
            ],
        };
        for (i, (key, max)) in limits.iter().enumerate() {
            if self.store.count_attempt(key, now, since).await? > *max {
                for (earlier, _) in &limits[..i] {
                    self.store.uncount_attempt(earlier).await?;
                }
                return Err(LoginError::TooManyAttempts);
            }
        }
        let account = self.store.account(name).await?;
        let hash = account
            .as_ref()
            .map_or(DECOY_HASH, |a| a.password_hash.as_str());
        let matches = match password_matches(self, credentials.password, hash).await {
            Ok(matches) => matches,
            Err(NewsroomError::Busy) => {
                // Not checked, so not an attempt: take the counts back.
                for (key, _) in &limits {
                    self.store.uncount_attempt(key).await?;
                }
                return Err(LoginError::Busy);
            }
            Err(NewsroomError::Store(e)) => return Err(e.into()),
            Err(_) => return Err(LoginError::Refused),
        };
        let account = match account {
            Some(a) if matches && !a.disabled => a,
            _ => return Err(LoginError::Refused),
        };
        let (first, rest) = limits.split_first().ok_or(LoginError::Refused)?;
        self.store.clear_failures(&first.0).await?;
        for (key, _) in rest {
            self.store.uncount_attempt(key).await?;
        }
        if account.totp_enabled {
            let pending = random_token().map_err(|_| LoginError::Refused)?;
            self.store
                .insert_pending_login(&token_hash(&pending), account.id, now + PENDING_LIFETIME)
                .await?;
            return Ok(SignedIn::CodeNeeded { pending });
        }
        self.open_session(&account, device, now).await
    }

    /// Checks the second step's code (TOTP or a recovery code) and opens the session.
    pub async fn confirm_log_in(
        &self,
        pending: &str,
        code: &str,
        device: Option<&str>,
        now: Timestamp,
    ) -> Result<SignedIn, LoginError> {
        let hash = token_hash(pending);
        let Some((login, tries)) = self.store.count_pending_attempt(&hash, now).await? else {
            return Err(LoginError::Expired);
        };
        if tries > MAX_CODE_ATTEMPTS {
            self.store.delete_pending_login(&hash).await?;
            return Err(LoginError::Expired);
        }
        let key = format!("code:{}", login.user);
        if self
            .store
            .count_attempt(&key, now, now - ATTEMPT_WINDOW)
            .await?
            > MAX_CODE_FAILURES_PER_ACCOUNT
        {
            return Err(LoginError::TooManyAttempts);
        }
        let matches = match self.second_factor_matches(login.user, code, now).await {
            Ok(m) => m,
            Err(NewsroomError::Store(e)) => return Err(e.into()),
            Err(_) => false,
        };
        if !matches {
            return Err(LoginError::WrongCode);
        }
        self.store.uncount_attempt(&key).await?;
        if !self.store.delete_pending_login(&hash).await? {
            return Err(LoginError::Expired);
        }
        let account = self
            .store
            .account_by_id(login.user)
            .await?
            .filter(|a| !a.disabled)
            .ok_or(LoginError::Refused)?;
        let device = match device {
            Some(cookie) => self.device_id(cookie, &account.username).await?,
            None => None,
        };
        self.open_session(&account, device, now).await
    }

    /// Whether a half-done sign-in is still waiting for its code.
    pub async fn log_in_pending(&self, pending: &str, now: Timestamp) -> Result<bool, LoginError> {
        Ok(self
            .store
            .pending_login(&token_hash(pending), now)
            .await?
            .is_some())
    }

    async fn open_session(
        &self,
        account: &Account,
        device: Option<String>,
        now: Timestamp,
    ) -> Result<SignedIn, LoginError> {
        // A new token at every login: a session id planted before login is worthless.
        let token = random_token().map_err(|_| LoginError::Refused)?;
        let csrf_token = random_token().map_err(|_| LoginError::Refused)?;
        self.store
            .delete_expired_sessions_of(account.id, now)
            .await?;
        self.store
            .insert_session(
                &token_hash(&token),
                account.id,
                &csrf_token,
                now,
                now + SESSION_LIFETIME,
            )
            .await?;
        let device = match device {
            Some(id) => id,
            None => random_token().map_err(|_| LoginError::Refused)?[..32].to_owned(),
        };
        let device = self.device_cookie(&account.username, &device).await?;
        Ok(SignedIn::Session {
            session: Session {
                token,
                csrf_token,
                needs_two_factor_setup: self.needs_two_factor_setup(account),
                language: account
                    .language
                    .as_deref()
                    .and_then(|l| InterfaceLanguage::parse(l).ok()),
                actor: Actor::from(account),
            },
            device,
        })
    }

    fn needs_two_factor_setup(&self, account: &Account) -> bool {
        !account.totp_enabled && self.requires_two_factor(account.role)
    }

    /// Whether `role` must sign in with a second factor.
    pub(super) fn requires_two_factor(&self, role: Role) -> bool {
        self.sign_in.require_2fa_for.contains(&role)
    }

    async fn device_key(&self) -> Result<&[u8], StoreError> {
        self.sign_in
            .device_key
            .get_or_try_init(|| async {
                let candidate = random_token().map_err(|e| StoreError::Corrupt(e.to_string()))?;
                let key = self.store.server_key("device", &candidate).await?;
                Ok(key.into_bytes())
            })
            .await
            .map(Vec::as_slice)
    }

    async fn device_mac(&self, username: &str, id: &str) -> Result<Hmac<Sha256>, StoreError> {
        let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(self.device_key().await?)
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        mac.update(format!("newsline-device\n{username}\n{id}").as_bytes());
        Ok(mac)
    }

    /// A device cookie naming `username`, signed with the server's key.
    async fn device_cookie(&self, username: &str, id: &str) -> Result<String, StoreError> {
        let tag = self.device_mac(username, id).await?.finalize().into_bytes();
        let tag: String = tag.iter().map(|b| format!("{b:02x}")).collect();
        Ok(format!("{username}:{id}:{tag}"))
    }

    /// The device id a cookie carries when it is genuine and names `username`.
    async fn device_id(&self, cookie: &str, username: &str) -> Result<Option<String>, StoreError> {
        let mut parts = cookie.split(':');
        let (Some(name), Some(id), Some(tag), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Ok(None);
        };
        if name != username || id.len() != 32 || tag.len() != 64 {
            return Ok(None);
        }
        let Some(tag) = (0..tag.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(tag.get(i..i + 2)?, 16).ok())
            .collect::<Option<Vec<u8>>>()
        else {
            return Ok(None);
        };
        let genuine = self
            .device_mac(username, id)
            .await?
            .verify_slice(&tag)
            .is_ok();
        Ok(genuine.then(|| id.to_owned()))
    }

    /// Deletes expired sessions, half-done sign-ins and attempt counters whose window
    /// ended; run periodically, with the time passed in.
    pub async fn clean_up_sign_ins(&self, now: Timestamp) -> Result<Removed, NewsroomError> {
        Ok(self
            .store
            .delete_expired_sign_ins(now, now - ATTEMPT_WINDOW)
            .await?)
    }

    /// The session a cookie token names, if it is live.
    pub async fn session(
        &self,
        token: &str,
        now: Timestamp,
    ) -> Result<Option<Session>, NewsroomError> {
        let record = self.store.session(&token_hash(token), now).await?;
        Ok(record.map(|r| Session {
            token: token.to_owned(),
            csrf_token: r.csrf_token,
            needs_two_factor_setup: self.needs_two_factor_setup(&r.account),
            // A code no longer spoken reads as no choice, never as an error.
            language: r
                .account
                .language
                .as_deref()
                .and_then(|l| InterfaceLanguage::parse(l).ok()),
            actor: Actor::from(&r.account),
        }))
    }

    /// Ends a session.
    pub async fn log_out(&self, token: &str) -> Result<(), NewsroomError> {
        Ok(self.store.delete_session(&token_hash(token)).await?)
    }
}

/// Refuses a change that would take away the last active admin, read inside the
/// change's transaction so two admins demoting each other cannot both succeed.
async fn keep_an_admin(w: &mut crate::store::Writer) -> Result<(), NewsroomError> {
    if w.active_admins().await? <= 1 {
        return Err(NewsroomError::LastAdmin);
    }
    Ok(())
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
    fn an_ipv6_client_is_limited_by_its_slash_64() {
        let a = throttled_network("2001:db8:1:2:aaaa::1".parse().expect("ip"));
        let b = throttled_network("2001:db8:1:2:bbbb::9".parse().expect("ip"));
        assert_eq!(a, b);
        assert_eq!(a, "2001:db8:1:2::/64");
        assert_ne!(a, throttled_network("2001:db8:1:3::1".parse().expect("ip")));
        assert_eq!(
            throttled_network("192.0.2.7".parse().expect("ip")),
            "192.0.2.7"
        );
        assert_eq!(
            throttled_network("::ffff:192.0.2.7".parse().expect("ip")),
            "192.0.2.7"
        );
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
