#!/usr/bin/env node
// Verifies a Berth audit export (NDJSON, one entry per line, oldest first) without any Berth code.
//
//   node scripts/verify-audit-export.mjs berth-audit-<chain>.ndjson
//   curl … /audit/export | node scripts/verify-audit-export.mjs
//
// Written from the documented chain format only:
//   hash(n) = hex(SHA-256(prevHash(n) + canonical(n))), prevHash(1) = 64 zeros,
//   canonical = JSON array [id, chain, seq, tenantId, at, actorType, actorId, action, targetType,
//               targetId, result, requestId, ip, details] with `details` keys sorted recursively.
// Prints {"ok":true,"count":N,"head":"<hash>"} and exits 0, or
// {"ok":false,"count":N,"firstBadSeq":S,"reason":"…"} and exits 1 (2 when the input is unreadable).

import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

const GENESIS = '0'.repeat(64);
const FIELDS = ['id', 'chain', 'seq', 'tenantId', 'at', 'actorType', 'actorId', 'action', 'targetType', 'targetId', 'result', 'requestId', 'ip', 'details'];

function sorted(value) {
  if (Array.isArray(value)) return value.map(sorted);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, sorted(value[k])]),
    );
  }
  return value;
}

function canonical(entry) {
  return JSON.stringify(FIELDS.map((f) => (f === 'details' ? sorted(entry.details) : entry[f])));
}

const sha256 = (text) => createHash('sha256').update(text, 'utf8').digest('hex');

async function verify(lines) {
  let expectedSeq = 1;
  let prev = GENESIS;
  let count = 0;
  let chain;
  for await (const line of lines) {
    if (line.trim() === '') continue;
    count++;
    let entry;
    try {
      entry = JSON.parse(line);
    } catch {
      return { ok: false, count, firstBadSeq: expectedSeq, reason: `line ${count} is not JSON` };
    }
    const missing = FIELDS.concat('prevHash', 'hash').filter((f) => !(f in entry));
    if (missing.length > 0) return { ok: false, count, firstBadSeq: expectedSeq, reason: `line ${count} lacks ${missing.join(', ')}` };
    if (entry.seq !== expectedSeq) return { ok: false, count, firstBadSeq: expectedSeq, reason: `expected seq ${expectedSeq}, found ${entry.seq}` };
    chain ??= entry.chain;
    if (entry.chain !== chain) return { ok: false, count, firstBadSeq: entry.seq, reason: `row belongs to chain ${entry.chain}, not ${chain}` };
    if (entry.prevHash !== prev) return { ok: false, count, firstBadSeq: entry.seq, reason: 'prevHash does not link to the previous row' };
    if (sha256(prev + canonical(entry)) !== entry.hash) return { ok: false, count, firstBadSeq: entry.seq, reason: 'row contents do not match its hash' };
    prev = entry.hash;
    expectedSeq++;
  }
  return { ok: true, count, head: prev };
}

const file = process.argv[2];
const input = file && file !== '-' ? createReadStream(file, 'utf8') : process.stdin;
input.on('error', (err) => {
  process.stderr.write(`cannot read ${file}: ${err.message}\n`);
  process.exit(2);
});
const outcome = await verify(createInterface({ input, crlfDelay: Infinity }));
process.stdout.write(`${JSON.stringify(outcome)}\n`);
process.exitCode = outcome.ok ? 0 : 1;
