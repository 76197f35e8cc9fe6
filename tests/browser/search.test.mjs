// A reader searches from the box on every page, at a phone and a desktop size: a
// query without diacritics finds the Azerbaijani story, completions come while typing,
// a misspelt query is offered respelt, and the pages pass the accessibility checks.
import { test } from "node:test";
import assert from "node:assert/strict";
import { newPage, snap, accessibilityProblems } from "./browser.mjs";
import { journeys } from "./setup.mjs";

const run = journeys();

for (const size of ["phone", "desktop"]) {
  test(`a reader searches from the search box (${size})`, async () => {
    const page = await newPage(run.context, run.server.address, size);
    await page.goto(`${run.server.address}/az/`);
    const box = page.locator("form[role=search] input[type=search]").first();
    await box.click();
    await box.type("azerb", { delay: 30 });
    // Completions arrive as options of the box's list, as written.
    await page.waitForFunction(() =>
      [...document.querySelectorAll("#site-search-suggestions option")].some((o) => o.value === "azərbaycan"));
    await box.fill("azerbaycan turkiye");
    await Promise.all([page.waitForURL(/\/az\/search\?q=azerbaycan\+turkiye/), box.press("Enter")]);
    const first = page.locator(".search-results .headline").first();
    assert.match(await first.textContent(), /Azərbaycan və Türkiyə/);
    assert.equal(await first.locator("mark").first().textContent(), "Azərbaycan");
    await snap(page, "search", size, "results");
    for (const p of await accessibilityProblems(page)) { assert.fail(`search page: ${p}`); }

    await page.goto(`${run.server.address}/en/search?q=militray+ties`);
    const respelt = page.locator(".did-you-mean a");
    assert.equal(await respelt.textContent(), "military ties");
    await Promise.all([page.waitForURL(/q=military\+ties/), respelt.click()]);
    assert.ok(await page.locator(".search-results li").count() >= 1);
    await page.selectOption("select[name=sort]", "newest");
    await Promise.all([page.waitForURL(/sort=newest/), page.click(".search-form button[type=submit]")]);
    await snap(page, "search", size, "newest");
    assert.deepEqual(page.foreign, [], "no third-party requests");
    await page.close();
  });
}
