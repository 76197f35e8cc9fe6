// Journeys of a reader, an editor and a reporter in headless Chromium, at a phone and
// a desktop size, with a screenshot of every step in target/browser-screenshots/.
import { test } from "node:test";
import assert from "node:assert/strict";
import { newPage, snap, accessibilityProblems } from "./browser.mjs";
import { journeys, signIn } from "./setup.mjs";

const run = journeys();


for (const size of ["phone", "desktop"]) {
  test(`a reader goes from the home page through the news line and the archive (${size})`, async () => {
    const page = await newPage(run.context, run.server.address, size);
    await page.goto(`${run.server.address}/en/`);
    await snap(page, "reader", size, "home");
    await Promise.all([page.waitForURL(/foreign-policy\/\d+-/), page.click(".leads a.headline >> text=military ties")]);
    assert.match(await page.textContent("article h1"), /military ties/);
    assert.equal(await page.textContent("article .meta"), "Foreign Policy 16:29 21.05.2025");
    await snap(page, "reader", size, "article");
    const second = page.locator(".news-line li a").nth(1);
    const headline = await second.textContent();
    await Promise.all([page.waitForNavigation(), second.click()]);
    assert.equal(await page.textContent("article h1"), headline);
    await snap(page, "reader", size, "news-line-item");
    await Promise.all([page.waitForURL(/\/en\/news$/), page.click(".news-line .all-news a")]);
    assert.equal(await page.textContent("main h1"), "All news");
    await snap(page, "reader", size, "all-news");
    await Promise.all([page.waitForURL(/page=2/), page.click(".pagination a[rel=next]")]);
    await snap(page, "reader", size, "page-2");
    await Promise.all([page.waitForURL(/\/en\/news\/\d{4}\/\d{2}\/\d{2}$/), page.click(".day h2 a >> nth=0")]);
    assert.match(await page.textContent("main h1"), /All news: \d{1,2} [A-Z][a-z]+ \d{4}/);
    await snap(page, "reader", size, "day");
    // On a phone the sections fold behind the menu button.
    if (await page.isVisible(".menu-button")) {
      await page.click(".menu-button");
      assert.equal(await page.getAttribute(".menu-button", "aria-expanded"), "true");
    }
    await Promise.all([page.waitForURL(/\/en\/politics$/), page.click(".sections a >> text=Politics")]);
    assert.equal(await page.textContent("main h1"), "Politics");
    await snap(page, "reader", size, "section");
    assert.deepEqual(page.foreign, [], "no third-party requests");
    await page.close();
  });

  test(`an editor writes, previews and publishes an article that appears live in a reader's open page (${size})`, async () => {
    const reader = await newPage(run.context, run.server.address, size);
    await reader.goto(`${run.server.address}/en/`);
    const editor = await newPage(run.context, run.server.address, size);
    await signIn(editor, "editor");
    await snap(editor, "editor", size, "desk");

    await editor.goto(`${run.server.address}/newsroom/media`);
    const picture = await reader.screenshot();
    await editor.setInputFiles("#file", { name: "picture.png", mimeType: "image/png", buffer: picture });
    await editor.fill("#alt", `Front page at ${size} size`);
    await Promise.all([editor.waitForURL(/uploaded=/), editor.click("form[enctype] button[type=submit]")]);
    await snap(editor, "editor", size, "uploaded");

    const headline = `Live from the newsroom at ${size} size`;
    await editor.goto(`${run.server.address}/newsroom/items/new`);
    await editor.fill("#headline", headline);
    await editor.fill("#body", "The first paragraph.\n\nThe **second** paragraph.");
    await editor.selectOption("#section", { label: "Politics (en)" });
    await editor.fill("#authors", "editor name");
    await editor.locator("input[name=lead_media]").nth(1).check();
    await Promise.all([editor.waitForLoadState("load"), editor.click("button[value=preview]")]);
    assert.equal(await editor.textContent(".preview .body strong"), "second");
    await snap(editor, "editor", size, "preview");
    await Promise.all([editor.waitForURL(/saved=true/), editor.click("button[value=publish]")]);
    await snap(editor, "editor", size, "published");

    await reader.waitForSelector(`.news-line li a >> text=${headline}`, { timeout: 5000 });
    await snap(reader, "editor", size, "reader-sees-it-live");
    assert.deepEqual([...reader.foreign, ...editor.foreign], []);
    await reader.close();
    await editor.close();
  });

  test(`a reporter submits for review and cannot publish (${size})`, async () => {
    const page = await newPage(run.context, run.server.address, size);
    await signIn(page, "reporter");
    await page.goto(`${run.server.address}/newsroom/items/new`);
    await page.fill("#headline", `Reporter copy at ${size} size`);
    await page.fill("#body", "Filed from the field.");
    await page.selectOption("#section", { label: "Politics (en)" });
    await Promise.all([page.waitForURL(/saved=true/), page.click("button[value=save]")]);
    assert.equal(await page.locator("button[value=publish]").count(), 0, "no publish button for a reporter");
    await Promise.all([page.waitForURL(/saved=true/), page.click("button[value=submit]")]);
    assert.match(await page.textContent(".status-line"), /in review/);
    await snap(page, "reporter", size, "submitted");
    // Even a hand-made request to publish is refused by the server.
    const url = page.url().split("?")[0];
    const form = await page.evaluate(() => Object.fromEntries(new FormData(document.getElementById("item-form"))));
    const response = await page.request.post(url, { form: { ...form, step: "publish" } });
    assert.equal(response.status(), 403);
    await page.close();
  });
}

test("every page type has no serious accessibility problem", async () => {
  const page = await newPage(run.context, run.server.address, "desktop");
  await page.goto(`${run.server.address}/en/`);
  const article = await page.getAttribute(".leads a.headline >> nth=0", "href");
  const readerPages = [
    "/en/", article, "/en/news", "/en/news?page=2", "/en/news/2025/05/21", "/en/politics",
    "/en/author/madina-mammadova", "/en/tag/defence", "/en/corrections", "/az/", "/en/nothing-here",
  ];
  const problems = [];
  for (const path of readerPages) {
    await page.goto(`${run.server.address}${path}`);
    for (const p of await accessibilityProblems(page)) { problems.push(`${path}: ${p}`); }
  }
  await page.goto(`${run.server.address}/newsroom/login`);
  for (const p of await accessibilityProblems(page)) { problems.push(`/newsroom/login: ${p}`); }
  await signIn(page, "chief");
  for (const path of ["/newsroom", "/newsroom/items/new", "/newsroom/items/1", "/newsroom/items/1/history",
    "/newsroom/media", "/newsroom/sections", "/newsroom/password", "/newsroom/account", "/newsroom/audit",
    "/newsroom/front-page", "/newsroom/front-page/en"]) {
    await page.goto(`${run.server.address}${path}`);
    for (const p of await accessibilityProblems(page)) { problems.push(`${path}: ${p}`); }
  }
  assert.deepEqual(problems, []);
  await page.close();
});

test("reader pages fit 320 pixels, size their images and stay light", async () => {
  const page = await newPage(run.context, run.server.address, "phone");
  await page.setViewportSize({ width: 320, height: 640 });
  await page.goto(`${run.server.address}/en/`);
  const article = await page.getAttribute(".leads a.headline >> nth=0", "href");
  for (const path of ["/en/", article, "/en/news", "/en/politics", "/en/news/2025/05/21"]) {
    await page.goto(`${run.server.address}${path}`);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `${path} scrolls sideways by ${overflow}px`);
    const unsized = await page.evaluate(() => [...document.images].filter((i) => !i.getAttribute("width") || !i.getAttribute("height")).length);
    assert.equal(unsized, 0, `${path}: every image has a width and height`);
  }
  await page.goto(`${run.server.address}${article}`);
  const weight = await page.evaluate(async () => {
    const urls = [...document.querySelectorAll("link[rel=stylesheet], script[src]")].map((e) => e.href || e.src);
    let total = 0;
    for (const url of urls) { total += (await (await fetch(url)).arrayBuffer()).byteLength; }
    return total;
  });
  assert.ok(weight < 50 * 1024, `CSS and JavaScript of the article page weigh ${weight} bytes`);
  const fonts = await page.evaluate(() => performance.getEntriesByType("resource").filter((r) => /\.(woff2?|ttf|otf)$/.test(r.name)).map((r) => r.name));
  assert.ok(fonts.every((f) => f.startsWith(location.origin)), "fonts are local");
  assert.deepEqual(page.foreign, []);
  await page.close();
});

test("the editor can be used by keyboard alone, with focus always visible", async () => {
  const page = await newPage(run.context, run.server.address, "desktop");
  await signIn(page, "editor");
  await page.goto(`${run.server.address}/newsroom/items/new`);
  await page.keyboard.press("Tab");
  assert.equal(await page.evaluate(() => document.activeElement.textContent), "Skip to content");
  await page.keyboard.press("Enter");
  let reached = null;
  for (let i = 0; i < 40 && reached !== "headline"; i += 1) {
    await page.keyboard.press("Tab");
    reached = await page.evaluate(() => document.activeElement.id);
    const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
    assert.notEqual(outline, "none", `focus is visible on ${reached}`);
  }
  assert.equal(reached, "headline");
  await page.keyboard.type("Typed by keyboard");
  for (const [id, text] of [["body", "Written without a mouse."], ["authors", "editor name"]]) {
    await page.focus(`#${id}`);
    await page.keyboard.type(text);
  }
  await page.focus("button[value=save]");
  await Promise.all([page.waitForURL(/\/newsroom\/items(\/\d+\?saved=true)?$/), page.keyboard.press("Enter")]);
  await page.waitForLoadState("load");
  if (!page.url().includes("saved=true")) {
    const errors = await page.locator(".field-error, .form-error").allTextContents();
    assert.fail(`not saved: ${page.url()} ${errors.join(" / ")}`);
  }
  assert.match(await page.inputValue("#headline"), /Typed by keyboard/);
  await page.close();
});

// Last, so the journeys above find the demo's home page as it was: these arrange it.
for (const size of ["phone", "desktop"]) {
  test(`an editor arranges the front page, previews it, saves it and readers see it live (${size})`, async () => {
    const reader = await newPage(run.context, run.server.address, size);
    await reader.goto(`${run.server.address}/en/`);
    const editor = await newPage(run.context, run.server.address, size);
    await signIn(editor, "editor");
    await Promise.all([editor.waitForURL(/\/newsroom\/front-page$/), editor.click("nav a >> text=Front page")]);
    await Promise.all([editor.waitForURL(/\/newsroom\/front-page\/en$/), editor.click("main a[href='/newsroom/front-page/en']")]);
    await snap(editor, "front-page", size, "form");
    const choices = (await editor.$$eval("#lead option", (all) => all.map((o) => ({ value: o.value, label: o.textContent.trim() }))))
      .filter((o) => o.value && !o.label.endsWith("(scheduled)"));
    // The newest has the lead image the editor journey uploaded; the others in a new order.
    const lead = choices[0];
    const top = size === "phone" ? [choices[3], choices[1]] : [choices[1], choices[4], choices[2]];
    // The form starts from what is live (the demo's own arrangement): clear it first.
    await editor.$$eval("select[id^=top-], select[id^=block-section-]", (all) => all.forEach((s) => { s.value = ""; }));
    await editor.selectOption("#lead", lead.value);
    for (const [i, story] of top.entries()) { await editor.selectOption(`#top-${i + 1}`, story.value); }
    await editor.selectOption("#block-section-1", { label: "Politics" });
    await editor.fill("#block-count-1", "3");

    const [preview] = await Promise.all([editor.waitForEvent("popup"), editor.click("button[value=preview]")]);
    await preview.waitForLoadState("load");
    assert.equal((await preview.textContent(".lead-story a.headline")).trim(), lead.label);
    assert.equal(await preview.getAttribute("meta[name=robots]", "content"), "noindex");
    await snap(preview, "front-page", size, "preview");
    await preview.close();
    await reader.reload();
    assert.notDeepEqual(await reader.locator(".top-stories a.headline").allTextContents(), top.map((t) => t.label),
      "a preview changes nothing readers see");

    await Promise.all([editor.waitForURL(/\/newsroom\/front-page\/en$/), editor.click("button[value=save]")]);
    assert.match(await editor.textContent("main"), /Version \d+, live since/);
    await snap(editor, "front-page", size, "saved");

    await reader.reload();
    assert.equal((await reader.textContent(".lead-story a.headline")).trim(), lead.label);
    assert.deepEqual((await reader.locator(".top-stories a.headline").allTextContents()).map((t) => t.trim()), top.map((t) => t.label));
    assert.equal(await reader.locator(".section-block h3").first().textContent(), "Politics");
    const image = reader.locator(".lead-story img");
    assert.match(await image.getAttribute("srcset"), / \d+w/);
    assert.ok(await image.getAttribute("sizes"));
    assert.ok(await image.getAttribute("alt"));
    const overflow = await reader.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `the arranged home scrolls sideways by ${overflow}px`);
    assert.deepEqual(await accessibilityProblems(reader), []);
    await snap(reader, "front-page", size, "public-home");
    assert.deepEqual([...reader.foreign, ...editor.foreign], []);
    await reader.close();
    await editor.close();
  });
}
