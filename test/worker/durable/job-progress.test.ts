import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { TaskEvent } from "../../../worker/durable/progress-event";

async function connect(stub: DurableObjectStub) {
  const res = await stub.fetch("http://progress/ws", { headers: { Upgrade: "websocket" } });
  expect(res.status).toBe(101);
  const ws = res.webSocket!;
  const messages: string[] = [];
  ws.addEventListener("message", (e) => {
    messages.push(String(e.data));
  });
  ws.accept();
  return { ws, messages };
}

const until = async (check: () => boolean) => {
  for (let i = 0; i < 100 && !check(); i++) await new Promise((r) => setTimeout(r, 20));
};

const channel = () => env.JOB_PROGRESS.get(env.JOB_PROGRESS.idFromName(`job-${crypto.randomUUID()}`));

function event(overrides: Partial<TaskEvent> = {}): TaskEvent {
  return { type: "task", taskId: "t1", kind: "test", status: "running", progress: 10, stage: null, final: false, at: 1000, ...overrides };
}

describe("JobProgress Durable Object", () => {
  it("should push every published event to connected sockets and the current state to late joiners", async () => {
    const stub = channel();
    const early = await connect(stub);
    expect(await stub.publish(event())).toBe(1);
    await until(() => early.messages.length === 1);
    const late = await connect(stub);
    await until(() => late.messages.length === 1);
    expect(JSON.parse(late.messages[0]!)).toEqual(event());
    expect(await stub.publish(event({ status: "succeeded", progress: 100, final: true, at: 2000 }))).toBe(2);
    await until(() => early.messages.length === 2 && late.messages.length === 2);
    expect(JSON.parse(early.messages[1]!)).toMatchObject({ status: "succeeded", final: true });
  });

  it("should drop an event older than the last one kept for the same task", async () => {
    const stub = channel();
    await stub.publish(event({ status: "succeeded", progress: 100, final: true, at: 2000 }));
    // A heartbeat's publish that lost the race with the completion's.
    expect(await stub.publish(event({ progress: 60, at: 1500 }))).toBe(0);
    expect(await stub.current()).toMatchObject({ status: "succeeded", final: true });
    // A reopened run is newer and replaces the final state.
    await stub.publish(event({ status: "queued", progress: 0, at: 3000 }));
    expect(await stub.current()).toMatchObject({ status: "queued", final: false });
  });

  it("should resolve waitForFinal when the final event is published, not before", async () => {
    const stub = channel();
    const waiting = stub.waitForFinal(10_000);
    await stub.publish(event({ progress: 50, at: 1000 }));
    const raced = await Promise.race([waiting, new Promise((r) => setTimeout(() => r("still waiting"), 200))]);
    expect(raced).toBe("still waiting");
    const started = Date.now();
    await stub.publish(event({ status: "dead", progress: 50, final: true, at: 2000 }));
    expect(await waiting).toMatchObject({ status: "dead", final: true });
    expect(Date.now() - started).toBeLessThan(1000);
    // Already final: answers at once.
    expect(await stub.waitForFinal(10_000)).toMatchObject({ status: "dead" });
  });

  it("should answer waitForFinal with null when nothing final comes in time", async () => {
    expect(await channel().waitForFinal(100)).toBeNull();
  });

  it("should refuse requests that are not WebSocket upgrades", async () => {
    const stub = env.JOB_PROGRESS.get(env.JOB_PROGRESS.idFromName("plain"));
    expect((await stub.fetch("http://progress/")).status).toBe(426);
  });
});
