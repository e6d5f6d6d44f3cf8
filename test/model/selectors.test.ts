import { describe, expect, it } from "vitest";
import { matchesLabelSelector, matchesServiceSelector, selectorToString } from "../../src/model/selectors.js";

const web = { app: "web", tier: "frontend" };

describe("label selectors (Kubernetes semantics)", () => {
  it.each([
    ["empty selector {} selects everything", {}, web, true],
    ["null selector selects nothing", null, web, false],
    ["matchLabels all equal", { matchLabels: { app: "web" } }, web, true],
    ["matchLabels one differs", { matchLabels: { app: "web", tier: "backend" } }, web, false],
    ["In", { matchExpressions: [{ key: "tier", operator: "In" as const, values: ["frontend", "edge"] }] }, web, true],
    ["In without the key", { matchExpressions: [{ key: "zone", operator: "In" as const, values: ["a"] }] }, web, false],
    ["NotIn matches when the key is absent", { matchExpressions: [{ key: "zone", operator: "NotIn" as const, values: ["a"] }] }, web, true],
    ["NotIn with a listed value", { matchExpressions: [{ key: "tier", operator: "NotIn" as const, values: ["frontend"] }] }, web, false],
    ["Exists", { matchExpressions: [{ key: "app", operator: "Exists" as const }] }, web, true],
    ["DoesNotExist", { matchExpressions: [{ key: "app", operator: "DoesNotExist" as const }] }, web, false],
    ["matchLabels AND matchExpressions", { matchLabels: { app: "web" }, matchExpressions: [{ key: "tier", operator: "In" as const, values: ["backend"] }] }, web, false],
  ])("%s", (_name, selector, labels, expected) => {
    expect(matchesLabelSelector(selector, labels)).toBe(expected);
  });

  it("a Service's empty or absent selector selects nothing (selector-less Service)", () => {
    expect(matchesServiceSelector({}, web)).toBe(false);
    expect(matchesServiceSelector(undefined, web)).toBe(false);
    expect(matchesServiceSelector({ app: "web" }, web)).toBe(true);
    expect(matchesServiceSelector({ app: "web", version: "v2" }, web)).toBe(false);
  });

  it("prints selectors in kubectl -l form", () => {
    expect(selectorToString({ app: "web", tier: "frontend" })).toBe("app=web,tier=frontend");
    expect(selectorToString({ matchLabels: { app: "web" }, matchExpressions: [{ key: "env", operator: "NotIn", values: ["dev", "qa"] }, { key: "canary", operator: "DoesNotExist" }] })).toBe("app=web,env notin (dev,qa),!canary");
  });
});
