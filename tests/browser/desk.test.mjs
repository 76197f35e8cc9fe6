// The desk on deadline, at a phone and a desktop size: a reporter submits a story with
// a note, an editor finds it counted as new on the desk, reads the note and sends the
// story back with one of their own, and the reporter finds it counted and reads why.
import { test } from "node:test";
import assert from "node:assert/strict";
import { newPage, snap, accessibilityProblems } from "./browser.mjs";
import { journeys, signIn } from "./setup.mjs";

const run = journeys();


/** The row of the desk's list `list` that shows `headline`. */
function row(page, list, headline) {
  return page.locator(`section[aria-labelledby=list-${list}] tbody tr`, { hasText: headline });
}

async function fitsTheWidth(page) {
  return page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
}

for (const size of ["phone", "desktop"]) {
  test(`a note goes with a story to the editors and back, and the desk counts what is new (${size})`, async () => {
    const page = await newPage(run.context, run.server.address, size);
    const headline = `Harbour reopens at ${size} size`;
    const asked = `Is the harbour master's quote on the record? (${size})`;
    const answer = `It needs a second source before it goes out. (${size})`;

    // The editor's look at the desk is what the next one counts from.
    await signIn(page, "editor");

    await signIn(page, "reporter");
    await page.goto(`${run.server.address}/newsroom/items/new`);
    await page.fill("#headline", headline);
    await page.fill("#body", "Ships are back in the harbour.");
    await page.selectOption("#section", { label: "Politics (en)" });
    await Promise.all([page.waitForURL(/saved=true/), page.click("button[value=save]")]);
    const url = page.url().split("?")[0];
    await page.fill("#desk-note", asked);
    await Promise.all([page.waitForURL(/saved=true/), page.click("button[value=submit]")]);
    await snap(page, "desk", size, "submitted-with-a-note");

    await signIn(page, "editor");
    const badge = page.locator("#list-review .desk-news");
    assert.match(await badge.textContent(), /^\d+ new since your last visit$/);
    const waiting = row(page, "review", headline);
    assert.equal(await waiting.count(), 1);
    assert.equal(await waiting.getAttribute("class"), "new-since");
    assert.match(await waiting.textContent(), new RegExp(asked.replace(/[?()]/g, "\\$&")));
    assert.ok(await fitsTheWidth(page), "the desk fits the width");
    assert.deepEqual(await accessibilityProblems(page), []);
    await snap(page, "desk", size, "editor-sees-the-badge-and-the-note");

    await page.goto(url);
    assert.equal((await page.textContent(".hand-over .desk-note")).trim(), asked);
    await page.fill("#desk-note", answer);
    await Promise.all([page.waitForURL(/saved=true/), page.click("button[value=draft]")]);
    assert.deepEqual(await accessibilityProblems(page), []);

    await signIn(page, "reporter");
    assert.match(await page.textContent("#list-drafts .desk-news"), /^1 new since your last visit$/);
    const returned = row(page, "drafts", headline);
    assert.equal(await returned.getAttribute("class"), "new-since");
    assert.match(await returned.textContent(), /editor name/);
    assert.match(await returned.textContent(), /It needs a second source before it goes out\./);
    assert.ok(await fitsTheWidth(page), "the desk fits the width");
    await snap(page, "desk", size, "reporter-sees-it-back");
    await page.goto(url);
    assert.equal((await page.textContent(".hand-over .desk-note")).trim(), answer);
    assert.ok(await fitsTheWidth(page), "the editor fits the width");
    await snap(page, "desk", size, "return-note-in-the-editor");

    // Looked at once, it is no longer new.
    await page.goto(`${run.server.address}/newsroom`);
    assert.equal(await page.locator("#list-drafts .desk-news").count(), 0);
    await page.close();
  });
}
