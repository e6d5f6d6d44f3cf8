import { describe, expect, it } from "vitest";
import { VariablePartsWriter } from "../../src/model/parsers/iptables-variable-parts.js";

/** The plain string table the shared parse gives it. */
function table() {
  const texts: string[] = [""];
  return {
    idOf: (t: string) => (texts.includes(t) ? texts.indexOf(t) : texts.push(t) - 1),
    text: (id: number) => texts[id]!,
  };
}

function roundTrip(parts: string[]) {
  const writer = new VariablePartsWriter(table());
  for (const p of parts) {
    if (p === "") writer.addNone();
    else writer.addBytes(Buffer.from(`-A X${p}-j Y`), 4, 4 + Buffer.byteLength(p));
  }
  return writer.finish();
}

describe("variable parts of iptables lines (counters, dates)", () => {
  const parts = [
    " on Sun Nov 22 10:29:19 2026",
    "",
    " [0:0]",
    "[23171:2270758] ",
    // Counters past 2^32 (a busy node's byte counts) and up to 15 digits.
    "[4294967296:987654321012345] ",
    " [5:300]",
    // Not what a number prints back: kept as they are.
    "[007:1] ",
    " [1:0000]",
    "[1234567890123456:1] ",
    " Sun Nov 22 10:29:19 2026",
  ];

  it("gives back every part exactly, in order and one at a time", () => {
    const many = Array.from({ length: 300 }, (_, i) => parts[i % parts.length]!);
    const stored = roundTrip(many);
    expect(stored.lineCount).toBe(300);
    expect([...stored]).toEqual(many);
    // Across checkpoints (one every 64 lines) and at their edges.
    for (const i of [0, 1, 63, 64, 65, 127, 128, 199, 299]) expect(stored.at(i), `line ${i}`).toBe(many[i]);
  });

  it("keeps a line's counters in a few bytes, not as a string", () => {
    const stored = roundTrip(Array.from({ length: 10_000 }, (_, i) => `[${i * 7}:${i * 900}] `));
    expect((stored as unknown as { bytes: Uint8Array }).bytes.length).toBeLessThan(10_000 * 8);
  });
});
