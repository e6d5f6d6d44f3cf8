/**
 * The HTML report in a real browser (Debian's chromium through playwright-core):
 * ranking shown, details expand, filters shrink the list, hostile strings stay
 * text, nothing is fetched, and a screenshot for a human to look at.
 * CI installs chromium (.ci/install-browser.sh); NETDIAG_SKIP_BROWSER=1 skips.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FORMATTERS } from "../../src/report/formatters/index.js";
import type { Report } from "../../src/types/report.js";
import { HOSTILE_ATTR, HOSTILE_SCRIPT, corednsDownReport, healthyReport, selectorMismatchReport } from "./sample-reports.js";

const CHROMIUM = "/usr/bin/chromium";
const ARGS = [
  "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
];
const SKIP = process.env.NETDIAG_SKIP_BROWSER === "1";

/** Where screenshots go: kept after the run so a human can look at them. */
const SCREENSHOT_DIR = process.env.NETDIAG_SCREENSHOT_DIR ?? join(tmpdir(), "netdiag-report-screenshots");

interface Loaded {
  page: Page;
  url: string;
  requests: string[];
  dialogs: string[];
  errors: string[];
}

describe.skipIf(SKIP)("html report in a browser", () => {
  let work: string;
  let context: BrowserContext;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`${CHROMIUM} not found: run .ci/install-browser.sh (or set NETDIAG_SKIP_BROWSER=1 to skip browser tests)`);
    }
    work = mkdtempSync(join(tmpdir(), "netdiag-html-"));
    context = await chromium.launchPersistentContext(join(work, "profile"), {
      executablePath: CHROMIUM,
      headless: true,
      args: ARGS,
      viewport: { width: 1280, height: 900 },
    });
  });

  afterAll(async () => {
    await context?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  async function load(name: string, report: Report): Promise<Loaded> {
    const file = join(work, `${name}.html`);
    writeFileSync(file, FORMATTERS.html(report, { color: false, verbose: false }));
    const url = pathToFileURL(file).href;
    const page = await context.newPage();
    const loaded: Loaded = { page, url, requests: [], dialogs: [], errors: [] };
    page.on("request", (r) => loaded.requests.push(r.url()));
    page.on("dialog", (d) => {
      loaded.dialogs.push(d.message());
      void d.dismiss();
    });
    page.on("pageerror", (e) => loaded.errors.push(e.message));
    page.on("console", (m) => m.type() === "error" && loaded.errors.push(m.text()));
    await page.goto(url);
    return loaded;
  }

  const roots = (page: Page) => page.locator("#finding-list > li.finding");
  const visibleRootTitles = (page: Page) =>
    page.locator("#finding-list > li.finding:not([hidden]) > details > summary .title").allTextContents();

  it("shows the ranked root causes in order, symptoms inside their cause", async () => {
    const { page } = await load("ranked", corednsDownReport());
    expect(await roots(page).locator(":scope > details > summary .rank").allTextContents()).toEqual(["1", "2"]);
    expect(await visibleRootTitles(page)).toEqual(["CoreDNS detects a forwarding loop and exits", "Node under resource pressure"]);
    const first = roots(page).first();
    expect(await first.locator(".symptoms .title").allTextContents()).toEqual(["CoreDNS has no ready pods", "Containers behind a Service crash-loop"]);
    await page.close();
  });

  it("expands a finding to its message, evidence and commands, and a symptom to its own evidence", async () => {
    const { page } = await load("expand", corednsDownReport());
    const first = roots(page).first();
    const evidence = first.locator(":scope > details > .body > .evidence");
    expect(await evidence.isVisible()).toBe(false);
    await first.locator(":scope > details > summary").click();
    expect(await evidence.isVisible()).toBe(true);
    expect(await evidence.locator(".file").first().textContent()).toBe("logs/kube-system/coredns-5d78c9869d-x2k4q/coredns.previous.log");
    expect(await evidence.locator(".excerpt").first().textContent()).toContain("[FATAL] plugin/loop: Loop (127.0.0.1:55953 -> :53) detected");
    expect(await first.locator(":scope > details > .body .cmd").first().textContent()).toBe(
      "kubectl -n kube-system logs -l k8s-app=kube-dns --previous | grep -m1 'plugin/loop'",
    );
    const symptom = first.locator(".symptoms > li.finding").first();
    await symptom.locator(":scope > details > summary").click();
    expect(await symptom.locator(":scope > details > .body > .evidence .excerpt").first().textContent()).toBe(
      "coredns: waiting CrashLoopBackOff, restartCount 14, last terminated Error (exit 1)",
    );
    await page.close();
  });

  it("filters by severity, layer, namespace and text, and the list shrinks", async () => {
    const { page } = await load("filters", selectorMismatchReport());
    const all = ["Service selector matches no pod", "HTTP proxy set without NO_PROXY for cluster addresses", "Serving pods have no readiness probe"];
    expect(await visibleRootTitles(page)).toEqual(all);

    await page.selectOption("#filter-severity", "high");
    expect(await visibleRootTitles(page)).toEqual(["Service selector matches no pod"]);
    expect(await page.locator("#shown-count").textContent()).toBe("1 of 3 shown");
    await page.selectOption("#filter-severity", "info");

    await page.selectOption("#filter-layer", "pod");
    expect(await visibleRootTitles(page)).toEqual(all.slice(1));
    // A cause is kept, dimmed, when only its symptom matches the filter.
    await page.selectOption("#filter-layer", "ingress");
    expect(await visibleRootTitles(page)).toEqual(["Service selector matches no pod"]);
    expect(await roots(page).first().getAttribute("class")).toContain("context");
    await page.selectOption("#filter-layer", "");

    await page.selectOption("#filter-namespace", "payments");
    expect(await visibleRootTitles(page)).toEqual(["HTTP proxy set without NO_PROXY for cluster addresses"]);
    await page.selectOption("#filter-namespace", "");

    await page.fill("#filter-text", "readiness");
    expect(await visibleRootTitles(page)).toEqual(["Serving pods have no readiness probe"]);
    await page.fill("#filter-text", "no such finding");
    expect(await visibleRootTitles(page)).toEqual([]);
    expect(await page.locator("#no-match").isVisible()).toBe(true);
    await page.fill("#filter-text", "");

    // Clicking a box of the request path filters to that layer.
    await page.click('.box-btn[data-layer="service"]');
    expect(await page.inputValue("#filter-layer")).toBe("service");
    expect(await visibleRootTitles(page)).toEqual(["Service selector matches no pod"]);
    await page.close();
  });

  it("shows hostile labels, env values and log lines as literal text, runs none of them", async () => {
    const report = selectorMismatchReport();
    report.findings[0]!.title = `selector ${HOSTILE_ATTR}`;
    const { page, dialogs, errors } = await load("hostile", report);
    await page.click("#expand-all");
    const proxyEnv = roots(page).nth(1);
    expect(await proxyEnv.locator(":scope > details > .body > .message").textContent()).toContain(`Label team=${HOSTILE_SCRIPT} | owner=*ops*`);
    expect(await proxyEnv.locator(":scope > details > .body > .message code").textContent()).toBe(`http://proxy.corp:3128${HOSTILE_ATTR}`);
    expect(await roots(page).first().locator(":scope > details > summary .title").textContent()).toBe(`selector ${HOSTILE_ATTR}`);
    expect(await page.locator(".warning-list li").nth(1).textContent()).toContain(`kube-system/${HOSTILE_SCRIPT}`);
    expect(await page.locator("img").count()).toBe(0);
    expect(await page.locator("script").count()).toBe(2);
    expect(dialogs).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("fetches nothing but the file itself", async () => {
    const { page, url, requests, errors } = await load("offline", corednsDownReport());
    await page.click("#expand-all");
    await page.selectOption("#filter-severity", "critical");
    await page.waitForLoadState("networkidle");
    expect(requests).toEqual([url]);
    expect(errors).toEqual([]); // no CSP violation: inline style and script are allowed, nothing else is needed
    await page.close();
  });

  it("renders a polished page (screenshots kept for review)", async () => {
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    for (const [name, report] of [["selector-mismatch", selectorMismatchReport()], ["coredns-down", corednsDownReport()], ["healthy", healthyReport()]] as const) {
      const { page, errors } = await load(`shot-${name}`, report);
      if (report.findings.length > 0) await roots(page).first().locator(":scope > details > summary").click();
      const path = join(SCREENSHOT_DIR, `${name}.png`);
      await page.screenshot({ path, fullPage: true });
      const png = readFileSync(path);
      expect(png.subarray(1, 4).toString("latin1")).toBe("PNG");
      const width = png.readUInt32BE(16);
      const height = png.readUInt32BE(20);
      expect(width).toBe(1280);
      expect(height).toBeGreaterThan(900);
      // A blank or unstyled page compresses to a few KB; a rendered report does not.
      expect(statSync(path).size).toBeGreaterThan(60_000);
      expect(errors).toEqual([]);
      await page.close();
    }
  });
});
