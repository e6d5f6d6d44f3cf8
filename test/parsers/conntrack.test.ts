import { describe, expect, it } from "vitest";
import { parseConntrackStats } from "../../src/model/parsers/conntrack.js";
import { fixture } from "./_fixture.js";

describe("conntrack -S", () => {
  it("sums the per-CPU counters of a real 4-CPU node", () => {
    const stats = parseConntrackStats(fixture("conntrack-S_4cpu.txt"));
    expect(stats.perCpu.map((c) => c.cpu)).toEqual([0, 1, 2, 3]);
    expect(stats.perCpu[3]!.counters["error"]).toBe(18);
    expect(stats.totals["found"]).toBe(770 + 784 + 25588 + 25706);
    expect(stats.totals["search_restart"]).toBe(746284 + 718963 + 2319295 + 2320376);
    expect(stats).toMatchObject({ insertFailed: 0, drop: 0, earlyDrop: 0, error: 18, invalid: 3856 + 3647 + 71264 + 70168 });
    expect(stats.skipped.count).toBe(0);
  });

  it("reports insert failures and drops, with newer kernels' extra counters", () => {
    // Line 1: node-exporter's conntrack test input (index id 25730333458). Line 2: `conntrack -S | head -1`
    // measured on a 4 vCPU host, kernel with clash_resolve/chaintoolong (index id 69080922731).
    const stats = parseConntrackStats(
      [
        "cpu=0   \tfound=39 invalid=7 ignore=21270 insert=0 insert_failed=141 drop=141 early_drop=0 error=0 search_restart=5350",
        "cpu=0   \tfound=0 invalid=126 insert=0 insert_failed=0 drop=27 early_drop=0 error=0 search_restart=0 clash_resolve=0 chaintoolong=0 ",
      ].join("\n"),
    );
    expect(stats).toMatchObject({ insertFailed: 141, drop: 168, earlyDrop: 0, invalid: 133 });
    expect(stats.totals["chaintoolong"]).toBe(0);
    expect(stats.perCpu[1]!.counters["clash_resolve"]).toBe(0);
  });

  it("skips tool chatter and stays safe with hostile counter names", () => {
    const stats = parseConntrackStats("conntrack v1.4.6 (conntrack-tools): Operation not permitted\ncpu=0 __proto__=5 drop=1\n");
    expect(stats.skipped.count).toBe(1);
    expect(stats.drop).toBe(1);
    expect(Object.getPrototypeOf(stats.totals)).toBeNull();
    expect(({} as Record<string, unknown>)["drop"]).toBeUndefined();
  });
});
