import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { usageError } from "./cli-error.js";

export const DEFAULT_URL = "http://localhost:4242";

export interface Profile {
  url?: string;
  token?: string;
}

export interface ConfigFile {
  defaultProfile?: string;
  profiles: Record<string, Profile>;
}

export interface ConnectionFlags {
  url?: string;
  token?: string;
  profile?: string;
}

export interface Connection {
  url: string;
  token: string | undefined;
  /** The profile that supplied something, for messages; undefined when none did. */
  profile: string | undefined;
}

type Env = Record<string, string | undefined>;

export function configPath(env: Env = process.env): string {
  if (env.ROLLGUARD_CONFIG) return env.ROLLGUARD_CONFIG;
  return join(env.XDG_CONFIG_HOME || join(homedir(), ".config"), "rollguard", "config.json");
}

export function readConfig(path: string): ConfigFile {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return { profiles: {} };
    throw usageError(`cannot read ${path}: ${(error as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw usageError(
      `${path} is not valid JSON: ${(error as Error).message}`,
      "fix it, or delete it and run `rollguard login` again",
    );
  }
  const file = parsed as Partial<ConfigFile> | null;
  if (typeof file !== "object" || file === null || typeof (file.profiles ?? {}) !== "object")
    throw usageError(`${path} must be {"profiles": {"NAME": {"url": …, "token": …}}}`);
  return { ...file, profiles: file.profiles ?? {} };
}

/**
 * Each of URL and token comes from the first of: the flag, the environment variable, the profile.
 * A profile named on purpose (--profile, ROLLGUARD_PROFILE) must exist; the implicit default one
 * may be missing, which is the state before the first `rollguard login`.
 */
export function resolveConnection(flags: ConnectionFlags, env: Env = process.env): Connection {
  const path = configPath(env);
  const named = flags.profile ?? env.ROLLGUARD_PROFILE;
  const needsFile = !(flags.url ?? env.ROLLGUARD_URL) || !(flags.token ?? env.ROLLGUARD_TOKEN) || named;
  const file = needsFile ? readConfig(path) : { profiles: {} };
  const name = named ?? file.defaultProfile ?? "default";
  const profile = file.profiles[name];
  if (named && !profile)
    throw usageError(
      `profile \`${named}\` is not in ${path}`,
      `\`rollguard login --profile ${named} --url URL --token TOKEN\` adds it`,
    );
  return {
    url: flags.url ?? env.ROLLGUARD_URL ?? profile?.url ?? DEFAULT_URL,
    token: flags.token ?? env.ROLLGUARD_TOKEN ?? profile?.token,
    profile: profile ? name : undefined,
  };
}

/** Writes one profile, keeping the others; the file holds tokens, so only its owner may read it. */
export function saveProfile(path: string, name: string, profile: Profile): ConfigFile {
  const file = readConfig(path);
  const next: ConfigFile = {
    defaultProfile: file.defaultProfile ?? name,
    ...file,
    profiles: { ...file.profiles, [name]: profile },
  };
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  writeFileSync(path, `${JSON.stringify(next, null, 2)}\n`, { mode: 0o600 });
  // `mode` only applies when the file is created; an older file may have been readable by others.
  chmodSync(path, 0o600);
  return next;
}
