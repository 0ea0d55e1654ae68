/**
 * Test-side handle on the fake Google Drive (test/fakes/google-drive.ts), which runs in Node: these calls
 * reach it over loopback HTTP from workerd.
 */
import { inject } from "vitest";
import type { FakeDriveFault, FakeDriveInfo, FakeDriveState } from "../../fakes/google-drive";
import { driveConfig, type DriveConfig } from "../../../worker/integrations/google-drive";

export interface FakeDrive extends FakeDriveInfo {
  config(overrides?: Partial<Pick<DriveConfig, "rootFolderId">> & { serviceAccountJson?: unknown }): DriveConfig;
  state(): Promise<FakeDriveState>;
  fault(fault: FakeDriveFault): Promise<void>;
}

/** A fresh, isolated Drive: its own account, folders, files, faults and request log. */
export async function newFakeDrive(): Promise<FakeDrive> {
  const { origin } = inject("googleDriveFake");
  const res = await fetch(`${origin}/__fake/drives`, { method: "POST" });
  if (res.status !== 201) throw new Error(`fake drive: ${res.status}`);
  const info = (await res.json()) as FakeDriveInfo;
  return {
    ...info,
    config: (overrides = {}) =>
      driveConfig({
        serviceAccountJson: overrides.serviceAccountJson ?? JSON.stringify(info.serviceAccount),
        apiBaseUrl: info.apiBaseUrl,
        rootFolderId: "rootFolderId" in overrides ? overrides.rootFolderId : info.rootFolderId,
      }),
    async state() {
      const r = await fetch(`${origin}/__fake/drives/${info.id}`);
      return (await r.json()) as FakeDriveState;
    },
    async fault(fault) {
      const r = await fetch(`${origin}/__fake/drives/${info.id}/faults`, { method: "POST", body: JSON.stringify(fault) });
      await r.body?.cancel();
      if (r.status !== 204) throw new Error(`fake drive fault: ${r.status}`);
    },
  };
}
