import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { freePort } from "../helpers/server.js";

// The README's shell blocks that talk to a server ($RG, by curl or the CLI), run in order in one bash, as a reader
// pastes them: the tour starts the server with `npm start &`, every later block uses its
// variables. Three things differ from a reader's terminal, all stated here: the port is a free
// one instead of 4242 (PORT, and the text where it says 4242), the database is a temporary file
// (ROLLGUARD_DB), and a live stream (`curl -N`) is cut after a second.

const root = new URL("../..", import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), "rollguard-readme-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The ```sh blocks of the README that use the server, in order. */
export function serverBlocks(readme: string): string[] {
  return [...readme.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!).filter((b) => b.includes("$RG"));
}

function script(blocks: string[], port: number): string {
  const cut = (line: string) =>
    line
      .replace(/^curl (-s?N) /, "timeout 1 curl $1 ")
      .replace(/(timeout 1 curl .*?)(\s+#.*)?$/, "$1 || true$2");
  return blocks
    .map((b, i) => `echo "=== block ${i}"\n${b.split("\n").map(cut).join("\n")}`)
    .join("\n")
    .replaceAll("4242", String(port));
}

describe("the README, run as written", () => {
  it("runs every server block in order against a real server, with no error answered", async () => {
    const readme = readFileSync(join(root, "README.md"), "utf8");
    const blocks = serverBlocks(readme);
    expect(blocks.length).toBeGreaterThanOrEqual(8);
    const port = await freePort();
    // A terminal expands the CLI block's alias; a script must be told to.
    const child = spawn("bash", ["-c", `shopt -s expand_aliases\n${script(blocks, port)}\necho "=== done"`], {
      cwd: root,
      env: {
        ...process.env,
        PORT: String(port),
        ROLLGUARD_DB: join(dir, "readme.db"),
        // The CLI block logs in: its profile goes to a temporary file, not the home folder.
        ROLLGUARD_CONFIG: join(dir, "cli.json"),
        ROLLGUARD_LOG_LEVEL: "warn",
      },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    const done = new Promise<void>((resolve) => {
      const check = setInterval(() => {
        if (out.includes("=== done") || child.exitCode !== null) {
          clearInterval(check);
          resolve();
        }
      }, 50);
    });
    await Promise.race([done, new Promise((r) => setTimeout(r, 60_000))]);
    // The tour's `npm start &` is a child of this bash: end the whole group.
    try {
      process.kill(-child.pid!, "SIGTERM");
    } catch {}
    expect(out, out).toContain("=== done");
    // No answer was a problem (every problem+json body carries its type URL).
    expect(out, out).not.toMatch(/rollguard\.dev\/problems\//);
    // Nor did the CLI refuse anything (it prints `error:` and a hint).
    expect(out, out).not.toMatch(/^error: /m);
    // What the blocks say should happen, happened.
    expect(out).toContain('"key":"new-checkout"');
    expect(out).toMatch(/"percentage":50/);
    expect(out).toMatch(/"enabled":false/);
    expect(out).toMatch(/HTTP\/1\.1 304/);
    expect(out).toMatch(/event: put/);
    expect(out).toMatch(/"action":"flag.state.changed"/);
    expect(out).toMatch(/"state":"running"/);
    expect(out).toMatch(/"state":"paused"/);
    expect(out).toMatch(/\{"accepted":2\}/);
    expect(out).toMatch(/rollguard_guard_state/);
    expect(out).toMatch(/"key": ?"new-search"/);
  }, 120_000);
});
