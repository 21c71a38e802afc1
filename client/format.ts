// How times and counts read on the page. Always paired with <time datetime> so the exact value is there.
const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const dateOnly = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });
const dateLong = new Intl.DateTimeFormat(undefined, { dateStyle: 'long' });

export const formatDateTime = (iso: string) => dateTime.format(new Date(iso));
export const formatDate = (iso: string) => dateOnly.format(new Date(iso));
/** The month in words (e.g. "December 14, 2026"): for a single date that stands alone in a sentence. */
export const formatLongDate = (iso: string) => dateLong.format(new Date(iso));

/** The UTC calendar day, YYYY-MM-DD: a value for date inputs and API ranges (the reports count in UTC days), not for display. */
export const utcDay = (d: Date) => d.toISOString().slice(0, 10);

export const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** A `datetime-local` input's value (local time, no zone) → ISO 8601 UTC, or undefined when empty. */
export function localInputToIso(value: string | undefined | null): string | undefined {
  if (!value) return undefined;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

/**
 * A duration in the units people use: "45 min", "7 h", "7 h 20 min", "2 d 3 h" (two units at most, the
 * second left out when it is zero). Below a day it is rounded to the minute, from a day on to the hour.
 */
export function formatDuration(minutes: number): string {
  if (!Number.isFinite(minutes) || minutes < 0) return '—';
  const m = Math.round(minutes);
  if (m < 1) return 'under 1 min';
  if (m < 60) return `${m} min`;
  if (m < 24 * 60) {
    const h = Math.floor(m / 60);
    const rest = m % 60;
    return rest ? `${h} h ${rest} min` : `${h} h`;
  }
  const hours = Math.round(minutes / 60);
  const d = Math.floor(hours / 24);
  const rest = hours % 24;
  return rest ? `${d} d ${rest} h` : `${d} d`;
}

/** ISO 8601 → a `datetime-local` input's value in local time ('' for none): the inverse of localInputToIso. */
export function isoToLocalInput(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}
