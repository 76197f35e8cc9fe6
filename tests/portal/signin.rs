//! Sign-in under attack: throttles that cannot be raced or turned against the owner,
//! the proxy's word taken only from a trusted proxy, the hash cap, cleanup, and
//! two-factor sign-in checked against an implementation of TOTP of the test's own.

use jiff::{SignedDuration, Timestamp};
use newsline::domain::Role;
use newsline::newsroom::{
    MAX_ATTEMPTS_PER_ADDRESS, MAX_ATTEMPTS_PER_NAME_AND_ADDRESS, MAX_CONCURRENT_HASHES,
};
use reqwest::StatusCode;

use crate::import::newsline as run_newsline;
use crate::support::*;

const PASSWORD: &str = "a long enough password";

async fn account(app: &TestApp, name: &str, role: Role) {
    app.newsroom
        .create_account(name, &format!("{name} name"), role, PASSWORD, None)
        .await
        .expect("account created");
}

/// Posts the sign-in form, as coming from `forwarded_for` when given.
async fn sign_in(
    browser: &Browser,
    name: &str,
    password: &str,
    forwarded_for: Option<&str>,
) -> Fetched {
    let token = csrf_of(&browser.get("/newsroom/login").await);
    let mut request = browser
        .client
        .post(format!("{}/newsroom/login", browser.base))
        .form(&[
            ("username", name),
            ("password", password),
            ("csrf", &token),
            ("next", "/newsroom"),
        ]);
    if let Some(address) = forwarded_for {
        request = request.header("x-forwarded-for", address);
    }
    Fetched::read(request.send().await.expect("answered")).await
}

/// Posts the second step's form.
async fn send_code(browser: &Browser, code: &str) -> Fetched {
    browser
        .submit(
            "/newsroom/login/code?next=/newsroom",
            "/newsroom/login/code",
            &[("code", code), ("next", "/newsroom")],
        )
        .await
}

fn set_cookies<'a>(page: &'a Fetched, name: &str) -> Vec<&'a str> {
    page.headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter(|c| c.starts_with(&format!("{name}=")))
        .collect()
}

async fn proxied_app(trusted: Option<&str>) -> TestApp {
    let trusted = trusted.map(str::to_owned);
    TestApp::spawn_with(Database::fresh(), move |settings| {
        if let Some(nets) = trusted {
            settings
                .set("trusted_proxies", &nets)
                .expect("valid networks");
        }
    })
    .await
}

#[tokio::test]
async fn wrong_passwords_from_another_address_do_not_lock_the_owner_out() {
    let app = proxied_app(Some("127.0.0.1/32")).await;
    account(&app, "owner", Role::Editor).await;
    let attacker = app.browser();
    let mut statuses = Vec::new();
    for _ in 0..40 {
        let page = sign_in(
            &attacker,
            "owner",
            "guess guess guess",
            Some("198.51.100.66"),
        )
        .await;
        statuses.push(page.status);
    }
    let limit = usize::try_from(MAX_ATTEMPTS_PER_NAME_AND_ADDRESS).expect("small");
    assert!(
        statuses[..limit]
            .iter()
            .all(|s| *s == StatusCode::UNAUTHORIZED)
    );
    assert!(
        statuses[limit..]
            .iter()
            .all(|s| *s == StatusCode::TOO_MANY_REQUESTS),
        "{statuses:?}"
    );
    let owner = app.browser();
    let page = sign_in(&owner, "owner", PASSWORD, Some("203.0.113.10")).await;
    assert_eq!(
        page.status,
        StatusCode::SEE_OTHER,
        "the owner is not locked out"
    );
    assert_eq!(owner.get("/newsroom").await.status, StatusCode::OK);
}

#[tokio::test]
async fn forwarded_for_splits_a_shared_proxy_address_only_when_the_proxy_is_trusted() {
    // Behind a trusted proxy, each client's own address is throttled.
    let app = proxied_app(Some("127.0.0.1/32")).await;
    account(&app, "editor", Role::Editor).await;
    let browser = app.browser();
    for _ in 0..MAX_ATTEMPTS_PER_NAME_AND_ADDRESS {
        let page = sign_in(&browser, "editor", "wrong password!", Some("198.51.100.1")).await;
        assert_eq!(page.status, StatusCode::UNAUTHORIZED);
    }
    let page = sign_in(&browser, "editor", PASSWORD, Some("198.51.100.1")).await;
    assert_eq!(page.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(!page.header("retry-after").is_empty());
    let page = sign_in(&app.browser(), "editor", PASSWORD, Some("198.51.100.2")).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "another client");

    // Without trusted proxies the header is anyone's to write, so it is ignored.
    let app = proxied_app(None).await;
    account(&app, "editor", Role::Editor).await;
    for _ in 0..MAX_ATTEMPTS_PER_NAME_AND_ADDRESS {
        let page = sign_in(
            &app.browser(),
            "editor",
            "wrong password!",
            Some("198.51.100.1"),
        )
        .await;
        assert_eq!(page.status, StatusCode::UNAUTHORIZED);
    }
    let page = sign_in(&app.browser(), "editor", PASSWORD, Some("198.51.100.2")).await;
    assert_eq!(
        page.status,
        StatusCode::TOO_MANY_REQUESTS,
        "a spoofed X-Forwarded-For does not reset the count"
    );
}

#[tokio::test]
async fn the_device_cookie_survives_sign_out_and_lets_the_owner_in_during_an_attack() {
    // No trusted proxy: the whole newsroom shares one address, as behind an
    // unconfigured proxy.
    let app = proxied_app(None).await;
    account(&app, "owner", Role::Editor).await;
    account(&app, "colleague", Role::Reporter).await;
    let owner = app.browser();
    let first = sign_in(&owner, "owner", PASSWORD, None).await;
    assert_eq!(first.status, StatusCode::SEE_OTHER);
    let device = set_cookies(&first, "newsline_device");
    assert_eq!(device.len(), 1, "a device cookie");
    assert!(device[0].contains("HttpOnly") && device[0].contains("Max-Age"));
    let signed_out = owner.submit("/newsroom", "/newsroom/logout", &[]).await;
    assert_eq!(signed_out.status, StatusCode::SEE_OTHER);
    assert!(
        set_cookies(&signed_out, "newsline_device").is_empty(),
        "signing out keeps the device cookie"
    );
    assert_eq!(owner.get("/newsroom").await.status, StatusCode::SEE_OTHER);

    let attacker = app.browser();
    for _ in 0..MAX_ATTEMPTS_PER_NAME_AND_ADDRESS {
        sign_in(&attacker, "owner", "guess guess guess", None).await;
    }
    // Then a spray across names, until the shared address is over its own cap.
    for i in 0..MAX_ATTEMPTS_PER_ADDRESS {
        sign_in(&attacker, &format!("user{i}"), "guess guess guess", None).await;
    }
    assert_eq!(
        sign_in(&app.browser(), "owner", PASSWORD, None)
            .await
            .status,
        StatusCode::TOO_MANY_REQUESTS,
        "a browser the owner never used waits"
    );
    assert_eq!(
        sign_in(&app.browser(), "colleague", PASSWORD, None)
            .await
            .status,
        StatusCode::TOO_MANY_REQUESTS,
        "the shared address is over its cap across names"
    );
    // A made-up device cookie is no way round the throttle.
    let forged = app
        .client
        .post(format!("{}/newsroom/login", app.address))
        .header(
            "cookie",
            format!(
                "newsline_login_csrf=t0k3n; newsline_device=owner:{}:{}",
                "0".repeat(32),
                "0".repeat(64)
            ),
        )
        .form(&[
            ("username", "owner"),
            ("password", PASSWORD),
            ("csrf", "t0k3n"),
        ])
        .send()
        .await
        .expect("answered");
    assert_eq!(forged.status(), StatusCode::TOO_MANY_REQUESTS);

    let back = sign_in(&owner, "owner", PASSWORD, None).await;
    assert_eq!(
        back.status,
        StatusCode::SEE_OTHER,
        "the owner's own browser gets in"
    );
    assert_eq!(owner.get("/newsroom").await.status, StatusCode::OK);
}

#[tokio::test]
async fn two_hundred_parallel_wrong_passwords_get_no_more_checks_than_the_limit() {
    // Room for every attempt's connection: the connection cap is not under test here.
    let app = TestApp::spawn_with(Database::fresh(), |s| {
        s.set("limits.max_connections_per_address", "1000")
            .expect("valid")
    })
    .await;
    account(&app, "target", Role::Editor).await;
    let browser = app.browser();
    let token = csrf_of(&browser.get("/newsroom/login").await);
    let before = app.newsroom.password_checks();
    let attempts = (0..200).map(|i| {
        let request = browser
            .client
            .post(format!("{}/newsroom/login", browser.base))
            .form(&[
                ("username", "target".to_owned()),
                ("password", format!("guess number {i}")),
                ("csrf", token.clone()),
            ]);
        async move { request.send().await.expect("answered").status() }
    });
    let statuses = futures_util::future::join_all(attempts).await;
    let checks = app.newsroom.password_checks() - before;
    let refused = statuses
        .iter()
        .filter(|s| **s == StatusCode::UNAUTHORIZED)
        .count();
    let throttled = statuses
        .iter()
        .filter(|s| **s == StatusCode::TOO_MANY_REQUESTS)
        .count();
    let busy = statuses
        .iter()
        .filter(|s| **s == StatusCode::SERVICE_UNAVAILABLE)
        .count();
    assert_eq!(refused + throttled + busy, 200, "{statuses:?}");
    assert!(
        checks <= u64::try_from(MAX_ATTEMPTS_PER_NAME_AND_ADDRESS).expect("small"),
        "{checks} passwords checked"
    );
    assert_eq!(u64::try_from(refused).expect("small"), checks);
    assert!(
        throttled >= 200 - usize::try_from(MAX_ATTEMPTS_PER_NAME_AND_ADDRESS).expect("small") * 2,
        "{throttled} throttled"
    );
}

#[tokio::test]
async fn a_full_hash_cap_answers_503_with_retry_after_in_the_newsroom_layout() {
    let app = TestApp::spawn().await;
    account(&app, "editor", Role::Editor).await;
    let slots = app.newsroom.hash_slots();
    let held = slots
        .acquire_many_owned(u32::try_from(MAX_CONCURRENT_HASHES).expect("small"))
        .await
        .expect("the cap's permits");
    let before = app.newsroom.password_checks();
    for _ in 0..MAX_ATTEMPTS_PER_NAME_AND_ADDRESS + 2 {
        let busy = sign_in(&app.browser(), "editor", PASSWORD, None).await;
        assert_eq!(busy.status, StatusCode::SERVICE_UNAVAILABLE);
        assert!(busy.header("retry-after").parse::<u64>().is_ok());
        assert_eq!(busy.texts("h1"), ["Sign in to the newsroom"]);
        assert!(busy.body.contains("busy"), "says why");
    }
    assert_eq!(app.newsroom.password_checks(), before, "nothing was hashed");
    drop(held);
    let page = sign_in(&app.browser(), "editor", PASSWORD, None).await;
    assert_eq!(
        page.status,
        StatusCode::SEE_OTHER,
        "busy answers were not counted as failures"
    );
}

#[tokio::test]
async fn an_overlong_login_name_is_refused_before_any_work() {
    let app = TestApp::spawn().await;
    account(&app, "editor", Role::Editor).await;
    let before = app.newsroom.password_checks();
    for name in ["x".repeat(41), "y".repeat(100_000)] {
        let page = sign_in(&app.browser(), &name, PASSWORD, None).await;
        assert_eq!(page.status, StatusCode::UNAUTHORIZED);
        assert!(input_value(&page, "username").len() <= 40);
    }
    assert_eq!(app.newsroom.password_checks(), before, "no password hashed");
}

#[tokio::test]
async fn cleanup_deletes_expired_sessions_and_old_attempt_counts() {
    let app = TestApp::spawn().await;
    let editor = app.signed_in("editor", Role::Editor).await;
    sign_in(&app.browser(), "someone", "wrong password!", None).await;
    let now = app.now();
    let removed = app.newsroom.clean_up_sign_ins(now).await.expect("cleaned");
    assert_eq!(
        (removed.sessions, removed.attempts),
        (0, 0),
        "all still live"
    );
    assert_eq!(editor.get("/newsroom").await.status, StatusCode::OK);

    let later = now + SignedDuration::from_hours(13);
    let removed = app
        .newsroom
        .clean_up_sign_ins(later)
        .await
        .expect("cleaned");
    assert_eq!(
        removed.sessions, 1,
        "the editor's session had expired by then"
    );
    assert!(removed.attempts >= 1, "{removed:?}");
    let gone = editor.get("/newsroom").await;
    assert_eq!(gone.status, StatusCode::SEE_OTHER, "the row is gone");
    let again = app
        .newsroom
        .clean_up_sign_ins(later)
        .await
        .expect("cleaned");
    assert_eq!(again, newsline::store::Removed::default());
}

// Two-factor sign-in, checked with the test's own TOTP: RFC 6238 from HMAC-SHA-1.

fn base32_decode(text: &str) -> Vec<u8> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let mut out = Vec::new();
    let (mut buffer, mut bits) = (0u32, 0);
    for c in text.trim_end_matches('=').bytes() {
        let value = ALPHABET
            .iter()
            .position(|a| *a == c.to_ascii_uppercase())
            .expect("a base32 letter");
        buffer = (buffer << 5) | u32::try_from(value).expect("small");
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push(u8::try_from((buffer >> bits) & 0xff).expect("a byte"));
        }
    }
    out
}

fn totp(secret: &[u8], unix: u64, digits: u32) -> String {
    use hmac::{Hmac, KeyInit, Mac};
    let mut mac = <Hmac<sha1::Sha1> as KeyInit>::new_from_slice(secret).expect("any key");
    mac.update(&(unix / 30).to_be_bytes());
    let hash = mac.finalize().into_bytes();
    let offset = usize::from(hash[19] & 0x0f);
    let binary = u32::from_be_bytes([
        hash[offset] & 0x7f,
        hash[offset + 1],
        hash[offset + 2],
        hash[offset + 3],
    ]);
    format!(
        "{:0width$}",
        binary % 10u32.pow(digits),
        width = digits as usize
    )
}

fn unix(t: Timestamp) -> u64 {
    u64::try_from(t.as_second()).expect("after 1970")
}

#[test]
fn the_tests_own_totp_matches_rfc_6238_and_the_servers() {
    let secret = b"12345678901234567890";
    for (time, code) in [
        (59, "94287082"),
        (1_111_111_109, "07081804"),
        (1_111_111_111, "14050471"),
        (1_234_567_890, "89005924"),
        (2_000_000_000, "69279037"),
        (20_000_000_000, "65353130"),
    ] {
        assert_eq!(totp(secret, time, 8), code, "t = {time}");
    }
    let base32 = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
    let secret = base32_decode(base32);
    for time in [
        0,
        59,
        1_700_000_000,
        1_700_000_029,
        1_700_000_030,
        4_000_000_000,
    ] {
        let at = Timestamp::from_second(i64::try_from(time).expect("fits")).expect("valid");
        assert_eq!(
            newsline::newsroom::code_at(base32, at).expect("code"),
            totp(&secret, time, 6),
            "t = {time}"
        );
    }
}

/// Turns two-factor sign-in on from the account page; returns the secret and the
/// recovery codes.
async fn enable_two_factor(browser: &Browser, now: Timestamp) -> (Vec<u8>, Vec<String>) {
    let account = browser.get("/newsroom/account").await;
    assert_eq!(account.status, StatusCode::OK);
    let setup = browser
        .submit("/newsroom/account", "/newsroom/account/two-factor", &[])
        .await;
    assert_eq!(setup.status, StatusCode::OK);
    let secret_text = setup.texts(".totp-secret").concat();
    let uri = setup.hrefs(".totp-uri").concat();
    assert!(uri.starts_with("otpauth://totp/"), "{uri}");
    assert!(uri.contains(&format!("secret={secret_text}")), "{uri}");
    let secret = base32_decode(&secret_text);
    assert_eq!(secret.len(), 20, "160 bits");

    let wrong = browser
        .submit(
            "/newsroom/account",
            "/newsroom/account/two-factor/confirm",
            &[("code", &wrong_code(&secret, now))],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        wrong.texts(".totp-secret").concat(),
        secret_text,
        "still pending"
    );

    let code = totp(&secret, unix(now), 6);
    let on = browser
        .submit(
            "/newsroom/account",
            "/newsroom/account/two-factor/confirm",
            &[("code", &code)],
        )
        .await;
    assert_eq!(on.status, StatusCode::OK);
    let codes = on.texts(".recovery-codes li");
    assert_eq!(codes.len(), 10);
    (secret, codes)
}

/// A code that is valid in none of the accepted steps around now.
fn wrong_code(secret: &[u8], now: Timestamp) -> String {
    let now = unix(now);
    let valid: Vec<String> = (now - 60..=now + 60)
        .step_by(30)
        .map(|t| totp(secret, t, 6))
        .collect();
    (0..1_000_000)
        .map(|n| format!("{n:06}"))
        .find(|c| !valid.contains(c))
        .expect("a wrong code")
}

#[tokio::test]
async fn two_factor_sign_in_takes_a_fresh_code_and_each_recovery_code_once() {
    let app = TestApp::spawn().await;
    let editor = app.signed_in("editor", Role::Editor).await;
    let (secret, recovery) = enable_two_factor(&editor, app.now()).await;
    let confirmed_with = totp(&secret, unix(app.now()), 6);

    let browser = app.browser();
    let first = sign_in(&browser, "editor", PASSWORD, None).await;
    assert_eq!(first.status, StatusCode::SEE_OTHER);
    assert!(
        first.header("location").starts_with("/newsroom/login/code"),
        "{}",
        first.header("location")
    );
    assert!(
        set_cookies(&first, "newsline_session").is_empty(),
        "no session before the code"
    );
    assert_eq!(browser.get("/newsroom").await.status, StatusCode::SEE_OTHER);
    let code_page = browser.get("/newsroom/login/code?next=/newsroom").await;
    assert_eq!(code_page.status, StatusCode::OK);

    let wrong = send_code(&browser, &wrong_code(&secret, app.now())).await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    let reused = send_code(&browser, &confirmed_with).await;
    assert_eq!(
        reused.status,
        StatusCode::UNAUTHORIZED,
        "a code is good once"
    );
    // The next step's code is accepted now (one step of skew) and was never used.
    let next_step = totp(&secret, unix(app.now()) + 30, 6);
    let done = send_code(&browser, &next_step).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    assert_eq!(done.header("location"), "/newsroom");
    assert_eq!(browser.get("/newsroom").await.status, StatusCode::OK);

    // A recovery code, once.
    let lost_phone = app.browser();
    sign_in(&lost_phone, "editor", PASSWORD, None).await;
    let rescued = send_code(&lost_phone, &recovery[0].to_uppercase()).await;
    assert_eq!(rescued.status, StatusCode::SEE_OTHER);
    assert_eq!(lost_phone.get("/newsroom").await.status, StatusCode::OK);
    let again = app.browser();
    sign_in(&again, "editor", PASSWORD, None).await;
    assert_eq!(
        send_code(&again, &recovery[0]).await.status,
        StatusCode::UNAUTHORIZED,
        "a recovery code is spent"
    );

    // Codes tried on one sign-in are bounded: after five, it is over.
    let guesser = app.browser();
    sign_in(&guesser, "editor", PASSWORD, None).await;
    for _ in 0..newsline::newsroom::MAX_CODE_ATTEMPTS {
        send_code(&guesser, &wrong_code(&secret, app.now())).await;
    }
    let over = send_code(&guesser, &recovery[1]).await;
    assert_eq!(over.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        over.texts("h1"),
        ["Sign in to the newsroom"],
        "back to the password"
    );
    assert_eq!(guesser.get("/newsroom").await.status, StatusCode::SEE_OTHER);
    let account = editor.get("/newsroom/account").await;
    assert!(
        account.body.contains("9 recovery codes are left"),
        "the code tried after the limit was not spent"
    );
}

#[tokio::test]
async fn two_factor_is_turned_off_with_password_and_code_or_by_an_admin_command() {
    let app = TestApp::spawn().await;
    let editor = app.signed_in("editor", Role::Editor).await;
    let (secret, _) = enable_two_factor(&editor, app.now()).await;
    let refused = editor
        .submit(
            "/newsroom/account",
            "/newsroom/account/two-factor/disable",
            &[
                ("password", "not the password"),
                ("code", &totp(&secret, unix(app.now()) + 30, 6)),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let off = editor
        .submit(
            "/newsroom/account",
            "/newsroom/account/two-factor/disable",
            &[
                ("password", PASSWORD),
                ("code", &totp(&secret, unix(app.now()) + 30, 6)),
            ],
        )
        .await;
    assert_eq!(off.status, StatusCode::OK);
    assert!(off.body.contains("Two-factor sign-in is off"));
    let plain = sign_in(&app.browser(), "editor", PASSWORD, None).await;
    assert_eq!(plain.header("location"), "/newsroom", "the password alone");

    // On again, then an admin takes it off from the command line.
    enable_two_factor(&editor, app.now()).await;
    let asked = sign_in(&app.browser(), "editor", PASSWORD, None).await;
    assert!(asked.header("location").starts_with("/newsroom/login/code"));
    let out = run_newsline(&app.db, &["user", "reset-2fa", "editor"]).await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let plain = sign_in(&app.browser(), "editor", PASSWORD, None).await;
    assert_eq!(plain.header("location"), "/newsroom");
    let missing = run_newsline(&app.db, &["user", "reset-2fa", "nobody"]).await;
    assert!(!missing.status.success());
}

#[tokio::test]
async fn a_role_that_requires_two_factor_sets_it_up_before_anything_else() {
    let app = TestApp::spawn_with(Database::fresh(), |settings| {
        settings.set("require_2fa_for", "admin").expect("a role");
    })
    .await;
    let admin = app.signed_in("chief", Role::Admin).await;
    let desk = admin.get("/newsroom").await;
    assert_eq!(desk.status, StatusCode::SEE_OTHER);
    assert_eq!(desk.header("location"), "/newsroom/account");
    assert_eq!(
        admin.get("/newsroom/sections").await.header("location"),
        "/newsroom/account"
    );
    let account = admin.get("/newsroom/account").await;
    assert_eq!(account.status, StatusCode::OK);
    assert!(account.body.contains("Set it up to continue"));
    let editor = app.signed_in("editor", Role::Editor).await;
    assert_eq!(editor.get("/newsroom").await.status, StatusCode::OK);

    enable_two_factor(&admin, app.now()).await;
    assert_eq!(admin.get("/newsroom").await.status, StatusCode::OK);
    let kept = admin
        .submit(
            "/newsroom/account",
            "/newsroom/account/two-factor/disable",
            &[("password", PASSWORD), ("code", "123456")],
        )
        .await;
    assert_eq!(kept.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(kept.body.contains("cannot be turned off"));
}
