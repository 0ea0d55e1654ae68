/**
 * Global setup of the worker project (runs in Node, not workerd): starts the fake Google Drive once, so
 * Worker code under test can reach it over loopback HTTP. Tests get its origin with `inject("googleDriveFake")`
 * and make an isolated Drive each (test/worker/integrations/fake-drive.ts).
 */
import type { TestProject } from "vitest/node";
import { type FakeDriveInfo, startFakeGoogleDrive } from "../../fakes/google-drive";

declare module "vitest" {
  export interface ProvidedContext {
    googleDriveFake: {
      /** Control origin: `POST /__fake/drives`, `GET /__fake/drives/<id>`, `POST /__fake/drives/<id>/faults`. */
      origin: string;
      /** A ready-made Drive for tests that only need one and do not inspect what others did to it. */
      drive: FakeDriveInfo;
    };
  }
}

export default async function setup(project: TestProject) {
  const fake = await startFakeGoogleDrive();
  project.provide("googleDriveFake", { origin: fake.origin, drive: fake.createDrive() });
  return () => fake.close();
}
