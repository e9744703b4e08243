#!/usr/bin/env node
// Runs the TypeScript CLI through tsx, so neither the CLI nor `rollguard serve` needs a build step.
import { register } from "tsx/esm/api";

register();
await import("../cli/main.ts");
