/**
 * Global setup of the worker project (runs in Node, not workerd): starts the fake Workers AI REST API once,
 * so Worker code under test reaches it over loopback HTTP. Tests make an isolated account each
 * (test/worker/integrations/fake-workers-ai.ts).
 */
import type { TestProject } from "vitest/node";
import { startFakeWorkersAi } from "../../fakes/workers-ai";

declare module "vitest" {
  export interface ProvidedContext {
    /** Control origin: `POST /__fake/accounts`, `GET /__fake/accounts/<id>`, `…/faults`. */
    workersAiFake: { origin: string };
  }
}

export default async function setup(project: TestProject) {
  const fake = await startFakeWorkersAi();
  project.provide("workersAiFake", { origin: fake.origin });
  return () => fake.close();
}
