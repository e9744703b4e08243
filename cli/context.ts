import type { Command } from "commander";
import { ApiClient } from "./api-client.js";
import { type Connection, resolveConnection } from "./config.js";
import { Output } from "./output.js";

export interface GlobalOptions {
  url?: string;
  token?: string;
  profile?: string;
  json?: boolean;
}

export interface CommandContext {
  api: ApiClient;
  out: Output;
  conn: Connection;
}

/** "flags set" for the command being run: hints name the command a person just typed. */
export function commandName(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command | null = cmd; c?.parent; c = c.parent) names.unshift(c.name());
  return names.join(" ");
}

/**
 * What every API command needs, from the global options. Resolved when the command runs, not
 * when the program is built, so `--help` works without a readable config file.
 */
export function contextOf(cmd: Command): CommandContext {
  const opts = cmd.optsWithGlobals<GlobalOptions>();
  const conn = resolveConnection(opts);
  return {
    api: new ApiClient(conn.url, conn.token, { url: conn.url, command: commandName(cmd) }),
    out: new Output(opts.json === true),
    conn,
  };
}
