#!/usr/bin/env node
// Thin launcher: the compiled CLI lives in dist/ (built by `npm run build`, run on install).
import { applyGcPolicy } from "../dist/cli/gc-policy.js";
import { main } from "../dist/cli/main.js";

applyGcPolicy();
process.exitCode = await main(process.argv.slice(2));
