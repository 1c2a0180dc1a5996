// Draws pages in ONE headless Chromium, for the tests that compare what readers see.
// Usage: node render_pages.cjs <node_modules> <chromium> <jobs.json> <results.json>
// jobs.json is [{"page": path, "png": path}]; each page is drawn at 640 px wide, whole, into its PNG.
// results.json gets, per page, the direction and unicode-bidi of every code block, inline code and
// citation as Chromium computes them (with a citation's text), and whether each of the page's fonts loaded.
"use strict";
const fs = require("fs");
const path = require("path");

const [modules, chromiumPath, jobsPath, resultsPath] = process.argv.slice(2);
const { chromium } = require(path.join(modules, "playwright-core"));

(async () => {
  const browser = await chromium.launch({ executablePath: chromiumPath, args: ["--font-render-hinting=none"] });
  const context = await browser.newContext({ viewport: { width: 640, height: 480 }, deviceScaleFactor: 1 });
  // Offline, as a reader's copy: anything but a local file is refused.
  await context.route("**/*", (route) =>
    route.request().url().startsWith("file:") ? route.continue() : route.abort());
  const tab = await context.newPage();
  const results = {};
  for (const job of JSON.parse(fs.readFileSync(jobsPath, "utf8"))) {
    await tab.goto("file://" + job.page, { waitUntil: "load" });
    await tab.evaluate(() => document.fonts.ready);
    results[job.page] = await tab.evaluate(() => ({
      fonts: [...document.fonts].map((font) => `${font.family} ${font.weight}: ${font.status}`),
      code: [...document.querySelectorAll("pre, :not(pre) > code")].map((element) => {
        const style = getComputedStyle(element);
        return { direction: style.direction, bidi: style.unicodeBidi, family: style.fontFamily };
      }),
      citations: [...document.querySelectorAll(".citation")].map((element) => {
        const style = getComputedStyle(element);
        // Where its first two and last two characters are drawn: in a left-to-right citation "(" is
        // left of the letter after it, and ")" right of the one before it.
        const characters = [];
        const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
        while (walker.nextNode()) {
          for (let offset = 0; offset < walker.currentNode.data.length; offset++) {
            characters.push([walker.currentNode, offset]);
          }
        }
        const box = ([node, offset]) => {
          const range = document.createRange();
          range.setStart(node, offset);
          range.setEnd(node, offset + 1);
          const rect = range.getBoundingClientRect();
          return { left: rect.left, right: rect.right, top: rect.top };
        };
        return {
          direction: style.direction, bidi: style.unicodeBidi, text: element.textContent,
          ends: [0, 1, characters.length - 2, characters.length - 1].map((i) => box(characters[i])),
        };
      }),
    }));
    await tab.screenshot({ path: job.png, fullPage: true });
  }
  await browser.close();
  fs.writeFileSync(resultsPath, JSON.stringify(results));
})().catch((error) => {
  console.error(error);
  process.exit(1);
});
