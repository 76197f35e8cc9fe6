// The XSS corpus (tests/xss/payloads.txt) stored through the newsroom in every field, then
// every page that shows it loaded in Chromium, and every feed's HTML rendered as a feed
// reader would: no payload may run (no dialog, no window.__xss) and no page may trip the
// content policy.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { startServer, PASSWORD } from "./server.mjs";
import { launch, newPage, markerSet, takeIncidents } from "./browser.mjs";

const payloads = readFileSync(new URL("../xss/payloads.txt", import.meta.url), "utf8")
  .split("\n")
  .filter((line) => line.trim() !== "" && !line.startsWith("#"))
  .map((line) => line.replaceAll("\\n", "\n"));

let server;
let context;

before(async () => {
  server = await startServer();
  context = await launch();
});

after(async () => {
  await context?.close();
  server?.stop();
});

/** Posts a newsroom form the way the page would, without following the redirect. */
async function post(page, path, fields) {
  const response = await page.request.post(`${server.address}${path}`, { ...fields, maxRedirects: 0 });
  assert.equal(response.status(), 303, `${path}: ${await response.text()}`);
  return response.headers().location;
}

/** Loads `path` and fails on a payload's marker; incidents are collected by the watcher. */
async function visit(page, path) {
  const response = await page.goto(`${server.address}${path}`);
  assert.ok(response.status() < 500, `${path}: ${response.status()}`);
  assert.equal(await markerSet(page), false, `${path}: a payload set window.__xss`);
}

test("no payload stored in any field runs on any page or in any feed", async () => {
  const page = await newPage(context, server.address, "desktop");
  await page.goto(`${server.address}/newsroom/login`);
  await page.fill("#username", "editor");
  await page.fill("#password", PASSWORD);
  await Promise.all([page.waitForURL(/\/newsroom$/), page.click("form button[type=submit]")]);
  await page.goto(`${server.address}/newsroom/sections`);
  const csrf = await page.getAttribute("input[name=csrf]", "value");

  const items = [];
  let previous = "";
  for (const [i, payload] of payloads.entries()) {
    const slug = `x${i}`;
    await post(page, "/newsroom/sections", { form: { csrf, edition: "en", slug, name: payload } });
    // Each picture a different size, so each upload is its own image.
    const picture = await page.screenshot({ clip: { x: 0, y: 0, width: 10 + i, height: 10 } });
    const uploaded = await post(page, "/newsroom/media", {
      multipart: {
        csrf, alt: payload, caption: payload, credit: payload,
        file: { name: "picture.png", mimeType: "image/png", buffer: picture },
      },
    });
    const media = new URL(uploaded, server.address).searchParams.get("uploaded");
    const created = await post(page, "/newsroom/items", {
      form: {
        csrf, version: "", step: "publish", edition: "en", kind: "article", headline: payload,
        dek: payload, body: payload, section: slug, authors: payload, new_authors: payload,
        tags: payload, seo_title: payload.slice(0, 70), seo_description: payload.slice(0, 200),
        related: previous, lead_media: media,
      },
    });
    const id = created.match(/\/newsroom\/items\/(\d+)/)[1];
    await post(page, `/newsroom/items/${id}/corrections`, { form: { csrf, note: payload } });
    previous = id;
    items.push(id);
  }

  // The newsroom's pages, the preview among them.
  for (const path of ["/newsroom", "/newsroom/media", "/newsroom/sections"]) { await visit(page, path); }
  const publicPaths = new Set(["/en/", "/en/news", "/en/corrections"]);
  for (const id of items) {
    await visit(page, `/newsroom/items/${id}/history`);
    await visit(page, `/newsroom/items/${id}`);
    publicPaths.add(new URL(await page.getAttribute(".status-line a", "href"), server.address).pathname);
    await Promise.all([page.waitForLoadState("load"), page.click("button[value=preview]")]);
    assert.equal(await page.locator(".preview").count(), 1, "the preview is shown");
    assert.equal(await markerSet(page), false, `preview of ${id}`);
  }

  // Every reader page of the stored items: articles, then their sections, authors and tags.
  const articles = [...publicPaths];
  const topics = new Set();
  for (const path of articles) {
    await visit(page, path);
    for (const href of await page.$$eval("a[href^='/en/']", (links) => links.map((a) => a.getAttribute("href")))) {
      if (/^\/en\/((author|tag)\/[^/?]+|x\d+)$/.test(href)) { topics.add(href); }
    }
  }
  assert.ok(topics.size >= payloads.length, `only ${topics.size} section, author and tag pages found`);
  const feeds = new Set(["/en/feed.xml", "/en/atom.xml"]);
  for (const path of topics) {
    await visit(page, path);
    // Pages do not link their topic's feeds; their addresses follow from the page's.
    const [, kind, slug] = path.match(/^\/en\/(?:(author|tag)\/)?([^/]+)$/) || [];
    if (slug) {
      for (const format of ["rss", "atom"]) { feeds.add(`/en/feeds/${kind || "section"}/${slug}/${format}`); }
    }
  }
  assert.ok(feeds.size > topics.size, `only ${feeds.size} feeds found`);

  // Each feed's HTML as a feed reader shows it: in a page with no content policy at all,
  // so only the escaping stands between a payload and the reader.
  const reader = await newPage(context, server.address, "desktop");
  await page.goto(`${server.address}/robots.txt`);
  for (const path of feeds) {
    const xml = await (await page.request.get(`${server.address}${path}`)).text();
    const fragments = await page.evaluate((text) => {
      const doc = new DOMParser().parseFromString(text, "application/xml");
      if (doc.querySelector("parsererror")) { return null; }
      return [...doc.querySelectorAll("item > description, entry > summary, entry > content")].map((e) => e.textContent);
    }, xml);
    assert.ok(fragments, `${path} is well-formed XML`);
    await reader.setContent(`<!doctype html><html><body>${fragments.map((f) => `<article>${f}</article>`).join("\n")}</body></html>`);
    assert.equal(await markerSet(reader), false, `${path}: a payload set window.__xss in a feed reader`);
  }
  await reader.close();
  await page.close();
  assert.deepEqual(takeIncidents(), []);
});
