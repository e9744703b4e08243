import { connect } from "node:net";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startServer } from "../helpers/server.js";

// Requests below what the router can see (found by the API fuzz): they too get problem+json.

let server: Awaited<ReturnType<typeof startServer>>;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());

function raw(text: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(server.port, "127.0.0.1", () => socket.write(text));
    let answer = "";
    socket.on("data", (d) => {
      answer += d;
      // One answer is all this test reads; keep-alive would hold the socket open.
      if (/\r\n\r\n/.test(answer) && /"detail"/.test(answer)) socket.end();
    });
    socket.on("close", () => resolve(answer));
    setTimeout(() => socket.destroy(), 2000);
  });
}

it("a path that is not a URL (a quote, a backslash) gets a 400 problem saying to percent-encode it", async () => {
  const answer = await raw(
    'GET /api/flags/"x\\ HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer test-admin-secret\r\n\r\n',
  );
  expect(answer).toMatch(/^HTTP\/1\.1 400/);
  expect(answer).toMatch(/content-type: application\/problem\+json/i);
  expect(answer).toMatch(/"detail":"[^"]*percent-encode/);
});

it("a request Node's parser refuses (a broken header) gets a 400 problem, then the connection closes", async () => {
  const answer = await raw("GET /healthz HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n");
  expect(answer).toMatch(/^HTTP\/1\.1 400/);
  expect(answer).toMatch(/content-type: application\/problem\+json/i);
  expect(answer).toMatch(/"detail":"[^"]*well-formed headers/);
});

it("headers beyond Node's limit get a 431 problem", async () => {
  const answer = await raw(`GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(20_000)}\r\n\r\n`);
  expect(answer).toMatch(/^HTTP\/1\.1 431/);
  expect(answer).toMatch(/"detail":"[^"]*too large/);
});
