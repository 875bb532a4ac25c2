/**
 * A V8 .cpuprofile (node --cpu-prof, or the inspector's Profiler) turned into folded stacks and a
 * flame graph SVG: no library for it is installed, and the format is small. Frames are merged by
 * function, file and line; the widths are samples; hovering a frame shows its share.
 *
 *   node --import tsx bench/src/flame.ts region.cpuprofile bench/flame.svg
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
}

interface Frame {
  name: string;
  total: number;
  children: Map<string, Frame>;
}

const root = resolve(import.meta.dirname, '../..');

function frameName(n: ProfileNode): string {
  const f = n.callFrame;
  const fn = f.functionName || '(anonymous)';
  if (!f.url) return fn;
  let file = f.url.replace(/^file:\/\//, '');
  if (file.startsWith('/')) file = relative(root, file);
  file = file.replace(/^(\.\.\/)*node_modules\//, '~/');
  return `${fn} ${file}:${f.lineNumber + 1}`;
}

/** Folded stacks ("a;b;c count" lines), the format flamegraph.pl and speedscope read. */
export function foldedStacks(profile: CpuProfile): Map<string, number> {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const counts = new Map<number, number>();
  for (const s of profile.samples) counts.set(s, (counts.get(s) ?? 0) + 1);
  const folded = new Map<string, number>();
  for (const [id, count] of counts) {
    const names: string[] = [];
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const n = byId.get(at);
      if (n && n.callFrame.functionName !== '(root)') names.push(frameName(n));
    }
    const stack = names.reverse().join(';') || '(root)';
    folded.set(stack, (folded.get(stack) ?? 0) + count);
  }
  return folded;
}

/** Where a frame's code lives: a package of node_modules, a workspace package, a node: module, or V8. */
function areaOf(n: ProfileNode): string {
  const url = n.callFrame.url;
  if (!url) return n.callFrame.functionName.startsWith('(') ? n.callFrame.functionName : '(native)';
  return areaOfUrl(url);
}

/**
 * Where code at this URL lives: a package of node_modules, a workspace package, or a node: module
 * named by its first `nodeParts` path segments (`node:internal`, or `node:internal/streams` with 2).
 */
export function areaOfUrl(url: string, nodeParts = 1): string {
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const parts = url.slice(nm + 'node_modules/'.length).split('/');
    return parts[0]?.startsWith('@') ? `${parts[0]}/${parts[1]}` : (parts[0] ?? url);
  }
  const ws = /\/(services|packages|apps|bench)\/([^/]+)\//.exec(url);
  if (ws) return `${ws[1]}/${ws[2]}`;
  if (url.startsWith('node:')) return url.split('/').slice(0, nodeParts).join('/');
  return url;
}

/** Self time by area and the busiest functions, in per cent of the samples that were not idle. */
export function selfTime(profileFile: string, top = 12): { areas: [string, number][]; functions: [string, number][] } {
  const profile = JSON.parse(readFileSync(profileFile, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const areas = new Map<string, number>();
  const fns = new Map<string, number>();
  let busy = 0;
  for (const id of profile.samples) {
    const n = byId.get(id);
    if (!n || n.callFrame.functionName === '(idle)') continue;
    busy++;
    const a = areaOf(n);
    areas.set(a, (areas.get(a) ?? 0) + 1);
    const f = frameName(n);
    fns.set(f, (fns.get(f) ?? 0) + 1);
  }
  const pct = (m: Map<string, number>) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, v]): [string, number] => [k, Math.round((1000 * v) / Math.max(1, busy)) / 10]);
  return { areas: pct(areas), functions: pct(fns) };
}

const xmlEscape = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function hue(name: string): string {
  let h = 0;
  for (const ch of name) h = (h * 31 + (ch.codePointAt(0) ?? 0)) >>> 0;
  if (name.includes('wasm')) return `hsl(${270 + (h % 20)}, 55%, ${65 + (h % 15)}%)`; // WebAssembly (PGlite): purple
  if (name.includes('~/')) return `hsl(${30 + (h % 20)}, 80%, ${55 + (h % 15)}%)`; // libraries: orange
  if (name.startsWith('(') || !name.includes(' ')) return `hsl(0, 0%, ${70 + (h % 15)}%)`; // V8, GC, natives: grey
  if (/ (services|packages|apps)\//.test(name)) return `hsl(${200 + (h % 30)}, 70%, ${60 + (h % 15)}%)`; // ours: blue
  return `hsl(${h % 40}, 75%, ${58 + (h % 15)}%)`; // node internals: red
}

/** Writes the SVG (and, when asked, the folded stacks); returns the SVG's path. */
export function writeFlameGraph(
  profileFile: string,
  svgFile: string,
  opts: { title: string; foldedFile?: string },
): string {
  const profile = JSON.parse(readFileSync(profileFile, 'utf8')) as CpuProfile;
  const folded = foldedStacks(profile);
  if (opts.foldedFile) {
    writeFileSync(
      opts.foldedFile,
      `${[...folded]
        .sort((a, b) => b[1] - a[1])
        .map(([s, c]) => `${s} ${c}`)
        .join('\n')}\n`,
    );
  }
  return writeFlameSvg(folded, svgFile, opts.title);
}

/** A flame graph SVG of folded stacks (frames joined by `;`, outermost first); returns its path. */
export function writeFlameSvg(folded: ReadonlyMap<string, number>, svgFile: string, title: string): string {
  const top: Frame = { name: 'all', total: 0, children: new Map() };
  for (const [stack, count] of folded) {
    top.total += count;
    let at = top;
    for (const name of stack.split(';')) {
      let next = at.children.get(name);
      if (!next) {
        next = { name, total: 0, children: new Map() };
        at.children.set(name, next);
      }
      next.total += count;
      at = next;
    }
  }
  const depthOf = (f: Frame): number => 1 + Math.max(0, ...[...f.children.values()].map(depthOf));
  const width = 1600;
  const row = 16;
  const depth = depthOf(top);
  const height = (depth + 3) * row;
  const scale = (width - 20) / Math.max(1, top.total);
  const rects: string[] = [];
  const draw = (f: Frame, x: number, level: number) => {
    const w = f.total * scale;
    if (w < 1) return;
    const y = height - (level + 2) * row;
    const pct = ((100 * f.total) / Math.max(1, top.total)).toFixed(2);
    const chars = Math.floor((w - 4) / 6.5);
    const label = chars >= 3 ? (f.name.length > chars ? `${f.name.slice(0, chars - 1)}…` : f.name) : '';
    rects.push(
      `<g><title>${xmlEscape(f.name)} — ${f.total} samples, ${pct}%</title><rect x="${(10 + x).toFixed(1)}" y="${y}" width="${w.toFixed(1)}" height="${row - 1}" fill="${hue(f.name)}" rx="1"/>${
        label ? `<text x="${(12 + x).toFixed(1)}" y="${y + row - 4}">${xmlEscape(label)}</text>` : ''
      }</g>`,
    );
    let cx = x;
    for (const c of [...f.children.values()].sort((a, b) => a.name.localeCompare(b.name))) {
      draw(c, cx, level + 1);
      cx += c.total * scale;
    }
  };
  draw(top, 0, 0);
  const svg = `<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="monospace" font-size="11">
<title>Flame graph: ${xmlEscape(title)}</title>
<rect width="100%" height="100%" fill="#fdfdf8"/>
<text x="10" y="16" font-size="14">${xmlEscape(title)} — ${top.total} samples (blue: the project, orange: libraries, purple: WebAssembly, red: Node, grey: V8 and natives)</text>
${rects.join('\n')}
</svg>
`;
  writeFileSync(svgFile, svg);
  return svgFile;
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  const [input, output] = process.argv.slice(2);
  if (!input || !output) {
    console.error('usage: flame.ts <profile.cpuprofile> <out.svg>');
    process.exit(2);
  }
  console.log(writeFlameGraph(input, output, { title: input, foldedFile: output.replace(/\.svg$/, '.folded') }));
}
