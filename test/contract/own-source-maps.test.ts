/**
 * The Lambda bundles' source maps keep our own code's positions and drop the bundled
 * node_modules' (scripts/esbuild-plugins.cjs, loaded by serverless-esbuild): checked on a real
 * build of detectLambda's handler against an untrimmed build of the same code. The other plugin of
 * that file (static-event-streams) must still find the SDK code it rewrites.
 */
import { build } from 'esbuild';
import { mkdtempSync, readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import plugins from '../../scripts/esbuild-plugins.cjs';
import { repoRoot } from './template';

interface MapFile {
  readonly sources: string[];
  readonly mappings: string;
  readonly names: string[];
  readonly version: number;
}

const dir = mkdtempSync(join(tmpdir(), 'warden-maps-'));

async function bundle(name: string, withPlugins: boolean): Promise<{ code: string; map: MapFile; mapBytes: number; warnings: string[] }> {
  const outfile = join(dir, name, 'detect-lambda.js');
  const result = await build({
    entryPoints: [join(repoRoot, 'handlers', 'detect-lambda.ts')],
    bundle: true,
    minify: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    mainFields: ['module', 'main'],
    keepNames: false,
    sourcemap: true,
    sourcesContent: false,
    outfile,
    logLevel: 'silent',
    // The untrimmed build has every plugin but the trimming one, so both emit the same code.
    plugins: withPlugins ? plugins : [plugins.staticEventStreams],
  });
  const text = readFileSync(`${outfile}.map`, 'utf8');
  return { code: readFileSync(outfile, 'utf8'), map: JSON.parse(text) as MapFile, mapBytes: text.length, warnings: result.warnings.map((w) => w.text) };
}

let full: Awaited<ReturnType<typeof bundle>>;
let trimmed: Awaited<ReturnType<typeof bundle>>;

beforeAll(async () => {
  [full, trimmed] = await Promise.all([bundle('full', false), bundle('trimmed', true)]);
}, 120_000);

describe('static event streams', () => {
  it("finds @smithy/core's dynamic import of event streams to make static", () => {
    expect(trimmed.warnings).toEqual([]);
    expect(full.warnings).toEqual([]);
  });
});

describe('own source maps', () => {
  it('keeps only our own sources, and the map shrinks by more than half', () => {
    expect(full.map.sources.some((source) => source.includes('node_modules/'))).toBe(true);
    expect(trimmed.map.sources.filter((source) => source.includes('node_modules/'))).toEqual([]);
    expect(trimmed.map.sources).toEqual(expect.arrayContaining([expect.stringMatching(/domain\/detectors\/lambda-secret-environment\.ts$/)]));
    expect(trimmed.mapBytes).toBeLessThan(full.mapBytes / 2);
    expect(trimmed.code).toBe(full.code);
  });

  it('maps every position of our own code exactly as the full map does, and nothing else', () => {
    const before = new SourceMap(full.map as never);
    const after = new SourceMap(trimmed.map as never);
    const lines = full.code.split('\n');
    let own = 0;
    for (let line = 0; line < lines.length; line += 1) {
      for (let column = 0; column < (lines[line] ?? '').length; column += 53) {
        const expected = before.findEntry(line, column);
        const actual = after.findEntry(line, column);
        if (!('originalSource' in expected) || expected.generatedLine !== line) continue;
        if (expected.originalSource.includes('node_modules/')) {
          if ('originalSource' in actual) expect(actual.originalSource).not.toContain('node_modules/');
          continue;
        }
        own += 1;
        expect(actual).toMatchObject({ originalSource: expected.originalSource, originalLine: expected.originalLine, originalColumn: expected.originalColumn });
      }
    }
    expect(own).toBeGreaterThan(500);
  });
});
