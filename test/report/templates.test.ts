import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Handlebars from "handlebars";
import { afterAll, describe, expect, it } from "vitest";
import { findReportsDir, loadTemplate, TemplateError } from "../../src/report/templates.js";

const root = mkdtempSync(join(tmpdir(), "netdiag-templates-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("report templates", () => {
  it("are found from src/report and from dist/report/formatters alike (the reports/ dir at the package root)", () => {
    const pkg = join(root, "pkg");
    mkdirSync(join(pkg, "reports"), { recursive: true });
    writeFileSync(join(pkg, "reports", "report.md.hbs"), "x");
    for (const sub of ["src/report", "dist/report/formatters"]) {
      mkdirSync(join(pkg, sub), { recursive: true });
      expect(findReportsDir("report.md.hbs", join(pkg, sub))).toBe(join(pkg, "reports"));
    }
  });

  it("say which template is missing", () => {
    expect(() => findReportsDir("nope.hbs", root)).toThrow(/report template nope\.hbs not found/);
  });

  it("fail at load, naming the file, when a template does not parse", () => {
    const dir = join(root, "broken");
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "bad.hbs"), "{{#each findings}}\n{{title}}\n");
    expect(() => loadTemplate(Handlebars.create(), "bad.hbs", {}, dir)).toThrow(TemplateError);
    expect(() => loadTemplate(Handlebars.create(), "bad.hbs", {}, dir)).toThrow(/bad\.hbs: Parse error on line 3/);
  });

  it("shipped with the package parse", () => {
    const dir = findReportsDir("report.md.hbs");
    for (const file of ["report.md.hbs", "report.html.hbs"]) {
      expect(() => loadTemplate(Handlebars.create(), file, {}, dir)).not.toThrow();
    }
  });
});
