import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";

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

describe("JobProgress Durable Object", () => {
  it("should push every published state to connected sockets and the current state to late joiners", async () => {
    const stub = env.JOB_PROGRESS.get(env.JOB_PROGRESS.idFromName(`job-${crypto.randomUUID()}`));
    const early = await connect(stub);
    expect(await stub.publish({ progress: 10, status: "running" })).toBe(1);
    await until(() => early.messages.length === 1);
    const late = await connect(stub);
    await until(() => late.messages.length === 1);
    expect(JSON.parse(late.messages[0]!)).toEqual({ progress: 10, status: "running" });
    expect(await stub.publish({ progress: 100, status: "completed", final: true })).toBe(2);
    await until(() => early.messages.length === 2 && late.messages.length === 2);
    expect(JSON.parse(early.messages[1]!)).toMatchObject({ status: "completed" });
  });

  it("should refuse requests that are not WebSocket upgrades", async () => {
    const stub = env.JOB_PROGRESS.get(env.JOB_PROGRESS.idFromName("plain"));
    expect((await stub.fetch("http://progress/")).status).toBe(426);
  });
});
