import { describe, expect, it } from 'vitest';
import {
  addWorkingDays,
  type Calendar,
  calendarFrom,
  chinaDay,
  coveredYears,
  covers,
  defaultCalendar,
  type HolidayYear,
  isWorkingDay,
  nationalHolidays,
  workingDaysBetween,
} from './calendar.js';

/** An instant given as Beijing wall-clock time, e.g. `beijing('2025-01-24T10:00')`. */
function beijing(wallClock: string): Date {
  return new Date(`${wallClock}+08:00`);
}

/** The due instant of a deadline ending on `day`: 24:00 Beijing time, less a millisecond. */
function endOf(day: string): Date {
  return new Date(`${day}T23:59:59.999+08:00`);
}

/** The national data plus one province's own entry. */
function withLocal(entry: Partial<HolidayYear> & { year: number }): Calendar {
  return calendarFrom([...nationalHolidays, { source: 'test', holidays: [], workdays: [], ...entry }]);
}

describe('chinaDay: the calendar day in Beijing (UTC+8)', () => {
  it.each<{ label: string; at: string; day: string }>([
    { label: 'an evening in UTC is the next morning in Beijing', at: '2025-01-27T20:00:00Z', day: '2025-01-28' },
    { label: 'the last millisecond before Beijing midnight', at: '2025-01-27T15:59:59.999Z', day: '2025-01-27' },
    { label: 'Beijing midnight', at: '2025-01-27T16:00:00Z', day: '2025-01-28' },
    { label: 'new year in Beijing while still old year in UTC', at: '2024-12-31T16:00:00Z', day: '2025-01-01' },
    { label: 'an instant given with another offset', at: '2025-03-07T00:30:00+08:00', day: '2025-03-07' },
  ])('$label', ({ at, day }) => {
    expect(chinaDay(new Date(at))).toBe(day);
  });
});

describe('isWorkingDay', () => {
  it.each<{ label: string; day: string; working: boolean }>([
    { label: 'an ordinary Monday', day: '2025-03-10', working: true },
    { label: 'an ordinary Saturday', day: '2025-03-08', working: false },
    { label: '除夕 2025, a Tuesday (a holiday from 2025 on)', day: '2025-01-28', working: false },
    { label: '春节 2025, its last day, a Tuesday', day: '2025-02-04', working: false },
    { label: '调休: Sunday 2025-01-26 is worked for 春节', day: '2025-01-26', working: true },
    { label: '调休: Saturday 2025-02-08 is worked for 春节', day: '2025-02-08', working: true },
    { label: '调休: Sunday 2024-09-29 is worked for 国庆节', day: '2024-09-29', working: true },
    { label: '调休: Saturday 2024-10-12 is worked for 国庆节', day: '2024-10-12', working: true },
    { label: '除夕 2024, a Friday, was not yet a holiday', day: '2024-02-09', working: true },
    { label: '国庆节 2024, a Monday', day: '2024-10-07', working: false },
    { label: '国庆节、中秋节 2025, its 8th day, a Wednesday', day: '2025-10-08', working: false },
    { label: '春节 2026, 正月初七, a Monday', day: '2026-02-23', working: false },
    { label: '调休: Sunday 2026-01-04 is worked for 元旦', day: '2026-01-04', working: true },
    { label: 'not covered: 2023-09-29 (中秋节 in fact) falls back to Mon–Fri', day: '2023-09-29', working: true },
    { label: 'not covered: 2027-01-01 (元旦 in fact) falls back to Mon–Fri', day: '2027-01-01', working: true },
  ])('$label', ({ day, working }) => {
    expect(isWorkingDay(day)).toBe(working);
  });
});

describe('addWorkingDays: the end of the n-th working day after the day of submission', () => {
  it.each<{ label: string; from: Date; days: number; due: string }>([
    {
      label: 'Friday + 10, no holidays: Friday two weeks later',
      from: beijing('2025-03-07T10:00'),
      days: 10,
      due: '2025-03-21',
    },
    { label: 'Thursday + 1: Friday', from: beijing('2025-03-06T10:00'), days: 1, due: '2025-03-07' },
    { label: 'Friday + 1: Monday', from: beijing('2025-03-07T10:00'), days: 1, due: '2025-03-10' },
    {
      // 1-26 (Sun, 调休), 1-27, then 2-05…2-07, 2-08 (Sat, 调休), 2-10…2-13; Mon–Fri alone would say 2-07
      label: '春节 2025: submitted the Friday before, the due date moves past the holiday',
      from: beijing('2025-01-24T10:00'),
      days: 10,
      due: '2025-02-13',
    },
    {
      label: '春节 2025: submitted on 除夕 (Monday evening UTC), counting starts after the holiday',
      from: new Date('2025-01-27T20:00:00Z'),
      days: 10,
      due: '2025-02-17',
    },
    {
      // 9-29 (Sun, 调休), 9-30, then 10-08…10-11, 10-12 (Sat, 调休), 10-14…10-16
      label: '国庆节 2024: the make-up Sunday and Saturday count as working days',
      from: beijing('2024-09-27T10:00'),
      days: 10,
      due: '2024-10-16',
    },
    {
      label: 'submitted on a Saturday: counting starts on Monday',
      from: beijing('2025-03-08T10:00'),
      days: 5,
      due: '2025-03-14',
    },
    {
      label: '0 days: the end of the day of submission',
      from: beijing('2025-03-07T10:00'),
      days: 0,
      due: '2025-03-07',
    },
    { label: '0 days on a holiday: still that day', from: beijing('2025-01-28T10:00'), days: 0, due: '2025-01-28' },
    {
      // 12-25, 12-26, 12-29…12-31, then 元旦 1-01…1-03, 1-04 (Sun, 调休), 1-05…1-08
      label: 'across the year boundary into 2026, with 元旦 and its make-up Sunday',
      from: beijing('2025-12-24T10:00'),
      days: 10,
      due: '2026-01-08',
    },
    {
      // 9-29 was 中秋节 and 10-02…10-06 国庆节 in fact, but 2023 is not in the data
      label: 'not covered (2023): plain Mon–Fri',
      from: beijing('2023-09-28T10:00'),
      days: 10,
      due: '2023-10-12',
    },
    {
      label: 'into an uncovered year (2027): 1-01 counts as a working day',
      from: beijing('2026-12-31T10:00'),
      days: 1,
      due: '2027-01-01',
    },
  ])('$label', ({ from, days, due }) => {
    const dueAt = addWorkingDays(from, days);
    expect(dueAt).toEqual(endOf(due));
    expect(chinaDay(dueAt)).toBe(due);
    // counting back over the same days gives the period again
    expect(workingDaysBetween(from, dueAt)).toBe(days);
  });

  it.each<{ label: string; from: string; day: string; due: string }>([
    {
      label: 'the last millisecond of Thursday in Beijing counts from Thursday',
      from: '2025-03-06T15:59:59.999Z',
      day: '2025-03-06',
      due: '2025-03-20T15:59:59.999Z',
    },
    {
      label: 'Beijing midnight counts from Friday',
      from: '2025-03-06T16:00:00.000Z',
      day: '2025-03-07',
      due: '2025-03-21T15:59:59.999Z',
    },
  ])('the UTC+8 day boundary: $label', ({ from, day, due }) => {
    expect(chinaDay(new Date(from))).toBe(day);
    expect(addWorkingDays(new Date(from), 10).toISOString()).toBe(due);
  });

  it('does not depend on the time of day within the Beijing day', () => {
    const morning = addWorkingDays(beijing('2025-01-24T00:00'), 10);
    const evening = addWorkingDays(beijing('2025-01-24T23:59:59.999'), 10);
    expect(morning).toEqual(evening);
  });
});

describe('workingDaysBetween', () => {
  it.each<{ label: string; from: Date; to: Date; days: number }>([
    { label: 'the same day', from: beijing('2025-03-07T09:00'), to: beijing('2025-03-07T18:00'), days: 0 },
    { label: 'Friday to Monday', from: beijing('2025-03-07T09:00'), to: beijing('2025-03-10T09:00'), days: 1 },
    { label: 'Monday back to Friday', from: beijing('2025-03-10T09:00'), to: beijing('2025-03-07T09:00'), days: -1 },
    {
      label: 'over 春节 2025, 9 calendar days',
      from: beijing('2025-01-27T09:00'),
      to: beijing('2025-02-05T09:00'),
      days: 1,
    },
    {
      label: 'over the UTC+8 boundary: 23:00 UTC Sunday is Monday in Beijing',
      from: beijing('2025-03-07T09:00'),
      to: new Date('2025-03-09T23:00:00Z'),
      days: 1,
    },
    {
      label: 'overdue: the due day itself is not yet overdue',
      from: endOf('2025-02-13'),
      to: beijing('2025-02-13T23:00'),
      days: 0,
    },
    { label: 'overdue: the next working day', from: endOf('2025-02-13'), to: beijing('2025-02-14T09:00'), days: 1 },
    { label: 'overdue: over a weekend', from: endOf('2025-02-13'), to: beijing('2025-02-17T09:00'), days: 2 },
    { label: 'time left: due in 3 working days', from: beijing('2025-02-10T09:00'), to: endOf('2025-02-13'), days: 3 },
  ])('$label', ({ from, to, days }) => {
    expect(workingDaysBetween(from, to)).toBe(days);
  });

  // 调休 moves days off but never adds or removes any, so a year's working days are its weekdays less its
  // statutory holidays: 11 in 2024, 13 from 2025 (国务院令第797号). A wrong day in the data breaks this.
  it.each<{ year: number; weekdays: number; statutory: number }>([
    { year: 2024, weekdays: 262, statutory: 11 },
    { year: 2025, weekdays: 261, statutory: 13 },
    { year: 2026, weekdays: 261, statutory: 13 },
  ])('$year has $weekdays weekdays less $statutory statutory holidays', ({ year, weekdays, statutory }) => {
    const days = workingDaysBetween(endOf(`${year - 1}-12-31`), endOf(`${year}-12-31`));
    expect(days).toBe(weekdays - statutory);
  });
});

describe('coverage: outside the data, Mon–Fri, and visibly so', () => {
  it('covers 2024 to 2026', () => {
    expect(coveredYears()).toEqual([2024, 2025, 2026]);
  });

  it.each<{ day: string; covered: boolean }>([
    { day: '2023-12-31', covered: false },
    { day: '2024-01-01', covered: true },
    { day: '2026-12-31', covered: true },
    { day: '2027-01-01', covered: false },
  ])('covers($day) is $covered', ({ day, covered }) => {
    expect(covers(day)).toBe(covered);
  });

  it('an empty calendar is plain Mon–Fri and covers nothing', () => {
    const none = calendarFrom([]);
    expect(coveredYears(none)).toEqual([]);
    expect(covers('2025-01-28', none)).toBe(false);
    expect(isWorkingDay('2025-01-28', none)).toBe(true);
    expect(isWorkingDay('2025-01-26', none)).toBe(false);
    expect(addWorkingDays(beijing('2025-01-24T10:00'), 10, none)).toEqual(endOf('2025-02-07'));
  });
});

describe('calendarFrom: other data, e.g. a province adding its own days', () => {
  const local = withLocal({ year: 2025, holidays: [{ name: '本地假日', first: '2025-03-10', last: '2025-03-10' }] });

  it.each<{ label: string; cal: Calendar; working: boolean; due: string }>([
    { label: 'the national calendar', cal: defaultCalendar, working: true, due: '2025-03-21' },
    { label: 'with a local day off on Monday 2025-03-10', cal: local, working: false, due: '2025-03-24' },
  ])('$label', ({ cal, working, due }) => {
    expect(isWorkingDay('2025-03-10', cal)).toBe(working);
    expect(addWorkingDays(beijing('2025-03-07T10:00'), 10, cal)).toEqual(endOf(due));
    // the national days are kept when a year is merged
    expect(isWorkingDay('2025-01-28', cal)).toBe(false);
    expect(isWorkingDay('2025-01-26', cal)).toBe(true);
  });

  it.each<{ label: string; build: () => unknown; message: RegExp }>([
    {
      label: 'a malformed day',
      build: () => withLocal({ year: 2025, holidays: [{ name: 'x', first: '2025-3-10', last: '2025-3-10' }] }),
      message: /not a day/,
    },
    {
      label: 'a day that does not exist',
      build: () => withLocal({ year: 2025, holidays: [{ name: 'x', first: '2025-02-29', last: '2025-02-29' }] }),
      message: /not a day/,
    },
    {
      label: 'a day outside its year',
      build: () => withLocal({ year: 2025, workdays: [{ day: '2026-03-07', holiday: 'x' }] }),
      message: /is not in 2025/,
    },
    {
      label: 'a period ending before it starts',
      build: () => withLocal({ year: 2025, holidays: [{ name: 'x', first: '2025-03-12', last: '2025-03-10' }] }),
      message: /ends 2025-03-10 before 2025-03-12/,
    },
    {
      label: 'a make-up working day on a weekday',
      build: () => withLocal({ year: 2025, workdays: [{ day: '2025-03-10', holiday: 'x' }] }),
      message: /not a weekend day/,
    },
    {
      label: 'a day both a holiday and a working day',
      build: () => withLocal({ year: 2025, workdays: [{ day: '2025-02-01', holiday: 'x' }] }),
      message: /both a holiday and a working day/,
    },
  ])('rejects $label', ({ build, message }) => {
    expect(build).toThrow(RangeError);
    expect(build).toThrow(message);
  });
});

describe('arguments that cannot be right', () => {
  it.each<{ label: string; call: () => unknown; message: RegExp }>([
    { label: 'a negative period', call: () => addWorkingDays(beijing('2025-03-07T10:00'), -1), message: /≥ 0/ },
    { label: 'a fractional period', call: () => addWorkingDays(beijing('2025-03-07T10:00'), 1.5), message: /≥ 0/ },
    { label: 'an invalid date', call: () => chinaDay(new Date('not a date')), message: /invalid date/ },
    { label: 'a malformed day', call: () => isWorkingDay('2025/03/10'), message: /not a day/ },
    { label: 'a malformed day for covers', call: () => covers('2025'), message: /not a day/ },
  ])('rejects $label', ({ call, message }) => {
    expect(call).toThrow(RangeError);
    expect(call).toThrow(message);
  });
});
