/** One measured figure of the reliability suite. */
export interface Figure {
  /** What was measured, e.g. "fuzzed bodies → 5xx (POST /api/livestream/viewer-token)". */
  name: string;
  value: number;
  /** e.g. "responses", "ms", "MB"; "" for a plain count. */
  unit: string;
  /** The goal as a reader would state it, e.g. "0" or "< 100 ms". */
  goal?: string;
  /** Whether the goal was met; figures that depend on the box's speed are reported, never asserted. */
  met?: boolean;
}
