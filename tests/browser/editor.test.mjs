// The editor's faster tools at a phone and a desktop size: the preview beside the form
// on a desktop, the shared-link card following the search and share words, names and
// related items offered while typing, and a slip in an author's name caught.
import { test } from "node:test";
import assert from "node:assert/strict";
import { newPage, snap, accessibilityProblems } from "./browser.mjs";
import { journeys, signIn } from "./setup.mjs";

const run = journeys();


/** The name of an author the demo site credits, from the newsroom search's filter. */
async function demoAuthor(page) {
  await page.goto(`${run.server.address}/newsroom/search`);
  const names = await page.$$eval("select[name=author] option", (all) =>
    all.filter((o) => o.value && !o.textContent.includes("name")).map((o) => o.textContent.trim()));
  assert.ok(names.length > 0, "the demo credits authors");
  return names[0];
}

/** Waits until the datalist of the field `id` offers `value`. */
async function offered(page, id, value) {
  await page.waitForFunction(([id, value]) =>
    Array.from(document.querySelectorAll(`#suggest-${id} option`)).some((o) => o.value === value), [id, value]);
}

for (const size of ["phone", "desktop"]) {
  test(`an editor writes with the preview, the shared-link card and names offered while typing (${size})`, async () => {
    const page = await newPage(run.context, run.server.address, size);
    await signIn(page, "editor");
    const author = await demoAuthor(page);
    await page.goto(`${run.server.address}/newsroom/items/new`);
    const headline = `Harbour cranes return at ${size} size`;
    await page.fill("#headline", headline);
    await page.fill("#body", "The first cranes were lifted into place at dawn.");
    await page.selectOption("#section", { label: "Politics (en)" });

    // The preview stands beside the form on a desktop and follows the typing; on a
    // phone it waits to be asked for.
    const preview = page.locator("#preview");
    if (size === "desktop") {
      await page.waitForFunction((h) => document.querySelector("#preview h1")?.textContent === h, headline);
      const [form, aside] = [await page.locator("#item-form").boundingBox(), await preview.boundingBox()];
      assert.ok(aside.x >= form.x + form.width, `the preview (x ${aside.x}) is beside the form (ends ${form.x + form.width})`);
    } else {
      assert.equal(await preview.isVisible(), false);
    }

    // The shared link shows the search title, else the headline.
    await page.click("details.search-and-sharing summary");
    assert.equal((await page.textContent("[data-card-title]")).trim(), headline);
    await page.fill("#seo_title", "Cranes are back");
    assert.equal((await page.textContent("[data-card-title]")).trim(), "Cranes are back");
    await page.fill("#seo_description", "What the new cranes mean for the port.");
    assert.equal((await page.textContent("[data-card-description]")).trim(), "What the new cranes mean for the port.");

    // A known author is offered from a few letters; a slip in a name is caught on saving.
    await page.fill("#authors", author.slice(0, 4));
    await offered(page, "authors", author);
    await page.fill("#authors", `${author}, ${author.slice(0, -1)}`);
    await Promise.all([page.waitForLoadState("load"), page.click("button[value=save]")]);
    assert.match(await page.textContent(".new-authors"), new RegExp(`Did you mean ${author}\\?`));
    assert.equal(await page.inputValue("#headline"), headline, "the typed text is kept");
    assert.equal(await page.inputValue("#seo_title"), "Cranes are back");
    await snap(page, "editor-tools", size, "author-slip");
    await page.fill("#authors", author);
    await Promise.all([page.waitForURL(/saved=true/), page.click("button[value=save]")]);
    const saved = page.url().split("?")[0];
    const id = saved.split("/").pop();

    // Related items are found by their headline.
    await page.goto(`${run.server.address}/newsroom/items/new`);
    await page.fill("#related", "harbour cranes");
    await offered(page, "related", id);
    assert.deepEqual(await accessibilityProblems(page), []);

    if (size === "phone") {
      await page.goto(saved);
      await Promise.all([page.waitForLoadState("load"), page.click("button[value=preview]")]);
      assert.equal(await preview.isVisible(), true);
      assert.equal((await page.textContent("#preview h1")).trim(), headline);
      assert.match(await page.textContent("#preview .byline"), new RegExp(author));
    }
    await snap(page, "editor-tools", size, "preview");
    await page.close();
  });
}
