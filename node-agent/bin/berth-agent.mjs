#!/usr/bin/env node
// Runs the TypeScript agent in this process through tsx's loader (the workspace ships source).
import { register } from 'tsx/esm/api';

register();
await import('../src/main.ts');
