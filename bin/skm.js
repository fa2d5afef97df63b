#!/usr/bin/env node
// The `skm` command (package bin, and `npm run skm -- ...`): builds dist/ and runs the CLI.
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { buildDist, tuneV8 } from './start.js';

tuneV8();
await buildDist();
await import(pathToFileURL(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'cli', 'index.js')).href);
