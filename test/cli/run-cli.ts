import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const ROOT = new URL("../..", import.meta.url).pathname;

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A scratch directory per test file: config files, stage files; removed by `cleanup`. */
export function scratch() {
  const dir = mkdtempSync(join(tmpdir(), "rollguard-cli-"));
  return {
    dir,
    path: (name: string) => join(dir, name),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * The environment of a CLI child: none of the developer's ROLLGUARD_* variables, HOME in a
 * scratch dir (so no real ~/.config/rollguard is read), then what the test gives.
 */
export function cliEnv(home: string, env: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("ROLLGUARD_")));
  const merged: NodeJS.ProcessEnv = { ...base, HOME: home, XDG_CONFIG_HOME: join(home, ".config"), ...env };
  for (const [k, v] of Object.entries(merged)) if (v === undefined) delete merged[k];
  return merged;
}

/**
 * The real binary, started as a user's shell would; its output accumulates for the test to read.
 * `input` is piped to its stdin (else it has none).
 */
export function spawnCli(args: string[], env: NodeJS.ProcessEnv, input?: string) {
  const child: ChildProcess = spawn(process.execPath, ["bin/rollguard.js", ...args], {
    cwd: ROOT,
    env,
    stdio: [input === undefined ? "ignore" : "pipe", "pipe", "pipe"],
  });
  if (input !== undefined) child.stdin!.end(input);
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (d) => (stdout += d));
  child.stderr!.on("data", (d) => (stderr += d));
  const exited = new Promise<CliResult>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
  return {
    child,
    exited,
    stdout: () => stdout,
    /** Resolves once stdout matches; rejects after `ms`, showing what was printed. */
    async waitFor(pattern: RegExp, ms = 10_000): Promise<string> {
      const deadline = Date.now() + ms;
      while (!pattern.test(stdout)) {
        if (child.exitCode !== null)
          throw new Error(`exited ${child.exitCode} before ${pattern}:\n${stdout}${stderr}`);
        if (Date.now() > deadline)
          throw new Error(`timed out waiting for ${pattern}; got:\n${stdout}${stderr}`);
        await new Promise((r) => setTimeout(r, 25));
      }
      return stdout;
    },
  };
}

export function runCli(args: string[], env: NodeJS.ProcessEnv, input?: string): Promise<CliResult> {
  return spawnCli(args, env, input).exited;
}
