/** Where e2e tests write files for people to look at (screenshots): TEST_OUTPUT_DIR, else test-output/ in the repo. */
import { mkdirSync } from "node:fs";
import path from "node:path";
import { repoRoot } from "../../support/processes";

export function testOutputDir(...parts: string[]): string {
  const dir = path.join(process.env.TEST_OUTPUT_DIR ?? path.join(repoRoot, "test-output"), ...parts);
  mkdirSync(dir, { recursive: true });
  return dir;
}
