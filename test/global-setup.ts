// Fixture snapshots are generated from fixtures/scenarios/*.yaml once per test run.
import { generate } from "../fixtures/generate.js";

export default async function setup(): Promise<void> {
  await generate();
}
