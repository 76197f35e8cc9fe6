//! Two-factor sign-in: TOTP (RFC 6238: SHA-1, 6 digits, 30 s steps, one step of skew)
//! and single-use recovery codes.
//!
//! The secret is shown once, at set-up, and never logged: `TotpState` has no `Debug`.

use jiff::Timestamp;
use totp_rs::{Algorithm, Builder, Totp};

use super::accounts::{Actor, password_matches, token_hash};
use super::{Newsroom, NewsroomError};
use crate::store::Writer;

/// Bytes of a new TOTP secret: the 160 bits RFC 4226 recommends.
const SECRET_BYTES: usize = 20;
/// How many recovery codes an account gets.
pub const RECOVERY_CODES: usize = 10;

/// What the set-up page shows: the secret for an authenticator app.
pub struct TotpSetup {
    /// The secret in base32, to type in.
    pub secret: String,
    /// The `otpauth://` URI, for apps that take a link or a QR code of it.
    pub uri: String,
}

/// Where an account stands with two-factor sign-in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TwoFactorStatus {
    /// Sign-in asks for a code.
    pub enabled: bool,
    /// Recovery codes not yet used.
    pub recovery_codes_left: i64,
}

fn decode(secret: &str) -> Result<Vec<u8>, NewsroomError> {
    totp_rs::Secret::try_from_base32(secret)
        .map(|s| s.as_bytes().to_vec())
        .map_err(|_| NewsroomError::Random("a stored TOTP secret is not base32".into()))
}

fn totp(secret: Vec<u8>, account: &str, issuer: &str) -> Result<Totp, NewsroomError> {
    Builder::new()
        .with_algorithm(Algorithm::SHA1)
        .with_digits(6)
        .with_skew(1)
        .with_step_duration(30)
        .with_secret(secret)
        .with_account_name(account)
        // A colon would break the label; the issuer is a site name, not a rule.
        .with_issuer(Some(issuer.replace(':', " ")))
        .build()
        .map_err(|e| NewsroomError::Random(e.to_string()))
}

fn unix_seconds(now: Timestamp) -> u64 {
    u64::try_from(now.as_second()).unwrap_or(0)
}

/// The TOTP step a code matches at `now` (±1 step), if any.
fn matching_step(secret: &str, code: &str, now: Timestamp) -> Result<Option<i64>, NewsroomError> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(None);
    }
    let totp = totp(decode(secret)?, "", "")?;
    Ok(totp
        .check(&code, unix_seconds(now))
        .and_then(|step| i64::try_from(step).ok()))
}

/// The code of `secret` (base32) at `now`, as an authenticator app shows it.
pub fn code_at(secret: &str, now: Timestamp) -> Result<String, NewsroomError> {
    Ok(totp(decode(secret)?, "", "")?
        .generate(unix_seconds(now))
        .to_string())
}

/// A recovery code as typed, reduced to what is hashed: no dashes, spaces or capitals.
fn normalized_recovery_code(code: &str) -> String {
    code.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

fn new_recovery_code() -> Result<String, NewsroomError> {
    let mut bytes = [0u8; 8];
    getrandom::fill(&mut bytes).map_err(|e| NewsroomError::Random(e.to_string()))?;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    Ok(hex
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join("-"))
}

impl Newsroom {
    /// Whether `actor` signs in with a code, and how many recovery codes are left.
    pub async fn two_factor_status(&self, actor: &Actor) -> Result<TwoFactorStatus, NewsroomError> {
        let id = actor.account()?;
        let enabled = self.store.totp(id).await?.is_some_and(|t| t.enabled);
        Ok(TwoFactorStatus {
            enabled,
            recovery_codes_left: self.store.recovery_codes_left(id).await?,
        })
    }

    /// Makes a new secret for `actor`, pending until confirmed with a code.
    pub async fn start_two_factor(
        &self,
        actor: &Actor,
        issuer: &str,
    ) -> Result<TotpSetup, NewsroomError> {
        let account_name = self.username_of(actor).await?;
        if self.two_factor_status(actor).await?.enabled {
            return Err(NewsroomError::TwoFactor("two-factor sign-in is already on"));
        }
        let mut bytes = vec![0u8; SECRET_BYTES];
        getrandom::fill(&mut bytes).map_err(|e| NewsroomError::Random(e.to_string()))?;
        let totp = totp(bytes, &account_name, issuer)?;
        let setup = TotpSetup {
            secret: totp.secret().to_base32(),
            uri: totp
                .to_url()
                .map_err(|e| NewsroomError::Random(e.to_string()))?,
        };
        let mut w = self.store.begin(self.clock.now()).await?;
        w.set_pending_totp(actor.account()?, &setup.secret).await?;
        w.commit().await?;
        Ok(setup)
    }

    /// The pending secret's set-up again (after a wrong confirmation code).
    pub async fn pending_two_factor(
        &self,
        actor: &Actor,
        issuer: &str,
    ) -> Result<Option<TotpSetup>, NewsroomError> {
        let account_name = self.username_of(actor).await?;
        let Some(state) = self.store.totp(actor.account()?).await? else {
            return Ok(None);
        };
        if state.enabled {
            return Ok(None);
        }
        let totp = totp(decode(&state.secret)?, &account_name, issuer)?;
        Ok(Some(TotpSetup {
            uri: totp
                .to_url()
                .map_err(|e| NewsroomError::Random(e.to_string()))?,
            secret: state.secret,
        }))
    }

    /// Turns two-factor sign-in on once a code from the app matches the pending
    /// secret; returns the recovery codes, shown this once and stored only hashed.
    pub async fn confirm_two_factor(
        &self,
        actor: &Actor,
        code: &str,
        now: Timestamp,
    ) -> Result<Vec<String>, NewsroomError> {
        let id = actor.account()?;
        let state = self
            .store
            .totp(id)
            .await?
            .filter(|s| !s.enabled)
            .ok_or(NewsroomError::TwoFactor("start the set-up again"))?;
        let step = matching_step(&state.secret, code, now)?
            .ok_or(NewsroomError::TwoFactor("that code is not right"))?;
        let codes = (0..RECOVERY_CODES)
            .map(|_| new_recovery_code())
            .collect::<Result<Vec<_>, _>>()?;
        let hashes: Vec<String> = codes
            .iter()
            .map(|c| token_hash(&normalized_recovery_code(c)))
            .collect();
        let mut w = self.store.begin(self.clock.now()).await?;
        w.enable_totp(id, step, &hashes).await?;
        w.audit(Some(id), "two-factor sign-in on", &format!("user:{id}"), "")
            .await?;
        w.commit().await?;
        Ok(codes)
    }

    /// Turns two-factor sign-in off after checking the password and a current code.
    pub async fn disable_two_factor(
        &self,
        actor: &Actor,
        password: &str,
        code: &str,
        now: Timestamp,
    ) -> Result<(), NewsroomError> {
        if self.requires_two_factor(actor.role) {
            return Err(NewsroomError::TwoFactor(
                "your role signs in with a code; it cannot be turned off",
            ));
        }
        let id = actor.account()?;
        let account = self
            .store
            .account_by_id(id)
            .await?
            .ok_or(NewsroomError::Forbidden)?;
        if !password_matches(self, password, &account.password_hash).await? {
            return Err(NewsroomError::WrongPassword);
        }
        if !self.second_factor_matches(id, code, now).await? {
            return Err(NewsroomError::TwoFactor("that code is not right"));
        }
        let mut w = self.store.begin(self.clock.now()).await?;
        w.disable_totp(id).await?;
        audit_off(&mut w, Some(id), id, "two-factor sign-in off").await?;
        w.commit().await?;
        Ok(())
    }

    /// Takes two-factor sign-in off an account (an admin helping a colleague who lost
    /// the phone); `by` is the admin, or none from the command line.
    pub async fn reset_two_factor(
        &self,
        username: &str,
        by: Option<&Actor>,
    ) -> Result<(), NewsroomError> {
        if by.is_some_and(|a| {
            !crate::domain::may(
                a.role,
                crate::domain::Action::ManageUsers,
                crate::domain::Scope::Newsroom,
            )
        }) {
            return Err(NewsroomError::Forbidden);
        }
        let account = self
            .store
            .account(username)
            .await?
            .ok_or_else(|| NewsroomError::NoAccount(username.to_owned()))?;
        let mut w = self.store.begin(self.clock.now()).await?;
        w.disable_totp(account.id).await?;
        audit_off(
            &mut w,
            by.and_then(|a| a.id),
            account.id,
            "two-factor sign-in reset",
        )
        .await?;
        w.commit().await?;
        Ok(())
    }

    async fn username_of(&self, actor: &Actor) -> Result<String, NewsroomError> {
        Ok(self
            .store
            .account_by_id(actor.account()?)
            .await?
            .ok_or(NewsroomError::Forbidden)?
            .username)
    }

    /// Whether `code` is a current TOTP code not used before, or an unused recovery
    /// code; either is spent by matching.
    pub(super) async fn second_factor_matches(
        &self,
        user: crate::domain::UserId,
        code: &str,
        now: Timestamp,
    ) -> Result<bool, NewsroomError> {
        let Some(state) = self.store.totp(user).await?.filter(|s| s.enabled) else {
            return Ok(false);
        };
        if let Some(step) = matching_step(&state.secret, code, now)? {
            return Ok(self.store.use_totp_step(user, step).await?);
        }
        let recovery = normalized_recovery_code(code);
        if recovery.len() != 16 {
            return Ok(false);
        }
        Ok(self
            .store
            .use_recovery_code(user, &token_hash(&recovery), now)
            .await?)
    }
}

async fn audit_off(
    w: &mut Writer,
    by: Option<crate::domain::UserId>,
    user: crate::domain::UserId,
    action: &str,
) -> Result<(), NewsroomError> {
    w.audit(by, action, &format!("user:{user}"), "").await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238's shared secret for SHA-1, "12345678901234567890", in base32.
    const RFC_SECRET: &str = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

    fn at(unix: i64) -> Timestamp {
        Timestamp::from_second(unix).expect("valid time")
    }

    #[test]
    fn codes_match_rfc_6238_appendix_b() {
        // Appendix B gives 8 digits; a 6-digit code is the same number's last six.
        for (time, eight) in [
            (59, "94287082"),
            (1_111_111_109, "07081804"),
            (1_111_111_111, "14050471"),
            (1_234_567_890, "89005924"),
            (2_000_000_000, "69279037"),
            (20_000_000_000, "65353130"),
        ] {
            assert_eq!(code_at(RFC_SECRET, at(time)).expect("code"), eight[2..]);
            let eight_digits = Builder::new()
                .with_digits(8)
                .with_secret(decode(RFC_SECRET).expect("base32"))
                .build()
                .expect("valid")
                .generate(u64::try_from(time).expect("positive"))
                .to_string();
            assert_eq!(eight_digits, eight, "t = {time}");
        }
    }

    #[test]
    fn a_code_is_good_one_step_either_side_and_no_further() {
        let now = at(1_111_111_111);
        let code = code_at(RFC_SECRET, now).expect("code");
        for offset in [-30, 0, 30] {
            assert!(
                matching_step(RFC_SECRET, &code, at(1_111_111_111 + offset))
                    .expect("checks")
                    .is_some(),
                "{offset}"
            );
        }
        for offset in [-90, 90] {
            assert!(
                matching_step(RFC_SECRET, &code, at(1_111_111_111 + offset))
                    .expect("checks")
                    .is_none(),
                "{offset}"
            );
        }
        for junk in ["", "12345", "1234567", "abcdef", "12 34 5x"] {
            assert!(
                matching_step(RFC_SECRET, junk, now)
                    .expect("checks")
                    .is_none()
            );
        }
    }

    #[test]
    fn recovery_codes_are_random_and_read_however_typed() {
        let a = new_recovery_code().expect("code");
        let b = new_recovery_code().expect("code");
        assert_ne!(a, b);
        assert_eq!(a.len(), 19);
        assert_eq!(
            normalized_recovery_code(&format!(" {} ", a.to_uppercase())),
            a.replace('-', "")
        );
    }
}
