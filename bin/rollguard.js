#!/usr/bin/env node
// Runs the TypeScript entry point through tsx, so the server needs no build step to start.
import { register } from "tsx/esm/api";

register();
await import("../server/main.ts");
