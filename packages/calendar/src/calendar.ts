/**
 * Working days (工作日) for the deadlines of the consent workflow: a provider answers an application within
 * a number of working days (10 by default, 国发〔2016〕51号).
 *
 * Days are calendar days in China time (UTC+8), because that is the day the provider's office lives in: an
 * application sent at 2025-01-27T20:00Z arrives on 除夕 2025-01-28, not on a Monday. China has had no
 * daylight saving time since 1991, so a fixed offset is exact.
 *
 * Counting follows the civil code's rules for periods (民法典 第二百零一条、第二百零三条): the day of
 * submission does not count, and a period ends at 24:00 of its last day.
 *
 * Outside the years the holiday data covers, working days fall back to Mon–Fri rather than failing: a
 * deadline is still needed when next year's notice is not out yet. `covers` lets a caller warn about it.
 */
import { type HolidayYear, nationalHolidays } from './holidays.js';

export type { HolidayPeriod, HolidayYear, MakeUpWorkday } from './holidays.js';
export { nationalHolidays } from './holidays.js';

/** Which days are holidays and which weekend days are working days, built by `calendarFrom`. */
export interface Calendar {
  /** the years the data covers, ascending; other years are Mon–Fri */
  readonly years: readonly number[];
  /** day (YYYY-MM-DD) → the holiday it belongs to */
  readonly holidays: ReadonlyMap<string, string>;
  /** weekend day (YYYY-MM-DD) that is a working day → the holiday it pays for */
  readonly workdays: ReadonlyMap<string, string>;
}

const DAY_MS = 86_400_000;
const CHINA_OFFSET_MS = 8 * 3_600_000;
const DAY_FORMAT = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * Builds a calendar from yearly data. Several entries for the same year are merged, so a province can add
 * its own days to the national ones: `calendarFrom([...nationalHolidays, ...ownDays])`.
 *
 * Throws RangeError on data that cannot be right (a malformed day, a day outside its entry's year, a
 * period that ends before it starts, a make-up working day that is not a weekend day, a day that is both
 * a holiday and a working day): a wrong calendar would silently move every deadline, so it fails when built.
 */
export function calendarFrom(data: readonly HolidayYear[]): Calendar {
  const years = new Set<number>();
  const holidays = new Map<string, string>();
  const workdays = new Map<string, string>();
  for (const entry of data) {
    const inYear = (day: string): number => {
      const n = dayNumber(day);
      if (yearOf(day) !== entry.year)
        throw new RangeError(`holiday data ${entry.year}: ${day} is not in ${entry.year}`);
      return n;
    };
    for (const p of entry.holidays) {
      const first = inYear(p.first);
      const last = inYear(p.last);
      if (last < first) throw new RangeError(`holiday data ${entry.year}: ${p.name} ends ${p.last} before ${p.first}`);
      for (let n = first; n <= last; n++) holidays.set(dayString(n), p.name);
    }
    for (const w of entry.workdays) {
      if (!isWeekend(inYear(w.day))) {
        throw new RangeError(`holiday data ${entry.year}: make-up working day ${w.day} is not a weekend day`);
      }
      workdays.set(w.day, w.holiday);
    }
    years.add(entry.year);
  }
  for (const day of workdays.keys()) {
    if (holidays.has(day)) throw new RangeError(`holiday data: ${day} is both a holiday and a working day`);
  }
  return { years: [...years].sort((a, b) => a - b), holidays, workdays };
}

/** The national calendar: the State Council's notices in holidays.ts. */
export const defaultCalendar: Calendar = calendarFrom(nationalHolidays);

/** The calendar day in China (UTC+8) of an instant, as YYYY-MM-DD. */
export function chinaDay(at: Date): string {
  const t = at.getTime();
  if (Number.isNaN(t)) throw new RangeError('chinaDay: invalid date');
  return new Date(t + CHINA_OFFSET_MS).toISOString().slice(0, 10);
}

/** A weekday that is not a holiday, or a weekend day made a working day by 调休. */
export function isWorkingDay(day: string, cal: Calendar = defaultCalendar): boolean {
  return isWorking(dayNumber(day), cal);
}

/** Whether the calendar's data covers the day's year; if not, the day was judged Mon–Fri only. */
export function covers(day: string, cal: Calendar = defaultCalendar): boolean {
  dayNumber(day);
  return cal.years.includes(yearOf(day));
}

/** The years the calendar's data covers, ascending. */
export function coveredYears(cal: Calendar = defaultCalendar): readonly number[] {
  return cal.years;
}

/**
 * The due instant of a period of `days` working days starting after the (China) day of `from`: the end of
 * the last of them, 23:59:59.999 Beijing time. With 0 days it is the end of the day of `from` itself.
 */
export function addWorkingDays(from: Date, days: number, cal: Calendar = defaultCalendar): Date {
  if (!Number.isInteger(days) || days < 0) {
    throw new RangeError(`addWorkingDays: days must be a whole number ≥ 0, got ${days}`);
  }
  let n = dayNumber(chinaDay(from));
  for (let left = days; left > 0; ) {
    n++;
    if (isWorking(n, cal)) left--;
  }
  return new Date((n + 1) * DAY_MS - CHINA_OFFSET_MS - 1);
}

/**
 * The working days after the (China) day of `from` up to and including the day of `to`; negative when `to`
 * is on an earlier day. So `workingDaysBetween(from, addWorkingDays(from, n)) === n`, and for a due instant
 * `workingDaysBetween(dueAt, now)` is how many working days an answer is overdue (0 on the due day itself).
 */
export function workingDaysBetween(from: Date, to: Date, cal: Calendar = defaultCalendar): number {
  const a = dayNumber(chinaDay(from));
  const b = dayNumber(chinaDay(to));
  let count = 0;
  for (let n = Math.min(a, b) + 1; n <= Math.max(a, b); n++) if (isWorking(n, cal)) count++;
  return b < a ? -count : count;
}

// Days are handled as whole-day numbers since 1970-01-01 (a proleptic calendar with no time zone), so the
// arithmetic never depends on the host's zone.

function isWorking(n: number, cal: Calendar): boolean {
  const day = dayString(n);
  if (cal.workdays.has(day)) return true;
  if (cal.holidays.has(day)) return false;
  return !isWeekend(n);
}

function isWeekend(n: number): boolean {
  const wd = new Date(n * DAY_MS).getUTCDay();
  return wd === 0 || wd === 6;
}

function dayNumber(day: string): number {
  const m = DAY_FORMAT.exec(day);
  const t = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : Number.NaN;
  // Date.UTC rolls 2025-02-30 over to March: only a day that reads back the same is a real one
  if (Number.isNaN(t) || new Date(t).toISOString().slice(0, 10) !== day) {
    throw new RangeError(`not a day (YYYY-MM-DD): ${day}`);
  }
  return t / DAY_MS;
}

function dayString(n: number): string {
  return new Date(n * DAY_MS).toISOString().slice(0, 10);
}

function yearOf(day: string): number {
  return Number(day.slice(0, 4));
}
