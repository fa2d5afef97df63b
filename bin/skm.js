#!/usr/bin/env node
// The `skm` command (package bin): runs the TypeScript CLI through tsx.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/index.ts');
