// The newsroom on deadline, at a phone and a desktop size: an admin adds a reporter and
// renames a section, an editor schedules with an expiry, resolves a conflict and
// restores a version after confirming; every newsroom page fits a phone and passes axe.
import { test } from "node:test";
import assert from "node:assert/strict";
import { PASSWORD } from "./server.mjs";
import { newPage, snap, accessibilityProblems } from "./browser.mjs";
import { journeys, signIn } from "./setup.mjs";

const run = journeys();


/** Writes a new article and saves it as a draft; returns its editor's address. */
async function draft(page, headline) {
  await page.goto(`${run.server.address}/newsroom/items/new`);
  await page.fill("#headline", headline);
  await page.fill("#body", "The first paragraph.");
  await page.selectOption("#section", { label: "Politics (en)" });
  await page.fill("#authors", "editor name");
  await Promise.all([page.waitForURL(/saved=true/), page.click("button[value=save]")]);
  return page.url().split("?")[0];
}

for (const size of ["phone", "desktop"]) {
  test(`an admin adds a reporter who signs in, and renames a section whose old address still leads to it (${size})`, async () => {
    const page = await newPage(run.context, run.server.address, size);
    await signIn(page, "chief");
    await Promise.all([page.waitForURL(/\/newsroom\/accounts$/), page.click("header nav a >> text=Accounts")]);
    const login = `ayla-${size}`;
    await page.fill("#login", login);
    await page.fill("#display-name", `Ayla at ${size} size`);
    await page.selectOption("#role", "reporter");
    await page.fill("#first-password", PASSWORD);
    await Promise.all([page.waitForLoadState("load"), page.click("button >> text=Add account")]);
    assert.match(await page.textContent("[role=status]"), new RegExp(login));
    assert.equal((await page.textContent(`#account-${login} .role`)).trim(), "Reporter");
    await snap(page, "admin", size, "account-added");

    await page.goto(`${run.server.address}/newsroom/sections`);
    // Not Politics, which the other journeys write in.
    const rows = await page.$$eval("table.sections tbody tr", (all) => all.map((r) => r.id)
      .filter((id) => id.startsWith("section-en-") && id !== "section-en-politics"));
    const slug = rows[size === "phone" ? 0 : 1].replace("section-en-", "");
    const name = `Renamed at ${size} size`;
    await page.fill(`#name-en-${slug}`, name);
    await page.fill(`#slug-en-${slug}`, `${slug}-${size}`);
    await Promise.all([page.waitForURL(/\/newsroom\/sections$/), page.click(`#section-en-${slug} button >> text=Save name and address`)]);
    assert.equal(await page.textContent(`#section-en-${slug}-${size} .address`), `/en/${slug}-${size}`);
    await snap(page, "admin", size, "section-renamed");
    await page.goto(`${run.server.address}/en/${slug}`);
    assert.match(page.url(), new RegExp(`/en/${slug}-${size}$`));
    assert.equal(await page.textContent("main h1"), name);

    // The new reporter signs in with the first password.
    await signIn(page, login);
    assert.equal(await page.locator("header nav a >> text=Accounts").count(), 0);
    await page.close();
  });

  test(`an editor schedules a story with an expiry and sees both times kept (${size})`, async () => {
    const page = await newPage(run.context, run.server.address, size);
    await signIn(page, "editor");
    const headline = `Scheduled with an expiry at ${size} size`;
    await page.goto(`${run.server.address}/newsroom/items/new`);
    await page.fill("#headline", headline);
    await page.fill("#body", "Goes out later and comes down after.");
    await page.selectOption("#section", { label: "Politics (en)" });
    await page.fill("#authors", "editor name");
    await page.fill("#publish_at", "2031-03-01T09:30");
    await page.fill("#unpublish_at", "2031-03-02T18:00");
    await Promise.all([page.waitForURL(/saved=true/), page.click("button[value=schedule]")]);
    assert.equal(await page.inputValue("#publish_at"), "2031-03-01T09:30");
    assert.equal(await page.inputValue("#unpublish_at"), "2031-03-02T18:00");
    await page.goto(`${run.server.address}/newsroom`);
    const row = page.locator("section[aria-labelledby=list-scheduled] tr", { hasText: headline });
    assert.equal(await row.count(), 1);
    assert.match(await row.textContent(), /18:00 02\.03\.2031/);
    await snap(page, "editor", size, "scheduled-with-expiry");
    await page.close();
  });

  test(`an editor whose save crossed a colleague's keeps the typed text and saves again (${size})`, async () => {
    const mine = await newPage(run.context, run.server.address, size);
    await signIn(mine, "editor");
    const url = await draft(mine, `Conflict at ${size} size`);
    const theirs = await newPage(run.context, run.server.address, size);
    await theirs.goto(url);
    await theirs.fill("#headline", `Their headline at ${size} size`);
    await Promise.all([theirs.waitForURL(/saved=true/), theirs.click("button[value=save]")]);
    await mine.fill("#headline", `My headline at ${size} size`);
    const [answer] = await Promise.all([mine.waitForResponse((r) => r.request().method() === "POST"), mine.click("button[value=save]")]);
    assert.equal(answer.status(), 409);
    await mine.waitForLoadState("load");
    assert.equal(await mine.inputValue("#headline"), `My headline at ${size} size`);
    await snap(mine, "editor", size, "conflict");
    await Promise.all([mine.waitForURL(/saved=true/), mine.click("button[value=save]")]);
    assert.equal(await mine.inputValue("#headline"), `My headline at ${size} size`);
    await mine.close();
    await theirs.close();
  });

  test(`an editor restores an earlier version only after confirming (${size})`, async () => {
    const page = await newPage(run.context, run.server.address, size);
    await signIn(page, "editor");
    const first = `Before the rewrite at ${size} size`;
    const url = await draft(page, first);
    await page.fill("#headline", `After the rewrite at ${size} size`);
    await Promise.all([page.waitForURL(/saved=true/), page.click("button[value=save]")]);
    await page.goto(`${url}/history`);
    await Promise.all([page.waitForURL(/\/diff\?/), page.click("button >> text=Show differences")]);
    await snap(page, "editor", size, "diff");
    const restore = page.locator("button[data-confirm]");

    page.answer = "dismiss";
    await restore.click();
    assert.equal(page.asked.length, 1, "asked before restoring");
    assert.match(page.url(), /\/diff\?/, "a dismissed confirmation sends nothing");

    page.answer = "accept";
    await Promise.all([page.waitForURL(/\/newsroom\/items\/\d+/), restore.click()]);
    assert.equal(page.asked.length, 2);
    await page.goto(url);
    assert.equal(await page.inputValue("#headline"), first);
    await page.close();
  });
}

test("every newsroom page fits a phone without scrolling sideways and has no serious accessibility problem", async () => {
  const page = await newPage(run.context, run.server.address, "phone");
  await signIn(page, "chief");
  const paths = ["/newsroom", "/newsroom?status=published", "/newsroom/items/new", "/newsroom/items/1",
    "/newsroom/items/1/history", "/newsroom/media", "/newsroom/sections", "/newsroom/accounts",
    "/newsroom/password", "/newsroom/account", "/newsroom/tokens", "/newsroom/audit", "/newsroom/webhooks",
    "/newsroom/wire", "/newsroom/wire/feeds", "/newsroom/search?q=baku", "/newsroom/front-page",
    "/newsroom/front-page/en"];
  const problems = [];
  for (const path of paths) {
    await page.goto(`${run.server.address}${path}`);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    if (overflow > 0) { problems.push(`${path} scrolls sideways by ${overflow}px`); }
    for (const p of await accessibilityProblems(page)) { problems.push(`${path}: ${p}`); }
  }
  // The desk's lists are cards on a phone: no table header row shows.
  await page.goto(`${run.server.address}/newsroom`);
  assert.equal(await page.locator(".desk-list thead").first().isVisible(), true,
    "the header row is kept for screen readers");
  const headerHeight = await page.$eval(".desk-list thead", (t) => t.getBoundingClientRect().height);
  assert.ok(headerHeight <= 1, `the desk's header row is hidden on a phone (${headerHeight}px)`);
  await page.setViewportSize({ width: 1280, height: 800 });
  for (const path of ["/newsroom/accounts", "/newsroom/sections", "/newsroom?edition=en"]) {
    await page.goto(`${run.server.address}${path}`);
    for (const p of await accessibilityProblems(page)) { problems.push(`${path} (desktop): ${p}`); }
  }
  assert.deepEqual(problems, []);
  await page.close();
});

test("the reader's masthead folds behind a menu button on a phone and opens with it", async () => {
  const page = await newPage(run.context, run.server.address, "phone");
  await page.goto(`${run.server.address}/en/`);
  const button = page.locator(".menu-button");
  assert.equal(await button.isVisible(), true);
  assert.equal(await page.isVisible("nav.sections"), false);
  await button.click();
  assert.equal(await page.isVisible("nav.sections"), true);
  assert.equal(await button.getAttribute("aria-expanded"), "true");
  assert.deepEqual(await accessibilityProblems(page), []);
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(`${run.server.address}/en/`);
  assert.equal(await button.isVisible(), false, "everything fits on a desktop");
  assert.equal(await page.isVisible("nav.sections"), true);
  await page.close();
});

test("the editor counts characters, offers the chosen edition's sections and saves with Ctrl+S", async () => {
  const page = await newPage(run.context, run.server.address, "desktop");
  await signIn(page, "editor");
  await page.goto(`${run.server.address}/newsroom/items/new`);
  await page.fill("#headline", "Counted");
  assert.equal(await page.textContent("#headline + .char-count"), "7 of 200 characters");
  const offered = async () => page.$$eval("#section option", (all) => all.filter((o) => !o.disabled).map((o) => o.textContent));
  await page.selectOption("#edition", "az");
  assert.ok((await offered()).every((label) => label.endsWith("(az)")), `${await offered()}`);
  await page.selectOption("#edition", "en");
  assert.ok((await offered()).every((label) => label.endsWith("(en)")), `${await offered()}`);
  await page.selectOption("#section", { label: "Politics (en)" });
  await page.fill("#body", "Saved from the keyboard.");
  await page.fill("#authors", "editor name");
  await page.focus("#body");
  await Promise.all([page.waitForURL(/saved=true/), page.keyboard.press("Control+s")]);
  assert.equal(await page.inputValue("#headline"), "Counted");
  await page.close();
});
