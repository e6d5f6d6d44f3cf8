/** What the kubectl on PATH can do against the fake API server. */
import { execFileSync } from "node:child_process";

/** kubectl's client minor version, e.g. 32 for v1.32.4 (undefined if kubectl is missing). */
export function kubectlMinor(): number | undefined {
  try {
    const out = execFileSync("kubectl", ["version", "--client", "-o", "json"], { encoding: "utf8" });
    const minor = /"minor":\s*"(\d+)/.exec(out)?.[1];
    return minor === undefined ? undefined : Number(minor);
  } catch {
    return undefined;
  }
}

/**
 * kubectl 1.30+ runs exec over WebSocket, the only exec transport the fake API
 * server speaks (older kubectl uses SPDY/3.1, which real API servers still accept).
 */
export function kubectlExecsOverWebSocket(): boolean {
  return (kubectlMinor() ?? 0) >= 30;
}

export const EXEC_SKIP_REASON = "needs kubectl 1.30+ for exec over WebSocket";
