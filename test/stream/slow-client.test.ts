import { connect, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { streamHubOf } from "../../server/streaming/feature.js";
import { dialects } from "../helpers/postgres.js";
import { api, startServer } from "../helpers/server.js";
import { createToken, eventually } from "../helpers/server-token.js";
import { RawSseReader } from "./raw-sse-reader.js";

describe.each(await dialects())("on $dialect", ({ dialect }) => {
  let server: Awaited<ReturnType<typeof startServer>>;
  let token: string;

  beforeAll(async () => {
    // A small backlog limit, so a few big patches are enough to leave a non-reading client behind.
    server = await startServer({ dialect, stream: { maxBacklogBytes: 64 * 1024 } });
    const big = "x".repeat(200_000);
    const created = await api(server.url)("POST", "/api/flags", {
      key: "big",
      type: "json",
      variants: [
        { key: "off", value: { blob: big } },
        { key: "on", value: { blob: big.toUpperCase() } },
      ],
    });
    expect(created.status).toBe(201);
    token = (await createToken(server.url)).token;
  });
  afterAll(() => server.close());

  /** A client that sends the request and never reads a byte of the answer. */
  function stalledClient(): Promise<Socket> {
    return new Promise((resolve) => {
      const socket = connect(server.port, "127.0.0.1", () => {
        socket.write(
          `GET /api/sdk/stream HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ${token}\r\n\r\n`,
        );
        socket.pause();
        resolve(socket);
      });
    });
  }

  describe("a client that stops reading", () => {
    it("is dropped once past its backlog limit, and never delays the others", async () => {
      const hub = streamHubOf(server.deps);
      const fast = await Promise.all(
        [1, 2].map(() => RawSseReader.open(`${server.url}/api/sdk/stream`, token)),
      );
      await Promise.all(fast.map((r) => r.until((x) => x.of("put").length === 1, 5000, "put")));
      const slow = await stalledClient();
      await eventually(() => hub.connections === 3, 2000, "3 connections");

      const delays: number[] = [];
      for (let i = 1; i <= 40 && hub.connections === 3; i++) {
        const res = await api(server.url)("PATCH", "/api/flags/big/environments/production", {
          percentage: i,
        });
        expect(res.status).toBe(200);
        const answered = performance.now();
        await Promise.all(fast.map((r) => r.until((x) => x.of("patch").length === i, 2000, `patch ${i}`)));
        for (const r of fast) delays.push(r.of("patch")[i - 1]!.at - answered);
      }
      // The stalled client was dropped; the others saw every patch, promptly.
      expect(hub.connections).toBe(2);
      expect(Math.max(...delays)).toBeLessThan(500);
      for (const r of fast) {
        const ids = r.of("patch").map((p) => Number(p.id));
        expect(ids).toEqual(ids.map((_, i) => ids[0]! + i));
      }
      // Once it reads again, it finds its stream ended (and would resume with Last-Event-ID).
      const closed = new Promise<void>((resolve) => slow.on("close", () => resolve()));
      slow.on("error", () => {});
      slow.resume();
      await closed;
      for (const r of fast) r.close();
    });
  });
});
