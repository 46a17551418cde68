/**
 * Reads the API's CPU profile that `npm run bench:api -- --profile` leaves in tmp/bench-profile/ (the largest
 * `.cpuprofile` there, the main thread's; the other is a worker thread, idle while requests run).
 *
 *   node --import ./tools/runtime/register.mjs tools/bench/api-profile.ts                  # busy per second
 *   node --import ./tools/runtime/register.mjs tools/bench/api-profile.ts --from 12 --to 33  # that window
 *   (… --file x.cpuprofile --from 12 --to 33 --top 40)
 *
 * The profile covers the API's whole life (start-up, issuing, warm-up, both API phases, then idle during the
 * loops), so a summary is of a window, in seconds from its start. V8 samples wall time: a sample taken while the
 * thread waits for a CPU counts where it stopped, and on a shared machine that is mostly `writev`, the write
 * that wakes a PostgreSQL backend (the bench's kernel CPU says how little of it is CPU). So shares are of the
 * samples neither idle nor in `writev`.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { cliArgs, positiveNumber } from '../runtime/cli-args';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

const REPO_ROOT = path.resolve(import.meta.dirname, '../..');
const { values: args } = cliArgs('bench:api:profile', {
  options: {
    file: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    top: { type: 'string' },
  },
});

/** Subsystems by the script a frame runs in; a frame of none (Node's internals) counts for its nearest caller's. */
const SUBSYSTEMS: [string, RegExp][] = [
  ['zod (schemas)', /node_modules\/zod\//],
  ['pg driver', /node_modules\/(pg|pg-protocol|pg-pool|pg-types|postgres-[a-z]+)\//],
  ['crypto (AES, random, hash)', /libs\/crypto\/|node:internal\/crypto\//],
  ['HTTP client (gateway)', /node:_http_client|node:_http_agent|gateway-client\/src\/http\//],
  [
    'HTTP server, Fastify, Nest, logging',
    /node:_http_server|node_modules\/(fastify|@fastify|@nestjs|find-my-way|rxjs|nestjs-pino|pino|pino-http|fast-querystring)\//,
  ],
  ['metrics (prom-client)', /node_modules\/prom-client\//],
  ['gateway-client (schemas, rules)', /libs\/gateway-client\//],
  ['operations, domain, fees', /libs\/(operations|domain|fee-engine|db)\//],
  ['apps/api', /apps\/api\//],
];

function latestProfile(): string {
  const dir = path.join(REPO_ROOT, 'tmp', 'bench-profile');
  const files = readdirSync(dir)
    .filter((name) => name.endsWith('.cpuprofile'))
    .map((name) => path.join(dir, name));
  if (files.length === 0) throw new Error(`no .cpuprofile in ${dir}: run npm run bench:api -- --profile`);
  return files.sort((a, b) => statSync(b).size - statSync(a).size)[0]!;
}

const file = args.file ?? latestProfile();
const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
const parentOf = new Map<number, number>();
for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
const at: number[] = [];
let clock = profile.startTime;
for (const delta of profile.timeDeltas) at.push((clock += delta));
const isIdle = (frame: CallFrame) => frame.functionName === '(idle)';
const label = ({ functionName, url, lineNumber }: CallFrame) =>
  `${functionName || '(anonymous)'} ${url.replace(/^file:\/\/.*?\/node_modules\//, '').replace(`file://${REPO_ROOT}/`, '')}:${lineNumber + 1}`;
const pct = (part: number, whole: number) => `${((100 * part) / whole).toFixed(1).padStart(5)} %`;

console.log(file);
if (args.from === undefined || args.to === undefined) {
  // The timeline: busy share per second, to find the phases by.
  const busy = new Map<number, number>();
  for (const [i, id] of profile.samples.entries()) {
    const second = Math.floor((at[i]! - profile.startTime) / 1e6);
    busy.set(
      second,
      (busy.get(second) ?? 0) + (isIdle(nodes.get(id)!.callFrame) ? 0 : profile.timeDeltas[i]!),
    );
  }
  for (const [second, micros] of busy)
    console.log(`${String(second).padStart(4)} s  busy ${pct(micros, 1e6)}`);
  console.log('then: --from <s> --to <s> around the API phases (busy from the warm-up on)');
} else {
  const from = profile.startTime + positiveNumber('bench:api:profile', args.from, 'from', 0) * 1e6;
  const to = profile.startTime + positiveNumber('bench:api:profile', args.to, 'to', 0) * 1e6;
  const top = positiveNumber('bench:api:profile', args.top, 'top', 25, true);
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const subsystems = new Map<string, number>();
  let total = 0;
  let counted = 0;
  let writev = 0;
  for (const [i, id] of profile.samples.entries()) {
    if (at[i]! < from || at[i]! > to) continue;
    const delta = profile.timeDeltas[i]!;
    const frame = nodes.get(id)!.callFrame;
    total += delta;
    if (isIdle(frame)) continue;
    if (frame.functionName === 'writev') {
      writev += delta;
      continue;
    }
    counted += delta;
    self.set(label(frame), (self.get(label(frame)) ?? 0) + delta);
    const seen = new Set<string>();
    let subsystem: string | undefined;
    for (let at: number | undefined = id; at !== undefined; at = parentOf.get(at)) {
      const caller = nodes.get(at)!.callFrame;
      const name = label(caller);
      if (!seen.has(name)) inclusive.set(name, (inclusive.get(name) ?? 0) + delta);
      seen.add(name);
      subsystem ??= SUBSYSTEMS.find(([, pattern]) => pattern.test(caller.url))?.[0];
    }
    subsystem ??= frame.functionName.startsWith('(') ? frame.functionName : 'other (Node internals)';
    subsystems.set(subsystem, (subsystems.get(subsystem) ?? 0) + delta);
  }
  const busy = counted + writev;
  console.log(
    `window ${args.from}-${args.to} s: ${(total / 1e6).toFixed(1)} s sampled, busy ${(busy / 1e6).toFixed(1)} s, ` +
      `of which writev ${pct(writev, busy)}; shares below are of the other ${(counted / 1e6).toFixed(1)} s`,
  );
  const print = (title: string, map: Map<string, number>, rows: number) => {
    console.log(`-- ${title}`);
    for (const [name, micros] of [...map].sort((a, b) => b[1] - a[1]).slice(0, rows))
      console.log(`${pct(micros, counted)}  ${name}`);
  };
  print('subsystems (a frame of Node counts for its nearest caller)', subsystems, SUBSYSTEMS.length + 4);
  print('self time', self, top);
  print('inclusive time', inclusive, top);
}
