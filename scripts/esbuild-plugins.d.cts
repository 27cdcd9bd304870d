import type { Plugin } from 'esbuild';

/** A version 3 source map, the fields the trimming reads. */
interface SourceMapV3 {
  readonly version: number;
  readonly sources: readonly string[];
  readonly names: readonly string[];
  readonly mappings: string;
  readonly sourcesContent?: readonly (string | null)[];
}

/** The plugins serverless-esbuild loads, and the map trimming they use (exported for tests). */
declare const plugins: Plugin[] & {
  trimSourceMap(map: SourceMapV3, keep: (source: string) => boolean): SourceMapV3;
  /** Makes @smithy/core's dynamic import of event streams static (no lazy module wrappers). */
  staticEventStreams: Plugin;
  ownSourceMaps: Plugin;
};
export = plugins;
