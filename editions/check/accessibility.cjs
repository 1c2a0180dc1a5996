// Accessibility checks in ONE headless Chromium: DAISY Ace on EPUBs and axe-core (WCAG 2.1 A and AA) on
// HTML pages. Usage: node accessibility.cjs <node_modules> <chromium> <jobs.json> <results.json>
// jobs.json is {"books": [path...], "pages": [path...]}; results.json gets, for each book and page,
// {"violations": [{rule, impact, description, targets, subject}]} or {"error": message}.
// Ace also prints each book's full report on stdout; the caller reads results.json only.
"use strict";
const fs = require("fs");
const path = require("path");

const [modules, chromiumPath, jobsPath, resultsPath] = process.argv.slice(2);
const load = (name) => require(path.join(modules, name));
const { chromium } = load("playwright-core");
const ace = load("@daisy/ace-core");
const winston = load("winston");
const axeSource = fs.readFileSync(path.join(modules, "axe-core", "axe.min.js"), "utf8");
const WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];
// Documents of one book checked at once: two cores, so more tabs only queue behind each other.
const TABS = 2;

// Ace logs through winston; without a transport winston complains on stderr for every message.
winston.configure({ transports: [new winston.transports.Console({ silent: true })] });

// Every document is opened as a reader would get it offline: anything but a local file is refused.
// Pages forbid scripts with a Content-Security-Policy; bypassing it lets the checkers inject theirs.
async function offlineContext(browser) {
  const context = await browser.newContext({ bypassCSP: true });
  await context.route("**/*", (route) =>
    route.request().url().startsWith("file:") ? route.continue() : route.abort());
  return context;
}

// Tabs go from document to document: a new tab costs a renderer process, about a quarter of the CPU
// time of a check. A tab whose check failed is closed, so nothing of a broken document reaches the next.
function tabPool(context) {
  const idle = [];
  return {
    async use(check) {
      const tab = idle.pop() || (await context.newPage());
      try {
        const result = await check(tab);
        idle.push(tab);
        return result;
      } catch (error) {
        await tab.close();
        throw error;
      }
    },
    close: () => Promise.all(idle.map((tab) => tab.close())),
  };
}

// Ace's axe runner (the interface of @daisy/ace-axe-runner-puppeteer) on the shared browser, instead of
// a Chromium per book: Ace calls launch() and close() around every book, and the browser outlives them.
// Our books' documents are .xhtml, which Chromium parses as XHTML by itself.
function aceRunner(tabs) {
  return {
    concurrency: TABS,
    setTimeout() {},
    async launch() {},
    async close() {},
    run: (url, scripts, scriptContents) => tabs.use(async (tab) => {
      await tab.goto(url);
      const sources = [...scriptContents.map((content) => ({ content })), ...scripts.map((file) => ({ path: file }))];
      for (const source of sources) {
        const script = await tab.addScriptTag(source);
        // Marked as Ace's own, as its runners do: Ace lists the scripts a document carries itself.
        await script.evaluate((element) => element.setAttribute("data-ace", ""));
      }
      return tab.evaluate(() => new Promise((resolve, reject) =>
        window.daisy.ace.run((error, result) => (error ? reject(error) : resolve(result)))));
    }),
  };
}

function aceViolations(report) {
  const found = [];
  for (const group of report.assertions || []) {
    for (const item of group.assertions || []) {
      if (item["earl:result"]["earl:outcome"] !== "fail") continue;
      found.push({
        subject: group["earl:testSubject"].url,
        rule: item["earl:test"]["dct:title"],
        impact: item["earl:test"]["earl:impact"] || "",
        description: item["earl:result"]["dct:description"] || "",
        targets: ((item["earl:result"]["earl:pointer"] || {}).css || []).map(String),
      });
    }
  }
  return found;
}

async function checkBook(tabs, book) {
  const [, report] = await ace(book, { cwd: process.cwd(), silent: true, jobId: "" }, aceRunner(tabs));
  return { violations: aceViolations(report) };
}

async function checkPage(tabs, page) {
  return tabs.use(async (tab) => {
    await tab.goto("file://" + path.resolve(page));
    await tab.addScriptTag({ content: axeSource });
    const violations = await tab.evaluate(async (tags) => {
      const report = await axe.run(document, { runOnly: { type: "tag", values: tags } });
      return report.violations.map((v) => ({
        rule: v.id, impact: v.impact || "", description: v.help, targets: v.nodes.map((n) => String(n.target)),
      }));
    }, WCAG);
    return { violations };
  });
}

// Checks each item in turn; a failure is that item's result, not the end of the others.
async function each(items, check) {
  const results = {};
  for (const item of items) {
    try {
      results[item] = await check(item);
    } catch (error) {
      results[item] = { error: String((error && error.message) || error) || "stopped without a message" };
    }
  }
  return results;
}

(async () => {
  const jobs = JSON.parse(fs.readFileSync(jobsPath, "utf8"));
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
           "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
  try {
    const tabs = tabPool(await offlineContext(browser));
    // Pages alongside books: while Ace reads a book in Node.js, Chromium checks a page.
    const [books, pages] = await Promise.all([
      each(jobs.books, (book) => checkBook(tabs, book)),
      each(jobs.pages, (page) => checkPage(tabs, page)),
    ]);
    await tabs.close();
    fs.writeFileSync(resultsPath, JSON.stringify({ books, pages }));
  } finally {
    await browser.close();
  }
})().catch((error) => {
  process.stderr.write(String((error && error.stack) || error));
  process.exit(2);
});
