// Runs the CLI from source (no build needed) for subprocess tests.
import { main } from "../../src/cli/main.js";

process.exitCode = await main(process.argv.slice(2));
