/** Types for electronegativity's programmatic entry (dist/runner.js), which ships none. */
declare module '@doyensec/electronegativity' {
  export interface RunOptions {
    input: string;
    output?: string;
    isSarif?: boolean;
    /** Check names to run (empty: all). */
    customScan: string[];
    excludeFromScan: string[];
    severitySet?: string;
    confidenceSet?: string;
    isRelative?: boolean;
    isVerbose?: boolean;
    electronUpgrade?: string;
    electronVersionOverride?: string;
    parserPlugins: string[];
  }
  export interface RunResult {
    globalChecks: number;
    atomicChecks: number;
    errors: unknown[];
    issues: unknown[];
  }
  export default function run(options: RunOptions): Promise<RunResult>;
}
