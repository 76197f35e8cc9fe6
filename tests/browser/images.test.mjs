// Images where the editor works, at a phone and a desktop size: an editor writing a new
// item drops its lead image on the editor's upload zone (a refusal first, which keeps
// every typed word), sees it chosen in the picker, publishes, frames it on the images page by
// clicking where its subject is, puts the story on the front page, and readers see the
// lead image cropped around that point. The editor and the images page pass axe.
import { test } from "node:test";
import assert from "node:assert/strict";
import { deflateSync } from "node:zlib";
import { newPage, snap, accessibilityProblems } from "./browser.mjs";
import { journeys, signIn } from "./setup.mjs";

const run = journeys();


const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k += 1) { c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1; }
  return c >>> 0;
});

function crc32(bytes) {
  let c = 0xffffffff;
  for (const b of bytes) { c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8); }
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, "ascii");
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/** A small RGB PNG: a gradient with a bright square (the subject) low on the left. */
function png(width, height, tint) {
  const rows = [];
  for (let y = 0; y < height; y += 1) {
    const row = Buffer.alloc(1 + width * 3);
    for (let x = 0; x < width; x += 1) {
      const subject = x < width / 3 && y > (height * 2) / 3;
      row[1 + x * 3] = subject ? 255 : (x * 255) / width;
      row[2 + x * 3] = subject ? 220 : (y * 255) / height;
      row[3 + x * 3] = subject ? 0 : tint;
    }
    rows.push(row);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(Buffer.concat(rows))),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

for (const size of ["phone", "desktop"]) {
  test(`an editor uploads, places and frames a lead image, and readers see it cropped around its subject (${size})`, async () => {
    const editor = await newPage(run.context, run.server.address, size);
    await signIn(editor, "editor");
    const headline = `Lead image placed at ${size} size`;
    await editor.goto(`${run.server.address}/newsroom/items/new`);
    await editor.fill("#headline", headline);
    await editor.fill("#body", "The first paragraph.");
    await editor.selectOption("#section", { label: "Politics (en)" });
    await editor.fill("#authors", "editor name");
    assert.equal(await editor.isVisible("#drop-zone"), true, "the script shows the upload zone");

    // A file that is no image is refused; nothing typed is lost.
    const alt = `The subject, low on the left, at ${size} size`;
    await editor.fill("#upload-alt", alt);
    const caption = `Delegates arrive (${size})`;
    await editor.fill("#upload-caption", caption);
    await editor.fill("#upload-credit", "Photo: Newsline");
    await editor.setInputFiles("#upload-file", { name: "notes.png", mimeType: "image/png", buffer: Buffer.from("not an image at all") });
    await editor.click("#drop-zone button[type=submit]");
    await editor.waitForSelector("#upload-status.failed");
    assert.match(await editor.textContent("#upload-status"), /not a JPEG, PNG, WebP or GIF/);
    assert.equal(await editor.inputValue("#upload-alt"), alt);
    assert.equal(await editor.inputValue("#upload-caption"), caption);
    assert.equal(await editor.inputValue("#upload-credit"), "Photo: Newsline");
    assert.equal(await editor.inputValue("#headline"), headline);
    assert.equal(await editor.inputValue("#body"), "The first paragraph.");
    await snap(editor, "images", size, "upload-refused");

    const picture = png(size === "phone" ? 480 : 640, 360, size === "phone" ? 40 : 90);
    // Dropped on the zone, as from a desktop's file manager.
    const dropped = await editor.evaluateHandle((bytes) => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([new Uint8Array(bytes)], "subject.png", { type: "image/png" }));
      return transfer;
    }, [...picture]);
    await editor.dispatchEvent("#drop-zone", "dragenter", { dataTransfer: dropped });
    assert.match(await editor.getAttribute("#drop-zone", "class"), /dragging/);
    await editor.dispatchEvent("#drop-zone", "drop", { dataTransfer: dropped });
    assert.equal(await editor.evaluate(() => document.querySelector("#upload-file").files[0]?.name), "subject.png");
    await editor.click("#drop-zone button[type=submit]");
    await editor.waitForFunction(() => !document.querySelector("#upload-status").classList.contains("failed")
      && document.querySelector("#upload-status").textContent.startsWith("Uploaded"));
    assert.equal(await editor.getAttribute("#upload-progress", "value"), "100");
    const chosen = editor.locator("input[name=lead_media]:checked");
    const media = await chosen.getAttribute("value");
    assert.match(media, /^\d+$/, "the upload is chosen as the lead image");
    const choice = editor.locator("label.picker-choice", { has: chosen });
    assert.match(await choice.textContent(), new RegExp(alt));
    assert.match(await choice.getAttribute("class"), /picker-choice/);
    assert.match(await choice.locator("img").getAttribute("class"), /^crop fx-50 fy-50$/);
    assert.equal(await editor.inputValue("#upload-alt"), "", "the upload's fields are ready for another");
    assert.equal(await editor.inputValue("#headline"), headline);
    assert.deepEqual(await accessibilityProblems(editor), []);
    await snap(editor, "images", size, "uploaded-in-editor");

    // The picker's search finds it by its caption; picking "no image" and back works.
    await editor.fill("#picker-q", `ARRIVE ${size}`);
    await editor.waitForFunction((id) => [...document.querySelectorAll("#picker-list input[name=lead_media]")]
      .every((r) => r.value === "" || r.value === id), media);
    await editor.locator("input[name=lead_media][value='']").check();
    await editor.locator(`input[name=lead_media][value='${media}']`).check();

    await Promise.all([editor.waitForLoadState("load"), editor.click("button[value=preview]")]);
    assert.equal(await editor.getAttribute(".preview .lead-preview img", "alt"), alt);
    await Promise.all([editor.waitForURL(/saved=true/), editor.click("button[value=publish]")]);
    const item = editor.url().match(/\/newsroom\/items\/(\d+)/)[1];
    assert.equal(await editor.locator("input[name=lead_media]:checked").getAttribute("value"), media);

    // Framing: a click where the subject is, then saved.
    await editor.goto(`${run.server.address}/newsroom/media`);
    assert.deepEqual(await accessibilityProblems(editor), []);
    const target = editor.locator(`#image-${media} img.focal-target`);
    const box = await target.boundingBox();
    await target.click({ position: { x: box.width * 0.2, y: box.height * 0.8 } });
    const x = Number(await editor.inputValue(`#fx-${media}`));
    const y = Number(await editor.inputValue(`#fy-${media}`));
    assert.ok(Math.abs(x - 200) <= 20 && Math.abs(y - 800) <= 20, `${x},${y}`);
    assert.equal(await editor.getAttribute(`#image-${media} .crop-sample img`, "class"), "crop fx-20 fy-80",
      "the sample crop follows before saving");
    await Promise.all([editor.waitForURL(/framed=/), editor.click(`#focal-${media} button[type=submit]`)]);
    assert.equal(await editor.getAttribute(`#image-${media} .crop-sample img`, "class"), "crop fx-20 fy-80");
    await snap(editor, "images", size, "framed");

    // On the front page, as the lead story.
    await editor.goto(`${run.server.address}/newsroom/front-page/en`);
    await editor.selectOption("#lead", item);
    await Promise.all([editor.waitForURL(/\/newsroom\/front-page\/en$/), editor.click("button[value=save]")]);

    const reader = await newPage(run.context, run.server.address, size);
    // The saved front reaches readers once the change log is applied: a moment at most.
    for (let tries = 0; tries < 20; tries += 1) {
      await reader.goto(`${run.server.address}/en/`);
      const lead = await reader.locator(".lead-story a.headline").textContent().catch(() => "");
      if (lead.trim() === headline) { break; }
      await reader.waitForTimeout(250);
    }
    assert.equal((await reader.textContent(".lead-story a.headline")).trim(), headline);
    const image = reader.locator(".lead-story img");
    assert.equal(await image.getAttribute("class"), "crop fx-20 fy-80");
    assert.equal(await image.getAttribute("alt"), alt);
    const shape = await image.evaluate((img) => {
      const style = getComputedStyle(img);
      const box = img.getBoundingClientRect();
      return { fit: style.objectFit, position: style.objectPosition, ratio: box.width / box.height };
    });
    assert.equal(shape.fit, "cover");
    assert.equal(shape.position, "20% 80%");
    const expected = size === "phone" ? 4 / 3 : 16 / 9;
    assert.ok(Math.abs(shape.ratio - expected) < 0.02, `cropped to ${shape.ratio}`);
    const overflow = await reader.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `the home page scrolls sideways by ${overflow}px`);
    assert.deepEqual(await accessibilityProblems(reader), []);
    await snap(reader, "images", size, "public-home");
    assert.deepEqual([...reader.foreign, ...editor.foreign], []);
    await reader.close();
    await editor.close();
  });
}
