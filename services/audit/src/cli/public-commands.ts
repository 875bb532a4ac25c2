/**
 * The offline verifier on what the public routes answer — no export, no account:
 *   npm run audit:verify -- head <head.json | checkpoint.txt> --trust <trust-list.json>
 *   npm run audit:verify -- inclusion <proof.json> --trust <trust-list.json> [--record <record.json>]
 *   npm run audit:verify -- consistency <consistency.json> --trust <trust-list.json> [--from-head <head>]
 * head: GET /api/audit/v1/heads/latest or heads/{size} (JSON), or GET …/checkpoint (the signed note).
 * inclusion: GET …/proofs/inclusion?leafHash=|seq=&treeSize=; --record: a record as a trace or an export
 * shows it. consistency: GET …/consistency?from=&to=; --from-head: a head the auditor kept before.
 * --trust: the regional trust list as GET /api/audit/v1/trust-list serves it (required: only it holds
 * the witnesses' keys). Exit 0: everything holds. 1: a check fails, each failure printed. 2: a file
 * cannot be read or is not JSON (or a note), or the trust list is unusable. The checks live in
 * src/domain/public-check.ts.
 */
import { parseTrustAnchors } from '@yrd/auth';
import {
  checkConsistency,
  checkHead,
  checkInclusion,
  consistencyReport,
  headReport,
  inclusionReport,
  type PublicTrust,
  publicTrust,
} from '../domain/public-check.js';
import { jsonOf, readJson, readText } from './files.js';

const COMMANDS = ['head', 'inclusion', 'consistency'] as const;
type PublicCommand = (typeof COMMANDS)[number];

export const isPublicCommand = (a: string | undefined): a is PublicCommand =>
  (COMMANDS as readonly (string | undefined)[]).includes(a);

/** The options each subcommand takes besides --trust. */
const EXTRA: Record<PublicCommand, string | undefined> = {
  head: undefined,
  inclusion: '--record',
  consistency: '--from-head',
};

export function runPublicCheck(command: PublicCommand, argv: readonly string[], usageText: string): number {
  const usage = () => {
    console.error(usageText);
    return 2;
  };
  const options = new Map<string, string>();
  const files: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--trust' || a === EXTRA[command]) {
      const v = argv[i + 1];
      if (options.has(a) || v === undefined) return usage();
      options.set(a, v);
      i++;
    } else if (a.startsWith('-')) {
      return usage();
    } else {
      files.push(a);
    }
  }
  const trustFile = options.get('--trust');
  if (files.length !== 1 || trustFile === undefined) return usage();
  const trust = readTrust(trustFile);
  if (!trust) return 2;
  const file = files[0]!;

  let report: { pass: boolean; lines: string[] };
  if (command === 'head') {
    const head = readHeadFile(file, '树头 head');
    if (head === undefined) return 2;
    report = headReport(checkHead(head, trust));
  } else if (command === 'inclusion') {
    const proof = readJson(file, '包含证明 inclusion proof');
    if (!proof.ok) return 2;
    const recordFile = options.get('--record');
    const record = recordFile === undefined ? undefined : readJson(recordFile, '记录 record');
    if (record && !record.ok) return 2;
    report = inclusionReport(checkInclusion(proof.value, trust, record?.value));
  } else {
    const proof = readJson(file, '一致性证明 consistency proof');
    if (!proof.ok) return 2;
    const keptFile = options.get('--from-head');
    const kept = keptFile === undefined ? undefined : readHeadFile(keptFile, '保存的树头 kept head');
    if (keptFile !== undefined && kept === undefined) return 2;
    report = consistencyReport(checkConsistency(proof.value, trust, kept));
  }
  console.log(`信任列表 trust list: ${trustFile}`);
  for (const line of report.lines) console.log(line);
  return report.pass ? 0 : 1;
}

function readTrust(file: string): PublicTrust | undefined {
  const doc = readJson(file, '信任列表 trust list');
  if (!doc.ok) return undefined;
  try {
    return publicTrust(parseTrustAnchors(doc.value));
  } catch (e) {
    console.error(
      `无法校验 cannot check: ${file}: 不是信任列表 not a trust list: ${(e as Error).message.slice(0, 600)}`,
    );
    return undefined;
  }
}

/** A head as JSON (heads/latest, heads/{size}), else the text of a signed note (checkpoint). */
function readHeadFile(file: string, what: string): unknown {
  const text = readText(file, what);
  if (text === undefined) return undefined;
  if (text.trimStart().startsWith('{')) {
    const json = jsonOf(text, file, what);
    return json.ok ? json.value : undefined;
  }
  return text;
}
