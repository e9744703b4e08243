import { EventEmitter } from "node:events";
import type { ServerResponse } from "node:http";
import { describe, expect, it } from "vitest";
import { SseConnection } from "../../server/streaming/sse-connection.js";

/** Just enough of a ServerResponse to see what a connection writes, and when it gives up. */
class FakeResponse extends EventEmitter {
  written: string[] = [];
  writableLength = 0;
  destroyed = false;
  ended = false;
  write(chunk: Buffer) {
    this.written.push(chunk.toString());
    return true;
  }
  destroy() {
    this.destroyed = true;
    this.emit("close");
  }
  end() {
    this.ended = true;
    this.emit("close");
  }
}

const ev = (id: number) => Buffer.from(`patch ${id}`);

function connection(maxBacklog = 1000) {
  const res = new FakeResponse();
  const closed: SseConnection[] = [];
  const c = new SseConnection("production", "t", res as unknown as ServerResponse, maxBacklog, (x) =>
    closed.push(x),
  );
  return { res, c, closed };
}

describe("SseConnection: the put and live changes cannot race", () => {
  it("queues changes sent before its first events, then writes only those newer than the put", () => {
    const { res, c } = connection();
    // Changes 6 and 7 are published after registration but before the set (at revision 6) is read.
    c.send(6, ev(6));
    c.send(7, ev(7));
    expect(res.written).toEqual([]);
    c.open([Buffer.from("put 6")], 6);
    expect(res.written).toEqual(["put 6", "patch 7"]);
    c.send(7, ev(7));
    c.send(8, ev(8));
    expect(res.written).toEqual(["put 6", "patch 7", "patch 8"]);
  });

  it("writes nothing twice when the catch-up already covers the queued changes", () => {
    const { res, c } = connection();
    c.send(4, ev(4));
    c.open([ev(3), ev(4)], 4);
    expect(res.written).toEqual(["patch 3", "patch 4"]);
  });

  it("drops a client whose backlog is over the limit before the next write, and reports it once", () => {
    const { res, c, closed } = connection(100);
    c.open([Buffer.from("a big put")], 1);
    res.writableLength = 101;
    c.send(2, ev(2));
    expect(res.destroyed).toBe(true);
    expect(res.written).toEqual(["a big put"]);
    expect(closed).toEqual([c]);
    c.send(3, ev(3));
    expect(closed).toHaveLength(1);
  });
});
