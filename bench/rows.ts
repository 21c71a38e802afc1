// One result row of `npm run bench`, as written to bench/results/*.json and *.md.
//
// Each row has a stable `id` (so runs can be compared and an `--only` run can update its rows in
// latest.json), the figure and the baseline's figure as text (and as numbers where there is one), the
// ratio as a number (`ratio`, null when there is none) and as shown (`ratioText`), and `pass` (true or
// false against the target; null when the row has no target or could not run).

export type Status = 'pass' | 'fail' | 'n.a.' | 'info';

export interface Row {
  id: string;
  section: string;
  measurement: string;
  figure: string;
  baseline: string;
  /** Figure ÷ baseline (what `ratioText` says, as a number); null without a baseline. */
  ratio: number | null;
  ratioText: string;
  target: string;
  status: Status;
  pass: boolean | null;
  /** The figure and the baseline's figure as numbers, in `unit`, where they are one number. */
  value?: number;
  baselineValue?: number;
  unit?: string;
  notes?: string[];
  data?: unknown;
  /** Set on rows merged into latest.json from a later `--only` run: which run measured them. */
  run?: { date: string; commit: string; mode: string; scale: number; loadAverage?: string };
}

/** What the bench code writes: the ratio as shown ("0.56×", "n.a."); its number is read from it unless given. */
export type RowInput = Omit<Row, 'ratio' | 'ratioText' | 'pass'> & { ratio: string; ratioValue?: number | null };

export function toRow(input: RowInput): Row {
  const { ratio: ratioText, ratioValue, ...rest } = input;
  const parsed = ratioValue !== undefined ? ratioValue : Number.parseFloat(ratioText);
  return {
    ...rest,
    ratio: parsed !== null && Number.isFinite(parsed) ? Math.round(parsed * 1000) / 1000 : null,
    ratioText,
    pass: input.status === 'pass' ? true : input.status === 'fail' ? false : null,
  };
}

export interface ResultsMeta {
  date: string;
  commit: string;
  mode: string;
  scale: number;
  data: Record<string, number>;
  busiestTopicPosts: number;
  machine: string;
  node: string;
  postgres: string;
  connections: number;
  load: string;
  seconds: number;
  [more: string]: unknown;
}

/** A row as found in a results file: older files have no id and a ratio that is text. */
type StoredRow = Omit<Row, 'id' | 'ratio' | 'ratioText'> & { id?: string; ratio: number | string | null; ratioText?: string };

const cell = (s: string) => s.replace(/\|/g, '\\|');
const duration = (seconds: number) => (seconds < 60 ? `${seconds.toFixed(0)}s` : `${Math.floor(seconds / 60)}m${String(Math.round(seconds % 60)).padStart(2, '0')}s`);

export function resultsMarkdown(meta: ResultsMeta, rows: StoredRow[]): string {
  const ratioOf = (r: StoredRow) => r.ratioText ?? (r.ratio === null ? '—' : String(r.ratio));
  const merged = rows.filter((r) => r.run);
  return [
    `# Stoa benchmark results`,
    '',
    `${meta.date} · commit ${meta.commit} · ${meta.mode} run · scale ${meta.scale} (${Object.entries(meta.data).map(([k, v]) => `${k} ${v}`).join(', ')}; busiest topic ${meta.busiestTopicPosts} posts)`,
    '',
    `Machine: ${meta.machine} — load generator, servers and PostgreSQL ${meta.postgres} share it${meta.loadAverage ? ` (load average ${String(meta.loadAverage)})` : ''}. Node ${meta.node}. ${meta.connections} connections; ${meta.load}. Whole run ${duration(meta.seconds)}.`,
    ...(merged.length
      ? ['', `Rows marked † were measured later, by the run named in their note (an \`--only\` run merged into this file by row id).`]
      : []),
    '',
    '| Measurement | Figure | Baseline | Ratio | Target | Result |',
    '|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${cell(r.measurement)}${r.run ? ' †' : ''} | ${cell(r.figure)} | ${cell(r.baseline)} | ${cell(ratioOf(r))} | ${cell(r.target)} | ${r.status} |`),
    '',
    'Notes:',
    '',
    ...rows
      .filter((r) => r.notes?.length || r.run)
      .map((r) => {
        const run = r.run
          ? [`† ${r.run.mode} run of ${r.run.date} (commit ${r.run.commit}, scale ${r.run.scale}${r.run.loadAverage ? `, load average ${r.run.loadAverage}` : ''})`]
          : [];
        return `- ${cell(r.measurement)}: ${[...run, ...(r.notes ?? [])].join('; ')}`;
      }),
    '',
    'How to read this: bench/README.md.',
    '',
  ].join('\n');
}

/**
 * Puts `rows` (from an `--only` run described by `run`) into an earlier full run's results: a row
 * with the same id is replaced, a new id is added after the rows of its section (or at the end).
 */
export function mergeRows(previous: StoredRow[], rows: Row[], run: NonNullable<Row['run']>): StoredRow[] {
  const out = [...previous];
  for (const row of rows) {
    const tagged = { ...row, run };
    const at = out.findIndex((r) => r.id === row.id);
    if (at >= 0) out[at] = tagged;
    else {
      const lastOfSection = out.map((r) => r.section).lastIndexOf(row.section);
      out.splice(lastOfSection >= 0 ? lastOfSection + 1 : out.length, 0, tagged);
    }
  }
  return out;
}
