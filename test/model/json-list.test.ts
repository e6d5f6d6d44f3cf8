import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildModel } from "../../src/model/build.js";
import { listItems } from "../../src/model/json-list.js";
import { readSnapshot } from "../../src/snapshot/reader.js";
import { fixturePath } from "../helpers/fixtures.js";
import { realdata } from "../helpers/realdata.js";

const items = (text: string): unknown[] | undefined => {
  const it = listItems(Buffer.from(text));
  return it && [...it];
};

/** What JSON.parse of the whole file gives. */
const whole = (text: string): unknown[] => (JSON.parse(text) as { items: unknown[] }).items;

describe("listItems: a kubectl List parsed item by item", () => {
  it("gives exactly what JSON.parse gives for every resource file of the shipped snapshots", async () => {
    for (const fixture of [join(import.meta.dirname, "../../fixtures/demo.tgz"), fixturePath("healthy-istio"), fixturePath("healthy-edge-cases")]) {
      const snapshot = await readSnapshot(fixture);
      const lists = [...snapshot.files].filter(([name]) => /^resources\/[a-z]+\.json$/.test(name));
      expect(lists.length).toBeGreaterThan(5);
      for (const [name, bytes] of lists) expect(items(bytes.toString("utf8")), `${fixture} ${name}`).toEqual(whole(bytes.toString("utf8")));
    }
  });

  it("is not fooled by brackets, braces, quotes and escapes inside strings", () => {
    const text = `{
  "apiVersion": "v1",
  "metadata": {"resourceVersion": ""},
  "items": [
    {"metadata": {"name": "a]},{", "annotations": {"x": "say \\"hi\\" \\\\", "y": "[{\\u005d"}}},
    [1, [2, {"3": [4]}]],
    "plain",
    -1.5e3,
    true,
    null,
    {"unicode": "café ☕ — ü", "empty": {}, "list": []}
  ],
  "kind": "List"
}
`;
    expect(items(text)).toEqual(whole(text));
  });

  it("reads an empty List and items in any key order", () => {
    expect(items('{"apiVersion":"v1","items":[],"kind":"List","metadata":{"resourceVersion":""}}')).toEqual([]);
    expect(items('{"kind":"PodList","items":[ {"a":1} , {"b":2} ]}')).toEqual([{ a: 1 }, { b: 2 }]);
  });

  it("leaves other shapes to JSON.parse of the whole file", () => {
    for (const text of [
      "[]",
      '{"kind": "Pod", "metadata": {"name": "a"}}',
      '{"items": {"not": "an array"}}',
      '{"items": [1], "items": [2]}',
      '{"\\u0069tems": [1]}',
      '{"items": [1,]}',
      '{"items": [1 2]}',
      '{"items": [1]} trailing',
      '{"items": [{"cut": ',
      "",
    ]) {
      expect(listItems(Buffer.from(text)), text).toBeUndefined();
    }
    // A real array-shaped JSON file (np-guard's connectivity list) is not a List.
    expect(listItems(Buffer.from(realdata("netpol_truth/np-guard/onlineboutique/connlist_output.json")))).toBeUndefined();
  });

  it("throws JSON.parse's SyntaxError where an item or the List around it is invalid", () => {
    expect(() => items('{"items": [{"a": 1}, {"b": tru}]}')).toThrow(SyntaxError);
    expect(() => items('{"kind": Lis, "items": [{"a": 1}]}')).toThrow(SyntaxError);
  });
});

describe("a resource file that turns out invalid after some items", () => {
  it("is skipped whole, with the line of the error, and the other files still load", () => {
    const pod = (name: string) => ({ apiVersion: "v1", kind: "Pod", metadata: { name, namespace: "shop" }, spec: { containers: [{ name: "app" }] }, status: {} });
    const good = JSON.stringify({ apiVersion: "v1", kind: "List", items: [pod("a"), pod("b")] }, null, 2);
    const broken = good.replace('"name": "b"', '"name": b');
    const model = buildModel({
      source: "test",
      warnings: [],
      files: new Map([
        ["resources/pods.json", Buffer.from(broken)],
        ["resources/services.json", Buffer.from(JSON.stringify({ apiVersion: "v1", kind: "List", items: [{ apiVersion: "v1", kind: "Service", metadata: { name: "web", namespace: "shop" }, spec: { ports: [{ port: 80 }] } }] }))],
      ]),
    });
    expect(model.resources.pods).toEqual([]);
    expect(model.resources.services.map((s) => s.metadata.name)).toEqual(["web"]);
    const line = broken.split("\n").findIndex((l) => l.includes('"name": b')) + 1;
    expect(model.warnings).toEqual([expect.stringMatching(new RegExp(`^resources/pods\\.json: .*line ${line}.*; file skipped$`))]);
  });
});
