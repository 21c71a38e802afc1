// Durations on the dashboard read in human units (issue 16): "7 h", not "420 median minutes".
import { describe, expect, it } from 'vitest';
import { formatDuration } from '../../client/format.js';

describe('formatDuration', () => {
  it.each([
    [0, 'under 1 min'],
    [0.4, 'under 1 min'],
    [1, '1 min'],
    [45, '45 min'],
    [45.4, '45 min'],
    [59.6, '1 h'], // rounds up into the next unit, never "60 min"
    [60, '1 h'],
    [420, '7 h'],
    [440, '7 h 20 min'],
    [1439.6, '1 d'], // not "24 h"
    [1440, '1 d'],
    [3060, '2 d 3 h'],
    [3061, '2 d 3 h'], // from a day on, to the hour
    [2 * 1440 + 23.6 * 60, '3 d'], // 2 d 23.6 h rounds to 3 d, not "2 d 24 h"
    [30 * 1440, '30 d'],
  ])('%s minutes → %s', (minutes, text) => {
    expect(formatDuration(minutes)).toBe(text);
  });

  it('says nothing misleading for impossible input', () => {
    expect(formatDuration(-5)).toBe('—');
    expect(formatDuration(Number.NaN)).toBe('—');
  });
});
