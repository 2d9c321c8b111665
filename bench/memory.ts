/**
 * Section 4: memory. Peak resident set size read from /proc (VmHWM, and VmRSS sampled during each row) of the
 * subgraph's own process during section 2, and of section 3's run process. bench/load.ts runs the whole
 * supergraph in one process, so section 3's figure is an upper bound for the subgraph, not the subgraph alone.
 */
import type { BudgetResult } from './budget.js';
import type { LatencyResult } from './latency.js';

export interface MemoryRow {
  id: string;
  /** whose memory */
  process: string;
  /** when and under what load */
  during: string;
  rssMb: number | null;
}

/** The memory rows from what sections 2 and 3 measured (a section that did not run gives no rows). */
export function memoryRows(latency: LatencyResult | null, budget: BudgetResult | null): MemoryRow[] {
  const rows: MemoryRow[] = [];
  if (latency) {
    const direct = latency.rows.filter((r) => r.cache === 'off' && r.target !== 'simulator');
    // c=1 rows run before any c=32 row, so each concurrency's peak is its own.
    const peakOf = (c: number) => Math.max(...direct.filter((r) => r.concurrency === c).map((r) => r.subgraphPeakRssMb ?? 0));
    rows.push({
      id: 'memory/subgraph/idle',
      process: 'subgraph',
      during: '(2) idle, right after start (~1 s after ready), before any request',
      rssMb: latency.memory.idleRssMb,
    });
    rows.push({
      id: 'memory/subgraph/idle-settled',
      process: 'subgraph',
      during: '(2) idle, settled: 15 s after ready, before any request',
      rssMb: latency.memory.settledIdleRssMb ?? null,
    });
    for (const c of [...new Set(direct.map((r) => r.concurrency))]) {
      rows.push({
        id: `memory/subgraph/latency/c=${c}`,
        process: 'subgraph',
        during: `(2) cache off, c=${c} (highest sampled RSS)`,
        rssMb: peakOf(c) || null,
      });
    }
    rows.push({
      id: 'memory/subgraph/latency/peak',
      process: 'subgraph',
      during: '(2) cache off, whole section (VmHWM)',
      rssMb: latency.memory.peakRssMb,
    });
    const heap = latency.memory.heapAfterGcMb;
    rows.push({
      id: 'memory/subgraph/heap-after-gc/idle',
      process: 'subgraph (V8 heap used)',
      during: '(2) after a full GC, before any request',
      rssMb: heap.idle,
    });
    rows.push({
      id: 'memory/subgraph/heap-after-gc/end',
      process: 'subgraph (V8 heap used)',
      during: '(2) after a full GC, after the whole section (retained)',
      rssMb: heap.end,
    });
    if (latency.memory.cacheOnPeakRssMb !== null) {
      rows.push({
        id: 'memory/subgraph/latency/cache=on/peak',
        process: 'subgraph',
        during: '(2) cache on, whole run (VmHWM)',
        rssMb: latency.memory.cacheOnPeakRssMb,
      });
    }
  }
  for (const row of budget?.rows ?? []) {
    const peaks = row.rungs.map((r) => r.processPeakRssMb).filter((m): m is number => m !== null);
    if (peaks.length === 0) continue;
    rows.push({
      id: `memory/budget/cache=${row.cache}/peak`,
      process: 'simulator + gateway + subgraph (one process)',
      during: `(3) cache ${row.cache}, highest of ${peaks.length} rung${peaks.length === 1 ? '' : 's'} (VmHWM)`,
      rssMb: Math.max(...peaks),
    });
  }
  return rows;
}
